/**
 * Card life in real Chromium through the web host: a cashier sells a ¥500 gift card for cash, the
 * buyer's ID recorded and shown masked, and the customer spends ¥12.50 of it at once; a top-up over
 * an anonymous card's cap is refused in plain words with "hand the cash back"; a manager cashes out
 * a registered card, the drawer paying its balance out.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { signIn, signOut, keyAmount, override, openShift } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { demoCard } from '../../src/issuer-sim/demo-cards';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
let e: E2E;

async function keyValue(e: E2E, digits: string) {
  for (const d of digits) await e.page.getByTestId('card-life-keypad').locator(`[data-key="${d}"]`).click();
}

describe.runIf(haveChromium)('card life end to end (Chromium)', () => {
  beforeEach(async () => {
    e = await startE2E();
  });
  afterEach(async () => {
    await e.close();
  });

  it('sells a ¥500 gift card for cash and the customer spends ¥12.50 of it', async () => {
    const p = e.page;
    await signIn(p, '1001', '1234', 'cashier');
    await p.getByTestId('card-life-open').click();
    await p.getByTestId('card-life-activate').click();
    // The panel holds the till's keys: the keyboard keys the card's value, never a sale behind it
    // (the sale's amount is not even shown while the value is).
    await p.keyboard.type('50000');
    await expect.poll(() => p.getByTestId('card-life-value').textContent()).toContain('¥500.00');
    expect(await p.getByTestId('amount').count()).toBe(0);
    await p.getByTestId('sim-swipe-shelf1').click();
    await expect.poll(() => p.getByTestId('card-life-card').textContent()).toContain('0090');
    await p.getByTestId('card-life-tender').fill('600');
    // A registered card: the buyer's ID (实名) is recorded with it.
    await p.getByTestId('card-life-buyer-name').fill('张三丰');
    await p.getByTestId('card-life-buyer-id').fill('110101199003071234');
    await p.getByTestId('card-life-keypad').locator('[data-key="ok"]').click();
    const note = p.getByTestId('card-life-note');
    await note.waitFor();
    const text = await note.textContent();
    expect(text).toContain('售卡成功');
    expect(text).toContain('已登记购卡人：张** 110***********1234');
    expect(text).not.toContain('110101199003071234');
    expect(await p.getByTestId('card-life-buyer-id').inputValue()).toBe('');
    expect(text).toContain('余额 ¥500.00');
    expect(text).toContain('可充额度 ¥4,500.00');
    expect(text).toContain('找零 ¥100.00');
    const receipt = await p.getByTestId('receipt-preview').textContent();
    expect(receipt).toContain('售卡 CARD SOLD');
    expect(receipt).toContain('**** 0090');
    await e.shot('card-life-01-sold');
    expect(e.t.issuerBalance(demoCard('shelf1').pan)).toBe(50_000);

    // The customer spends ¥12.50 of it, as any sale, once the card panel is closed.
    await p.getByTestId('card-life-close').click();
    expect(await p.getByTestId('amount').textContent()).toContain('¥0.00');
    await keyAmount(p, '1250');
    await p.getByTestId('sim-swipe-shelf1').click();
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0090');
    await p.getByTestId('keypad').locator('[data-key="ok"]').click();
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
    expect(await p.getByTestId('result-balance').textContent()).toContain('¥487.50');
    await e.shot('card-life-02-spent');
    expect(e.t.issuerBalance(demoCard('shelf1').pan)).toBe(48_750);

    // The manager's today screen shows the card sold beside the spending.
    await signOut(p);
    await signIn(p, '2001', '8888');
    await expect.poll(() => p.getByTestId('today-cards-sold').textContent()).toContain('1 · ¥500.00');
    expect(await p.getByTestId('today-topups').textContent()).toContain('0 · ¥0.00');
    // And its chart of money by kind: card sales beside the spending, drawn and named.
    await expect.poll(() => p.getByTestId('money-cardsSold').textContent()).toContain('¥500.00');
    expect(await p.getByTestId('money-sales').textContent()).toContain('¥12.50');
    expect(await p.getByTestId('chart-money-by-kind').isVisible()).toBe(true);
    await e.shot('card-life-04-manager-today');
  });

  it('a top-up over an anonymous card cap is refused in plain words: hand the cash back', async () => {
    const p = e.page;
    await signIn(p, '1001', '1234', 'cashier');
    await p.getByTestId('card-life-open').click();
    await p.getByTestId('card-life-topup').click();
    await keyValue(e, '2000');
    await p.getByTestId('sim-swipe-anon-near-cap').click();
    await expect.poll(() => p.getByTestId('card-life-card').textContent()).toContain('0124');
    await p.getByTestId('card-life-keypad').locator('[data-key="ok"]').click();
    const note = p.getByTestId('card-life-note');
    await note.waitFor();
    const text = await note.textContent();
    expect(text).toContain('超过卡内余额上限');
    expect(text).toContain('请将现金退还顾客：¥20.00');
    await e.shot('card-life-03-cap-refused');
    expect(e.t.issuerBalance(demoCard('anon-near-cap').pan)).toBe(99_000);
  });

  it('a manager cashes out a registered card: the balance paid out in cash, the card closed', async () => {
    const p = e.page;
    const gift = demoCard('gift');
    await signIn(p, '1001', '1234', 'cashier');
    await p.getByTestId('card-life-open').click();
    await p.getByTestId('card-life-cashout').click();
    await expect.poll(() => p.getByTestId('card-life-rules').textContent()).toContain('¥100.00');
    await p.getByTestId('sim-swipe-gift').click();
    await expect.poll(() => p.getByTestId('card-life-card').textContent()).toContain('0074');
    await p.getByTestId('card-life-go-cashout').click();
    await override(p);
    const note = p.getByTestId('card-life-note');
    await note.waitFor();
    expect(await note.textContent()).toContain('退卡成功');
    expect(await note.textContent()).toContain('请付给顾客现金 ¥200.00');
    const receipt = await p.getByTestId('receipt-preview').textContent();
    expect(receipt).toContain('退卡 CASH-OUT');
    expect(receipt).toContain('付现金 CASH PAID');
    expect(receipt).not.toContain(gift.pan);
    // The recent list names the kind of each row.
    await expect.poll(() => p.getByTestId('recent').textContent()).toContain('退卡');
    await e.shot('card-life-05-cashout');
    expect(e.t.app.issuerSim!.ledger.card(gift.pan)).toMatchObject({ status: 'closed', balance_fen: 0 });
  });

  it('a manager replaces a lost card onto a new one; a card sale already spent from cannot be voided, in plain words', async () => {
    const p = e.page;
    await signIn(p, '1001', '1234', 'cashier');
    await p.getByTestId('card-life-open').click();
    await p.getByTestId('card-life-replace').click();
    await p.getByTestId('card-life-old-card').fill(demoCard('lost').pan);
    await p.getByTestId('sim-swipe-shelf3').click();
    await expect.poll(() => p.getByTestId('card-life-card').textContent()).toContain('0140');
    await p.getByTestId('card-life-go-replace').click();
    await override(p);
    const note = p.getByTestId('card-life-note');
    await expect.poll(() => note.textContent()).toContain('换卡成功：¥500.00 已转入新卡');
    expect(await p.getByTestId('receipt-preview').textContent()).toContain('换卡 CARD REPLACED');
    await e.shot('card-life-06-replaced');
    expect(e.t.issuerBalance(demoCard('shelf3').pan)).toBe(50_000);

    // Sell a card, spend from it, then try to void the card sale.
    await p.getByTestId('card-life-activate').click();
    await keyValue(e, '10000');
    await p.getByTestId('sim-swipe-shelf-anon').click();
    await expect.poll(() => p.getByTestId('card-life-card').textContent()).toContain('0116');
    await p.getByTestId('card-life-keypad').locator('[data-key="ok"]').click();
    await expect.poll(() => note.textContent()).toContain('售卡成功');
    const soldStan = (await p.getByTestId('receipt-preview').textContent())!.match(
      /流水号 STAN\s*(\d{6})/,
    )![1];
    await expect.poll(() => p.getByTestId(`recent-kind-${Number(soldStan)}`).textContent()).toBe('售卡');
    await p.getByTestId('card-life-close').click();
    await keyAmount(p, '1000');
    await p.getByTestId('sim-swipe-shelf-anon').click();
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0116');
    await p.getByTestId('keypad').locator('[data-key="ok"]').click();
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
    await p.getByTestId('void-refund-open').click();
    await p.getByTestId('void-stan').fill(String(Number(soldStan)));
    await p.getByTestId('void-btn').click();
    await override(p);
    const refused = p.getByTestId('void-refund-note');
    await expect.poll(() => refused.textContent()).toContain('卡内已消费部分金额，不能撤销售卡或充值');
    expect(await refused.textContent()).toContain('卡内剩余 ¥90.00');
    await e.shot('card-life-07-void-refused');
    expect(e.t.issuerBalance(demoCard('shelf-anon').pan)).toBe(9_000);
  });

  it('the Z shows the card sold and the cash-out, and the drawer balances with both', async () => {
    const p = e.page;
    // Float ¥100.00, a ¥500.00 card sold for cash (exact), a ¥200.00 cash-out: ¥400.00 expected.
    await openShift(p, '100.00');
    await signOut(p);
    await signIn(p, '1001', '1234', 'cashier');
    await p.getByTestId('card-life-open').click();
    await p.getByTestId('card-life-activate').click();
    await keyValue(e, '50000');
    await p.getByTestId('sim-swipe-shelf1').click();
    await expect.poll(() => p.getByTestId('card-life-card').textContent()).toContain('0090');
    await p.getByTestId('card-life-tender').fill('500');
    await p.getByTestId('card-life-buyer-name').fill('张三丰');
    await p.getByTestId('card-life-buyer-id').fill('110101199003071234');
    await p.getByTestId('card-life-keypad').locator('[data-key="ok"]').click();
    await expect.poll(() => p.getByTestId('card-life-note').textContent()).toContain('售卡成功');
    await p.getByTestId('card-life-cashout').click();
    await p.getByTestId('sim-swipe-gift').click();
    await expect.poll(() => p.getByTestId('card-life-card').textContent()).toContain('0074');
    await p.getByTestId('card-life-go-cashout').click();
    await override(p);
    await expect.poll(() => p.getByTestId('card-life-note').textContent()).toContain('退卡成功');
    await signOut(p);

    await signIn(p, '2001', '8888');
    await p.getByTestId('mgr-tab-shift').click();
    await p.getByTestId('close-start').click();
    await p.getByTestId('count-drawer').waitFor();
    await p.getByTestId('count-mode').click();
    await p.getByTestId('count-total-input').fill('400');
    await p.getByTestId('count-submit').click();
    const variance = p.getByTestId('variance-card');
    await variance.waitFor();
    expect(await variance.getAttribute('data-status')).toBe('balanced');
    const z = (await p.getByTestId('z-result').getByTestId('receipt-preview').textContent()) ?? '';
    expect(z).toContain('售卡 CARD SOLD');
    expect(z).toContain('退卡 CASH-OUTS');
    expect(z).toMatch(/应有 EXPECTED\s*¥400\.00/);
    expect(z).toContain('平 BALANCED');
    await e.shot('card-life-07-z-balanced');
  });
});
