/**
 * Store-and-forward on real parts: the issuer-sim over HTTP on loopback, a real SQLite file, the
 * dispatcher. Offline approval → journal + queue in one transaction → forwarded on the issuer's
 * signed acknowledgement, applied once; refusals become exceptions; hot cards; overrides; restart.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { execFileSync } from 'node:child_process';
import type { JournalRow } from '../../src/main/journal/journal';

const ACTIVE = demoCard('active').pan;
const GIFT = demoCard('gift').pan;
const opts = {
  forwardMs: 3_600_000,
  config: { issuer: { enrolToken: 'demo-enrol-token', timeoutMs: 1500, attempts: 2 } } as never,
};

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp(opts);
  await t.app.ctx.offline.forwarder.idle();
  await t.signIn();
});
afterEach(async () => {
  await t.close();
});

const journal = () =>
  (t.app.db.prepare('SELECT * FROM journal ORDER BY seq').all() as JournalRow[]).map((r) =>
    JSON.parse(r.body),
  );
const queueRows = () =>
  t.app.db
    .prepare(
      'SELECT stan, amount_fen, forwarded_at, outcome, issuer_code, override_by FROM offline_queue ORDER BY stan',
    )
    .all() as Array<Record<string, unknown>>;
async function seeOnline(pan: string) {
  const r = await t.call('balance.inquiry', { cardToken: await t.card(pan) });
  expect(r.status).toBe('approved');
}
const forward = () => t.app.ctx.offline.forwarder.forwardNow();

describe('offline approval and store-and-forward', () => {
  it('link down: a card seen online is approved offline, journaled and queued together, marked on the receipt', async () => {
    await seeOnline(ACTIVE);
    t.app.link.setCut(true);
    const r = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 1250 });
    expect(r).toMatchObject({ status: 'approved', offline: true, amountFen: 1250 });
    expect(journal().at(-1)).toMatchObject({
      stan: r.stan,
      type: 'sale',
      status: 'approved',
      offline: true,
      amountFen: 1250,
    });
    expect(queueRows()).toEqual([
      expect.objectContaining({ stan: r.stan, amount_fen: 1250, forwarded_at: null }),
    ]);
    const text = (await t.call('receipt.get', { stan: r.stan })).doc.lines
      .map((l) => ('text' in l ? l.text : ''))
      .join('\n');
    expect(text).toContain('离线交易 OFFLINE');
    expect(t.issuerBalance(ACTIVE)).toBe(demoCard('active').balanceFen); // nothing at the issuer yet
    expect(t.app.sessionInfo().link).toBe('cut');
    expect(await t.call('queue.status', {}).catch((e) => e.api.code)).toBe('FORBIDDEN'); // cashier
    // `cardtill queue status` prints the manager's view as JSON, from the database alone.
    const out = JSON.parse(
      execFileSync(process.execPath, ['bin/cardtill.mjs', 'queue', 'status', '--data-dir', t.dataDir], {
        encoding: 'utf8',
      }),
    );
    expect(out).toMatchObject({
      count: 1,
      totalFen: 1250,
      link: 'offline',
      unacknowledged: 0,
      limits: { floorLimitFen: 50_000, totalLimitFen: 500_000 },
    });
    expect(out.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(out)).not.toContain(ACTIVE);
  });

  it('restored link: the advice is applied once, marked forwarded only on the signed answer, and a resend applies nothing', async () => {
    await seeOnline(ACTIVE);
    t.app.link.setCut(true);
    const a = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 1250 });
    const b = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 300 });
    expect(t.app.ctx.offline.forwarder.status()).toMatchObject({ count: 2, totalFen: 1550, link: 'cut' });
    t.app.link.setCut(false);
    // The answer to the first upload is lost: nothing may be marked forwarded.
    t.app.issuerSim!.setFault('drop-response');
    let s = await forward();
    expect(s.count).toBe(2);
    expect(s.link).toBe('offline');
    t.app.issuerSim!.setFault('none');
    s = await forward();
    expect(s).toMatchObject({ count: 0, totalFen: 0, forwardedCount: 2, link: 'online' });
    expect(t.issuerBalance(ACTIVE)).toBe(demoCard('active').balanceFen - 1550);
    const applied = t.app.issuerSim!.ledger.applied(t.app.config.terminalId);
    expect(applied.filter((x) => x.type === 'advice')).toEqual([
      { stan: a.stan, type: 'advice', result: 'approved', amountFen: 1250, reversed: false },
      { stan: b.stan, type: 'advice', result: 'approved', amountFen: 300, reversed: false },
    ]);
    expect(queueRows().map((q) => q.outcome)).toEqual(['accepted', 'accepted']);
    // The same advices sent again (a retry after a lost answer) are answered, not applied again.
    // Through the home issuer's port, as the forwarder sends them (an Advice command).
    const port = t.app.terminal.runner.router.home.port;
    const forwarder = t.app.ctx.offline.forwarder;
    const again = await port.exchange(
      {
        ...forwarder.head(),
        kind: 'advice',
        advices: t.app.ctx.offline.store.nextBatch(10).map((x) => x.advice),
      },
      1,
    );
    // Nothing left to send: an empty advices list is refused, never answered with results.
    expect(again).toMatchObject({ kind: 'unknown', failure: 'rejected' });
    const sealed = t.app.db.prepare('SELECT advice_enc FROM offline_queue ORDER BY stan').all() as Array<{
      advice_enc: Buffer;
    }>;
    const store = (t.app.terminal.opts as { store: import('../../src/main/terminal/txn-store').TxnStore })
      .store;
    const resend = await port.exchange(
      {
        ...forwarder.head(),
        kind: 'advice',
        advices: sealed.map((x) => store.openRequest(x.advice_enc) as never),
      },
      1,
    );
    expect(resend.kind === 'answer' ? resend.answer.advice?.results : resend).toEqual([
      expect.objectContaining({ stan: a.stan, result: 'approved' }),
      expect.objectContaining({ stan: b.stan, result: 'approved' }),
    ]);
    expect(t.issuerBalance(ACTIVE)).toBe(demoCard('active').balanceFen - 1550);
  });

  it('an advice refused for good (card lost since) becomes an exception the manager must acknowledge', async () => {
    await seeOnline(GIFT);
    t.app.link.setCut(true);
    const r = await t.call('sale.authorize', { cardToken: await t.card(GIFT), amountFen: 5000 });
    expect(r.offline).toBe(true);
    t.app.issuerSim!.ledger.upsertCard({ pan: GIFT, status: 'lost', balanceFen: 20_000, expiry: '3012' });
    t.app.link.setCut(false);
    const s = await forward();
    expect(s).toMatchObject({ count: 0, unacknowledged: 1 });
    expect(s.exceptions).toEqual([
      expect.objectContaining({
        stan: r.stan,
        code: 'CARD_LOST',
        amountFen: 5000,
        masked: '888801******0074',
        acknowledgedAt: null,
      }),
    ]);
    expect(t.issuerBalance(GIFT)).toBe(20_000);
    expect(queueRows()).toEqual([
      expect.objectContaining({ stan: r.stan, outcome: 'rejected', issuer_code: 'CARD_LOST' }),
    ]);
    // Only a manager acknowledges; the row stays, marked.
    expect((await t.callError('queue.ackException', { stan: r.stan })).code).toBe('FORBIDDEN');
    await t.call('auth.signOut', {});
    await t.signIn('2001', '8888');
    const acked = await t.call('queue.ackException', { stan: r.stan });
    expect(acked.unacknowledged).toBe(0);
    expect(acked.exceptions[0]).toMatchObject({ stan: r.stan, acknowledgedBy: '2001' });
    expect((await t.callError('queue.ackException', { stan: r.stan })).code).toBe('NOT_FOUND');
    expect(() => t.app.db.prepare('DELETE FROM offline_exceptions').run()).toThrow(/never deleted/);
  });

  it('hot-card list: full then delta from the issuer; a listed card is refused offline', async () => {
    await seeOnline(GIFT);
    let s = await forward();
    expect(s.hotcards.count).toBe(2); // the demo lost and frozen cards
    const v1 = s.hotcards.version;
    t.app.issuerSim!.ledger.upsertCard({ pan: GIFT, status: 'lost', balanceFen: 20_000, expiry: '3012' });
    s = await forward();
    expect(s.hotcards).toEqual({ version: v1 + 1, count: 3 });
    t.app.link.setCut(true);
    const r = await t.call('sale.authorize', { cardToken: await t.card(GIFT), amountFen: 100 });
    expect(r).toMatchObject({ status: 'declined', declineCode: 'OFFLINE_HOT_CARD', offline: false });
    t.app.link.setCut(false);
    t.app.issuerSim!.ledger.upsertCard({ pan: GIFT, status: 'active', balanceFen: 20_000, expiry: '3012' });
    s = await forward();
    expect(s.hotcards).toEqual({ version: v1 + 2, count: 2 });
  });

  it('over the floor limit: declined, then approved offline with a manager override; a wrong PIN is refused', async () => {
    await t.call('auth.signOut', {});
    await t.signIn('2001', '8888');
    await t.app.issuerSim!.ledger.upsertCard({
      pan: GIFT,
      status: 'active',
      balanceFen: 200_000,
      expiry: '3012',
    });
    await seeOnline(GIFT);
    t.app.link.setCut(true);
    const d = await t.call('sale.authorize', { cardToken: await t.card(GIFT), amountFen: 50_001 });
    expect(d).toMatchObject({ status: 'declined', declineCode: 'OFFLINE_FLOOR_LIMIT' });
    const ok = await t.call('sale.authorize', {
      cardToken: await t.card(GIFT),
      amountFen: 50_001,
      override: { operatorId: '2001', pin: '8888' },
    });
    expect(ok).toMatchObject({ status: 'approved', offline: true });
    expect(queueRows().at(-1)).toMatchObject({ stan: ok.stan, override_by: '2001' });
    expect(t.app.log.recent(50).join('\n')).toMatch(/override offline_over_limit granted by 2001/);
    // A wrong PIN: the sale is declined (journaled) and the error says why.
    t.app.link.setCut(false);
    await seeOnline(ACTIVE);
    t.app.link.setCut(true);
    const bad = await t.callError('sale.authorize', {
      cardToken: await t.card(ACTIVE),
      amountFen: 50_001,
      override: { operatorId: '2001', pin: '0000' },
    });
    expect(bad.code).toBe('BAD_PIN');
    expect(journal().at(-1)).toMatchObject({ status: 'declined', declineCode: 'OFFLINE_FLOOR_LIMIT' });
    // A hot-listed card is never approved offline, override or not.
    const lost = await t.call('sale.authorize', {
      cardToken: await t.card(demoCard('lost').pan),
      amountFen: 100,
      override: { operatorId: '2001', pin: '8888' },
    });
    expect(lost.status).toBe('declined');
  });

  it('the link state is real: offline when the issuer is down, online after a successful exchange', async () => {
    expect(t.app.sessionInfo().link).toBe('online');
    await t.app.issuerSim!.close();
    // The first request may have gone out on a kept-alive connection the issuer reset: unknown
    // outcome, so no offline approval (declined and reversed). The next one is refused outright.
    await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 100 });
    const r = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 100 });
    expect(r.status).toBe('declined'); // never seen online → balance unknown
    expect(r.declineCode).toBe('OFFLINE_BALANCE_UNKNOWN');
    expect(t.app.sessionInfo().link).toBe('offline');
    const s = await t
      .call('auth.signOut', {})
      .then(() => t.signIn('2001', '8888'))
      .then(() => t.call('queue.status', {}));
    expect(s.link).toBe('offline');
    expect(s.lastError).toMatch(/unreachable|ECONNREFUSED|echo/);
    // When the forwarder will try again (the screen shows it next to the link state).
    expect(Date.parse(s.nextProbeAt!)).toBeGreaterThanOrEqual(Date.parse(s.lastErrorAt!));
  });

  it('the last error is kept with its time, and marked as passed once the issuer answers again', async () => {
    await t.call('auth.signOut', {});
    await t.signIn('2001', '8888');
    t.app.link.setCut(true);
    let s = await forward();
    expect(s).toMatchObject({ link: 'cut', lastError: 'issuer link is cut', lastErrorResolved: false });
    expect(Date.parse(s.lastErrorAt!)).toBeGreaterThan(0);
    const at = s.lastErrorAt;
    t.app.link.setCut(false);
    s = await forward();
    // Still shown (the manager may want to know), but as history, with the time it happened.
    expect(s).toMatchObject({
      link: 'online',
      lastError: 'issuer link is cut',
      lastErrorAt: at,
      lastErrorResolved: true,
    });
    expect(s.lastContactAt! >= at!).toBe(true);
  });

  it('an offline approval survives a restart and is forwarded after it', async () => {
    await seeOnline(ACTIVE);
    t.app.link.setCut(true);
    const r = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 777 });
    const dataDir = t.dataDir;
    await t.app.close();
    const again = await startTestApp({ ...opts, dataDir });
    t = again;
    await t.app.ctx.offline.forwarder.idle();
    const s = await forward();
    expect(s.count).toBe(0);
    expect(
      t.app.issuerSim!.ledger.applied(t.app.config.terminalId).find((x) => x.stan === r.stan),
    ).toMatchObject({ type: 'advice', result: 'approved', amountFen: 777 });
  });
});
