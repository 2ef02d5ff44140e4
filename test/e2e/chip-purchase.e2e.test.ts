/**
 * Paying on the chip (PBOC e-purse, issue 14) in real Chromium through the web host, with the
 * demo's simulated e-purse card and PSAM: a sale paid on the chip with the issuer link cut; the
 * card pulled away at DEBIT and presented again (counted once); a load (圈存).
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { signIn, keyAmount } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
let e: E2E;

const chipRows = () =>
  e.t.app.db
    .prepare("SELECT stan, status FROM txns WHERE type = 'chip_purchase' ORDER BY stan")
    .all() as Array<{
    stan: number;
    status: string;
  }>;

describe.runIf(haveChromium)('paying on the chip end to end (Chromium)', () => {
  beforeEach(async () => {
    e = await startE2E();
  });
  afterEach(async () => {
    await e.close();
  });

  it('a sale paid on the chip with the issuer link cut, then the card pulled away at DEBIT and presented again', async () => {
    const p = e.page;
    await signIn(p, '1001', '1234', 'cashier');
    await p.getByTestId('sim-link').click();
    await expect.poll(() => e.t.app.link.isCut()).toBe(true);

    await keyAmount(p, '1500');
    await p.getByTestId('sim-tap-epurse').click();
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0010');
    await p.getByTestId('keypad').locator('[data-key="ok"]').click();
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
    expect(await p.getByTestId('result-chip').textContent()).toContain('芯片扣款');
    expect(await p.getByTestId('result-balance').textContent()).toContain('芯片余额: ¥85.00');
    expect(await p.getByTestId('receipt-preview').textContent()).toContain('芯片消费 CHIP PURCHASE');
    await e.shot('chip-01-paid-link-cut');

    // The next customer: the card is pulled away just as DEBIT executes.
    await p.getByTestId('next-sale').click();
    await keyAmount(p, '2000');
    await p.getByTestId('sim-tap-epurse-tear').click();
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0010');
    await p.getByTestId('keypad').locator('[data-key="ok"]').click();
    await p.getByTestId('chip-torn').waitFor();
    expect(await p.getByTestId('chip-torn').textContent()).toContain('请将同一张卡重新放到读卡器上');
    expect(chipRows().map((r) => r.status)).toEqual(['approved', 'pending']);
    await e.shot('chip-02-torn');

    // Presented again: the till finds the debit done, proves it, counts it once.
    await p.getByTestId('sim-tap-epurse').click();
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
    expect(await p.getByTestId('result-balance').textContent()).toContain('¥65.00');
    expect(await p.getByTestId('chip-torn').count()).toBe(0);
    expect(chipRows().map((r) => r.status)).toEqual(['approved', 'approved']);
    await e.shot('chip-03-resolved');
  });

  it('a load (圈存) onto the chip, paid in cash', async () => {
    const p = e.page;
    await signIn(p, '1001', '1234', 'cashier');
    await p.getByTestId('card-life-open').click();
    await p.getByTestId('card-life-topup').click();
    for (const d of '5000') await p.getByTestId('card-life-keypad').locator(`[data-key="${d}"]`).click();
    await p.getByTestId('sim-tap-epurse').click();
    await expect.poll(() => p.getByTestId('card-life-card').textContent()).toContain('0010');
    await p.getByTestId('card-life-keypad').locator('[data-key="ok"]').click();
    const note = p.getByTestId('card-life-note');
    await note.waitFor();
    expect(await note.textContent()).toContain('余额 ¥150.00');
    expect(await p.getByTestId('receipt-preview').textContent()).toContain('圈存 CHIP LOAD');
    await e.shot('chip-04-loaded');
    const row = e.t.app.db.prepare("SELECT status, amount_fen FROM txns WHERE type = 'chip_load'").get();
    expect(row).toEqual({ status: 'approved', amount_fen: 5_000 });
  });
});
