/**
 * What a scanned code means to CardTill. Pure; never throws on input.
 *
 *  (a) a plain card number: 12–19 digits, Luhn-valid (ISO/IEC 7812-1, src/shared/card.ts);
 *  (b) an e-card QR   `CT1:<pan>:<unixMinute>:<code6>` (format in src/drivers/README.md) — only its
 *      shape is checked here; the issuer verifies the dynamic code;
 *  (c) a GS1 gift card: GTIN (AI 01, check digit verified) + serial (AI 21) → pan = serial;
 *  (d) a CardTill receipt QR starting `CTR1`: passed through as text, verified elsewhere.
 * Anything else is SCAN_UNREADABLE.
 */
import { isLuhnValid } from '../../shared/card';
import type { CardPresented, EntryMode } from '../../shared/devices';
import { parseGs1Parens, parseGs1Raw, GS } from './gs1';
import { stripSymbologyId, type Symbology } from './symbology';

export type ScanResult =
  | { kind: 'card'; card: CardPresented; symbology?: Symbology }
  | { kind: 'receipt'; text: string; symbology?: Symbology }
  /** `detail` says what was wrong; it never repeats the payload. */
  | { kind: 'error'; code: 'SCAN_UNREADABLE'; detail: string };

/** e-card QR (CardTill issuer format, version 1). */
export const ECARD_QR_RE = /^CT1:(\d{12,19}):(0|[1-9]\d{0,11}):(\d{6})$/;
export const RECEIPT_QR_PREFIX = 'CTR1';

const unreadable = (detail: string): ScanResult => ({ kind: 'error', code: 'SCAN_UNREADABLE', detail });

/**
 * A control character in a scan means a wrong scanner setting or line noise (ISO/IEC 646 C0, DEL,
 * and the C1 range). GS (0x1D) is allowed: it is FNC1 inside a GS1 element string.
 */
function controlCharAt(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x1d) || (c >= 0x7f && c <= 0x9f)) return i;
  }
  return -1;
}

/** Parses one scan (AIM identifier included, framing already removed). */
export function parseScan(raw: string, entryMode: EntryMode = 'scan'): ScanResult {
  if (raw.length === 0) return unreadable('empty');
  const bad = controlCharAt(raw);
  if (bad >= 0) return unreadable(`control character at offset ${bad}`);
  const { symbology, data } = stripSymbologyId(raw);
  const withSym = <T extends object>(r: T): T & { symbology?: Symbology } =>
    symbology ? { ...r, symbology } : r;
  if (data.length === 0) return unreadable('empty');

  if (data.startsWith(RECEIPT_QR_PREFIX)) {
    if (data.includes(GS)) return unreadable('control character in receipt code');
    return withSym({ kind: 'receipt' as const, text: data });
  }

  if (data.startsWith('CT1:')) {
    const m = ECARD_QR_RE.exec(data);
    if (!m) return unreadable('e-card code malformed');
    const [, pan, minute, code] = m as unknown as [string, string, string, string];
    if (!isLuhnValid(pan)) return unreadable('e-card number check digit');
    return withSym({ kind: 'card' as const, card: { pan, entryMode, dynamicCode: `${minute}:${code}` } });
  }

  if (/^\d{12,19}$/.test(data) && !symbology?.gs1) {
    if (!isLuhnValid(data)) return unreadable('card number check digit');
    return withSym({ kind: 'card' as const, card: { pan: data, entryMode } });
  }

  const gs1 = data.startsWith('(')
    ? parseGs1Parens(data)
    : symbology?.gs1 || data.startsWith(GS) || /^01\d{14}/.test(data)
      ? parseGs1Raw(data)
      : undefined;
  if (gs1 === undefined) return unreadable('not a card, e-card or receipt code');
  if (!gs1.ok) return unreadable(`GS1: ${gs1.reason}`);
  const gtin = gs1.fields.get('01');
  const serial = gs1.fields.get('21');
  if (!gtin || !serial) return unreadable('GS1 code without GTIN (01) and serial (21)');
  return withSym({ kind: 'card' as const, card: { pan: serial, entryMode, gtin } });
}
