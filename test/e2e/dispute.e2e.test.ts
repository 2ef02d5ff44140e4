/**
 * The manager's dispute desk in real Chromium through the web host: a genuine receipt QR pasted →
 * "genuine" with the decrypted transaction and its verification code; the same QR with one
 * character changed → "forged"; and a QR read by the (simulated) barcode scanner arrives through
 * the `receipt.scanned` event and is checked without typing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { demoCard } from '../../src/issuer-sim/demo-cards';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
let e: E2E;
let qr = '';
let code = '';

describe.runIf(haveChromium)('dispute desk end to end (Chromium)', () => {
  beforeAll(async () => {
    e = await startE2E();
    // A real sale on this terminal gives a real receipt (core API as the cashier, then signed out).
    await e.t.signIn();
    const r = await e.t.call('sale.authorize', {
      cardToken: await e.t.card(demoCard('active').pan),
      amountFen: 1250,
    });
    const doc = (await e.t.call('receipt.get', { stan: r.stan })).doc;
    const q = doc.lines.find((l) => l.type === 'qr');
    const c = doc.lines.find((l) => l.type === 'pair' && l.left.includes('CODE'));
    qr = q?.type === 'qr' ? q.data : '';
    code = c?.type === 'pair' ? c.right : '';
    await e.t.call('auth.signOut', {});
    const p = e.page;
    await p.getByTestId('signin').waitFor();
    await p.getByTestId('operator-2001').click();
    for (const d of '8888') await p.getByTestId('pin-keypad').locator(`[data-key="${d}"]`).click();
    await p.getByTestId('pin-keypad').locator('[data-key="ok"]').click();
    await p.getByTestId('screen-dispute').click();
    await p.getByTestId('dispute-desk').waitFor();
  });
  afterAll(async () => {
    await e?.close();
  });

  it('a pasted genuine QR shows "genuine" and the decrypted transaction', async () => {
    const p = e.page;
    expect(qr).toMatch(/^CTR1/);
    await p.getByTestId('dispute-input').fill(qr);
    await p.getByTestId('dispute-verify').click();
    const result = p.getByTestId('dispute-result');
    await expect.poll(() => result.getAttribute('data-genuine')).toBe('yes');
    expect(await result.textContent()).toContain('真实小票');
    // Every word in Chinese: the STAN is 流水号 on this screen as on the others.
    expect(await result.textContent()).toMatch(/流水号 \d{6}/);
    expect(await result.textContent()).not.toContain('STAN');
    expect(await p.getByTestId('dispute-amount').textContent()).toContain('¥12.50');
    expect(await p.getByTestId('dispute-details').textContent()).toContain('**** 0017');
    expect(await p.getByTestId('dispute-code').textContent()).toBe(code);
    await e.shot('dispute-01-genuine');
  });

  it('the same QR with one character changed shows "forged"', async () => {
    const p = e.page;
    const i = 40;
    const forged = qr.slice(0, i) + (qr[i] === 'Q' ? 'R' : 'Q') + qr.slice(i + 1);
    await p.getByTestId('dispute-input').fill(forged);
    await p.getByTestId('dispute-verify').click();
    const result = p.getByTestId('dispute-result');
    await expect.poll(() => result.getAttribute('data-genuine')).toBe('no');
    expect(await result.textContent()).toContain('伪造');
    expect(await p.getByTestId('dispute-details').count()).toBe(0);
    await e.shot('dispute-02-forged');
  });

  it('a QR read by the barcode scanner is checked without typing (receipt.scanned)', async () => {
    const p = e.page;
    await p.getByTestId('dispute-input').fill('');
    await e.t.call('devices.simulate', { deviceId: 'sim-scanner', input: { action: 'scan', payload: qr } });
    await expect.poll(() => p.getByTestId('dispute-scanned').count()).toBe(1);
    await expect.poll(() => p.getByTestId('dispute-result').getAttribute('data-genuine')).toBe('yes');
    expect(await p.getByTestId('dispute-input').inputValue()).toBe(qr);
  });
});
