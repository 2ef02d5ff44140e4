/**
 * Fixed-base comb multiplication on the SM2 curve, used by signing (k·G) and verification
 * (s·G + t·P). Why not noble's own `multiply`: its constant-time wNAF adds a "fake" point in every
 * window to hide zero digits (two full additions per window), and its complete formulas are the
 * generic-a ones. Here:
 *
 *  - Scalars are recoded into REGULAR odd signed digits (Joye–Tunstall 2009, "Exponent recoding
 *    and regular exponentiation algorithms", Alg. 6): every window has a non-zero digit
 *    d ∈ {±1, ±3, …, ±(2^W − 1)}, so every window costs exactly one addition — the same sequence of
 *    operations whatever the scalar, without fake additions.
 *  - The table holds, for window i, the AFFINE points (2j+1)·2^(W·i)·G, so each addition is a
 *    mixed addition (Z2 = 1).
 *  - Additions use the complete projective formulas of Renes–Costello–Batina 2016 (ePrint
 *    2015/1060) Alg. 5 for a = −3 (SM2's a is p − 3, GB/T 32918.5): no exceptional cases, so no
 *    branch on the point values; the accumulator may pass through infinity.
 *
 * Caveat (same as noble's): JavaScript BigInt arithmetic is not constant-time at the machine level;
 * "constant-time" here means the sequence of field operations and table accesses per window does
 * not depend on whether a digit is zero, and signing adds a random multiple of n to k (scalar
 * blinding) so repeated signatures do not repeat the digit pattern of one k.
 */
import { SM2_CURVE, Sm2Point, type Sm2PointT } from './sm2-curve';

const P = SM2_CURVE.p;
const B = SM2_CURVE.b;

const mul = (a: bigint, b: bigint): bigint => (a * b) % P;
const add = (a: bigint, b: bigint): bigint => {
  const s = a + b;
  return s >= P ? s - P : s;
};
const sub = (a: bigint, b: bigint): bigint => {
  const s = a - b;
  return s < 0n ? s + P : s;
};

/** Modular inverse by extended Euclid (variable-time; inputs here are public or Z-randomized). */
export function invP(a: bigint): bigint {
  let x = a % P;
  if (x < 0n) x += P;
  if (x === 0n) throw new RangeError('inverse of zero');
  let r0: bigint = P;
  let r1: bigint = x;
  let s0 = 0n;
  let s1 = 1n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return s0 < 0n ? s0 + P : s0;
}

/** Projective accumulator (X : Y : Z), x = X/Z, y = Y/Z; Z = 0 is the point at infinity. */
export interface Proj {
  X: bigint;
  Y: bigint;
  Z: bigint;
}

/**
 * acc ← acc + (x2, y2), RCB 2016 Alg. 5 (mixed addition, a = −3): 11M + 2m_b + 23a, complete for
 * any acc (including infinity) and any affine (x2, y2) on the curve.
 */
function addMixedInto(acc: Proj, x2: bigint, y2: bigint): void {
  const { X: X1, Y: Y1, Z: Z1 } = acc;
  let t0 = mul(X1, x2);
  let t1 = mul(Y1, y2);
  let t3 = add(x2, y2);
  let t4 = add(X1, Y1);
  t3 = mul(t3, t4);
  t4 = add(t0, t1);
  t3 = sub(t3, t4);
  t4 = mul(y2, Z1);
  t4 = add(t4, Y1);
  let Y3 = mul(x2, Z1);
  Y3 = add(Y3, X1);
  let Z3 = mul(B, Z1);
  let X3 = sub(Y3, Z3);
  Z3 = add(X3, X3);
  X3 = add(X3, Z3);
  Z3 = sub(t1, X3);
  X3 = add(t1, X3);
  Y3 = mul(B, Y3);
  t1 = add(Z1, Z1);
  let t2 = add(t1, Z1);
  Y3 = sub(Y3, t2);
  Y3 = sub(Y3, t0);
  t1 = add(Y3, Y3);
  Y3 = add(t1, Y3);
  t1 = add(t0, t0);
  t0 = add(t1, t0);
  t0 = sub(t0, t2);
  t1 = mul(t4, Y3);
  t2 = mul(t0, Y3);
  Y3 = mul(X3, Z3);
  Y3 = add(Y3, t2);
  X3 = mul(X3, t3);
  X3 = sub(X3, t1);
  Z3 = mul(t4, Z3);
  t1 = mul(t3, t0);
  Z3 = add(Z3, t1);
  acc.X = X3;
  acc.Y = Y3;
  acc.Z = Z3;
}

/** Affine odd multiples per window: xs[i][j], ys[i][j] = (2j+1)·2^(W·i)·Q. */
export interface CombTable {
  w: number;
  windows: number;
  xs: bigint[][];
  ys: bigint[][];
}

/** Windows needed for scalars below 2^bits (see recode()). */
export function windowsFor(bits: number, w: number): number {
  return Math.ceil(bits / w) + 1;
}

/** Builds the comb table of Q: `windows` windows of 2^(w-1) affine points, one batch inversion. */
export function buildCombTable(Q: Sm2PointT, w: number, windows: number): CombTable {
  const half = 1 << (w - 1);
  const pts: Sm2PointT[] = [];
  let base = Q;
  for (let i = 0; i < windows; i++) {
    const twice = base.double();
    let e = base;
    for (let j = 0; j < half; j++) {
      pts.push(e);
      e = e.add(twice);
    }
    for (let k = 0; k < w; k++) base = base.double();
  }
  // Montgomery's trick: one inversion for every Z.
  const zs = pts.map((p) => p.Z);
  const prefix: bigint[] = new Array<bigint>(zs.length);
  let accZ = 1n;
  for (let i = 0; i < zs.length; i++) {
    prefix[i] = accZ;
    accZ = mul(accZ, zs[i]!);
  }
  let inv = invP(accZ);
  const zInv: bigint[] = new Array<bigint>(zs.length);
  for (let i = zs.length - 1; i >= 0; i--) {
    zInv[i] = mul(inv, prefix[i]!);
    inv = mul(inv, zs[i]!);
  }
  const xs: bigint[][] = [];
  const ys: bigint[][] = [];
  for (let i = 0; i < windows; i++) {
    const rx: bigint[] = [];
    const ry: bigint[] = [];
    for (let j = 0; j < half; j++) {
      const k = i * half + j;
      rx.push(mul(pts[k]!.X, zInv[k]!));
      ry.push(mul(pts[k]!.Y, zInv[k]!));
    }
    xs.push(rx);
    ys.push(ry);
  }
  return { w, windows, xs, ys };
}

/**
 * Regular recoding of an ODD scalar k into exactly `count` odd digits d_i with |d_i| < 2^w and
 * k = Σ d_i·2^(w·i) (Joye–Tunstall Alg. 6 with a fixed number of rounds: once k is small the
 * rounds keep producing 1 − 2^w and carry 1, which still sums correctly).
 */
export function recode(k: bigint, w: number, count: number): Int32Array {
  const out = new Int32Array(count);
  const W = BigInt(w);
  const mask = (1n << (W + 1n)) - 1n;
  const half = 1n << W;
  for (let i = 0; i < count - 1; i++) {
    const d = (k & mask) - half;
    out[i] = Number(d);
    k = (k - d) >> W;
  }
  out[count - 1] = Number(k);
  return out;
}

/** acc += Σ d_i·2^(w·i)·Q with Q's table: one mixed addition per digit, y negated for d < 0. */
function accumulate(acc: Proj, t: CombTable, digits: Int32Array): void {
  for (let i = 0; i < digits.length; i++) {
    const d = digits[i]!;
    const neg = d < 0;
    const j = ((neg ? -d : d) - 1) >> 1;
    const y = t.ys[i]![j]!;
    addMixedInto(acc, t.xs[i]![j]!, neg ? P - y : y);
  }
}

/** Σ k_i·Q_i for odd scalars below 2^bits that each table covers; returns the projective sum. */
export function combMultiSum(terms: Array<{ t: CombTable; k: bigint }>): Proj {
  const acc: Proj = { X: 0n, Y: 1n, Z: 0n }; // infinity
  for (const { t, k } of terms) {
    if ((k & 1n) === 0n) throw new RangeError('comb scalar must be odd');
    accumulate(acc, t, recode(k, t.w, t.windows));
  }
  return acc;
}

export const ORDER = SM2_CURVE.n;
export { P as FIELD_P, mul as mulP };

/** Tables of the generator, built once (see sm2-curve.ts BASE_WINDOW notes). */
let gTable: CombTable | undefined;
/** Signing scalars: k + r·n with a 64-bit blinding r, plus one n to make it odd: < 2^322. */
export const SIGN_SCALAR_BITS = 322;
export const COMB_G_WINDOW = 10;
export function gComb(): CombTable {
  return (gTable ??= buildCombTable(
    Sm2Point.BASE,
    COMB_G_WINDOW,
    windowsFor(SIGN_SCALAR_BITS, COMB_G_WINDOW),
  ));
}

/** A table covering verification scalars (< 2n < 2^257) — a prefix view of a table. */
export function prefixTable(t: CombTable, bits: number): CombTable {
  const windows = windowsFor(bits, t.w);
  if (windows > t.windows) throw new RangeError('table too small');
  return { w: t.w, windows, xs: t.xs, ys: t.ys };
}
