/**
 * Idle sign-out, announced (issue 11 #11), in real Chromium with Playwright's clock driving the
 * page's time (no waiting): 30 s before the idle sign-out a countdown shows; a key keeps the
 * session; when it runs out the operator is signed out and the next one finds no amount and no card.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { signIn, keyAmount } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
let e: E2E;

describe.runIf(haveChromium)('idle sign-out warning (Chromium)', () => {
  beforeEach(async () => {
    e = await startE2E();
  });
  afterEach(async () => {
    await e.close();
  });

  it('warns 30 s before, a key keeps the session, then signs out and clears the sale', async () => {
    const p = e.page;
    await p.clock.install();
    await p.goto(e.host.appUrl);
    await signIn(p, '1001', '1234', 'cashier');
    expect(e.t.app.config.auth.idleSignOutSeconds).toBe(300);
    await keyAmount(p, '1250');
    await p.getByTestId('sim-swipe-active').click();
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0017');
    expect(await p.getByTestId('idle-warning').count()).toBe(0);

    await p.clock.fastForward('04:31'); // 271 s without a call: inside the last 30 s
    await p.getByTestId('idle-warning').waitFor();
    expect(await p.getByTestId('idle-warning').textContent()).toMatch(/\d+ 秒后将自动退出登录/);
    await p.keyboard.press('Shift'); // any key
    await expect.poll(() => p.getByTestId('idle-warning').count()).toBe(0);
    expect(await p.getByTestId('amount').textContent()).toContain('¥12.50');
    expect(await p.getByTestId('operator').count()).toBe(1);

    await p.clock.fastForward('04:31');
    await p.getByTestId('idle-warning').waitFor();
    await p.clock.fastForward('00:31'); // nobody came back
    await p.getByTestId('signin').waitFor();
    expect(e.t.app.ctx.audit.list({ limit: 5, action: 'auth.signOut' })[0]?.detail).toBe('idle');
    await signIn(p, '1001', '1234', 'cashier');
    expect(await p.getByTestId('amount').textContent()).toContain('¥0.00');
    expect(await p.getByTestId('card-status').textContent()).not.toContain('0017');
  });
});
