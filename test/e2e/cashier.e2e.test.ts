/**
 * The cashier's whole slice in real Chromium through the web host: sign in, an approved sale with
 * the balance shown, insufficient balance completed by split tender, a lost card declined,
 * balance inquiry, and the language switch.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { signIn, keyAmount, override } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { demoCard } from '../../src/issuer-sim/demo-cards';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
let e: E2E;

const signInAsCashier = (e: E2E) => signIn(e.page, '1001', '1234', 'cashier');

describe.runIf(haveChromium)('cashier end to end (Chromium)', () => {
  beforeEach(async () => {
    e = await startE2E();
  });
  afterEach(async () => {
    await e.close();
  });

  it('signs in with a PIN and sells ¥12.50 on an active card, showing the balance', async () => {
    const p = e.page;
    await p.getByTestId('signin').waitFor();
    await e.shot('01-sign-in');
    await signInAsCashier(e);
    await expect.poll(() => p.getByTestId('operator').textContent()).toContain('王芳');
    await keyAmount(e.page, '1250');
    expect(await p.getByTestId('amount').textContent()).toContain('¥12.50');
    await p.getByTestId('sim-swipe-active').click();
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('888801******0017');
    await p.getByTestId('keypad').locator('[data-key="ok"]').click();
    const result = p.getByTestId('result');
    await result.waitFor();
    expect(await result.getAttribute('data-status')).toBe('approved');
    expect(await result.textContent()).toContain('交易成功');
    expect(await p.getByTestId('result-balance').textContent()).toContain('¥987.50');
    const receipt = await p.getByTestId('receipt-preview').textContent();
    expect(receipt).toContain('**** 0017');
    expect(receipt).toContain('¥12.50');
    expect(receipt).toContain(e.t.app.config.terminalId);
    await e.shot('02-sale-approved');
    expect(e.t.issuerBalance(demoCard('active').pan)).toBe(demoCard('active').balanceFen - 1250);
  });

  it('insufficient balance offers split tender, and the card pays what it holds', async () => {
    const p = e.page;
    await signInAsCashier(e);
    // Keyboard works too: digits and Enter.
    await p.locator('body').click();
    await p.keyboard.type('1250');
    await p.getByTestId('sim-tap-low').click();
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0025');
    await p.keyboard.press('Enter');
    await p.getByTestId('split-offer').waitFor();
    expect(await p.getByTestId('decline-reason').textContent()).toContain('余额不足');
    expect(await p.getByTestId('split-offer').textContent()).toContain('¥8.00');
    expect(await p.getByTestId('split-offer').textContent()).toContain('¥4.50');
    await e.shot('03-insufficient-split-offer');
    await p.getByTestId('split-confirm').click();
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
    expect(await p.getByTestId('cash-due').textContent()).toContain('¥4.50');
    await e.shot('04-split-approved');
    expect(e.t.issuerBalance(demoCard('low').pan)).toBe(0);
  });

  it('declines a lost card in plain words', async () => {
    const p = e.page;
    await signInAsCashier(e);
    await keyAmount(e.page, '500');
    await p.getByTestId('sim-scan-lost').click();
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0033');
    await p.getByTestId('keypad').locator('[data-key="ok"]').click();
    await expect.poll(() => p.getByTestId('result').getAttribute('data-code')).toBe('CARD_LOST');
    expect(await p.getByTestId('decline-reason').textContent()).toContain('挂失');
    await e.shot('05-lost-declined');
  });

  it('balance inquiry, then the whole screen in English', async () => {
    const p = e.page;
    await signInAsCashier(e);
    await p.getByTestId('mode-inquiry').click();
    await p.getByTestId('wedge-input').fill(demoCard('gift').pan);
    await p.getByTestId('wedge-input').press('Enter');
    // A number typed by hand is manual entry: a manager allows it (docs/manager.md).
    await override(p);
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0074');
    await p.getByTestId('keypad').locator('[data-key="ok"]').click();
    await expect.poll(() => p.getByTestId('result-balance').textContent()).toContain('¥200.00');
    await p.getByTestId('lang-toggle').click();
    await expect.poll(() => p.getByTestId('result').textContent()).toContain('Approved');
    expect(await p.getByTestId('result-balance').textContent()).toContain('Card balance');
    expect(await p.getByTestId('mode-sale').textContent()).toContain('Sale');
    await e.shot('06-inquiry-english');
  });
});
