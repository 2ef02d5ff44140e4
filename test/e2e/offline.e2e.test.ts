/**
 * The store-and-forward demo in real Chromium: the simulator's switch cuts the issuer link, a
 * cashier makes a sale that is approved OFFLINE, the manager sees it waiting in the offline queue,
 * the link is restored and the queue drains by itself — applied once at the issuer.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { signIn, keyAmount } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { OfflineConfig } from '../../src/offline-queue/config';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
let e: E2E;

async function sell(e: E2E, digits: string): Promise<void> {
  const p = e.page;
  await keyAmount(p, digits);
  await p.getByTestId('sim-swipe-active').click();
  await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0017');
  await p.getByTestId('keypad').locator('[data-key="ok"]').click();
  await p.getByTestId('result').waitFor();
}

/**
 * The cashier signs in and sells ¥1.00 online on the ¥1,000 card (the terminal learns its balance,
 * which an offline approval needs), then cuts the issuer link with the simulator's switch.
 */
async function sellOnlineThenCut(e: E2E): Promise<void> {
  const p = e.page;
  await signIn(p, '1001', '1234', 'cashier');
  await sell(e, '100');
  await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
  await p.getByTestId('next-sale').click();
  await p.getByTestId('sim-link').click();
  await expect.poll(() => p.getByTestId('link-state').textContent()).toContain('已断开');
}

describe.runIf(haveChromium)('offline sale and store-and-forward (Chromium)', () => {
  afterEach(async () => {
    await e.close();
  });

  it('link cut → offline approval → queued on the manager screen → drains when the link is back', async () => {
    e = await startE2E({ forwardMs: 500 });
    const p = e.page;
    const pan = demoCard('active').pan;
    await sellOnlineThenCut(e);
    await sell(e, '1250');
    const result = p.getByTestId('result');
    await expect.poll(() => result.getAttribute('data-status')).toBe('approved');
    expect(await result.textContent()).toContain('离线');
    expect(await p.getByTestId('receipt-preview').textContent()).toContain('离线交易 OFFLINE');
    // The STAN the result panel shows is the one the manager will find in the queue.
    const stan = /流水号 (\d{6})/.exec((await result.textContent()) ?? '')![1];
    await e.shot('offline-01-cashier-offline-approved');
    expect(e.t.issuerBalance(pan)).toBe(demoCard('active').balanceFen - 100); // not at the issuer yet

    await p.getByTestId('sign-out').click();
    await signIn(e.page, '2001', '8888');
    await p.getByTestId('screen-offline-queue').click();
    await expect.poll(() => p.getByTestId('queue-count').textContent()).toBe('1');
    expect(await p.getByTestId('queue-total').textContent()).toContain('¥12.50');
    expect(await p.getByTestId('queue-link').getAttribute('data-link')).toBe('cut');
    expect(await p.getByTestId('limit-floor').textContent()).toContain('¥500.00');
    expect(await p.getByTestId('limit-total').textContent()).toContain('¥5,000.00');
    // Not only how many: which sale waits — STAN, type, masked card, amount, no upload tried yet.
    const waitingRow = p.getByTestId(`waiting-${Number(stan)}`);
    await waitingRow.waitFor();
    expect(await p.getByTestId('queue-waiting').locator('tbody tr').count()).toBe(1);
    const waitingText = (await waitingRow.textContent()) ?? '';
    expect(waitingText).toContain(stan);
    expect(waitingText).toContain('消费');
    expect(waitingText).toMatch(/888801\*+0017/);
    expect(waitingText).toContain('¥12.50');
    expect(waitingText).not.toContain(pan);
    expect(await p.getByTestId(`waiting-attempts-${Number(stan)}`).textContent()).toBe('0');
    expect(await p.getByTestId('queue-recent-empty').textContent()).toContain('尚无上送记录');
    await e.shot('offline-02-manager-queue-waiting');

    await p.getByTestId('sim-link').click(); // restore: the forwarder finds the link and uploads
    await expect.poll(() => p.getByTestId('queue-count').textContent(), { timeout: 15_000 }).toBe('0');
    await expect.poll(() => p.getByTestId('queue-link').getAttribute('data-link')).toBe('online');
    // The cut is still shown as the last error, but as history.
    await expect.poll(() => p.getByTestId('queue-error-resolved').count()).toBe(1);
    expect(await p.getByTestId('queue-forwarded').textContent()).toBe('1');
    // The same sale now under "recently forwarded", accepted; nothing waits.
    const forwardedRow = p.getByTestId(`forwarded-${Number(stan)}`);
    await expect.poll(() => forwardedRow.getAttribute('data-outcome')).toBe('accepted');
    const forwardedText = (await forwardedRow.textContent()) ?? '';
    expect(forwardedText).toContain(stan);
    expect(forwardedText).toContain('¥12.50');
    expect(forwardedText).toContain('已入账');
    expect(await p.getByTestId('queue-waiting-empty').textContent()).toContain('没有待上送的离线交易');
    await p.getByTestId('queue-forward').click(); // nothing left: forwarding again applies nothing
    await expect.poll(() => p.getByTestId('queue-forward').isEnabled()).toBe(true);
    await e.shot('offline-03-manager-queue-drained');
    expect(e.t.issuerBalance(pan)).toBe(demoCard('active').balanceFen - 100 - 1250);
    const applied = e.t.app
      .issuerSim!.ledger.applied(e.t.app.config.terminalId)
      .filter((a) => a.type === 'advice');
    expect(applied).toEqual([
      expect.objectContaining({ result: 'approved', amountFen: 1250, reversed: false }),
    ]);
  });
  it('a reversal the issuer refused for good is on the dead-letter list; the manager acknowledges it', async () => {
    e = await startE2E({ forwardMs: 500 });
    const p = e.page;
    const app = e.t.app;
    await signIn(p, '1001', '1234', 'cashier');
    await sell(e, '100');
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
    const saleStan = /流水号 (\d{6})/.exec((await p.getByTestId('result').textContent()) ?? '')![1];
    // A reversal of it the issuer-sim refuses (400: no original STAN in the message), tried until
    // it is set aside.
    app.db.transaction(() =>
      app.terminal.opts.store.queueReversal(Number(saleStan), {
        issuerId: 'default',
        // The message names no valid original (origStan −1): the issuer-sim answers 400.
        command: (stan) => ({
          kind: 'reverse',
          stan,
          time: new Date().toISOString(),
          id: 'ab'.repeat(16),
          origStan: -1,
        }),
      }),
    )();
    for (let i = 0; i < 3; i++) await app.jobs.drain('reversal');
    const [dead] = app.jobs.deadLetters().items;
    expect(dead).toMatchObject({ kind: 'reversal', acknowledgedAt: null });

    await p.getByTestId('sign-out').click();
    await signIn(e.page, '2001', '8888');
    await p.getByTestId('screen-offline-queue').click();
    const row = p.getByTestId(`dead-${dead.id}`);
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain(`冲正（原流水号 ${saleStan}）`);
    expect(text).toContain('issuer answered HTTP 400'); // the reason's first words
    expect(text).toMatch(/888801\*+0017/);
    expect(text).toContain('¥1.00');
    await e.shot('offline-06-manager-dead-letter');
    await p.getByTestId(`dead-ack-${dead.id}`).click();
    await expect.poll(() => row.textContent()).toContain('已确认（2001）');
    expect(app.jobs.deadLetters().unacknowledged).toBe(0);
  });

  it('the cashier voids an offline sale while the link is down; sale and void drain together', async () => {
    e = await startE2E({ forwardMs: 500 });
    const p = e.page;
    const pan = demoCard('active').pan;
    await sellOnlineThenCut(e);
    await sell(e, '2000');
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
    await p.getByTestId('next-sale').click();

    // The void field offers the last sale (the offline one); the manager types the PIN here.
    await p.getByTestId('void-refund-open').click();
    await p.getByTestId('void-btn').click();
    await p.getByTestId('override-dialog').waitFor();
    await p.getByTestId('override-pin').fill('8888');
    await p.getByTestId('override-keypad').locator('[data-key="ok"]').click();
    await expect.poll(() => p.getByTestId('void-refund-note').textContent()).toContain('已撤销（离线）');
    const receipt = await p.getByTestId('receipt-preview').textContent();
    expect(receipt).toContain('撤销 VOID');
    expect(receipt).toContain('离线交易 OFFLINE');
    // The recent list tells the void from the sale it voids.
    await expect.poll(() => p.getByTestId('recent').locator('[data-testid^="recent-kind-"]').count()).toBe(1);
    expect(await p.getByTestId('recent').locator('[data-testid^="recent-kind-"]').textContent()).toBe('撤销');
    await e.shot('offline-05-void-of-offline-sale');

    await p.getByTestId('sign-out').click();
    await signIn(e.page, '2001', '8888');
    await p.getByTestId('screen-offline-queue').click();
    await expect.poll(() => p.getByTestId('queue-count').textContent()).toBe('2');
    expect(await p.getByTestId('queue-total').textContent()).toContain('¥0.00'); // nothing at risk
    await p.getByTestId('sim-link').click();
    await expect.poll(() => p.getByTestId('queue-count').textContent(), { timeout: 15_000 }).toBe('0');
    expect(await p.getByTestId('queue-forwarded').textContent()).toBe('2');
    expect(e.t.issuerBalance(pan)).toBe(demoCard('active').balanceFen - 100);
    expect(
      e.t.app
        .issuerSim!.ledger.applied(e.t.app.config.terminalId)
        .filter((a) => a.type !== 'authorize' && a.type !== 'inquiry' && a.type !== 'echo')
        .map((a) => [a.type, a.result, a.amountFen]),
    ).toEqual([
      ['advice', 'approved', 2000],
      ['void', 'approved', 2000],
    ]);
  });

  it('an offline sale over the floor limit is allowed by a manager PIN on the cashier screen', async () => {
    e = await startE2E({ config: { offline: OfflineConfig.parse({ floorLimitFen: 1000 }) } as never });
    const p = e.page;
    await sellOnlineThenCut(e);
    await sell(e, '1250');
    await expect.poll(() => p.getByTestId('result').getAttribute('data-code')).toBe('OFFLINE_FLOOR_LIMIT');
    await p.getByTestId('offline-override').click();
    await p.getByTestId('override-pin').fill('8888');
    await p.getByTestId('override-keypad').locator('[data-key="ok"]').click();
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
    expect(await p.getByTestId('result').textContent()).toContain('离线');
    await e.shot('offline-04-override-over-floor');
  });
});
