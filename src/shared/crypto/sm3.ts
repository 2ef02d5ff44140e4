/**
 * SM3 cryptographic hash, GB/T 32905-2016 (also ISO/IEC 10118-3:2018).
 *
 * 32-bit words kept in int32 locals (`| 0`) so V8 stays on small-integer arithmetic. The 64
 * rounds run as two loops (FF/GG differ for j < 16 and j >= 16, GB/T 32905 §4.3–4.4), each
 * unrolled four rounds at a time with rotating register names, so no per-round shuffling of
 * the eight state words is needed.
 */
import { assertBytes } from './bytes';

/** Initial value IV, GB/T 32905 §4.1. */
const IV = new Int32Array([
  0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
]);

/** Tj <<< (j mod 32) for j = 0..63; Tj = 79cc4519 (j < 16), 7a879d8a (j >= 16), GB/T 32905 §4.2. */
const TJ = new Int32Array(64);
for (let j = 0; j < 64; j++) {
  const t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
  const r = j % 32;
  TJ[j] = r === 0 ? t : (t << r) | (t >>> (32 - r));
}

const BLOCK = 64;

/**
 * Compression function CF (GB/T 32905 §5.3.3) over `nBlocks` 64-byte blocks of `buf` from `off`.
 * `w` is a 68-word scratch array for the message expansion (§5.3.2).
 */
function compress(state: Int32Array, w: Int32Array, buf: Uint8Array, off: number, nBlocks: number): void {
  let a0 = state[0]!,
    b0 = state[1]!,
    c0 = state[2]!,
    d0 = state[3]!;
  let e0 = state[4]!,
    f0 = state[5]!,
    g0 = state[6]!,
    h0 = state[7]!;
  for (let blk = 0; blk < nBlocks; blk++, off += BLOCK) {
    for (let i = 0; i < 16; i++) {
      const o = off + 4 * i;
      w[i] = (buf[o]! << 24) | (buf[o + 1]! << 16) | (buf[o + 2]! << 8) | buf[o + 3]!;
    }
    for (let j = 16; j < 68; j++) {
      let x = w[j - 16]! ^ w[j - 9]! ^ ((w[j - 3]! << 15) | (w[j - 3]! >>> 17));
      x = x ^ ((x << 15) | (x >>> 17)) ^ ((x << 23) | (x >>> 9)); // P1
      const y = w[j - 13]!;
      w[j] = x ^ ((y << 7) | (y >>> 25)) ^ w[j - 6]!;
    }
    let A = a0,
      B = b0,
      C = c0,
      D = d0,
      E = e0,
      F = f0,
      G = g0,
      H = h0;
    let a12: number, ss1: number, tt2: number, wj: number;
    // Rounds 0..15: FF0 = GG0 = x ^ y ^ z (GB/T 32905 §4.3).
    for (let j = 0; j < 16; j += 4) {
      // round j+0
      a12 = (A << 12) | (A >>> 20);
      ss1 = (a12 + E + TJ[j + 0]!) | 0;
      ss1 = (ss1 << 7) | (ss1 >>> 25);
      wj = w[j + 0]!;
      D = ((A ^ B ^ C) + D + (ss1 ^ a12) + (wj ^ w[j + 4]!)) | 0;
      tt2 = ((E ^ F ^ G) + H + ss1 + wj) | 0;
      B = (B << 9) | (B >>> 23);
      F = (F << 19) | (F >>> 13);
      H = tt2 ^ ((tt2 << 9) | (tt2 >>> 23)) ^ ((tt2 << 17) | (tt2 >>> 15));
      // round j+1
      a12 = (D << 12) | (D >>> 20);
      ss1 = (a12 + H + TJ[j + 1]!) | 0;
      ss1 = (ss1 << 7) | (ss1 >>> 25);
      wj = w[j + 1]!;
      C = ((D ^ A ^ B) + C + (ss1 ^ a12) + (wj ^ w[j + 5]!)) | 0;
      tt2 = ((H ^ E ^ F) + G + ss1 + wj) | 0;
      A = (A << 9) | (A >>> 23);
      E = (E << 19) | (E >>> 13);
      G = tt2 ^ ((tt2 << 9) | (tt2 >>> 23)) ^ ((tt2 << 17) | (tt2 >>> 15));
      // round j+2
      a12 = (C << 12) | (C >>> 20);
      ss1 = (a12 + G + TJ[j + 2]!) | 0;
      ss1 = (ss1 << 7) | (ss1 >>> 25);
      wj = w[j + 2]!;
      B = ((C ^ D ^ A) + B + (ss1 ^ a12) + (wj ^ w[j + 6]!)) | 0;
      tt2 = ((G ^ H ^ E) + F + ss1 + wj) | 0;
      D = (D << 9) | (D >>> 23);
      H = (H << 19) | (H >>> 13);
      F = tt2 ^ ((tt2 << 9) | (tt2 >>> 23)) ^ ((tt2 << 17) | (tt2 >>> 15));
      // round j+3
      a12 = (B << 12) | (B >>> 20);
      ss1 = (a12 + F + TJ[j + 3]!) | 0;
      ss1 = (ss1 << 7) | (ss1 >>> 25);
      wj = w[j + 3]!;
      A = ((B ^ C ^ D) + A + (ss1 ^ a12) + (wj ^ w[j + 7]!)) | 0;
      tt2 = ((F ^ G ^ H) + E + ss1 + wj) | 0;
      C = (C << 9) | (C >>> 23);
      G = (G << 19) | (G >>> 13);
      E = tt2 ^ ((tt2 << 9) | (tt2 >>> 23)) ^ ((tt2 << 17) | (tt2 >>> 15));
    }
    // Rounds 16..63: FF1 = majority, GG1 = choose (GB/T 32905 §4.3).
    for (let j = 16; j < 64; j += 4) {
      // round j+0
      a12 = (A << 12) | (A >>> 20);
      ss1 = (a12 + E + TJ[j + 0]!) | 0;
      ss1 = (ss1 << 7) | (ss1 >>> 25);
      wj = w[j + 0]!;
      D = (((A & B) | (A & C) | (B & C)) + D + (ss1 ^ a12) + (wj ^ w[j + 4]!)) | 0;
      tt2 = (((E & F) | (~E & G)) + H + ss1 + wj) | 0;
      B = (B << 9) | (B >>> 23);
      F = (F << 19) | (F >>> 13);
      H = tt2 ^ ((tt2 << 9) | (tt2 >>> 23)) ^ ((tt2 << 17) | (tt2 >>> 15));
      // round j+1
      a12 = (D << 12) | (D >>> 20);
      ss1 = (a12 + H + TJ[j + 1]!) | 0;
      ss1 = (ss1 << 7) | (ss1 >>> 25);
      wj = w[j + 1]!;
      C = (((D & A) | (D & B) | (A & B)) + C + (ss1 ^ a12) + (wj ^ w[j + 5]!)) | 0;
      tt2 = (((H & E) | (~H & F)) + G + ss1 + wj) | 0;
      A = (A << 9) | (A >>> 23);
      E = (E << 19) | (E >>> 13);
      G = tt2 ^ ((tt2 << 9) | (tt2 >>> 23)) ^ ((tt2 << 17) | (tt2 >>> 15));
      // round j+2
      a12 = (C << 12) | (C >>> 20);
      ss1 = (a12 + G + TJ[j + 2]!) | 0;
      ss1 = (ss1 << 7) | (ss1 >>> 25);
      wj = w[j + 2]!;
      B = (((C & D) | (C & A) | (D & A)) + B + (ss1 ^ a12) + (wj ^ w[j + 6]!)) | 0;
      tt2 = (((G & H) | (~G & E)) + F + ss1 + wj) | 0;
      D = (D << 9) | (D >>> 23);
      H = (H << 19) | (H >>> 13);
      F = tt2 ^ ((tt2 << 9) | (tt2 >>> 23)) ^ ((tt2 << 17) | (tt2 >>> 15));
      // round j+3
      a12 = (B << 12) | (B >>> 20);
      ss1 = (a12 + F + TJ[j + 3]!) | 0;
      ss1 = (ss1 << 7) | (ss1 >>> 25);
      wj = w[j + 3]!;
      A = (((B & C) | (B & D) | (C & D)) + A + (ss1 ^ a12) + (wj ^ w[j + 7]!)) | 0;
      tt2 = (((F & G) | (~F & H)) + E + ss1 + wj) | 0;
      C = (C << 9) | (C >>> 23);
      G = (G << 19) | (G >>> 13);
      E = tt2 ^ ((tt2 << 9) | (tt2 >>> 23)) ^ ((tt2 << 17) | (tt2 >>> 15));
    }
    a0 ^= A;
    b0 ^= B;
    c0 ^= C;
    d0 ^= D;
    e0 ^= E;
    f0 ^= F;
    g0 ^= G;
    h0 ^= H;
  }
  state[0] = a0;
  state[1] = b0;
  state[2] = c0;
  state[3] = d0;
  state[4] = e0;
  state[5] = f0;
  state[6] = g0;
  state[7] = h0;
}

/** Incremental SM3. `digest()` finalises; the instance must not be updated afterwards. */
export class Sm3 {
  private readonly state = new Int32Array(IV);
  private readonly w = new Int32Array(68);
  private readonly buf = new Uint8Array(BLOCK);
  private bufLen = 0;
  private total = 0; // bytes; safe up to 2^53
  private done = false;

  update(d: Uint8Array): this {
    assertBytes(d, 'data');
    if (this.done) throw new Error('Sm3: update() after digest()');
    let pos = 0;
    const len = d.length;
    this.total += len;
    if (this.bufLen > 0) {
      const take = Math.min(BLOCK - this.bufLen, len);
      this.buf.set(d.subarray(0, take), this.bufLen);
      this.bufLen += take;
      pos = take;
      if (this.bufLen < BLOCK) return this;
      compress(this.state, this.w, this.buf, 0, 1);
      this.bufLen = 0;
    }
    const full = Math.floor((len - pos) / BLOCK);
    if (full > 0) {
      compress(this.state, this.w, d, pos, full);
      pos += full * BLOCK;
    }
    if (pos < len) {
      this.buf.set(d.subarray(pos), 0);
      this.bufLen = len - pos;
    }
    return this;
  }

  digest(): Uint8Array {
    if (this.done) throw new Error('Sm3: digest() called twice');
    this.done = true;
    // Padding, GB/T 32905 §5.2: 1 bit, zeros, 64-bit big-endian bit length.
    const buf = this.buf;
    let n = this.bufLen;
    buf[n++] = 0x80;
    if (n > BLOCK - 8) {
      buf.fill(0, n);
      compress(this.state, this.w, buf, 0, 1);
      n = 0;
    }
    buf.fill(0, n);
    const bits = this.total * 8;
    const hi = Math.floor(bits / 0x100000000);
    const lo = bits >>> 0;
    buf[56] = hi >>> 24;
    buf[57] = hi >>> 16;
    buf[58] = hi >>> 8;
    buf[59] = hi;
    buf[60] = lo >>> 24;
    buf[61] = lo >>> 16;
    buf[62] = lo >>> 8;
    buf[63] = lo;
    compress(this.state, this.w, buf, 0, 1);
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const v = this.state[i]!;
      out[4 * i] = v >>> 24;
      out[4 * i + 1] = v >>> 16;
      out[4 * i + 2] = v >>> 8;
      out[4 * i + 3] = v;
    }
    buf.fill(0);
    this.w.fill(0);
    return out;
  }
}

/** One-shot SM3 digest (32 bytes), GB/T 32905. */
export function sm3(data: Uint8Array): Uint8Array {
  return new Sm3().update(data).digest();
}
