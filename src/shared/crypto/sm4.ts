/**
 * SM4 block cipher, GB/T 32907-2016 (128-bit block, 128-bit key, 32 rounds).
 *
 * The round function T = L ∘ τ (S-box then linear transform) is table-driven: four 256-entry
 * tables T0..T3 with Ti[x] = L(S(x) << (24 - 8i)), valid because L is linear over XOR and
 * commutes with rotation. Table look-ups are data-dependent memory accesses (as in every
 * pure-JS SM4); the keys protected here never leave this process.
 */
import { assertBytes } from './bytes';
import { CryptoError } from './errors';

/** S-box, GB/T 32907 §6.2 table 1 (row-major, 16×16). */
const SBOX_HEX =
  'd690e9fecce13db716b614c228fb2c052b679a762abe04c3aa44132649860699' +
  '9c4250f491ef987a33540b43edcfac62e4b31ca9c908e89580df94fa758f3fa6' +
  '4707a7fcf37317ba83593c19e6854fa8686b81b27164da8bf8eb0f4b70569d35' +
  '1e240e5e6358d1a225227c3b01217887d40046579fd327524c3602e7a0c4c89e' +
  'eabf8ad240c738b5a3f7f2cef96115a1e0ae5da49b341a55ad933230f58cb1e3' +
  '1df6e22e8266ca60c02923ab0d534e6fd5db3745defd8e2f03ff6a726d6c5b51' +
  '8d1baf92bbddbc7f11d95c411f105ad80ac13188a5cd7bbd2d74d012b8e5b4b0' +
  '8969974a0c96777e65b9f109c56ec68418f07dec3adc4d2079ee5f3ed7cb3948';
const SBOX = new Uint8Array(256);
for (let i = 0; i < 256; i++) SBOX[i] = parseInt(SBOX_HEX.slice(2 * i, 2 * i + 2), 16);

/** System parameter FK, GB/T 32907 §7.3. */
const FK = [0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc];

/** Fixed parameters CK: byte j of CK[i] is (4i + j) × 7 mod 256, GB/T 32907 §7.3. */
const CK = new Int32Array(32);
for (let i = 0; i < 32; i++) {
  let v = 0;
  for (let j = 0; j < 4; j++) v = (v << 8) | (((4 * i + j) * 7) & 0xff);
  CK[i] = v;
}

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));

/** Linear transform L of the round function, GB/T 32907 §6.2. */
const L = (b: number): number => b ^ rotl(b, 2) ^ rotl(b, 10) ^ rotl(b, 18) ^ rotl(b, 24);

const T0 = new Int32Array(256),
  T1 = new Int32Array(256),
  T2 = new Int32Array(256),
  T3 = new Int32Array(256);
for (let x = 0; x < 256; x++) {
  const t = L(SBOX[x]! << 24);
  T0[x] = t;
  T1[x] = rotl(t, 24);
  T2[x] = rotl(t, 16);
  T3[x] = rotl(t, 8);
}

/** τ: the S-box applied to each byte of a word (GB/T 32907 §6.2). */
function tau(a: number): number {
  return (
    (SBOX[a >>> 24]! << 24) |
    (SBOX[(a >>> 16) & 0xff]! << 16) |
    (SBOX[(a >>> 8) & 0xff]! << 8) |
    SBOX[a & 0xff]!
  );
}

/** Round keys rk0..rk31 (reversed for decryption), key schedule GB/T 32907 §7.3. */
export function sm4ExpandKey(key: Uint8Array, decrypt = false): Int32Array {
  assertBytes(key, 'SM4 key');
  if (key.length !== 16) throw new CryptoError('BAD_KEY', `SM4 key must be 16 bytes, got ${key.length}`);
  const k = new Int32Array(4);
  for (let i = 0; i < 4; i++) {
    k[i] =
      ((key[4 * i]! << 24) | (key[4 * i + 1]! << 16) | (key[4 * i + 2]! << 8) | key[4 * i + 3]!) ^ FK[i]!;
  }
  const rk = new Int32Array(32);
  for (let i = 0; i < 32; i++) {
    const b = tau(k[(i + 1) & 3]! ^ k[(i + 2) & 3]! ^ k[(i + 3) & 3]! ^ CK[i]!);
    const next = k[i & 3]! ^ b ^ rotl(b, 13) ^ rotl(b, 23); // L' of the key schedule
    k[i & 3] = next;
    rk[i] = next;
  }
  k.fill(0);
  if (decrypt) rk.reverse();
  return rk;
}

/**
 * One block through the 32 rounds with the given round keys (GB/T 32907 §7.1), reading
 * 16 bytes of `src` at `si`, writing 16 bytes of `dst` at `di`. Four rounds per iteration.
 */
export function sm4CryptBlock(
  rk: Int32Array,
  src: Uint8Array,
  si: number,
  dst: Uint8Array,
  di: number,
): void {
  let x0 = (src[si]! << 24) | (src[si + 1]! << 16) | (src[si + 2]! << 8) | src[si + 3]!;
  let x1 = (src[si + 4]! << 24) | (src[si + 5]! << 16) | (src[si + 6]! << 8) | src[si + 7]!;
  let x2 = (src[si + 8]! << 24) | (src[si + 9]! << 16) | (src[si + 10]! << 8) | src[si + 11]!;
  let x3 = (src[si + 12]! << 24) | (src[si + 13]! << 16) | (src[si + 14]! << 8) | src[si + 15]!;
  let t: number;
  for (let r = 0; r < 32; r += 4) {
    t = x1 ^ x2 ^ x3 ^ rk[r]!;
    x0 ^= T0[t >>> 24]! ^ T1[(t >>> 16) & 0xff]! ^ T2[(t >>> 8) & 0xff]! ^ T3[t & 0xff]!;
    t = x2 ^ x3 ^ x0 ^ rk[r + 1]!;
    x1 ^= T0[t >>> 24]! ^ T1[(t >>> 16) & 0xff]! ^ T2[(t >>> 8) & 0xff]! ^ T3[t & 0xff]!;
    t = x3 ^ x0 ^ x1 ^ rk[r + 2]!;
    x2 ^= T0[t >>> 24]! ^ T1[(t >>> 16) & 0xff]! ^ T2[(t >>> 8) & 0xff]! ^ T3[t & 0xff]!;
    t = x0 ^ x1 ^ x2 ^ rk[r + 3]!;
    x3 ^= T0[t >>> 24]! ^ T1[(t >>> 16) & 0xff]! ^ T2[(t >>> 8) & 0xff]! ^ T3[t & 0xff]!;
  }
  // Reverse transform R: output (X35, X34, X33, X32), GB/T 32907 §7.1.
  dst[di] = x3 >>> 24;
  dst[di + 1] = x3 >>> 16;
  dst[di + 2] = x3 >>> 8;
  dst[di + 3] = x3;
  dst[di + 4] = x2 >>> 24;
  dst[di + 5] = x2 >>> 16;
  dst[di + 6] = x2 >>> 8;
  dst[di + 7] = x2;
  dst[di + 8] = x1 >>> 24;
  dst[di + 9] = x1 >>> 16;
  dst[di + 10] = x1 >>> 8;
  dst[di + 11] = x1;
  dst[di + 12] = x0 >>> 24;
  dst[di + 13] = x0 >>> 16;
  dst[di + 14] = x0 >>> 8;
  dst[di + 15] = x0;
}

function oneBlock(key: Uint8Array, block: Uint8Array, decrypt: boolean): Uint8Array {
  assertBytes(block, 'SM4 block');
  if (block.length !== 16)
    throw new CryptoError('BAD_INPUT', `SM4 block must be 16 bytes, got ${block.length}`);
  const rk = sm4ExpandKey(key, decrypt);
  const out = new Uint8Array(16);
  sm4CryptBlock(rk, block, 0, out, 0);
  rk.fill(0);
  return out;
}

/** Encrypt one 16-byte block with a 16-byte key (GB/T 32907). */
export function sm4EncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  return oneBlock(key, block, false);
}

/** Decrypt one 16-byte block with a 16-byte key (GB/T 32907). */
export function sm4DecryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  return oneBlock(key, block, true);
}
