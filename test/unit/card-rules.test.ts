/** The prepaid-card rules at their edges — one fen below, at, above (src/shared/card-rules.ts). */
import { describe, it, expect } from 'vitest';
import {
  ANONYMOUS_CAP_FEN,
  REGISTERED_CAP_FEN,
  capOf,
  capRemaining,
  checkCap,
  passesCap,
  loadDecline,
  needsBuyerId,
  checkBuyerId,
  cashAllowed,
  checkPayment,
  checkCashout,
  checkReplace,
  CardRulesConfig,
  DEFAULT_CARD_RULES,
} from '../../src/shared/card-rules';
import { ERROR_WORDS, TillError } from '../../src/shared/errors';

/** The code a rule throws, or undefined when it lets the request through. */
function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(TillError);
    return (e as TillError).code;
  }
}

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

describe('the issuer’s load decision (both faces of the simulator)', () => {
  it('is the cap on the card’s own flag, at its edge', () => {
    expect(loadDecline({ balance_fen: 99_000, registered: 0 }, 1_000)).toBeUndefined();
    expect(loadDecline({ balance_fen: 99_000, registered: 0 }, 1_001)).toBe('CARD_CAP_EXCEEDED');
    expect(loadDecline({ balance_fen: 99_000, registered: 1 }, 1_001)).toBeUndefined();
    expect(loadDecline({ balance_fen: 0, registered: 1 }, 500_001)).toBe('CARD_CAP_EXCEEDED');
  });
});

describe("the buyer's ID (实名)", () => {
  it('a registered card always needs it, sold or topped up', () => {
    for (const kind of ['activate', 'topup'] as const)
      expect(needsBuyerId({ kind, registered: true, purchaseFen: 1 })).toBe(true);
  });

  it('anonymous cards bought at once: from ¥10,000.00 (one fen below: not needed)', () => {
    const p = (purchaseFen: number) => ({ kind: 'activate' as const, registered: false, purchaseFen });
    expect(needsBuyerId(p(999_999))).toBe(false);
    expect(needsBuyerId(p(1_000_000))).toBe(true);
    expect(needsBuyerId(p(1_000_001))).toBe(true);
    expect(codeOf(() => checkBuyerId({ ...p(1_000_000), hasId: false }))).toBe('BUYER_ID_REQUIRED');
    expect(codeOf(() => checkBuyerId({ ...p(1_000_000), hasId: true }))).toBeUndefined();
    expect(codeOf(() => checkBuyerId({ ...p(999_999), hasId: false }))).toBeUndefined();
    // Topping up an anonymous card needs none, whatever the amount (its cap bounds it).
    expect(needsBuyerId({ kind: 'topup', registered: false, purchaseFen: 1_000_000 })).toBe(false);
  });
});

describe('non-cash purchases', () => {
  it('an organisation: cash below ¥5,000.00, not at or above', () => {
    const org = (purchaseFen: number) => cashAllowed({ buyer: 'organisation', purchaseFen });
    expect([org(499_999), org(500_000), org(500_001)]).toEqual([true, false, false]);
  });

  it('a person: cash below ¥50,000.00, not at or above', () => {
    const person = (purchaseFen: number) => cashAllowed({ buyer: 'person', purchaseFen });
    expect([person(4_999_999), person(5_000_000), person(5_000_001)]).toEqual([true, false, false]);
  });

  it('refuses cash over the line, asks a transfer for its reference, never takes a stored-value card', () => {
    const pay = (tender: string, purchaseFen: number, transferRef?: string) =>
      codeOf(() => checkPayment({ tender, buyer: 'organisation', purchaseFen, transferRef }));
    expect(pay('cash', 499_999)).toBeUndefined();
    expect(pay('cash', 500_000)).toBe('CASH_NOT_ALLOWED');
    expect(pay('bank_transfer', 500_000)).toBe('TRANSFER_REF_REQUIRED');
    expect(pay('bank_transfer', 500_000, '  ')).toBe('TRANSFER_REF_REQUIRED');
    expect(pay('bank_transfer', 500_000, 'CMB-1')).toBeUndefined();
    expect(pay('stored_value', 100)).toBe('CARD_TENDER_NOT_ALLOWED');
    expect(pay('card', 100)).toBe('CARD_TENDER_NOT_ALLOWED');
  });
});

describe('cash-out and replace', () => {
  it('a registered card is cashed out at any balance; an anonymous one up to ¥100.00 (one fen over: refused)', () => {
    expect(codeOf(() => checkCashout({ registered: true, balanceFen: 500_000 }))).toBeUndefined();
    expect(codeOf(() => checkCashout({ registered: false, balanceFen: 9_999 }))).toBeUndefined();
    expect(codeOf(() => checkCashout({ registered: false, balanceFen: 10_000 }))).toBeUndefined();
    expect(codeOf(() => checkCashout({ registered: false, balanceFen: 10_001 }))).toBe('CASHOUT_NOT_ALLOWED');
    expect(codeOf(() => checkCashout({ registered: true, balanceFen: 0 }))).toBe('CARD_EMPTY');
  });

  it('replace: registered only, never onto the same card', () => {
    expect(codeOf(() => checkReplace({ registered: false, oldPan: '1', newPan: '2' }))).toBe(
      'REPLACE_NOT_ALLOWED',
    );
    expect(codeOf(() => checkReplace({ oldPan: '1', newPan: '1' }))).toBe('REPLACE_NOT_ALLOWED');
    expect(codeOf(() => checkReplace({ registered: true, oldPan: '1', newPan: '2' }))).toBeUndefined();
  });
});

describe('configuration', () => {
  it('defaults are the regulations’ figures; a store may set its own; nonsense is refused', () => {
    expect(DEFAULT_CARD_RULES).toEqual({
      registeredCapFen: 500_000,
      anonymousCapFen: 100_000,
      anonymousIdFromFen: 1_000_000,
      organisationNoCashFromFen: 500_000,
      personNoCashFromFen: 5_000_000,
      anonymousCashoutMaxFen: 10_000,
    });
    const mine = CardRulesConfig.parse({ anonymousCashoutMaxFen: 5_000, organisationNoCashFromFen: 200_000 });
    expect(codeOf(() => checkCashout({ registered: false, balanceFen: 5_001 }, mine))).toBe(
      'CASHOUT_NOT_ALLOWED',
    );
    expect(cashAllowed({ buyer: 'organisation', purchaseFen: 199_999 }, mine)).toBe(true);
    expect(cashAllowed({ buyer: 'organisation', purchaseFen: 200_000 }, mine)).toBe(false);
    expect(CardRulesConfig.safeParse({ anonymousCapFen: -1 }).success).toBe(false);
    expect(CardRulesConfig.safeParse({ unknownRule: 1 }).success).toBe(false);
  });

  it('every rule’s refusal has words in 简体中文 and English', () => {
    for (const code of [
      'CARD_CAP_EXCEEDED',
      'BUYER_ID_REQUIRED',
      'CASH_NOT_ALLOWED',
      'TRANSFER_REF_REQUIRED',
      'CARD_TENDER_NOT_ALLOWED',
      'CASHOUT_NOT_ALLOWED',
      'CARD_EMPTY',
      'REPLACE_NOT_ALLOWED',
      'VOID_VALUE_SPENT',
    ] as const) {
      expect(ERROR_WORDS[code].zh).toMatch(/[\u4e00-\u9fff]/);
      expect(ERROR_WORDS[code].en.length).toBeGreaterThan(10);
    }
  });
});
