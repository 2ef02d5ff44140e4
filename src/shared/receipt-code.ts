/**
 * The receipt's dynamic verification code and the per-terminal receipt key it is made with
 * (docs/issuer-protocol.md "Receipt verification code"). Used by the terminal and by the issuer
 * (src/issuer-sim), which recomputes a code read out over the phone.
 *
 *   K_r   = HMAC-SM3(issuerReceiptMaster, "CardTill/receipt-key/v1|" ‖ terminalId)      (32 bytes)
 *   code  = HOTP dynamic truncation (RFC 4226 §5.3) of HMAC-SM3(K_r, M) mod 10^8
 *   M     = "CTRC1|" tid "|" stan "|" type "|" status "|" amountFen "|" balanceFen-or-empty "|" unixSeconds
 *
 * K_r reaches the terminal in the enrolment answer, sealed (sealSm4) under
 *   K_wrap = HMAC-SM3(UTF-8(enrolToken), "CardTill/enrol/v1/receipt-key-wrap|" ‖ terminalId)
 * with aad "CardTill/receipt-key/v1|" ‖ terminalId — only a holder of the enrolment token (the
 * terminal being set up) can open it, and it is not readable on the wire.
 */
import { hmacSm3, openSm4, sealSm4 } from './crypto';

const enc = new TextEncoder();

export interface CodeFields {
  terminalId: string;
  stan: number;
  type: string;
  status: string;
  amountFen: number;
  balanceFen?: number | null;
  /** ISO 8601 time of the transaction's final state (as journaled). */
  time: string;
}

export function codeMessage(f: CodeFields): string {
  const secs = Math.floor(Date.parse(f.time) / 1000);
  return `CTRC1|${f.terminalId}|${f.stan}|${f.type}|${f.status}|${f.amountFen}|${f.balanceFen ?? ''}|${secs}`;
}

/** 8 decimal digits. */
export function receiptCode(receiptKey: Uint8Array, f: CodeFields): string {
  const h = hmacSm3(receiptKey, enc.encode(codeMessage(f)));
  const off = h[h.length - 1]! & 0x0f; // RFC 4226 §5.3, on SM3's 32-byte output (offset ≤ 15, +3 ≤ 18)
  const bin = ((h[off]! & 0x7f) << 24) | (h[off + 1]! << 16) | (h[off + 2]! << 8) | h[off + 3]!;
  return String(bin % 100_000_000).padStart(8, '0');
}

/** "1234 5678": how it is printed and read out. */
export function formatCode(code: string): string {
  return `${code.slice(0, 4)} ${code.slice(4)}`;
}

export function deriveReceiptKey(issuerMaster: Uint8Array, terminalId: string): Uint8Array {
  return hmacSm3(issuerMaster, enc.encode(`CardTill/receipt-key/v1|${terminalId}`));
}

function wrapKey(enrolToken: string, terminalId: string): Uint8Array {
  return hmacSm3(enc.encode(enrolToken), enc.encode(`CardTill/enrol/v1/receipt-key-wrap|${terminalId}`));
}
const wrapAad = (terminalId: string) => enc.encode(`CardTill/receipt-key/v1|${terminalId}`);

export function wrapReceiptKey(receiptKey: Uint8Array, enrolToken: string, terminalId: string): string {
  return Buffer.from(sealSm4(wrapKey(enrolToken, terminalId), receiptKey, wrapAad(terminalId))).toString(
    'base64',
  );
}

/** Throws CryptoError('AUTH_FAILED') when the token or terminal id does not match. */
export function unwrapReceiptKey(wrapped: string, enrolToken: string, terminalId: string): Uint8Array {
  return openSm4(
    wrapKey(enrolToken, terminalId),
    new Uint8Array(Buffer.from(wrapped, 'base64')),
    wrapAad(terminalId),
  );
}
