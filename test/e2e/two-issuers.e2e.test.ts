/**
 * Demo mode's two issuers in real Chromium: the cashier swipes the JSON issuer's card and the ISO
 * 8583 issuer's card from the simulator panel, one sale each; both approved with their balances,
 * each debited at its own face of the simulator (the ISO one over loopback TCP).
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { signIn, keyAmount } from '../helpers/e2e-actions';
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
  });
});
