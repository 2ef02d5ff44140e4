/**
 * Packed BCD, two digits a byte, high nibble first (ISO 8583 `n` fields, CUP length prefixes).
 * Decoding is strict: a nibble above 9 is BAD_BCD, a pad nibble other than 0 is BAD_PAD, so what
 * decodes re-encodes to the same bytes.
 */
import { Iso8583Error } from './errors';

/** `digits` (0-9, and for track 2 `D`) into ceil(len/2) bytes, the 0 pad nibble on the given side. */
export function packDigits(
  digits: string,
  pad: 'left' | 'right',
  field?: number,
  allowD = false,
): Uint8Array {
  const odd = digits.length % 2 === 1;
  const s = odd ? (pad === 'left' ? '0' + digits : digits + '0') : digits;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let v: number;
    if (c >= 0x30 && c <= 0x39) v = c - 0x30;
    else if (allowD && c === 0x44) v = 0xd;
    else throw new Iso8583Error('BAD_VALUE', `not a digit at ${i}`, field);
    out[i >> 1] |= i % 2 === 0 ? v << 4 : v;
  }
  return out;
}

/** `count` digits from `bytes` (exactly ceil(count/2) of them), checking digits and the pad nibble. */
export function unpackDigits(
  bytes: Uint8Array,
  count: number,
  pad: 'left' | 'right',
  field?: number,
  allowD = false,
): string {
  const nibbles = bytes.length * 2;
  const skipFirst = count % 2 === 1 && pad === 'left';
  const skipLast = count % 2 === 1 && pad === 'right';
  let s = '';
  for (let i = 0; i < nibbles; i++) {
    const b = bytes[i >> 1]!;
    const v = i % 2 === 0 ? b >> 4 : b & 0x0f;
    if ((skipFirst && i === 0) || (skipLast && i === nibbles - 1)) {
      if (v !== 0) throw new Iso8583Error('BAD_PAD', `pad nibble ${v.toString(16)}`, field);
      continue;
    }
    if (v <= 9) s += String.fromCharCode(0x30 + v);
    else if (allowD && v === 0xd) s += 'D';
    else throw new Iso8583Error('BAD_BCD', `nibble ${v.toString(16)}`, field);
  }
  return s;
}
