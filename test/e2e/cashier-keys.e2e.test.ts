/**
 * The cashier's keys and keypads in real Chromium (issue 11, items 1, 4, 7, 8, 10): the first key
 * after a result starts a new amount (the next customer is never charged the old one), Enter signs
 * in after the PIN was tapped, the split-tender offer has its own key, focus returns to the amount
 * after a typed card number, and the manager-PIN dialog works by touch and closes with Esc.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { Page } from 'playwright-core';
import { signIn, keyAmount } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { demoCard } from '../../src/issuer-sim/demo-cards';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
let e: E2E;

async function approvedSale(p: Page, digits: string, sim = 'sim-swipe-active'): Promise<void> {
  await keyAmount(p, digits);
  await p.getByTestId(sim).click();
  await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('******');
  await p.getByTestId('keypad').locator('[data-key="ok"]').click();
  await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
}

describe.runIf(haveChromium)('cashier keys and keypads (Chromium)', () => {
  beforeEach(async () => {
    e = await startE2E();
  });
  afterEach(async () => {
    await e.close();
  });

  it('after an approved ¥12.50 sale, the keyboard digit "5" starts a new amount: ¥5.00 is charged', async () => {
    const p = e.page;
    const card = demoCard('active');
    await signIn(p, '1001', '1234', 'cashier');
    await approvedSale(p, '1250');
    await p.locator('body').click();
    await p.keyboard.type('500');
    await expect.poll(() => p.getByTestId('amount').textContent()).toContain('¥5.00');
    await p.getByTestId('sim-swipe-active').click();
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0017');
    await p.keyboard.press('Enter');
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
    expect(await p.getByTestId('result').textContent()).toContain('¥5.00');
    expect(e.t.issuerBalance(card.pan)).toBe(card.balanceFen - 1250 - 500);
  });

  it('after an approved sale, the on-screen keypad "5" starts a new amount: ¥5.00 is charged', async () => {
    const p = e.page;
    const card = demoCard('active');
    await signIn(p, '1001', '1234', 'cashier');
    await approvedSale(p, '1250');
    await approvedSale(p, '500');
    expect(await p.getByTestId('result').textContent()).toContain('¥5.00');
    expect(e.t.issuerBalance(card.pan)).toBe(card.balanceFen - 1250 - 500);
  });

  it('the PIN tapped on the screen keypad, then the keyboard Enter, signs in', async () => {
    const p = e.page;
    await p.getByTestId('signin').waitFor();
    await p.getByTestId('operator-1001').click();
    for (const d of '1234') await p.getByTestId('pin-keypad').locator(`[data-key="${d}"]`).click();
    await p.keyboard.press('Enter');
    await p.getByTestId('cashier').waitFor();
    expect(await p.getByTestId('signin-error').count()).toBe(0);
  });

  it('the split-tender offer is accepted from the keyboard with its own key', async () => {
    const p = e.page;
    await signIn(p, '1001', '1234', 'cashier');
    await p.locator('body').click();
    await p.keyboard.type('1250');
    await p.getByTestId('sim-tap-low').click();
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0025');
    await p.keyboard.press('Enter');
    await p.getByTestId('split-offer').waitFor();
    const stan = await p.getByTestId('result-stan').textContent();
    // Enter on the offer does not send the full amount again.
    await p.keyboard.press('Enter');
    expect(await p.getByTestId('result-stan').textContent()).toBe(stan);
    expect(await p.getByTestId('split-confirm').textContent()).toContain('F3');
    await p.keyboard.press('F3');
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
    expect(await p.getByTestId('cash-due').textContent()).toContain('¥4.50');
    expect(e.t.issuerBalance(demoCard('low').pan)).toBe(0);
  });

  it('after a typed card number and Enter, the focus is back on the amount and the F-keys work', async () => {
    const p = e.page;
    await signIn(p, '1001', '1234', 'cashier');
    await p.getByTestId('mode-inquiry').click();
    const input = p.getByTestId('wedge-input');
    await input.click();
    await p.keyboard.type(demoCard('gift').pan, { delay: 150 });
    await p.keyboard.press('Enter');
    // A typed number is manual entry: the manager allows it (item 9), then the focus returns.
    await p.getByTestId('override-dialog').waitFor();
    await p.getByTestId('override-pin').fill('8888');
    await p.getByTestId('override-keypad').locator('[data-key="ok"]').click();
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0074');
    await p.keyboard.press('F1');
    await expect.poll(() => p.getByTestId('mode-sale').getAttribute('class')).toContain('active');
    await p.keyboard.type('300');
    await expect.poll(() => p.getByTestId('amount').textContent()).toContain('¥3.00');
    // F-keys work even while the card-number field has the focus.
    await input.click();
    await p.keyboard.press('F2');
    await expect.poll(() => p.getByTestId('mode-inquiry').getAttribute('class')).toContain('active');
    await p.keyboard.press('F1');
    await p.keyboard.press('Escape');
    await expect.poll(() => p.getByTestId('amount').textContent()).toContain('¥0.00');
  });

  it('the manager-PIN dialog has an on-screen keypad and closes with Esc', async () => {
    const p = e.page;
    await signIn(p, '1001', '1234', 'cashier');
    await approvedSale(p, '1250');
    await p.getByTestId('void-refund-open').click();
    await p.getByTestId('void-btn').click();
    const dialog = p.getByTestId('override-dialog');
    await dialog.waitFor();
    await p.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await p.getByTestId('void-btn').click();
    for (const d of '8888') await p.getByTestId('override-keypad').locator(`[data-key="${d}"]`).click();
    await p.getByTestId('override-keypad').locator('[data-key="ok"]').click();
    await expect.poll(() => p.getByTestId('void-refund-note').textContent()).toContain('撤销成功');
    expect(e.t.issuerBalance(demoCard('active').pan)).toBe(demoCard('active').balanceFen);
  });
});
