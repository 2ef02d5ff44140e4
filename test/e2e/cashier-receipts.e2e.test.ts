/**
 * Void/refund context, receipt search and reprint, and the offline decline words in real Chromium
 * (issue 11, items 13 and 15): the proposed STAN shows its amount and card, a voided sale is marked
 * and not offered again, the void receipt names the original STAN and the manager, any receipt of
 * the shift is found by STAN, card last 4 or time and reprinted with a word on which one; the
 * velocity decline says until when, floor-limit re-swipes do not count, and the words agree.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { Page } from 'playwright-core';
import { signIn, keyAmount, override } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
let e: E2E;

/** Keys an amount, presents the card (if given) and charges; returns the result's status. */
async function charge(p: Page, digits: string, sim?: string): Promise<string | null> {
  await keyAmount(p, digits);
  if (sim) {
    await p.getByTestId(sim).click();
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('******');
  }
  await p.getByTestId('keypad').locator('[data-key="ok"]').click();
  await p.getByTestId('result').waitFor();
  await expect.poll(() => p.getByTestId('processing').count()).toBe(0);
  return p.getByTestId('result').getAttribute('data-status');
}
const stanOf = async (p: Page) =>
  Number((await p.getByTestId('result-stan').textContent())!.replace(/\D/g, ''));

describe.runIf(haveChromium)('cashier receipts and void context (Chromium)', () => {
  beforeEach(async () => {
    e = await startE2E();
  });
  afterEach(async () => {
    await e.close();
  });

  it('void shows the sale it undoes; a voided sale is marked and not offered again; the receipt says who', async () => {
    const p = e.page;
    await signIn(p, '1001', '1234', 'cashier');
    expect(await charge(p, '1250', 'sim-swipe-active')).toBe('approved');
    const stan = await stanOf(p);
    await p.getByTestId('void-refund-open').click();
    const target = p.getByTestId('void-target');
    await expect.poll(() => target.textContent()).toContain('¥12.50');
    expect(await target.textContent()).toContain('0017');
    expect(await target.textContent()).toContain(String(stan).padStart(6, '0'));
    await p.getByTestId('void-btn').click();
    await override(p);
    await expect.poll(() => p.getByTestId('void-refund-note').textContent()).toContain('撤销成功');
    const receipt = await p.getByTestId('receipt-preview').textContent();
    expect(receipt).toMatch(new RegExp(`原流水号 ORIG STAN\\s+${String(stan).padStart(6, '0')}`));
    expect(receipt).toContain('李店长 (2001)');
    await expect.poll(() => p.getByTestId(`recent-voided-${stan}`).count()).toBe(1);
    expect(await p.getByTestId(`recent-${stan}`).textContent()).not.toContain('✓');
    // Not offered again: nothing proposed, and typing its STAN says it is voided.
    await p.getByTestId('void-stan').fill(String(stan));
    await expect.poll(() => target.textContent()).toContain('已撤销');
    expect(await p.getByTestId('void-btn').isDisabled()).toBe(true);
  });

  it('finds receipts of the shift by card last 4 and by STAN, shows one and reprints it with a word', async () => {
    const p = e.page;
    await signIn(p, '1001', '1234', 'cashier');
    expect(await charge(p, '100', 'sim-swipe-active')).toBe('approved');
    const first = await stanOf(p);
    await p.getByTestId('next-sale').click();
    expect(await charge(p, '200', 'sim-tap-gift')).toBe('approved');
    await p.getByTestId('next-sale').click();
    expect(await charge(p, '300', 'sim-swipe-active')).toBe('approved');
    const third = await stanOf(p);
    await p.getByTestId('receipt-search-open').click();
    await p.getByTestId('receipt-search-by').selectOption('last4');
    await p.getByTestId('receipt-search-input').fill('0017');
    await p.getByTestId('receipt-search-go').click();
    const results = p.getByTestId('receipt-search-results');
    await results.waitFor();
    expect(await results.locator('li').count()).toBe(2);
    expect(await p.getByTestId(`found-${first}`).textContent()).toContain('¥1.00');
    expect(await p.getByTestId(`found-${third}`).textContent()).toContain('¥3.00');
    await p.getByTestId(`view-${first}`).click();
    await expect
      .poll(() => p.getByTestId('receipt-preview').textContent())
      .toContain(String(first).padStart(6, '0'));
    await p.getByTestId(`reprint-${first}`).click();
    await expect
      .poll(() => p.getByTestId('reprint-note').textContent())
      .toContain(`小票 ${String(first).padStart(6, '0')} 已重印`);
    // "Reprint last receipt" says which one it was, too.
    await p.getByTestId('reprint-last').click();
    await expect
      .poll(() => p.getByTestId('reprint-note').textContent())
      .toContain(`小票 ${String(first).padStart(6, '0')} 已重印`);
    await p.getByTestId('receipt-search-by').selectOption('stan');
    await p.getByTestId('receipt-search-input').fill(String(third));
    await p.getByTestId('receipt-search-go').click();
    await expect.poll(() => results.locator('li').count()).toBe(1);
    await p.getByTestId('receipt-search-by').selectOption('last4');
    await p.getByTestId('receipt-search-input').fill('12');
    await p.getByTestId('receipt-search-go').click();
    await p.getByTestId('receipt-search-bad').waitFor();
  });

  it('offline: floor-limit re-swipes do not block the card; the velocity decline says until when', async () => {
    const p = e.page;
    await signIn(p, '1001', '1234', 'cashier');
    // The words agree: the prompt and the "no card" error both say 挥卡.
    await p.locator('body').click();
    await p.keyboard.type('100');
    await p.keyboard.press('Enter');
    await expect.poll(() => p.getByTestId('cashier-error').textContent()).toContain('请刷卡、挥卡或扫码');
    expect(await p.getByTestId('card-status').textContent()).toContain('请刷卡、挥卡或扫码');
    // Seen online once, so the offline policy knows the balance.
    await p.getByTestId('sim-swipe-active').click();
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0017');
    await p.keyboard.press('Enter');
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
    await p.getByTestId('sim-link').click();
    await expect.poll(() => p.getByTestId('link-state').textContent()).not.toContain('在线');
    await p.keyboard.press('Escape');
    for (let i = 0; i < 3; i++) {
      expect(await charge(p, '60000', i === 0 ? 'sim-swipe-active' : undefined)).toBe('declined');
      expect(await p.getByTestId('result').getAttribute('data-code')).toBe('OFFLINE_FLOOR_LIMIT');
      await p.keyboard.press('Escape');
      await p.getByTestId('sim-swipe-active').click();
      await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0017');
    }
    expect(await charge(p, '1000')).toBe('approved');
    expect(await charge(p, '1000', 'sim-swipe-active')).toBe('approved');
    expect(await charge(p, '1000', 'sim-swipe-active')).toBe('declined');
    expect(await p.getByTestId('result').getAttribute('data-code')).toBe('OFFLINE_VELOCITY');
    await expect.poll(() => p.getByTestId('blocked-until').textContent()).toMatch(/\d\d:\d\d/);
    expect(await p.getByTestId('blocked-until').textContent()).toContain('30 分钟');
  });
});
