/**
 * SM4 modes of operation: CBC with PKCS#7 padding, and CTR (128-bit big-endian counter).
 * Byte-compatible with OpenSSL's `sm4-cbc` / `sm4-ctr` and sm-crypto's `sm4` (cbc, pkcs#7).
 */
import { assertBytes } from './bytes';
import { CryptoError } from './errors';
import { sm4CryptBlock, sm4ExpandKey } from './sm4';

function checkIv(iv: Uint8Array): void {
  assertBytes(iv, 'iv');
  if (iv.length !== 16) throw new CryptoError('BAD_INPUT', `IV must be 16 bytes, got ${iv.length}`);
}

/** SM4-CBC encryption with PKCS#7 padding (always adds 1..16 bytes). */
export function sm4CbcEncrypt(key: Uint8Array, iv: Uint8Array, plain: Uint8Array): Uint8Array {
  checkIv(iv);
  assertBytes(plain, 'plaintext');
  const rk = sm4ExpandKey(key, false);
  const pad = 16 - (plain.length % 16);
  const out = new Uint8Array(plain.length + pad);
  out.set(plain);
  out.fill(pad, plain.length);
  let prev: Uint8Array = iv;
  let po = 0;
  for (let o = 0; o < out.length; o += 16) {
    for (let i = 0; i < 16; i++) out[o + i]! ^= prev[po + i]!;
    sm4CryptBlock(rk, out, o, out, o);
    prev = out;
    po = o;
  }
  rk.fill(0);
  return out;
}

/** SM4-CBC decryption; throws CryptoError('BAD_PADDING') when the PKCS#7 padding is invalid. */
export function sm4CbcDecrypt(key: Uint8Array, iv: Uint8Array, ct: Uint8Array): Uint8Array {
  checkIv(iv);
  assertBytes(ct, 'ciphertext');
  if (ct.length === 0 || ct.length % 16 !== 0) {
    throw new CryptoError(
      'BAD_INPUT',
      `CBC ciphertext length must be a positive multiple of 16, got ${ct.length}`,
    );
  }
  const rk = sm4ExpandKey(key, true);
  const out = new Uint8Array(ct.length);
  for (let o = 0; o < ct.length; o += 16) {
    sm4CryptBlock(rk, ct, o, out, o);
    const prev = o === 0 ? iv : ct;
    const po = o === 0 ? 0 : o - 16;
    for (let i = 0; i < 16; i++) out[o + i]! ^= prev[po + i]!;
  }
  rk.fill(0);
  // Check all 16 trailing bytes without early exit on the first mismatch.
  const pad = out[out.length - 1]!;
  let bad = pad === 0 || pad > 16 ? 1 : 0;
  for (let i = 1; i <= 16; i++) {
    const inPad = i <= pad ? 1 : 0;
    bad |= inPad & (out[out.length - i]! !== pad ? 1 : 0);
  }
  if (bad) {
    out.fill(0);
    throw new CryptoError('BAD_PADDING', 'SM4-CBC: invalid padding (wrong key or corrupted data)');
  }
  return out.slice(0, out.length - pad);
}

/**
 * SM4-CTR: keystream E(K, ctr), E(K, ctr+1), … where the 16-byte IV is the initial counter block,
 * incremented as a 128-bit big-endian integer (as OpenSSL's sm4-ctr). Same call encrypts and
 * decrypts. Never reuse a (key, iv) pair.
 */
export function sm4Ctr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkIv(iv);
  assertBytes(data, 'data');
  const rk = sm4ExpandKey(key, false);
  const ctr = iv.slice();
  const ks = new Uint8Array(16);
  const out = new Uint8Array(data.length);
  for (let o = 0; o < data.length; o += 16) {
    sm4CryptBlock(rk, ctr, 0, ks, 0);
    const n = Math.min(16, data.length - o);
    for (let i = 0; i < n; i++) out[o + i] = data[o + i]! ^ ks[i]!;
    for (let i = 15; i >= 0; i--) {
      ctr[i] = (ctr[i]! + 1) & 0xff;
      if (ctr[i] !== 0) break;
    }
  }
  rk.fill(0);
  ks.fill(0);
  return out;
}
