/** Reconciliation: each discrepancy kind, and what the manager is told to do. */
import { describe, it, expect } from 'vitest';
import { reconcile, DISCREPANCY_ACTIONS } from '../../src/main/shift/reconcile';
import { totalsOf, totalsEqual } from '../../src/shared/issuer-settlement';

const T = '2026-11-22T02:00:00.000Z';
const term = [
  { stan: 1, type: 'sale' as const, amountFen: 100, time: T },
  { stan: 2, type: 'sale' as const, amountFen: 200, time: T },
  { stan: 3, type: 'void' as const, amountFen: 200, time: T },
  { stan: 4, type: 'refund' as const, amountFen: 50, time: T },
];

describe('reconcile', () => {
  it('identical sides: nothing to report, totals equal', () => {
    expect(reconcile(term, term, [])).toEqual([]);
    expect(totalsEqual(totalsOf(term), totalsOf([...term]))).toBe(true);
    expect(totalsOf(term)).toEqual({
      saleCount: 2,
      saleFen: 300,
      voidCount: 1,
      voidFen: 200,
      refundCount: 1,
      refundFen: 50,
      activateCount: 0,
      activateFen: 0,
      topupCount: 0,
      topupFen: 0,
      cashoutCount: 0,
      cashoutFen: 0,
      replaceCount: 0,
      replaceFen: 0,
      loadvoidCount: 0,
      loadvoidFen: 0,
    });
  });
  it('missing at the issuer', () => {
    const d = reconcile(
      term,
      term.filter((x) => x.stan !== 2),
      [],
    );
    expect(d).toEqual([
      expect.objectContaining({
        kind: 'missing_at_issuer',
        stan: 2,
        type: 'sale',
        terminalFen: 200,
        issuerFen: null,
        action: DISCREPANCY_ACTIONS.missing_at_issuer,
      }),
    ]);
  });
  it('missing at the terminal', () => {
    const d = reconcile(term, [...term, { stan: 9, type: 'sale', amountFen: 900, time: T }], []);
    expect(d).toEqual([
      expect.objectContaining({ kind: 'missing_at_terminal', stan: 9, terminalFen: null, issuerFen: 900 }),
    ]);
  });
  it('amount differs (and type differs is reported the same way)', () => {
    const d = reconcile(
      term,
      term.map((x) =>
        x.stan === 1 ? { ...x, amountFen: 101 } : x.stan === 4 ? { ...x, type: 'sale' as const } : x,
      ),
      [],
    );
    expect(d.map((x) => [x.kind, x.stan, x.terminalFen, x.issuerFen])).toEqual([
      ['amount_differs', 1, 100, 101],
      ['amount_differs', 4, 50, 50],
    ]);
  });
  it('still in the offline queue: reported as such, never as missing', () => {
    const d = reconcile(
      term,
      term.filter((x) => x.stan !== 2),
      [{ stan: 2, type: 'sale', amountFen: 200, time: T }],
    );
    expect(d).toEqual([expect.objectContaining({ kind: 'in_offline_queue', stan: 2, terminalFen: 200 })]);
  });
  it('every kind has words for the manager in both languages', () => {
    for (const a of Object.values(DISCREPANCY_ACTIONS)) {
      expect(a.zh.length).toBeGreaterThan(5);
      expect(a.en.length).toBeGreaterThan(5);
    }
  });
});
