/**
 * Batch card sale (批量售卡) in real Chromium through the web host: a cashier sells a range of three
 * consecutive gift cards, ¥100.00 each, for one cash payment; each card is activated on its own at
 * the issuer, the screen lists them card by card, the receipt preview is the customer copy, and the
 * manager's today screen counts the cards sold beside the spending. A company buys ¥5,000.00 of
 * cards by bank transfer (cash not offered over the non-cash line), its credit code recorded and
 * shown masked; the Z counts the cards sold and the drawer holds none of the transfer.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { openShift, signIn, signOut } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { demoCard } from '../../src/issuer-sim/demo-cards';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
let e: E2E;

describe.runIf(haveChromium)('batch card sale end to end (Chromium)', () => {
  beforeEach(async () => {
    e = await startE2E();
  });
  afterEach(async () => {
    await e.close();
  });

  it('sells a range of 3 cards for one payment, card by card, and gives the change', async () => {
    const p = e.page;
    const pans = ['batch01', 'batch02', 'batch03'].map((n) => demoCard(n).pan);
    await signIn(p, '1001', '1234', 'cashier');
    await p.getByTestId('batch-open').click();
    await p.getByTestId('batch-mode-range').click();
    await p.getByTestId('batch-from').fill(pans[0]);
    await p.getByTestId('batch-to').fill(pans[2]);
    // The range previewed, masked, with the core's own rule (each number its own check digit).
    await expect.poll(() => p.getByTestId('batch-list').locator('li').count()).toBe(3);
    const list = (await p.getByTestId('batch-list').textContent()) ?? '';
    for (const pan of pans) {
      expect(list).toContain(pan.slice(-4));
      expect(list).not.toContain(pan);
    }
    await p.getByTestId('batch-value').fill('100');
    await p.getByTestId('batch-tender').fill('350');
    expect(await p.getByTestId('batch-summary').textContent()).toContain('¥300.00');
    await e.shot('card-batch-01-ready');
    await p.getByTestId('batch-go').click();
    const note = p.getByTestId('batch-note');
    await note.waitFor();
    const text = (await note.textContent()) ?? '';
    expect(text).toContain('已激活 3/3 张，实收 ¥300.00');
    expect(text).toContain('请退还顾客 ¥50.00');
    for (let i = 0; i < 3; i++)
      expect(await p.getByTestId(`batch-item-${i}`).getAttribute('data-status')).toBe('approved');
    const receipt = (await p.getByTestId('receipt-preview').textContent()) ?? '';
    expect(receipt).toContain('批量售卡 BATCH CARD SALE');
    for (const pan of pans) expect(receipt).toContain(`**** ${pan.slice(-4)}`);
    expect(receipt).toContain('实收 PAID');
    await e.shot('card-batch-02-sold');
    for (const pan of pans) expect(e.t.issuerBalance(pan)).toBe(10_000);

    // The manager's today screen: the cards sold beside the spending.
    await signOut(p);
    await signIn(p, '2001', '8888');
    await expect.poll(() => p.getByTestId('today-cards-sold').textContent()).toContain('3 · ¥300.00');
    await e.shot('card-batch-03-manager-today');
  });

  it('a card swiped, and two typed, one after another join the batch and are sold together', async () => {
    // Anonymous cards: a registered card is sold only with its buyer's ID, which this batch does not give.
    const p = e.page;
    await signIn(p, '1001', '1234', 'cashier');
    await p.getByTestId('batch-open').click();
    await p.getByTestId('sim-swipe-shelf-anon').click();
    await expect.poll(() => p.getByTestId('batch-list').locator('li').count()).toBe(1);
    for (const [i, n] of [
      [2, 'batch04'],
      [3, 'batch05'],
    ] as const) {
      await p.getByTestId('batch-scan').fill(demoCard(n).pan);
      await p.getByTestId('batch-scan').press('Enter');
      await expect.poll(() => p.getByTestId('batch-list').locator('li').count()).toBe(i);
    }
    const list = (await p.getByTestId('batch-list').textContent()) ?? '';
    expect(list).toContain(demoCard('shelf-anon').pan.slice(-4));
    expect(list).not.toContain(demoCard('batch04').pan);
    await p.getByTestId('batch-value').fill('50');
    await p.getByTestId('batch-go').click();
    await p.getByTestId('batch-note').waitFor();
    expect(await p.getByTestId('batch-note').textContent()).toContain('已激活 3/3 张，实收 ¥150.00');
    await e.shot('card-batch-04-swiped');
    for (const n of ['shelf-anon', 'batch04', 'batch05'])
      expect(e.t.issuerBalance(demoCard(n).pan)).toBe(5_000);
  });
  it('a company buys 5 cards of ¥1,000.00 by bank transfer: no cash offered, buyer masked, the drawer untouched on the Z', async () => {
    const p = e.page;
    const pans = ['batch01', 'batch05'].map((n) => demoCard(n).pan);
    const ORG = { name: '某某科技有限公司', code: '91440300MA5ABCDE12' };
    await openShift(p, '100.00');
    await signOut(p);
    await signIn(p, '1001', '1234', 'cashier');
    await p.getByTestId('batch-open').click();
    await p.getByTestId('batch-mode-range').click();
    await p.getByTestId('batch-from').fill(pans[0]);
    await p.getByTestId('batch-to').fill(pans[1]);
    await expect.poll(() => p.getByTestId('batch-list').locator('li').count()).toBe(5);
    await p.getByTestId('batch-value').fill('1000');
    // ¥5,000.00 by a person may be cash; by an organisation it may not: the form turns to the transfer.
    expect(await p.getByTestId('batch-pay-by').inputValue()).toBe('cash');
    await p.getByTestId('batch-buyer-kind').selectOption('organisation');
    await p.getByTestId('batch-need-transfer').waitFor();
    expect(await p.getByTestId('batch-pay-by').inputValue()).toBe('bank_transfer');
    expect(await p.getByTestId('batch-pay-by').locator('option[value="cash"]').isDisabled()).toBe(true);
    await p.getByTestId('batch-transfer-ref').fill('CMB20261202-0007');
    // No ID is needed at ¥5,000.00; the company's credit code is recorded all the same.
    await p.getByTestId('batch-record-buyer').click();
    await p.getByTestId('batch-buyer-name').fill(ORG.name);
    await p.getByTestId('batch-buyer-id').fill(ORG.code);
    expect(await p.getByTestId('batch-go').textContent()).toContain('按银行转账批量售卡');
    await e.shot('card-batch-05-transfer-ready');
    await p.getByTestId('batch-go').click();
    const note = p.getByTestId('batch-note');
    await note.waitFor();
    const text = (await note.textContent()) ?? '';
    expect(text).toContain('已激活 5/5 张，实收 ¥5,000.00');
    expect(text).toContain('银行转账 ¥5,000.00，流水号 CMB20261202-0007');
    expect(text).toContain('已登记购卡人：某******* 914***********DE12');
    expect(text).not.toContain('请退还顾客');
    const receipt = (await p.getByTestId('receipt-preview').textContent()) ?? '';
    expect(receipt).toContain('转账流水 REF');
    expect(receipt).toContain('CMB20261202-0007');
    expect(receipt).toContain('914***********DE12');
    expect(receipt).not.toContain(ORG.code);
    expect(receipt).not.toContain('收现金 CASH TAKEN');
    await e.shot('card-batch-06-transfer-sold');
    expect(e.t.issuerBalance(pans[1])).toBe(100_000);
    await signOut(p);

    // Z: the five cards sold; the drawer expects the float alone and balances at ¥100.00.
    await signIn(p, '2001', '8888');
    await p.getByTestId('mgr-tab-shift').click();
    await p.getByTestId('close-start').click();
    await p.getByTestId('count-drawer').waitFor();
    await p.getByTestId('count-mode').click();
    await p.getByTestId('count-total-input').fill('100');
    await p.getByTestId('count-submit').click();
    const variance = p.getByTestId('variance-card');
    await variance.waitFor();
    expect(await variance.getAttribute('data-status')).toBe('balanced');
    const z = (await p.getByTestId('z-result').getByTestId('receipt-preview').textContent()) ?? '';
    expect(z).toContain('售卡 CARDS SOLD ×5');
    expect(z).toMatch(/应有 EXPECTED\s*¥100\.00/);
    await e.shot('card-batch-07-transfer-z');
  });
});
