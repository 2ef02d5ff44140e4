/** Drawer variance rules: balanced / over / short, acknowledgement and the note threshold. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { assessVariance, ackProblem, sumDenominations } from '../../src/main/shift/variance';

describe('variance', () => {
  it('counted = expected is balanced and needs no acknowledgement', () => {
    expect(assessVariance(10_450, 10_450)).toEqual({
      expectedFen: 10_450,
      countedFen: 10_450,
      varianceFen: 0,
      status: 'balanced',
      needsAck: false,
      needsNote: false,
    });
    expect(ackProblem(assessVariance(1, 1), undefined)).toBeNull();
  });
  it('¥1.00 short needs an acknowledgement, no note', () => {
    const v = assessVariance(10_450, 10_350);
    expect(v).toMatchObject({ varianceFen: -100, status: 'short', needsAck: true, needsNote: false });
    expect(ackProblem(v, undefined)).toBeNull();
  });
  it('over is positive', () => {
    expect(assessVariance(100, 250)).toMatchObject({ varianceFen: 150, status: 'over', needsAck: true });
  });
  it('beyond the threshold the acknowledgement needs a note; at the threshold it does not', () => {
    expect(assessVariance(0, 5000).needsNote).toBe(false);
    const big = assessVariance(0, 5001);
    expect(big.needsNote).toBe(true);
    expect(ackProblem(big, undefined)).toMatch(/note/);
    expect(ackProblem(big, '  ')).toMatch(/note/);
    expect(ackProblem(big, '找错零钱')).toBeNull();
    expect(assessVariance(10_000, 4_000, { noteAboveFen: 10_000 }).needsNote).toBe(false);
  });
  it('variance is always counted − expected, its sign gives the status', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }), (e, c) => {
        const v = assessVariance(e, c);
        return (
          v.varianceFen === c - e &&
          (v.status === 'balanced') === (c === e) &&
          (v.status === 'over') === c > e &&
          v.needsAck === (c !== e)
        );
      }),
    );
  });
  it('denominations sum to fen', () => {
    expect(
      sumDenominations([
        { valueFen: 10_000, count: 3 },
        { valueFen: 50, count: 3 },
        { valueFen: 1, count: 2 },
      ]),
    ).toBe(30_152);
  });
});
