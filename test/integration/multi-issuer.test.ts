/**
 * Two cardtill-json issuers, each a real issuer-sim over HTTP with its own ledger, behind one
 * terminal on a real SQLite file: every issuer entry enrolled on its own, sales routed to each in
 * one shift, an offline sale on B decided by B's own limits and forwarded to B, one batch per
 * issuer in the Z with each settled through its own port, one issuer down while the other settles,
 * a card no range takes declined — and a single-issuer data dir carried over into two issuers.
 */
import path from 'node:path';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { describe, it, expect, afterEach } from 'vitest';
import { startTestApp, tempDir, TEST_KEY_SECRET, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { startIssuerSim, type IssuerSim } from '../../src/issuer-sim/server';
import type { ShiftReport } from '../../src/shared/contract';

const A_CARD = demoCard('active').pan;
const B_CARD = demoCard('gift').pan;
const NOBODYS = demoCard('low').pan; // a card no range takes
const MGR = { operatorId: '2001', pin: '8888' };

let t: TestApp | undefined;
let sims: IssuerSim[] = [];
afterEach(async () => {
  await t?.close();
  for (const s of sims) await s.close().catch(() => {});
  t = undefined;
  sims = [];
});

async function sim(dir = tempDir('cardtill-issuer-'), port?: number): Promise<IssuerSim & { dir: string }> {
  const s = await startIssuerSim({ dataDir: dir, enrolToken: 'demo-enrol-token', ...(port ? { port } : {}) });
  sims.push(s);
  return Object.assign(s, { dir });
}

const entry = (id: string, name: string, s: IssuerSim, cardRanges: string[], extra: object = {}) => ({
  id,
  name,
  protocol: 'cardtill-json',
  url: s.url,
  publicKey: s.publicKeyHex,
  timeoutMs: 1500,
  attempts: 2,
  cardRanges,
  ...extra,
});

/** A terminal with issuers A (home, the active card) and B (the gift card, its own floor limit). */
async function twoIssuers(dataDir?: string) {
  const a = await sim();
  const b = await sim();
  t = await startTestApp({
    ...(dataDir ? { dataDir } : {}),
    forwardMs: 3_600_000, // each test forwards when it says so
    config: {
      issuers: [
        entry('a', 'Issuer A', a, [A_CARD]),
        entry('b', 'Issuer B', b, [B_CARD], { offline: { floorLimitFen: 800 } }),
      ],
      offline: { velocityCount: 10 },
    } as never,
  });
  await t.app.ctx.offline.lanes.idle();
  return { a, b };
}

const balance = (s: IssuerSim, pan: string) => s.ledger.card(pan)!.balance_fen;

async function openShift(): Promise<void> {
  await t!.signIn(MGR.operatorId, MGR.pin);
  await t!.call('shift.open', { openingFloatFen: 0 });
  await t!.signIn();
}

async function closeShift(): Promise<ShiftReport> {
  await t!.signIn(MGR.operatorId, MGR.pin);
  return (await t!.call('shift.close', { countedFen: 0 })).report;
}

describe('two cardtill-json issuers', () => {
  it('enrols with each, routes sales to each in one shift, declines an unknown range; the Z has a settled batch per issuer', async () => {
    const { a, b } = await twoIssuers();
    // Enrolled with both at start, each with its own sign-on time kept for the technician.
    for (const s of [a, b]) expect(s.ledger.terminalKey(t!.app.config.terminalId, 1)).toBeDefined();
    await t!.signIn('3001', '5555');
    const { issuers } = await t!.call('tech.issuers', { echo: true });
    expect(issuers.map((i) => [i.issuerId, i.protocol, i.home, i.enrolledKeyVersion, i.echo?.ok])).toEqual([
      ['a', 'cardtill-json', true, 1, true],
      ['b', 'cardtill-json', false, 1, true],
    ]);
    for (const i of issuers) {
      expect(i.lastSignOnAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(i.endpoints).toEqual([
        { role: 'primary', address: i.issuerId === 'a' ? a.url : b.url, inUse: true },
      ]);
    }

    await openShift();
    const [aBefore, bBefore] = [balance(a, A_CARD), balance(b, B_CARD)];
    const sa = await t!.call('sale.authorize', { cardToken: await t!.card(A_CARD), amountFen: 250 });
    const sb = await t!.call('sale.authorize', { cardToken: await t!.card(B_CARD), amountFen: 300 });
    const no = await t!.call('sale.authorize', { cardToken: await t!.card(NOBODYS), amountFen: 100 });
    expect([sa.status, sb.status]).toEqual(['approved', 'approved']);
    // Each receipt names the issuer that took the card; the card no one took names none.
    const issuerLine = async (stan: number) =>
      (await t!.call('receipt.get', { stan })).doc.lines.find(
        (l) => l.type === 'pair' && l.left === '发卡方 ISSUER',
      );
    expect(await issuerLine(sa.stan)).toMatchObject({ right: 'Issuer A' });
    expect(await issuerLine(sb.stan)).toMatchObject({ right: 'Issuer B' });
    expect(no).toMatchObject({ status: 'declined', declineCode: 'CARD_NOT_ACCEPTED' });
    expect(await issuerLine(no.stan)).toBeUndefined();
    // Each sale went to its own issuer and nowhere else.
    expect([balance(a, A_CARD), balance(b, B_CARD)]).toEqual([aBefore - 250, bBefore - 300]);
    expect(balance(b, A_CARD)).toBe(demoCard('active').balanceFen);
    expect(balance(a, B_CARD)).toBe(demoCard('gift').balanceFen);
    for (const s of [a, b]) expect(balance(s, NOBODYS)).toBe(demoCard('low').balanceFen);

    const z = await closeShift();
    expect(z.issuers?.map((p) => [p.issuerId, p.totals.sales, p.settlement?.status])).toEqual([
      ['a', { count: 1, amountFen: 250, cashFen: 0 }, 'settled'],
      ['b', { count: 1, amountFen: 300, cashFen: 0 }, 'settled'],
    ]);
    // The till's totals are the sum; the card no issuer took is a decline of the till's only.
    expect(z.totals.sales).toMatchObject({ count: 2, amountFen: 550 });
    expect(z.totals.declined.byCode).toEqual({ CARD_NOT_ACCEPTED: 1 });
    expect(z.issuers!.every((p) => p.totals.declined.count === 0)).toBe(true);
    const batches = t!.app.db
      .prepare('SELECT batch_no, issuer_id, shift_id FROM batches ORDER BY batch_no')
      .all();
    expect(batches).toEqual([
      { batch_no: 1, issuer_id: 'a', shift_id: z.shiftId },
      { batch_no: 2, issuer_id: 'b', shift_id: z.shiftId },
    ]);
    expect(z.issuers!.map((p) => [p.batchNo, p.settlement?.terminalTotals.saleFen])).toEqual([
      [1, 250],
      [2, 300],
    ]);
    // Each settlement went through its own issuer's port and was recorded with its id.
    expect(
      t!.app.db.prepare('SELECT batch_no, issuer_id, status FROM settlements ORDER BY id').all(),
    ).toEqual([
      { batch_no: 1, issuer_id: 'a', status: 'settled' },
      { batch_no: 2, issuer_id: 'b', status: 'settled' },
    ]);
    const doc = await t!.call('report.z', { shiftId: z.shiftId });
    const text = doc.doc.lines.map((l) => ('text' in l ? l.text : 'left' in l ? `${l.left} ${l.right}` : ''));
    expect(text).toContain('按发卡方 BY ISSUER');
    expect(text).toContain('Issuer B (b)');
    expect((await t!.call('shift.list', { limit: 5 }))[0]!.settlement).toBe('settled');
    // The CSV export has each issuer's lines too.
    const csv = await t!.call('report.export', { kind: 'Z', shiftId: z.shiftId, format: 'csv' });
    const lines = Buffer.from(csv.base64, 'base64').toString('utf8');
    expect(lines).toMatch(/issuer_sales,b,1,300,3\.00/);
    expect(lines).toMatch(/issuer_settlement,a,1,,settled/);
  });

  it('an offline sale on B is decided by B’s limits and list, queued for B and forwarded to B; A stays online', async () => {
    const ctx = await twoIssuers();
    const b = ctx.b;
    await openShift();
    // The terminal learns the gift card's balance online, from B.
    expect((await t!.call('balance.inquiry', { cardToken: await t!.card(B_CARD) })).status).toBe('approved');
    // A lists the gift card as hot: that is A's list, not B's, which decides B's cards.
    ctx.a.ledger.upsertCard({ pan: B_CARD, status: 'frozen', balanceFen: 100_000, expiry: '3012' });
    await t!.app.ctx.offline.lanes.forwardNow();
    const lists = t!.app.ctx.offline.lanes.status().issuers.map((i) => [i.issuerId, i.hotcards.count]);
    expect(lists).toEqual([
      ['a', 3], // the demo lost + frozen cards, and the gift card
      ['b', 2],
    ]);
    // B cannot be reached (the terminal's own switch for B's port: nothing is sent to B).
    const bPort = t!.app.ctx.router.byId('b').port;
    bPort.setCut(true);
    const bBefore = demoCard('gift').balanceFen;

    const off = await t!.call('sale.authorize', { cardToken: await t!.card(B_CARD), amountFen: 500 });
    expect(off).toMatchObject({ status: 'approved', offline: true });
    // B's own floor limit (¥8.00), not the till-wide ¥500.00.
    const over = await t!.call('sale.authorize', { cardToken: await t!.card(B_CARD), amountFen: 801 });
    expect(over).toMatchObject({ status: 'declined', declineCode: 'OFFLINE_FLOOR_LIMIT' });
    // A is not touched by B's outage.
    expect(
      (await t!.call('sale.authorize', { cardToken: await t!.card(A_CARD), amountFen: 100 })).offline,
    ).toBe(false);
    expect(t!.app.db.prepare('SELECT stan, issuer_id FROM offline_queue').all()).toEqual([
      { stan: off.stan, issuer_id: 'b' },
    ]);
    await t!.signIn(MGR.operatorId, MGR.pin);
    const st = await t!.call('queue.status', {});
    expect(st.issuers.map((i) => [i.issuerId, i.link, i.count, i.totalFen, i.limits.floorLimitFen])).toEqual([
      ['a', 'online', 0, 0, 50_000],
      ['b', 'cut', 1, 500, 800],
    ]);
    expect(st).toMatchObject({ count: 1, totalFen: 500, link: 'cut' }); // the till's: the worst issuer's
    expect((await t!.call('queue.items', {})).waiting.map((w) => [w.stan, w.issuerId])).toEqual([
      [off.stan, 'b'],
    ]);

    // B is back: "forward now" sends B's advice to B.
    bPort.setCut(false);
    const after = await t!.call('queue.forward', {});
    expect(after.issuers.map((i) => [i.issuerId, i.link, i.count, i.forwardedCount])).toEqual([
      ['a', 'online', 0, 0],
      ['b', 'online', 0, 1],
    ]);
    expect(balance(b, B_CARD)).toBe(bBefore - 500);
    expect(balance(ctx.a, B_CARD)).toBe(100_000); // A's ledger: untouched since it froze the card
    // Once B lists the card, B's list refuses it offline.
    b.ledger.upsertCard({ pan: B_CARD, status: 'frozen', balanceFen: 100_000, expiry: '3012' });
    await t!.call('queue.forward', {});
    bPort.setCut(true);
    await t!.signIn();
    const hot = await t!.call('sale.authorize', { cardToken: await t!.card(B_CARD), amountFen: 100 });
    expect(hot).toMatchObject({ status: 'declined', declineCode: 'OFFLINE_HOT_CARD' });
  });

  it('with B down at close, A settles and B’s batch waits; the job settles B once it is back', async () => {
    const ctx = await twoIssuers();
    await openShift();
    await t!.call('sale.authorize', { cardToken: await t!.card(A_CARD), amountFen: 120 });
    await t!.call('sale.authorize', { cardToken: await t!.card(B_CARD), amountFen: 340 });
    const bPort = ctx.b.port;
    await ctx.b.close();
    const z = await closeShift();
    expect(z.issuers?.map((p) => [p.issuerId, p.settlement?.status])).toEqual([
      ['a', 'settled'],
      ['b', 'unreachable'],
    ]);
    expect((await t!.call('shift.list', { limit: 1 }))[0]!.settlement).toBe('unreachable');
    await sim(ctx.b.dir, bPort);
    expect(await t!.app.jobs.drain('settlement')).toBe(0);
    const again = await t!.call('report.z', { shiftId: z.shiftId });
    expect(
      again.report.issuers?.map((p) => [
        p.issuerId,
        p.settlement?.status,
        p.settlement?.terminalTotals.saleFen,
      ]),
    ).toEqual([
      ['a', 'settled', 120],
      ['b', 'settled', 340],
    ]);
    expect((await t!.call('shift.list', { limit: 1 }))[0]!.settlement).toBe('settled');
  });
});

describe('a single-issuer data dir', () => {
  it('keeps its shift and batch as they were, and goes on with a second issuer', async () => {
    const dataDir = tempDir();
    t = await startTestApp({ dataDir });
    await openShift();
    await t.call('sale.authorize', { cardToken: await t.card(A_CARD), amountFen: 410 });
    const z1 = await closeShift();
    expect(z1.issuers).toBeUndefined(); // a single-issuer Z is what it always was
    expect(z1.settlement).toMatchObject({ batchNo: 1, status: 'settled', issuerId: 'default' });
    await t.app.close();
    t = undefined;

    // The same issuer (the demo simulator's own data) is now entry 'home', beside a new one.
    const home = await sim(path.join(dataDir, 'issuer-sim'));
    const b = await sim();
    t = await startTestApp({
      dataDir,
      config: {
        issuers: [entry('home', 'Home', home, [A_CARD]), entry('b', 'Issuer B', b, [B_CARD])],
      } as never,
    });
    // Only B had to enrol: the home issuer knows this key from the first run.
    expect(b.ledger.terminalKey(t.app.config.terminalId, 1)).toBeDefined();
    await t.signIn(MGR.operatorId, MGR.pin);
    const old = await t.call('report.z', { shiftId: z1.shiftId });
    expect(old.report.issuers).toBeUndefined();
    expect(old.report.settlement).toMatchObject({ batchNo: 1, status: 'settled' });
    await t.call('shift.open', { openingFloatFen: 0 });
    await t.signIn();
    await t.call('sale.authorize', { cardToken: await t.card(A_CARD), amountFen: 50 });
    await t.call('sale.authorize', { cardToken: await t.card(B_CARD), amountFen: 60 });
    const z2 = await closeShift();
    expect(
      z2.issuers?.map((p) => [p.issuerId, p.batchNo, p.totals.sales.amountFen, p.settlement?.status]),
    ).toEqual([
      ['home', 2, 50, 'settled'],
      ['b', 3, 60, 'settled'],
    ]);
  });

  it('`cardtill issuers` lists each issuer with its endpoint, last sign-on and an echo', async () => {
    await twoIssuers();
    const dataDir = t!.dataDir;
    const cfg = path.join(dataDir, 'config.json');
    const [a, b] = sims;
    fs.writeFileSync(
      cfg,
      JSON.stringify({
        issuers: [entry('a', 'Issuer A', a!, [A_CARD]), entry('b', 'Issuer B', b!, [B_CARD])],
        keyPassphraseEnv: 'CARDTILL_TEST_SECRET',
      }),
    );
    // Asynchronously: the issuers answer from this process, which must not block while it runs.
    const run = (...args: string[]) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          ['bin/cardtill.mjs', 'issuers', '--data-dir', dataDir, '--config', cfg, ...args],
          {
            encoding: 'utf8',
            timeout: 60_000,
            env: { ...process.env, CARDTILL_TEST_SECRET: TEST_KEY_SECRET.secret },
          },
          (err, stdout, stderr) =>
            resolve({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
    const json = await run('--json');
    expect(json.status, json.stderr + json.stdout).toBe(0);
    const list = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(
      list.map((i) => [i.issuerId, i.protocol, i.enrolledKeyVersion, (i.echo as { ok: boolean }).ok]),
    ).toEqual([
      ['a', 'cardtill-json', 1, true],
      ['b', 'cardtill-json', 1, true],
    ]);
    await b!.close();
    const text = await run();
    expect(text.status).toBe(1); // an echo failed
    expect(text.stdout).toContain('发卡方 ISSUER b (Issuer B)');
    expect(text.stdout).toMatch(/回响 ECHO\s+failed 失败 ISSUER_UNREACHABLE/);
    expect(text.stdout).toContain(`地址 ENDPOINT    primary ${a!.url} (in use 使用中)`);
  });
});
