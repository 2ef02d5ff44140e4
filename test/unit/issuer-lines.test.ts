/**
 * An issuer's Z box names every line that moved money in its batch beside its sales, so its card
 * net adds up on screen: a card sold took ¥100.00 off a net that "3 sales ¥65.50" alone could not
 * explain (src/renderer/components/manager/issuer-lines.ts).
 */
import { describe, it, expect } from 'vitest';
import { issuerOtherLines } from '../../src/renderer/components/manager/issuer-lines';

describe("an issuer's Z box", () => {
  it('lists voids, refunds and card life that moved money; sales, zero lines and inquiries are left out', () => {
    const totals = {
      sales: { count: 3, amountFen: 6550, cashFen: 0 },
      voids: { count: 1, amountFen: 800, cashFen: 0 },
      refunds: { count: 0, amountFen: 0 },
      inquiries: { count: 2 },
      cardsSold: { count: 1, amountFen: 10_000, cashFen: 10_000 },
      topups: { count: 0, amountFen: 0, cashFen: 0 },
      netCardFen: -4250,
    };
    expect(issuerOtherLines(totals)).toEqual([
      { word: 'voidsLabel', count: 1, amountFen: 800 },
      { word: 'line_cardsSold', count: 1, amountFen: 10_000 },
    ]);
  });
});
