/**
 * Which advices wait and which went through (`queue.items`, `cardtill queue list`), on real parts:
 * the issuer-sim over HTTP, a real SQLite file, the forwarder. Offline sales and a void are listed
 * in the order they will be sent, masked; a lost upload answer shows up as an attempt and an error
 * on each row; once forwarded they move to the recent list with the issuer's outcome, refusals with
 * its code. No clear card number anywhere, neither in the API answer nor in the CLI's output.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { execFileSync } from 'node:child_process';
import type { TestApp } from '../helpers/app';
import { startOfflineShift, seeOnline, offlineSale, MGR } from '../helpers/offline-shift';
import { demoCard } from '../../src/issuer-sim/demo-cards';

const ACTIVE = demoCard('active').pan;
const GIFT = demoCard('gift').pan;

let t: TestApp;
beforeEach(async () => {
  t = await startOfflineShift();
});
afterEach(async () => {
  await t.close();
});

const forwarder = () => t.app.ctx.offline.forwarder;
async function asManager() {
  await t.call('auth.signOut', {});
  await t.signIn('2001', '8888');
}
const cli = (...args: string[]) =>
  execFileSync(process.execPath, ['bin/cardtill.mjs', 'queue', 'list', '--data-dir', t.dataDir, ...args], {
    encoding: 'utf8',
  });

describe('queue.items: which offline sales wait, and what became of them', () => {
  it('lists sales and a void in STAN order, masked; counts a lost upload; moves them to "forwarded" once accepted', async () => {
    await seeOnline(t, ACTIVE);
    t.app.link.setCut(true);
    const a = await offlineSale(t, ACTIVE, 1250);
    const b = await offlineSale(t, ACTIVE, 300);
    const v = (await t.call('txn.void', { origStan: a.stan, override: MGR })).result;
    expect(v).toMatchObject({ type: 'void', status: 'approved', offline: true });

    // A cashier sees counts on the receipt, not the store's queue.
    expect((await t.callError('queue.items', {})).code).toBe('FORBIDDEN');
    await asManager();
    const masked = '888801******0017';
    const items = await t.call('queue.items', {});
    expect(items).toEqual({
      waiting: [
        {
          stan: a.stan,
          issuerId: 'default', // the one issuer of a single-issuer terminal
          kind: 'sale',
          origStan: null,
          time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/),
          masked,
          amountFen: 1250,
          attempts: 0,
          lastError: null,
          overrideBy: null,
        },
        expect.objectContaining({ stan: b.stan, kind: 'sale', origStan: null, masked, amountFen: 300 }),
        expect.objectContaining({ stan: v.stan, kind: 'void', origStan: a.stan, masked, amountFen: 1250 }),
      ],
      waitingTotal: 3,
      forwarded: [],
      forwardedTotal: 0,
    });
    expect(JSON.stringify(items)).not.toContain(ACTIVE);
    // Bounded: fewer rows on request, the total still says how many wait; past the bound is refused.
    const two = await t.call('queue.items', { waitingLimit: 2, forwardedLimit: 0 });
    expect(two.waiting.map((i) => i.stan)).toEqual([a.stan, b.stan]);
    expect(two.waitingTotal).toBe(3);
    expect((await t.callError('queue.items', { waitingLimit: 201 })).code).toBe('BAD_REQUEST');

    // The CLI reads the same rows from the file while the terminal runs: a table, or JSON.
    const text = cli();
    expect(text).toContain('待上送 Waiting: 3');
    expect(text).toMatch(
      /STAN\s+类型 Type\s+时间 Time\s+卡号 Card\s+金额 Amount\s+尝试 Tries\s+最近错误 Last error/,
    );
    expect(text).toContain(`${String(a.stan).padStart(6, '0')}  消费 Sale`);
    expect(text).toContain(`撤销 Void ${String(a.stan).padStart(6, '0')}`);
    expect(text).toContain(masked);
    expect(text).toContain('¥12.50');
    expect(text).toContain('¥3.00');
    expect(text).toContain('尚无上送记录 / Nothing has been forwarded yet');
    expect(text).not.toContain(ACTIVE);
    const json = cli('--json');
    expect(JSON.parse(json)).toEqual(items);
    expect(json).not.toContain(ACTIVE);

    // The link is back; the terminal learns it from an answered exchange (Terminal.onLink) and
    // starts an upload at once — whose answer is lost. The issuer applied it; the terminal cannot
    // know, so every row stays waiting with one attempt and the reason.
    t.app.link.setCut(false);
    forwarder().noteLink(true);
    t.app.issuerSim!.setFault('drop-response');
    await forwarder().idle();
    const failed = await t.call('queue.items', {});
    expect(failed.waiting.map((i) => [i.stan, i.attempts])).toEqual([
      [a.stan, 1],
      [b.stan, 1],
      [v.stan, 1],
    ]);
    for (const i of failed.waiting) expect(i.lastError).toMatch(/\S/);
    expect(failed.forwarded).toEqual([]);
    expect(cli()).toContain(failed.waiting[0].lastError!);

    // Forward now, answers arrive: nothing waits, the recent list has all three, newest first.
    t.app.issuerSim!.setFault('none');
    await forwarder().forwardNow();
    const done = await t.call('queue.items', {});
    expect(done.waiting).toEqual([]);
    expect(done.waitingTotal).toBe(0);
    expect(done.forwardedTotal).toBe(3);
    expect(done.forwarded.map((i) => [i.stan, i.kind, i.outcome, i.issuerCode, i.lastError])).toEqual([
      [v.stan, 'void', 'accepted', null, null],
      [b.stan, 'sale', 'accepted', null, null],
      [a.stan, 'sale', 'accepted', null, null],
    ]);
    for (const i of done.forwarded) {
      expect(i.attempts).toBe(2); // the lost one and the answered one
      expect(Date.parse(i.forwardedAt)).toBeGreaterThanOrEqual(Date.parse(i.time));
      expect(i.masked).toBe(masked);
    }
    const after = cli();
    expect(after).toContain('没有待上送的离线交易 / Nothing is waiting to be forwarded');
    expect(after).toContain('最近上送 Recently forwarded: 3');
    expect(after.match(/已入账 accepted/g)).toHaveLength(3);
  });

  it('an advice the issuer refused shows as rejected with its code; a technician may look too', async () => {
    await seeOnline(t, GIFT);
    t.app.link.setCut(true);
    const r = await offlineSale(t, GIFT, 5000);
    t.app.issuerSim!.ledger.upsertCard({ pan: GIFT, status: 'lost', balanceFen: 20_000, expiry: '3012' });
    t.app.link.setCut(false);
    expect(await forwarder().forwardNow()).toMatchObject({ count: 0, unacknowledged: 1 });
    await t.call('auth.signOut', {});
    await t.signIn('3001', '5555');
    const items = await t.call('queue.items', {});
    expect(items.waiting).toEqual([]);
    expect(items.forwarded).toEqual([
      expect.objectContaining({
        stan: r.stan,
        kind: 'sale',
        masked: '888801******0074',
        amountFen: 5000,
        outcome: 'rejected',
        issuerCode: 'CARD_LOST',
        attempts: 1,
      }),
    ]);
    expect(JSON.stringify(items)).not.toContain(GIFT);
    const text = cli();
    expect(text).toMatch(/被拒 refused CARD_LOST 此卡已挂失/);
    expect(text).not.toContain(GIFT);
  });
});
