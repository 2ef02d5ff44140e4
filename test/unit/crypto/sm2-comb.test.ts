/**
 * The comb (src/main/crypto/sm2-comb.ts) against @noble/curves' own scalar multiplication: random
 * and edge scalars, blinded scalars, double sums, the point at infinity, and the regular recoding.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sm2Point, N, SM2_CURVE } from '../../../src/main/crypto/sm2-curve';
import {
  buildCombTable,
  combMultiSum,
  gComb,
  invP,
  prefixTable,
  recode,
  windowsFor,
  type Proj,
} from '../../../src/main/crypto/sm2-comb';

const P = SM2_CURVE.p;
const affineX = (R: Proj): bigint => (R.X * invP(R.Z)) % P;
const odd = (k: bigint): bigint => (k & 1n ? k : k + N);
const rnd = (): bigint => BigInt(`0x${randomBytes(32).toString('hex')}`) % N;
const scalar = fc.bigInt({ min: 1n, max: N - 1n });

describe('SM2 comb multiplication', () => {
  it('k·G equals noble for edge and random scalars, blinded or not', () => {
    const g = gComb();
    for (const k of [1n, 2n, 3n, N - 1n, N - 2n, (N - 1n) / 2n]) {
      expect(affineX(combMultiSum([{ t: g, k: odd(k) }]))).toBe(Sm2Point.BASE.multiply(k).toAffine().x);
    }
    fc.assert(
      fc.property(scalar, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (k, r) => {
        const kb = k + r * N;
        const R = combMultiSum([{ t: g, k: kb & 1n ? kb : kb + N }]);
        const ref = Sm2Point.BASE.multiply(k).toAffine();
        const zi = invP(R.Z);
        expect((R.X * zi) % P).toBe(ref.x);
        expect((R.Y * zi) % P).toBe(ref.y);
      }),
      { numRuns: 150 },
    );
  });

  it('s·G + t·Q equals noble; k·G + (n−k)·G is the point at infinity', () => {
    const Q = Sm2Point.BASE.multiply(rnd());
    const qt = buildCombTable(Q, 6, windowsFor(257, 6));
    const gv = prefixTable(gComb(), 257);
    fc.assert(
      fc.property(scalar, scalar, (s, t) => {
        const R = combMultiSum([
          { t: gv, k: odd(s) },
          { t: qt, k: odd(t) },
        ]);
        expect(affineX(R)).toBe(Sm2Point.BASE.multiply(s).add(Q.multiply(t)).toAffine().x);
      }),
      { numRuns: 100 },
    );
    const k = rnd();
    expect(
      combMultiSum([
        { t: gv, k: odd(k) },
        { t: gv, k: odd(N - k) },
      ]).Z,
    ).toBe(0n);
  });

  it('regular recoding: every digit odd, |d| < 2^w, and the digits sum back to k', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 322n) - 1n }),
        fc.integer({ min: 2, max: 12 }),
        (k0, w) => {
          const k = k0 | 1n;
          const count = windowsFor(322, w);
          const d = recode(k, w, count);
          let sum = 0n;
          for (let i = d.length - 1; i >= 0; i--) {
            expect(Math.abs(d[i]!) % 2).toBe(1);
            expect(Math.abs(d[i]!)).toBeLessThan(2 ** w);
            sum = (sum << BigInt(w)) + BigInt(d[i]!);
          }
          expect(sum).toBe(k);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses an even scalar instead of computing a wrong point', () => {
    expect(() => combMultiSum([{ t: gComb(), k: 2n }])).toThrow(RangeError);
  });
});
