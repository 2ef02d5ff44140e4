/**
 * ISO/IEC 7813 track 1 / track 2 (and ISO 4909 track 3) decoding and encoding. Pure: no Node
 * imports, no I/O, never throws on input; the text never leaves this module except as the fields of
 * a CardPresented (DESIGN.md: track data is never logged or written anywhere).
 *
 * Character sets and the LRC are those of ISO/IEC 7811-2 (magnetic stripe, low coercivity; the same
 * in 7811-6 for high coercivity), as a reader that "sends ASCII" shows them:
 *   - track 1 (IATA, 210 bpi): 6-bit characters + odd parity bit; ASCII 0x20–0x5F, code = ASCII − 0x20.
 *     Start sentinel '%' (code 0x05), field separator '^' (0x3E), end sentinel '?' (0x1F).
 *     At most 79 characters including sentinels and LRC.
 *   - track 2 (ABA, 75 bpi) and track 3 (ISO 4909, 210 bpi): 4-bit BCD characters + odd parity bit;
 *     ASCII 0x30–0x3F, code = ASCII − 0x30. Start sentinel ';' (0xB), separator '=' (0xD), end
 *     sentinel '?' (0xF). At most 40 (track 2) / 107 (track 3) characters.
 *   - LRC ("longitudinal redundancy check character", ISO/IEC 7811-2): each data bit position,
 *     parity bit excluded, has even parity over all characters from the start sentinel to the end
 *     sentinel plus the LRC itself — i.e. LRC code = XOR of the codes of SS…ES. The LRC has its own
 *     odd parity bit like any character; a reader that sends ASCII maps its code like any other
 *     character (track 1: code + 0x20, track 2/3: code + 0x30) and sends it right after the ES.
 *
 * Field layout (ISO/IEC 7813, "format B" for track 1):
 *   track 1:  % B PAN(≤19) ^ NAME(2–26) ^ YYMM SSS discretionary ? [LRC]
 *   track 2:  ; PAN(≤19) = YYMM SSS discretionary ? [LRC]
 * An absent expiry or service code is replaced by a field separator. Closed-loop cards use 12–19
 * digit numbers with a Luhn check digit (src/shared/card.ts), which we require as a last guard
 * against misreads when the reader does not pass the LRC.
 */
import { PAN_RE, isLuhnValid } from '../../shared/card';

export type TrackNo = 1 | 2 | 3;

export type TrackFault =
  | 'end-sentinel' // no '?' before the next track or the end of the frame
  | 'charset' // a character outside the track's set
  | 'length' // longer than the standard allows
  | 'lrc' // LRC missing or wrong
  | 'format-code' // track 1 not format 'B' (readers send "%E?" for a read error)
  | 'separator' // field separator missing
  | 'pan' // not 12–19 digits or Luhn check fails
  | 'name' // track 1 name not 2–26 characters
  | 'expiry' // not YYMM with month 01–12
  | 'service-code'; // not 3 digits

export interface TrackFields {
  pan: string;
  expiry?: string;
  serviceCode?: string;
  name?: string;
}

export type TrackResult = { ok: true; fields: TrackFields } | { ok: false; fault: TrackFault };

interface Charset {
  readonly base: number;
  readonly bits: number;
  readonly ss: string;
  readonly fs: string;
  readonly maxChars: number;
}

/** ISO/IEC 7811-2 character sets as ASCII ranges (see header). */
export const TRACK1_CHARSET: Charset = { base: 0x20, bits: 6, ss: '%', fs: '^', maxChars: 79 };
export const TRACK2_CHARSET: Charset = { base: 0x30, bits: 4, ss: ';', fs: '=', maxChars: 40 };
export const TRACK3_CHARSET: Charset = { base: 0x30, bits: 4, ss: ';', fs: '=', maxChars: 107 };
const END_SENTINEL = '?';

function inCharset(cs: Charset, text: string): boolean {
  const top = cs.base + (1 << cs.bits);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < cs.base || c >= top) return false;
  }
  return true;
}

/** LRC of a track from its start sentinel to its end sentinel inclusive, as the ASCII character. */
export function lrcChar(cs: Charset, ssToEs: string): string {
  let x = 0;
  for (let i = 0; i < ssToEs.length; i++) x ^= ssToEs.charCodeAt(i) - cs.base;
  return String.fromCharCode(cs.base + (x & ((1 << cs.bits) - 1)));
}

/**
 * Checks sentinels, charset, length and (when given) the LRC of one track as sent by the reader:
 * `ssToEs` runs from the start sentinel to the end sentinel inclusive.
 */
function checkFrame(
  cs: Charset,
  ssToEs: string,
  lrc: string | undefined,
  expectLrc: boolean,
): TrackFault | undefined {
  if (!ssToEs.endsWith(END_SENTINEL) || ssToEs.length < 2) return 'end-sentinel';
  if (!inCharset(cs, ssToEs)) return 'charset';
  if (ssToEs.length + (expectLrc ? 1 : 0) > cs.maxChars) return 'length';
  if (expectLrc) {
    if (lrc === undefined || lrc !== lrcChar(cs, ssToEs)) return 'lrc';
  }
  return undefined;
}

function checkPan(pan: string): boolean {
  return PAN_RE.test(pan) && isLuhnValid(pan);
}

/** YYMM, month 01–12; or a field separator meaning "absent". Returns [value, rest] or a fault. */
function takeExpiryAndService(
  rest: string,
  fs: string,
): { expiry?: string; serviceCode?: string } | TrackFault {
  let expiry: string | undefined;
  let serviceCode: string | undefined;
  if (rest.startsWith(fs)) rest = rest.slice(1);
  else {
    const e = rest.slice(0, 4);
    if (!/^\d{4}$/.test(e)) return 'expiry';
    const month = Number(e.slice(2));
    if (month < 1 || month > 12) return 'expiry';
    expiry = e;
    rest = rest.slice(4);
  }
  if (rest.startsWith(fs)) rest = rest.slice(1);
  else if (rest.length > 0) {
    const s = rest.slice(0, 3);
    if (!/^\d{3}$/.test(s)) return 'service-code';
    serviceCode = s;
  }
  return { ...(expiry ? { expiry } : {}), ...(serviceCode ? { serviceCode } : {}) };
}

/** Track 1, format B. `lrc` is the character the reader sent after the ES, if it sends one. */
export function decodeTrack1(ssToEs: string, lrc?: string, expectLrc = false): TrackResult {
  const bad = checkFrame(TRACK1_CHARSET, ssToEs, lrc, expectLrc);
  if (bad) return { ok: false, fault: bad };
  const body = ssToEs.slice(1, -1);
  if (body[0] !== 'B') return { ok: false, fault: 'format-code' };
  const parts = body.slice(1).split('^');
  if (parts.length < 3) return { ok: false, fault: 'separator' };
  const [pan = '', rawName = '', ...tail] = parts;
  if (!checkPan(pan)) return { ok: false, fault: 'pan' };
  if (rawName.length < 2 || rawName.length > 26) return { ok: false, fault: 'name' };
  // Discretionary data may itself hold '^'; only the first field after the name is structured.
  const rest = tail.join('^');
  const es = takeExpiryAndService(rest, '^');
  if (typeof es === 'string') return { ok: false, fault: es };
  const name = rawName.trim();
  return { ok: true, fields: { pan, ...es, ...(name ? { name } : {}) } };
}

/** Track 2 (or a track 3 carrying the same layout). */
export function decodeTrack2(ssToEs: string, lrc?: string, expectLrc = false): TrackResult {
  const bad = checkFrame(TRACK2_CHARSET, ssToEs, lrc, expectLrc);
  if (bad) return { ok: false, fault: bad };
  const body = ssToEs.slice(1, -1);
  const sep = body.indexOf('=');
  if (sep < 0) return { ok: false, fault: 'separator' };
  const pan = body.slice(0, sep);
  if (!checkPan(pan)) return { ok: false, fault: 'pan' };
  const rest = body.slice(sep + 1);
  // ':' '<' '>' are "hardware control" characters in the 5-bit set, never data.
  if (/[:;<>?]/.test(rest)) return { ok: false, fault: 'charset' };
  const es = takeExpiryAndService(rest, '=');
  if (typeof es === 'string') return { ok: false, fault: es };
  return { ok: true, fields: { pan, ...es } };
}

/**
 * Track 3 (ISO 4909): only its sentinels, charset, length and LRC are checked; its fields are
 * issuer-specific and CardTill takes nothing from it.
 */
export function checkTrack3(ssToEs: string, lrc?: string, expectLrc = false): TrackFault | undefined {
  return checkFrame(TRACK3_CHARSET, ssToEs.startsWith('+') ? ';' + ssToEs.slice(1) : ssToEs, lrc, expectLrc);
}

export interface EncodeInput {
  pan: string;
  /** YYMM */
  expiry?: string;
  serviceCode?: string;
  /** As on the card, "SURNAME/GIVEN". */
  name?: string;
  discretionary?: string;
}

/** Track 1 text from SS to ES (plus the LRC character when `withLrc`). For simulators and tests. */
export function encodeTrack1(c: EncodeInput, withLrc = false): string {
  const name = (c.name ?? 'CARDHOLDER/CARDTILL')
    .toUpperCase()
    .replace(/[^\x20-\x5F]|[%^?]/g, ' ')
    .slice(0, 26)
    .padEnd(2, ' ');
  const t = `%B${c.pan}^${name}^${c.expiry ?? '^'}${c.serviceCode ?? (c.expiry ? '^' : '')}${c.discretionary ?? ''}?`;
  return withLrc ? t + lrcChar(TRACK1_CHARSET, t) : t;
}

/** Track 2 text from SS to ES (plus the LRC character when `withLrc`). For simulators and tests. */
export function encodeTrack2(c: EncodeInput, withLrc = false): string {
  const dd = (c.discretionary ?? '').replace(/\D/g, '');
  const t = `;${c.pan}=${c.expiry ?? '='}${c.serviceCode ?? (c.expiry ? '=' : '')}${dd}?`;
  return withLrc ? t + lrcChar(TRACK2_CHARSET, t) : t;
}
