/**
 * Demo mode's two issuers in real Chromium: the cashier swipes the JSON issuer's card and the ISO
 * 8583 issuer's card from the simulator panel, one sale each; both approved with their balances,
 * each debited at its own face of the simulator (the ISO one over loopback TCP). Then the
 * technician re-enters the ISO entry's terminal master key on the issuer list: a typo refused in
 * words, the right key (after the replace confirmation) sealed and signed on, the field emptied.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { signIn, signOut, keyAmount } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { demoCard } from '../../src/issuer-sim/demo-cards';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
let e: E2E;

describe.runIf(haveChromium)('demo mode: one issuer of each kind (Chromium)', () => {
  beforeEach(async () => {
    e = await startE2E({ demoIsoIssuer: true });
  });
  afterEach(async () => {
    await e.close();
  });

  it('a sale on the JSON issuer’s card and one on the ISO 8583 issuer’s card', async () => {
    const p = e.page;
    await signIn(p, '1001', '1234', 'cashier');
    const sell = async (card: string, masked: string, digits: string) => {
      await keyAmount(p, digits);
      await p.getByTestId(`sim-swipe-${card}`).click();
      await expect.poll(() => p.getByTestId('card-status').textContent()).toContain(masked);
      await p.getByTestId('keypad').locator('[data-key="ok"]').click();
      const result = p.getByTestId('result');
      await result.waitFor();
      expect(await result.getAttribute('data-status')).toBe('approved');
      return p.getByTestId('result-balance').textContent();
    };
    expect(await sell('active', '888801******0017', '1250')).toContain('¥987.50');
    await keyAmount(p, '0'); // the first key after a result starts the next customer
    expect(await sell('iso-active', '888802******0016', '2000')).toContain('¥480.00');
    await e.shot('two-issuers');
    expect(e.t.issuerBalance(demoCard('active').pan)).toBe(demoCard('active').balanceFen - 1250);
    expect(e.t.issuerBalance(demoCard('iso-active').pan)).toBe(demoCard('iso-active').balanceFen - 2000);
    const isoRow = e.t.app.db
      .prepare("SELECT issuer_id FROM txns WHERE type = 'sale' AND masked = '888802******0016'")
      .get() as { issuer_id: string };
    expect(isoRow.issuer_id).toBe('iso-demo');

    // The technician's issuer list: the ISO entry's stored TMK (its check value), and its form.
    await signOut(p);
    await signIn(p, '3001', '5555', 'tech');
    const state = p.getByTestId('tech-tmk-state-iso-demo');
    expect(await state.textContent()).toBe('已加密保存，校验值 08D7B4FB');
    const input = p.getByTestId('tech-tmk-input-iso-demo');
    expect(await input.getAttribute('type')).toBe('password');
    const enter = async (hex: string) => {
      await input.fill(hex);
      await p.getByTestId('tech-tmk-submit-iso-demo').click();
      // A key is stored: replacing it asks first.
      await p.getByTestId('tech-tmk-confirm-iso-demo').waitFor();
      await p.getByTestId('tech-tmk-confirm-yes-iso-demo').click();
      expect(await input.inputValue()).toBe('');
      const out = p.getByTestId('tech-tmk-result-iso-demo');
      await out.waitFor();
      return out;
    };
    const typo = await enter('1123456789ABCDEFFEDCBA9876543210');
    expect(await typo.textContent()).toContain('终端主密钥与发卡方的校验值不符');
    const right = await enter('0123456789ABCDEFFEDCBA9876543210');
    await expect.poll(() => right.getAttribute('data-ok')).toBe('true');
    expect(await right.textContent()).toBe('主密钥已加密保存，校验值 08D7B4FB；签到成功');
    await e.shot('tech-tmk');
  });
});
