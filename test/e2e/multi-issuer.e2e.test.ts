/**
 * Two issuers in real Chromium through the web host, each a real issuer-sim over HTTP: the manager
 * sees each issuer's batch apart in the Z (its own totals and settlement result) and each issuer's
 * own link and queue on the queue screen; the technician sees every issuer with its echo — to
 * each host of an issuer with a backup, so a backup that is down shows before it is needed.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { signIn, signOut } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { tempDir } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { startIssuerSim, type IssuerSim } from '../../src/issuer-sim/server';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
const A_CARD = demoCard('active').pan;
const B_CARD = demoCard('gift').pan;
let e: E2E | undefined;
const sims: IssuerSim[] = [];

afterEach(async () => {
  await e?.close();
  for (const s of sims.splice(0)) await s.close();
});

const entry = (id: string, name: string, s: IssuerSim, pan: string) => ({
  id,
  name,
  protocol: 'cardtill-json',
  url: s.url,
  publicKey: s.publicKeyHex,
  timeoutMs: 1500,
  attempts: 2,
  cardRanges: [pan],
});

describe.runIf(haveChromium)('two issuers on the manager’s and technician’s screens (Chromium)', () => {
  it('the Z shows each issuer’s batch apart; the queue screen each issuer’s link and queue', async () => {
    for (let i = 0; i < 2; i++)
      sims.push(
        await startIssuerSim({ dataDir: tempDir('cardtill-issuer-'), enrolToken: 'demo-enrol-token' }),
      );
    const [a, b] = sims as [IssuerSim, IssuerSim];
    // A's backup host: a second face of its ledger, down by the time the technician echoes.
    const aBackup = await a.addFace();
    e = await startE2E({
      forwardMs: 3_600_000,
      config: {
        issuers: [
          { ...entry('a', '集团卡 Group', a, A_CARD), backupUrl: aBackup.url },
          // The mall's card number carries a check digit, and the mall takes only these kinds here.
          {
            ...entry('b', '商场卡 Mall', b, B_CARD),
            cardRanges: [{ range: B_CARD, luhn: true }],
            operations: ['sale', 'inquiry', 'void', 'refund'],
          },
        ],
        offline: { velocityCount: 10 },
      } as never,
    });
    const { t } = e;
    await t.app.ctx.offline.lanes.idle();
    // The shift's sales through the API (the screens under test are the manager's).
    await t.signIn('2001', '8888');
    await t.call('shift.open', { openingFloatFen: 0 });
    await t.signIn();
    await t.call('sale.authorize', { cardToken: await t.card(A_CARD), amountFen: 1200 });
    await t.call('sale.authorize', { cardToken: await t.card(B_CARD), amountFen: 340 });
    await t.signIn('2001', '8888');
    const z = (await t.call('shift.close', { countedFen: 0 })).report;
    // After the close, B cannot be reached and takes an offline sale.
    await t.signIn();
    expect((await t.call('balance.inquiry', { cardToken: await t.card(B_CARD) })).status).toBe('approved');
    t.app.ctx.router.byId('b').port.setCut(true);
    const off = await t.call('sale.authorize', { cardToken: await t.card(B_CARD), amountFen: 250 });
    expect(off).toMatchObject({ offline: true });
    await t.call('auth.signOut', {});

    const p = e.page;
    await signIn(p, '2001', '8888', 'manager');
    await p.getByTestId('mgr-tab-shifts').click();
    await p.getByTestId(`shift-view-${z.shiftId}`).click();
    await p.getByTestId('issuer-settlements').waitFor();
    const totals = (id: string) => p.getByTestId(`issuer-batch-totals-${id}`).textContent();
    expect(await totals('a')).toContain('¥12.00');
    expect(await totals('b')).toContain('¥3.40');
    expect(await p.getByTestId('issuer-batch-no-a').textContent()).toContain('1');
    expect(await p.getByTestId('issuer-batch-no-b').textContent()).toContain('2');
    for (const id of ['a', 'b'])
      expect(await p.getByTestId(`settlement-${id}`).getAttribute('data-status')).toBe('settled');
    // The printable Z has the per-issuer section too.
    expect(await p.getByTestId('z-view').getByTestId('receipt-preview').textContent()).toContain(
      '按发卡方 BY ISSUER',
    );
    await e.shot('mi01-z-per-issuer');

    await p.getByTestId('screen-offline-queue').click();
    await p.getByTestId('queue-issuers').waitFor();
    expect(await p.getByTestId('queue-issuer-link-a').getAttribute('data-link')).toBe('online');
    expect(await p.getByTestId('queue-issuer-link-b').getAttribute('data-link')).toBe('cut');
    expect(await p.getByTestId('queue-issuer-count-a').textContent()).toBe('0');
    expect(await p.getByTestId('queue-issuer-count-b').textContent()).toBe('1');
    expect(await p.getByTestId('queue-issuer-b').textContent()).toContain('商场卡 Mall');
    // The waiting advice says which issuer it goes to.
    expect(await p.getByTestId(`queue-item-issuer-${off.stan}`).textContent()).toBe('b');
    await e.shot('mi02-queue-per-issuer');
    await signOut(p);

    // The technician: every issuer, its endpoint and sign-on, and an echo to each (A's backup down).
    t.app.ctx.router.byId('b').port.setCut(false);
    await aBackup.close();
    await signIn(p, '3001', '5555', 'tech');
    await p.getByTestId('tech-issuers').waitFor();
    expect(await p.getByTestId('tech-issuer-a').textContent()).toContain(a.url);
    // Its card ranges (no Luhn asked) and the operations it takes: all a cardtill-json host can do.
    expect(await p.getByTestId('tech-issuer-ranges-a').textContent()).toBe(A_CARD);
    expect(await p.getByTestId('tech-issuer-operations-a').textContent()).toBe('受理：全部交易');
    expect(await p.getByTestId('tech-issuer-ranges-b').textContent()).toBe(`${B_CARD} (校验位)`);
    expect(await p.getByTestId('tech-issuer-operations-b').textContent()).toBe(
      '受理：消费、余额查询、撤销、退货',
    );
    expect(await p.getByTestId('tech-issuer-signon-b').textContent()).toMatch(/^v1 · /);
    await p.getByTestId('tech-echo').click();
    await expect
      .poll(() => p.getByTestId('tech-issuer-echo-b').textContent())
      .toMatch(/连通，往返 [\d.]+ 毫秒/);
    // A: one line per host, the primary in use and answering, the backup down (a typed failure).
    expect(await p.getByTestId('tech-issuer-echo-a-primary').textContent()).toMatch(
      /^连通，往返 [\d.]+ 毫秒$/,
    );
    expect(await p.getByTestId('tech-issuer-echo-a-backup').getAttribute('data-ok')).toBe('false');
    expect(await p.getByTestId('tech-issuer-echo-a').textContent()).toMatch(/^备 不通/);
    // The summary beside the button names the issuer and the host that failed.
    expect(await p.getByTestId('tech-echo-result').textContent()).toMatch(
      /^集团卡 Group: 备 不通（[\d.]+ 毫秒）/,
    );
    expect(await p.getByTestId('tech-issuer-echo-a-backup').textContent()).toMatch(
      // An echo moves no money: the technician's words, not the cashier's "nothing was charged".
      /^不通（[\d.]+ 毫秒） 连不上此地址$/,
    );
    // B's echo answered: its link is up again on the same list.
    expect(await p.getByTestId('tech-issuer-b').textContent()).toContain('在线');
    await e.shot('mi03-tech-issuers');
  });
});
