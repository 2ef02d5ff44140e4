/**
 * Base32 (RFC 4648 §6, upper case, no padding) — QR alphanumeric mode holds it at 5.5 bits per
 * character, and keyboard-wedge scanners type it without case or layout trouble. Decoding is
 * strict: only A–Z and 2–7, and the unused trailing bits must be zero, so every string decodes to
 * different bytes (one changed character can never decode to the same payload).
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) INDEX[ALPHABET.charCodeAt(i)] = i;

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31];
  return out;
}

/** null for any character outside the alphabet, an impossible length, or non-zero trailing bits. */
export function base32Decode(text: string): Uint8Array | null {
  const rem = (text.length * 5) % 8;
  if (rem >= 5) return null; // a length no byte string encodes to (1, 3 or 6 chars mod 8)
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? INDEX[c]! : -1;
    if (v < 0) return null;
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return null;
  return out;
}
