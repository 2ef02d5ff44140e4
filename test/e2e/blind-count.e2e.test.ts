/**
 * Blind count by denomination (点钞) in real Chromium through the web host: the cashier counts
 * the drawer note by note on the cashier's screen and never sees the expected figure nor the
 * variance; the manager then closes with the cashier's count and sees the variance. And a store
 * that counts by total: the manager closes with "或直接输入总额".
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { signIn, signOut, openShift } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { demoCard } from '../../src/issuer-sim/demo-cards';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
let e: E2E;

describe.runIf(haveChromium)('blind count by denomination end to end (Chromium)', () => {
  beforeEach(async () => {
    e = await startE2E();
  });
  afterEach(async () => {
    await e.close();
  });

  it("the cashier counts by note without seeing the expected figure; the manager closes with the cashier's count", async () => {
    const p = e.page;
    // Float ¥300.00 and one split sale taking ¥20.00 cash: the drawer should hold ¥320.00.
    await openShift(p, '300.00');
    await signOut(p);
    await signIn(p, '1001', '1234');
    await p.getByTestId('cashier').waitFor();
    const sale = await e.t.call('sale.authorize', {
      cardToken: await e.t.card(demoCard('active').pan),
      amountFen: 1250,
      otherTenderFen: 2000,
    });
    expect(sale.status).toBe('approved');

    // 3×¥100 + 1×¥20 + 1×5角 = ¥320.50, with +/− buttons and typed digits (letters never get in).
    await p.getByTestId('count-open').click();
    await p.getByTestId('count-drawer').waitFor();
    for (let i = 0; i < 4; i++) await p.getByTestId('count-plus-10000').click();
    await p.getByTestId('count-minus-10000').click();
    await p.getByTestId('count-input-2000').fill('1x');
    await p.getByTestId('count-plus-50').click();
    expect(await p.getByTestId('count-input-2000').inputValue()).toBe('1');
    await expect.poll(() => p.getByTestId('count-total').textContent()).toBe('¥320.50');
    expect(await p.getByTestId('count-row-10000').textContent()).toContain('¥300.00');
    const before = await p.locator('body').innerText();
    expect(before).not.toContain('320.00');
    await e.shot('count-01-cashier-by-note');
    await p.getByTestId('count-submit').click();
    await expect.poll(() => p.getByTestId('count-recorded').textContent()).toBe('已记录，等待店长结班');
    // Nowhere on the cashier's page: the expected figure, the variance, its words.
    const after = await p.locator('body').innerText();
    for (const hidden of ['320.00', '0.50', '应有', '差异', '长款', '短款'])
      expect(after, hidden).not.toContain(hidden);
    await e.shot('count-02-cashier-recorded');
    const rows = e.t.app.db.prepare('SELECT counted_fen, denominations, counted_by FROM shift_counts').all();
    expect(rows).toEqual([
      {
        counted_fen: 32_050,
        denominations: JSON.stringify([
          { valueFen: 10_000, count: 3 },
          { valueFen: 2_000, count: 1 },
          { valueFen: 50, count: 1 },
        ]),
        counted_by: '1001',
      },
    ]);
    await signOut(p);

    // The manager closes with the cashier's count: expected ¥320.00, counted ¥320.50 → ¥0.50 over.
    await signIn(p, '2001', '8888');
    await p.getByTestId('mgr-tab-shift').click();
    await p.getByTestId('close-start').click();
    const recorded = p.getByTestId('recorded-count');
    await recorded.waitFor();
    expect(await recorded.textContent()).toContain('1001');
    expect(await recorded.textContent()).toContain('¥320.50');
    expect(await p.getByTestId('blind-count').textContent()).not.toContain('320.00');
    await e.shot('count-03-manager-recorded');
    await p.getByTestId('use-recorded-count').click();
    await p.getByTestId('confirm-close-yes').click(); // closing asks first (docs/manager.md)
    const variance = p.getByTestId('variance-card');
    await variance.waitFor();
    expect(await variance.getAttribute('data-status')).toBe('over');
    expect(await p.getByTestId('variance-amount').textContent()).toContain('+¥0.50');
    expect(await variance.textContent()).toContain('¥320.00');
    expect(await p.getByTestId('count-breakdown').textContent()).toContain('¥100 × 3 = ¥300.00');
    const z = await p.getByTestId('z-result').getByTestId('receipt-preview').textContent();
    expect(z).toContain('长款 OVER');
    expect(z).toContain('¥0.50 ×1');
    await e.shot('count-04-manager-variance');
    await p.getByTestId('ack-btn').click();
    await p.getByTestId('acked').waitFor();
    expect(e.t.app.db.prepare('SELECT variance_fen, closed_by FROM shifts').all()).toEqual([
      { variance_fen: 50, closed_by: '2001' },
    ]);
  });

  it('a store that counts by total: the manager closes with the total alone', async () => {
    const p = e.page;
    await openShift(p, '100.00');
    await p.getByTestId('close-start').click();
    await p.getByTestId('count-drawer').waitFor();
    await p.getByTestId('count-mode').click();
    await p.getByTestId('count-total-input').fill('99.5');
    await expect.poll(() => p.getByTestId('count-total').textContent()).toBe('¥99.50');
    await p.getByTestId('count-submit').click();
    const variance = p.getByTestId('variance-card');
    await variance.waitFor();
    expect(await variance.getAttribute('data-status')).toBe('short');
    expect(await p.getByTestId('variance-amount').textContent()).toContain('-¥0.50');
    expect(await p.getByTestId('count-breakdown').count()).toBe(0);
    expect(e.t.app.db.prepare('SELECT counted_fen, denominations FROM shift_counts').all()).toEqual([
      { counted_fen: 9_950, denominations: null },
    ]);
  });
});
