/**
 * The prepaid-card rules on a whole batch (src/main/terminal/card-batch.ts orderRules): the same
 * checkLoadRules as a single sale, judging the order's total (value × cards) — one fen below and
 * at each threshold, with and without the buyer's ID, in cash and by bank transfer — and the cap
 * on each card's own value.
 */
import { describe, it, expect } from 'vitest';
import { orderRules } from '../../src/main/terminal/card-batch';
import { CardRulesConfig } from '../../src/shared/card-rules';
import { TillError } from '../../src/shared/errors';

const ID = { name: '张三丰', idNumber: '110101199003071234' };
const ORG = { name: '某某科技有限公司', idNumber: '91440300MA5ABCDE12' };
type Req = Parameters<typeof orderRules>[0];

/** The code the batch's rules refuse with, or 'ok'. */
function verdict(req: Req, cards: number, rules?: CardRulesConfig): string {
  try {
    orderRules(req, cards, rules);
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(TillError);
    return (e as TillError).code;
  }
}

describe('batch rules on the whole order', () => {
  it("the buyer's ID from ¥10,000.00 of anonymous cards at once: one fen below passes without it, at needs it", () => {
    // 3 × ¥3,333.33 = ¥9,999.99; 10 × ¥1,000.00 = ¥10,000.00 — each card alone is far below the line.
    expect(verdict({ valueFen: 333_333 }, 3)).toBe('ok');
    expect(verdict({ valueFen: 100_000 }, 10)).toBe('BUYER_ID_REQUIRED');
    expect(verdict({ valueFen: 100_000, buyer: { kind: 'person' } }, 10)).toBe('BUYER_ID_REQUIRED');
    expect(verdict({ valueFen: 100_000, buyer: { kind: 'person', ...ID } }, 10)).toBe('ok');
    // The same value on one card is no "purchase at once" of ¥10,000.00.
    expect(verdict({ valueFen: 100_000 }, 1)).toBe('ok');
  });

  it('an organisation pays no cash from ¥5,000.00: one fen below cash is taken, at only a transfer with its reference', () => {
    const org = { kind: 'organisation' as const };
    // 31 × ¥161.29 = ¥4,999.99; 5 × ¥1,000.00 = ¥5,000.00.
    expect(verdict({ valueFen: 16_129, buyer: org }, 31)).toBe('ok');
    expect(verdict({ valueFen: 100_000, buyer: org }, 5)).toBe('CASH_NOT_ALLOWED');
    expect(verdict({ valueFen: 100_000, buyer: org, tender: 'bank_transfer' }, 5)).toBe(
      'TRANSFER_REF_REQUIRED',
    );
    expect(verdict({ valueFen: 100_000, buyer: org, tender: 'bank_transfer', transferRef: '  ' }, 5)).toBe(
      'TRANSFER_REF_REQUIRED',
    );
    expect(
      orderRules({ valueFen: 100_000, buyer: org, tender: 'bank_transfer', transferRef: ' CMB-0042 ' }, 5),
    ).toEqual({ buyerKind: 'organisation', paidBy: 'bank_transfer', transferRef: 'CMB-0042' });
    // A person buying the same ¥5,000.00 may pay cash.
    expect(verdict({ valueFen: 100_000, buyer: { kind: 'person' } }, 5)).toBe('ok');
  });

  it('an organisation at ¥10,000.00 needs both: the transfer and the ID', () => {
    const org = { kind: 'organisation' as const };
    const transfer = { tender: 'bank_transfer' as const, transferRef: 'CMB-0042' };
    expect(verdict({ valueFen: 100_000, buyer: org, ...transfer }, 10)).toBe('BUYER_ID_REQUIRED');
    expect(orderRules({ valueFen: 100_000, buyer: { ...org, ...ORG }, ...transfer }, 10)).toEqual({
      buyerKind: 'organisation',
      paidBy: 'bank_transfer',
      transferRef: 'CMB-0042',
      id: ORG,
    });
    expect(verdict({ valueFen: 100_000, buyer: { ...org, ...ORG } }, 10)).toBe('CASH_NOT_ALLOWED');
  });

  it('a person pays no cash from ¥50,000.00 (and below the line, as configured, one fen under still may)', () => {
    const person = { kind: 'person' as const, ...ID };
    expect(verdict({ valueFen: 250_000, buyer: person }, 20)).toBe('CASH_NOT_ALLOWED');
    expect(
      verdict({ valueFen: 250_000, buyer: person, tender: 'bank_transfer', transferRef: 'T1' }, 20),
    ).toBe('ok');
    // A store's own line of ¥20,000.00: 17 × ¥1,176.47 = ¥19,999.99 in cash, 20 × ¥1,000.00 not.
    const rules = CardRulesConfig.parse({ personNoCashFromFen: 2_000_000 });
    expect(verdict({ valueFen: 117_647, buyer: person }, 17, rules)).toBe('ok');
    expect(verdict({ valueFen: 100_000, buyer: person }, 20, rules)).toBe('CASH_NOT_ALLOWED');
  });

  it('never a stored-value card; the cap judges each card, not the total', () => {
    expect(verdict({ valueFen: 1_000, tender: 'stored_value' }, 2)).toBe('CARD_TENDER_NOT_ALLOWED');
    expect(verdict({ valueFen: 500_001, buyer: { kind: 'person', ...ID } }, 1)).toBe('CARD_CAP_EXCEEDED');
    expect(verdict({ valueFen: 500_000, buyer: { kind: 'person', ...ID } }, 2)).toBe('ok');
  });
});
