/** The prepaid-card balance caps at their edges (src/shared/card-rules.ts). */
import { describe, it, expect } from 'vitest';
import {
  ANONYMOUS_CAP_FEN,
  REGISTERED_CAP_FEN,
  capOf,
  capRemaining,
  checkCap,
  passesCap,
} from '../../src/shared/card-rules';
import { TillError } from '../../src/shared/errors';

describe('balance caps', () => {
  it('registered ¥5,000.00, anonymous ¥1,000.00; unknown flag → the larger (the issuer checks the card)', () => {
    expect(REGISTERED_CAP_FEN).toBe(500_000);
    expect(ANONYMOUS_CAP_FEN).toBe(100_000);
    expect(capOf(true)).toBe(500_000);
    expect(capOf(false)).toBe(100_000);
    expect(capOf(undefined)).toBe(500_000);
  });

  it('exactly to the cap is allowed; one fen over is refused with CARD_CAP_EXCEEDED', () => {
    for (const [registered, cap] of [
      [true, 500_000],
      [false, 100_000],
    ] as const) {
      expect(passesCap(0, cap, registered)).toBe(false);
      expect(passesCap(0, cap + 1, registered)).toBe(true);
      expect(passesCap(cap - 1, 1, registered)).toBe(false);
      expect(passesCap(cap - 1, 2, registered)).toBe(true);
      expect(() => checkCap({ balanceFen: cap - 500, valueFen: 500, registered })).not.toThrow();
      let err: unknown;
      try {
        checkCap({ balanceFen: cap - 500, valueFen: 501, registered });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TillError);
      expect((err as TillError).code).toBe('CARD_CAP_EXCEEDED');
    }
  });

  it('what the cap still allows is never negative', () => {
    expect(capRemaining(99_000, false)).toBe(1_000);
    expect(capRemaining(100_000, false)).toBe(0);
    expect(capRemaining(120_000, false)).toBe(0);
    expect(capRemaining(0, true)).toBe(500_000);
  });
});
