/**
 * The cashier's PIN pad, unchanged, for a card of demo mode's ISO 8583 issuer (real Chromium, the
 * issuer-sim's ISO face over loopback TCP): the sale is declined PASSWORD_REQUIRED (55 to a 0200
 * without 52), the pad opens, a wrong password is PASSWORD_WRONG (55 with 52) and asked again, the
 * right one is approved — field 52 made under the PIK of the adapter's own sign-on.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { signIn, keyAmount } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { passwordState } from '../../src/issuer-sim/handlers-password';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
const CARD = demoCard('iso-password');
let e: E2E;

describe.runIf(haveChromium)('card password over ISO 8583 (Chromium)', () => {
  beforeEach(async () => {
    e = await startE2E({ demoIsoIssuer: true });
  });
  afterEach(async () => {
    await e.close();
  });

  it('asked, wrong once, then right on the PIN pad the cashier already has', async () => {
    const p = e.page;
    await signIn(p, '1001', '1234', 'cashier');
    await keyAmount(p, '1250');
    await p.getByTestId('sim-swipe-iso-password').click();
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0032');
    await p.getByTestId('keypad').locator('[data-key="ok"]').click();

    await p.getByTestId('sale-pinpad').waitFor();
    expect(await p.getByTestId('result').getAttribute('data-code')).toBe('PASSWORD_REQUIRED');

    const type = async (password: string) => {
      for (const d of password) await p.getByTestId('sale-pinpad-keys').locator(`[data-key="${d}"]`).click();
      await p.getByTestId('sale-pinpad-ok').click();
    };
    await type('975312');
    await expect.poll(() => p.getByTestId('sale-pinpad-error').textContent()).toContain('卡密码错误');
    expect(await p.getByTestId('result').getAttribute('data-code')).toBe('PASSWORD_WRONG');
    expect(passwordState(e.t.app.issuerSim!.ledger, CARD.pan)?.wrongTries).toBe(1);

    await type(CARD.password!.pin);
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
    await p.getByTestId('sale-pinpad').waitFor({ state: 'detached' });
    expect(await p.getByTestId('result-balance').textContent()).toContain('¥487.50');
    expect(e.t.issuerBalance(CARD.pan)).toBe(CARD.balanceFen - 1250);
    expect(passwordState(e.t.app.issuerSim!.ledger, CARD.pan)?.wrongTries).toBe(0);
    await e.shot('iso-password-approved');
  });
});
