/**
 * The keyboard wedge through the rendered screen in Chromium: a USB wedge reader "types" fast
 * (synthetic key events dispatched back to back, as a wedge device's HID reports arrive), a person
 * types at human speed (Playwright's keyboard with 150 ms between keys). A scan must never land in
 * the amount, the card-number field or the PIN; typing must never become a scan.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { Page } from 'playwright-core';
import { signIn, override } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { encodeTrack1, encodeTrack2 } from '../../src/drivers/magstripe/tracks';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
const HUMAN_MS = 150;
let e: E2E;

/** A wedge device: every key of `text` then Enter, dispatched in one go to the focused element. */
async function wedgeTypes(p: Page, text: string): Promise<void> {
  await p.evaluate((keys) => {
    const target = document.activeElement ?? document.body;
    for (const key of [...keys, 'Enter']) {
      target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      target.dispatchEvent(new KeyboardEvent('keyup', { key, bubbles: true, cancelable: true }));
    }
  }, text);
}

describe.runIf(haveChromium)('keyboard wedge in the rendered screen (Chromium)', () => {
  beforeEach(async () => {
    e = await startE2E();
  });
  afterEach(async () => {
    await e.close();
  });

  it('a fast magstripe swipe presents the card and never touches the amount', async () => {
    const p = e.page;
    await signIn(e.page, '1001', '1234', 'cashier');
    const card = demoCard('active');
    const swipe =
      encodeTrack1({ pan: card.pan, name: 'WANG/FANG', expiry: '3012', serviceCode: '120' }) +
      encodeTrack2({ pan: card.pan, expiry: '3012', serviceCode: '120' });
    await p.locator('body').click();
    await wedgeTypes(p, swipe);
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('888801******0017');
    expect(await p.getByTestId('card-status').textContent()).toContain('键盘式扫码/刷卡');
    expect(await p.getByTestId('amount').textContent()).toContain('¥0.00');
    expect(await p.getByTestId('cashier-error').count()).toBe(0);
    await e.shot('wedge-01-swipe-presented');
  });

  it('a fast scan into the focused card-number field is consumed, the field stays empty', async () => {
    const p = e.page;
    await signIn(e.page, '1001', '1234', 'cashier');
    await p.getByTestId('wedge-input').click();
    await wedgeTypes(p, `]Q1${demoCard('gift').pan}`);
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0074');
    expect(await p.getByTestId('wedge-input').inputValue()).toBe('');
    // The keys are back on the amount (issue 11 #8).
    await p.keyboard.type('300');
    await expect.poll(() => p.getByTestId('amount').textContent()).toContain('¥3.00');
  });

  it('a garbled swipe says "please swipe again" and types nothing', async () => {
    const p = e.page;
    await signIn(e.page, '1001', '1234', 'cashier');
    await p.locator('body').click();
    await wedgeTypes(p, ';8888010000000018=3012120?'); // a misread digit: the Luhn check fails
    await expect.poll(() => p.getByTestId('cashier-error').textContent()).toContain('请重新刷卡');
    expect(await p.getByTestId('amount').textContent()).toContain('¥0.00');
  });

  it('human-speed digits key the amount; Enter then asks for a card — typing never becomes a scan', async () => {
    const p = e.page;
    await signIn(e.page, '1001', '1234', 'cashier');
    await p.locator('body').click();
    await p.keyboard.type('88880100', { delay: HUMAN_MS });
    await expect.poll(() => p.getByTestId('amount').textContent()).toContain('¥888,801.00');
    await p.keyboard.press('Enter');
    await expect.poll(() => p.getByTestId('cashier-error').textContent()).toContain('请刷卡');
    expect(await p.getByTestId('card-status').textContent()).not.toContain('******');
  });

  it('human typing into the card-number field lands there; Enter asks for a manager PIN (manual entry)', async () => {
    const p = e.page;
    await signIn(e.page, '1001', '1234', 'cashier');
    const input = p.getByTestId('wedge-input');
    await input.click();
    await p.keyboard.type(demoCard('low').pan, { delay: HUMAN_MS });
    await expect.poll(() => input.inputValue()).toBe(demoCard('low').pan);
    expect(await p.getByTestId('amount').textContent()).toContain('¥0.00');
    await p.keyboard.press('Enter');
    // Typed, not scanned: manual entry, which a manager allows (issue 11 #9).
    await p.getByTestId('override-dialog').waitFor();
    expect(await p.getByTestId('card-status').textContent()).not.toContain('0025');
    await override(p);
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0025');
  });
});
