/**
 * The cardholder password in real Chromium through the web host (issue 12, 密码支付): a sale on a
 * card that needs its password is declined PASSWORD_REQUIRED, the PIN pad opens, the cardholder
 * types a wrong password (declined, asked again), then the right one (approved); the ECR's collect on
 * the same card asks on the same pad. A change whose answer was lost is told it did not take, and
 * the next change works with the old password. The typed digits
 * never appear in the DOM — not as text, not in an attribute or an input's value — nor in the
 * page's storage: only dots.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { Page } from 'playwright-core';
import { signIn, keyAmount } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { passwordState } from '../../src/issuer-sim/handlers-password';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
const PWD = demoCard('password');
let e: E2E;

/** The whole document as a person's tools could read it: markup, input values, storage. */
async function everythingOnThePage(p: Page): Promise<string> {
  return p.evaluate(() => {
    const values = [...document.querySelectorAll('input, textarea')].map(
      (el) => (el as HTMLInputElement).value,
    );
    const storage = [localStorage, sessionStorage].flatMap((s) =>
      Object.keys(s).map((k) => `${k}=${s.getItem(k) ?? ''}`),
    );
    return [document.documentElement.outerHTML, ...values, ...storage].join('\n');
  });
}

/** Types a password on the PIN pad, checking after every digit that the digits so far are nowhere. */
async function typeOnPad(p: Page, pad: string, password: string): Promise<void> {
  for (let i = 0; i < password.length; i++) {
    await p.getByTestId(`${pad}-keys`).locator(`[data-key="${password[i]}"]`).click();
    await expect.poll(() => p.getByTestId(`${pad}-dots`).getAttribute('data-count')).toBe(String(i + 1));
    const typed = password.slice(0, i + 1);
    // Short digit runs occur anywhere (times, asset names); from 4 typed digits on, a run of
    // them on the page could only be the entry.
    if (typed.length >= 4) expect(await everythingOnThePage(p)).not.toContain(typed);
  }
  expect(await p.getByTestId(`${pad}-dots`).textContent()).toBe('●●●●●●');
}

describe.runIf(haveChromium)('card password end to end (Chromium)', () => {
  beforeEach(async () => {
    e = await startE2E();
  });
  afterEach(async () => {
    await e.close();
  });

  it('a sale on a card that needs its password: asked, wrong once, then right — digits never on the page', async () => {
    const p = e.page;
    await signIn(p, '1001', '1234', 'cashier');
    await keyAmount(p, '1250');
    await p.getByTestId('sim-swipe-password').click();
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0504');
    await p.getByTestId('keypad').locator('[data-key="ok"]').click();

    // Declined for want of the password: the PIN pad opens, the decline says why.
    await p.getByTestId('sale-pinpad').waitFor();
    expect(await p.getByTestId('result').getAttribute('data-code')).toBe('PASSWORD_REQUIRED');
    expect(await p.getByTestId('sale-pinpad').textContent()).toContain('请持卡人输入卡密码');
    expect(await p.getByTestId('sale-pinpad').textContent()).toContain('¥12.50');
    await e.shot('password-01-asked');

    // Fewer than 6 digits: asked for all six, nothing sent.
    await p.getByTestId('sale-pinpad-keys').locator('[data-key="1"]').click();
    await p.getByTestId('sale-pinpad-ok').click();
    expect(await p.getByTestId('sale-pinpad-error').textContent()).toContain('请输入6位数字');
    await p.getByTestId('sale-pinpad-keys').locator('[data-key="clear"]').click();

    // Wrong once.
    await typeOnPad(p, 'sale-pinpad', '975312');
    await e.shot('password-02-typed-dots');
    await p.getByTestId('sale-pinpad-ok').click();
    await expect.poll(() => p.getByTestId('sale-pinpad-error').textContent()).toContain('卡密码错误');
    expect(await p.getByTestId('result').getAttribute('data-code')).toBe('PASSWORD_WRONG');
    expect(await p.getByTestId('sale-pinpad-dots').getAttribute('data-count')).toBe('0');
    expect(passwordState(e.t.app.issuerSim!.ledger, PWD.pan)?.wrongTries).toBe(1);
    await e.shot('password-03-wrong');

    // Then right: approved, the pad closes, the balance is the issuer's.
    await typeOnPad(p, 'sale-pinpad', '246810');
    await p.getByTestId('sale-pinpad-ok').click();
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
    await p.getByTestId('sale-pinpad').waitFor({ state: 'detached' });
    expect(await p.getByTestId('result-balance').textContent()).toContain('¥487.50');
    expect(e.t.issuerBalance(PWD.pan)).toBe(48_750);
    expect(passwordState(e.t.app.issuerSim!.ledger, PWD.pan)?.wrongTries).toBe(0);
    const page = await everythingOnThePage(p);
    for (const typed of ['975312', '246810']) expect(page).not.toContain(typed);
    await e.shot('password-04-approved');

    // The ECR's collect (sale.collect over the web host) on the same card: the till's screen asks
    // for the password on the same pad, and the ECR's one request gets the approved sale.
    const ecr = fetch(`http://127.0.0.1:${e.host.port}/api/v1/sale.collect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e.host.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amountFen: 800, timeoutSeconds: 60 }),
    }).then((r) => r.json() as Promise<{ ok: boolean; result?: { status: string; amountFen: number } }>);
    await p.getByTestId('collect-prompt').waitFor();
    await p.getByTestId('sim-swipe-password').click();
    await p.getByTestId('sale-pinpad').waitFor();
    expect(await p.getByTestId('sale-pinpad').textContent()).toContain('¥8.00');
    await e.shot('password-04b-ecr-asked');
    await typeOnPad(p, 'sale-pinpad', '111111');
    await p.getByTestId('sale-pinpad-ok').click();
    await expect.poll(() => p.getByTestId('sale-pinpad-error').textContent()).toContain('卡密码错误');
    await typeOnPad(p, 'sale-pinpad', '246810');
    await p.getByTestId('sale-pinpad-ok').click();
    expect(await ecr).toMatchObject({ ok: true, result: { status: 'approved', amountFen: 800 } });
    await p.getByTestId('collect-prompt').waitFor({ state: 'detached' });
    await p.getByTestId('sale-pinpad').waitFor({ state: 'detached' });
    expect(e.t.issuerBalance(PWD.pan)).toBe(47_950);
    for (const typed of ['111111', '246810']) expect(await everythingOnThePage(p)).not.toContain(typed);
  });

  it('the cardholder changes the password at the till: old, new, new again (a lost answer first: told it did not take)', async () => {
    const p = e.page;
    await signIn(p, '1001', '1234', 'cashier');
    await p.getByTestId('sim-swipe-password').click();
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0504');
    const changeOnPads = async (old: string, next: string) => {
      await p.getByTestId('card-password-open').click();
      await typeOnPad(p, 'pw-old', old);
      await p.getByTestId('pw-old-ok').click();
      await typeOnPad(p, 'pw-new', next);
      await p.getByTestId('pw-new-ok').click();
      await typeOnPad(p, 'pw-confirm', next);
      await p.getByTestId('pw-confirm-ok').click();
    };
    // The issuer applies the change, its answer is lost: the cashier reads that it did not take.
    e.t.app.issuerSim!.setFault('drop-response:password');
    await changeOnPads('246810', '531975');
    await expect.poll(() => p.getByTestId('card-password-note').textContent()).toContain('密码未修改');
    e.t.app.issuerSim!.setFault('none');
    expect(await p.getByTestId('card-password-note').textContent()).toContain('原密码仍然有效');
    await e.shot('password-05a-not-taken');
    // Trying again: the change sends the lost one's reversal first, then itself, with the old password.
    await changeOnPads('246810', '864200');
    await expect.poll(() => p.getByTestId('card-password-note').textContent()).toContain('密码已设置');
    // Its own STAN in the recent list, as the kind it is (no amount).
    await expect.poll(() => p.getByTestId('recent').textContent()).toContain('设置卡密码');
    for (const typed of ['246810', '531975', '864200'])
      expect(await everythingOnThePage(p)).not.toContain(typed);
    await e.shot('password-05-changed');
    // The new one is now the card's password at the issuer.
    const token = await e.t.card(PWD.pan);
    const r = await e.t.call('sale.authorize', { cardToken: token, amountFen: 100, password: '864200' });
    expect(r.status).toBe('approved');
  });
});
