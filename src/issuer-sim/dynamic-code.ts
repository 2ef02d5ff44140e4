/**
 * E-card dynamic codes (the `CT1:` QR, src/drivers/README.md). The code for a minute is the first
 * six decimal digits of HMAC-SM3(cardKey, pan ‖ ":" ‖ unixMinute), like a TOTP (RFC 6238) with a
 * 60 s step and SM3; cardKey = HMAC-SM3(issuer secret, pan). The issuer accepts the current minute
 * and the two before it (clock skew and the time a customer takes to show the phone).
 */
import { hmacSm3 } from '../shared/crypto';

const enc = new TextEncoder();

export function cardKey(secret: Uint8Array, pan: string): Uint8Array {
  return hmacSm3(secret, enc.encode(pan));
}

export function dynamicCodeFor(secret: Uint8Array, pan: string, unixMinute: number): string {
  const mac = hmacSm3(cardKey(secret, pan), enc.encode(`${pan}:${unixMinute}`));
  // RFC 4226 §5.3 dynamic truncation, applied to the 32-byte SM3 MAC.
  const off = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
  return String(bin % 1_000_000).padStart(6, '0');
}

export function ecardPayload(secret: Uint8Array, pan: string, now: Date): string {
  const minute = Math.floor(now.getTime() / 60_000);
  return `CT1:${pan}:${minute}:${dynamicCodeFor(secret, pan, minute)}`;
}

/** `dynamic` is "<unixMinute>:<6 digits>" as the scanner codec reports it. */
export function verifyDynamicCode(secret: Uint8Array, pan: string, dynamic: string, now: Date): boolean {
  const m = /^(\d{1,12}):(\d{6})$/.exec(dynamic);
  if (!m) return false;
  const minute = Number(m[1]);
  const current = Math.floor(now.getTime() / 60_000);
  if (minute > current + 1 || minute < current - 2) return false;
  return dynamicCodeFor(secret, pan, minute) === m[2];
}
