/**
 * The CUP "ECB" MAC (ISO8583-CUP.md "Keys, MAC and password"), over the MAC block = every byte
 * from the MTI up to, not including, field 64. Pure: the block cipher is passed in (DES under the
 * MAK's first 8 bytes for the 3DES set, SM4 for the SM4 set; src/main/issuer/iso8583/keysets.ts).
 *
 *   pad with 00 to the block size; XOR all blocks into R; H = upper-case hex of R as ASCII;
 *   E = enc(first block of H); E = enc(E XOR second block of H); MAC = first 8 hex chars of E, ASCII.
 */
import { Iso8583Error } from './errors';

export interface BlockCipher {
  readonly blockSize: 8 | 16;
  encrypt(block: Uint8Array): Uint8Array;
}

const HEX = '0123456789ABCDEF';
function upperHexAscii(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length * 2);
  b.forEach((v, i) => {
    out[2 * i] = HEX.charCodeAt(v >> 4);
    out[2 * i + 1] = HEX.charCodeAt(v & 15);
  });
  return out;
}

export function cupMac(cipher: BlockCipher, block: Uint8Array): Uint8Array {
  const bs = cipher.blockSize;
  const r = new Uint8Array(bs);
  for (let i = 0; i < block.length; i++) r[i % bs] ^= block[i]!; // zero padding XORs nothing
  const h = upperHexAscii(r);
  const e1 = cipher.encrypt(h.subarray(0, bs));
  const x = new Uint8Array(bs);
  for (let i = 0; i < bs; i++) x[i] = e1[i]! ^ h[bs + i]!;
  const e2 = cipher.encrypt(x);
  return upperHexAscii(e2.subarray(0, 4));
}

/** Constant-time comparison of two MACs; throws BAD_MAC when they differ. */
export function assertMac(expected: Uint8Array, got: Uint8Array | string | undefined): void {
  if (!(got instanceof Uint8Array) || got.length !== expected.length)
    throw new Iso8583Error('BAD_MAC', 'MAC missing or of the wrong size', 64);
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected[i]! ^ got[i]!;
  if (diff !== 0) throw new Iso8583Error('BAD_MAC', 'MAC does not match', 64);
}
