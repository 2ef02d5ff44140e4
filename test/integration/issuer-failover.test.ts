/**
 * Primary and backup hosts of one issuer entry (docs/issuer-protocol.md "Failover rules"), on real
 * parts: one issuer-sim ledger with two HTTP faces (a real issuer's backup shares its database),
 * each behind its own loopback TCP proxy (test/fault/link-proxy.ts) that can refuse connections
 * or cut an answer after the request arrived, and a whole terminal over real SQLite.
 *
 * The edges: primary down before the sale (backup, one debit); primary dies mid-answer (no backup
 * retry, reversal to the primary once it is back, the card held meanwhile, ledger right); both
 * down (the offline policy); primary back (switched back after its echo).
 */
import { describe, it, expect, afterEach } from 'vitest';
import { startTestApp, tempDir, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { startIssuerSim, type IssuerSim, type IssuerSimFace } from '../../src/issuer-sim/server';
import { LinkFaultProxy, NO_FAULTS } from '../fault/link-proxy';
import type { FailoverPort } from '../../src/main/issuer/failover';
import type { AuthorizeCommand } from '../../src/main/issuer/port';
import type { TxnStore } from '../../src/main/terminal/txn-store';
import { maskPan } from '../../src/shared/card';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { openDatabase } from '../../src/main/store/sqlite';
import { TERMINAL_MIGRATIONS } from '../../src/main/store/terminal-db';

const ACTIVE = demoCard('active');
const GIFT = demoCard('gift');

interface Rig {
  t: TestApp;
  sim: IssuerSim;
  backupFace: IssuerSimFace;
  primary: LinkFaultProxy;
  backup: LinkFaultProxy;
  port: FailoverPort;
}

let rig: Rig | undefined;
afterEach(async () => {
  if (!rig) return;
  await rig.t.close();
  await rig.primary.close();
  await rig.backup.close();
  await rig.sim.close();
  rig = undefined;
});

/** A seeded generator: the proxies' fault choices replay. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32) % 1;
}

async function startRig(): Promise<Rig> {
  const sim = await startIssuerSim({
    dataDir: tempDir('cardtill-failover-sim-'),
    enrolToken: 'demo-enrol-token',
  });
  const backupFace = await sim.addFace();
  const primary = new LinkFaultProxy(sim.port, seeded(1));
  const backup = new LinkFaultProxy(backupFace.port, seeded(2));
  await primary.start();
  await backup.start();
  const t = await startTestApp({
    forwardMs: 3_600_000, // the forwarder's timer out of the way: each test forwards when it says
    config: {
      issuers: [
        {
          id: 'bank',
          name: 'Bank',
          protocol: 'cardtill-json',
          url: primary.url,
          backupUrl: backup.url,
          publicKey: sim.publicKeyHex,
          timeoutMs: 1500,
          attempts: 2,
          cardRanges: [''],
        },
      ],
      offline: { velocityCount: 10 },
    } as never,
  });
  await t.app.ctx.offline.forwarder.idle();
  await t.signIn();
  const port = t.app.terminal.runner.router.home.port as FailoverPort;
  rig = { t, sim, backupFace, primary, backup, port };
  return rig;
}

/**
 * A host goes down: its proxy refuses connections and cuts the open ones. The terminal's idle
 * keep-alive connection to the primary is closed too: in a store the dead host's FIN is read long
 * before the next sale; here the next line runs in the same turn of the event loop. (No test takes
 * the backup down after using it, so it has none.)
 */
async function down(r: Rig, which: 'primary' | 'backup'): Promise<void> {
  await r[which].setDown(true);
  if (which === 'primary') r.t.app.link.close();
}

const sale = async (r: Rig, pan: string, amountFen: number) =>
  r.t.call('sale.authorize', { cardToken: await r.t.card(pan), amountFen });

const balance = (r: Rig, pan: string) => r.sim.ledger.card(pan)!.balance_fen;
const row = (r: Rig, stan: number) =>
  r.t.app.db.prepare('SELECT status, endpoint, decline_code FROM txns WHERE stan = ?').get(stan);

describe('primary and backup hosts', () => {
  it('primary down before the sale: the backup takes it, one debit; primary back: switched back after its echo', async () => {
    const r = await startRig();
    expect(r.port.endpoints()).toEqual([
      expect.objectContaining({ role: 'primary', address: r.primary.url, inUse: true }),
      expect.objectContaining({ role: 'backup', address: r.backup.url, inUse: false }),
    ]);
    await down(r, 'primary');
    const s = await sale(r, ACTIVE.pan, 1200);
    expect(s.status).toBe('approved');
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 1200); // one debit
    expect(r.sim.requests.authorize ?? 0).toBe(0);
    expect(r.backupFace.requests.authorize).toBe(1);
    expect(row(r, s.stan)).toMatchObject({ status: 'approved', endpoint: 'backup' });
    const [p, b] = r.port.endpoints();
    expect(p).toMatchObject({ inUse: false, up: false });
    expect(b).toMatchObject({ inUse: true, up: true });
    expect(b!.inUseSince).toBeDefined();

    // The next sale goes to the backup straight away (the primary is not tried first).
    const before = r.primary.stats.connections;
    expect((await sale(r, GIFT.pan, 300)).status).toBe('approved');
    expect(r.primary.stats.connections).toBe(before);
    expect(r.backupFace.requests.authorize).toBe(2);

    // The primary comes back: its probe echo answers and new requests go to it again.
    await r.primary.setDown(false);
    await r.port.whenInUse('primary');
    expect(r.sim.requests.echo).toBeGreaterThanOrEqual(1);
    const back = await sale(r, ACTIVE.pan, 100);
    expect(back.status).toBe('approved');
    expect(r.sim.requests.authorize).toBe(1);
    expect(row(r, back.stan)).toMatchObject({ endpoint: 'primary' });
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 1300);

    // The technician's echo reaches both and records each round trip.
    const echoed = await r.port.echoEndpoints();
    expect(echoed.map((e) => [e.role, e.inUse, typeof e.lastEchoRttMs])).toEqual([
      ['primary', true, 'number'],
      ['backup', false, 'number'],
    ]);
  });

  it('primary dies mid-answer: no retry on the backup, the card is held, the reversal waits for the primary', async () => {
    const r = await startRig();
    expect((await sale(r, ACTIVE.pan, 500)).status).toBe('approved');
    // The request reaches the issuer and its answer is cut: the issuer debited, the terminal cannot know.
    r.primary.mix = { ...NO_FAULTS, resetMidResponse: 1 };
    const lost = await sale(r, ACTIVE.pan, 2000);
    expect(lost).toMatchObject({ status: 'declined', declineCode: 'ISSUER_UNREACHABLE' });
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 2500);
    expect(r.backupFace.requests.authorize ?? 0).toBe(0); // never tried on the backup
    expect(r.sim.requests.authorize).toBe(3); // the first sale + the lost one, sent twice (same bytes)
    const reversal = () =>
      r.t.app.db.prepare('SELECT endpoint, sent_at FROM reversals WHERE orig_stan = ?').get(lost.stan) as {
        endpoint: string;
        sent_at: string | null;
      };
    expect(reversal()).toEqual({ endpoint: 'primary', sent_at: null });
    expect(r.port.endpointInUse()).toBe('primary'); // a lost answer is no reason to switch

    // Now the primary is gone altogether.
    r.primary.mix = NO_FAULTS;
    await down(r, 'primary');
    expect(await r.t.app.jobs.drain('reversal')).toBe(1); // still waiting: not sent to the backup
    expect(r.backupFace.requests.reverse ?? 0).toBe(0);
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 2500);

    // Meanwhile: a new debit on that card is declined at the till, nothing sent anywhere …
    const sent = { p: r.sim.requests.authorize, b: r.backupFace.requests.authorize ?? 0 };
    const held = await sale(r, ACTIVE.pan, 700);
    expect(held).toMatchObject({ status: 'declined', declineCode: 'CARD_REVERSAL_PENDING' });
    expect({ p: r.sim.requests.authorize, b: r.backupFace.requests.authorize ?? 0 }).toEqual(sent);
    // … while another card fails over to the backup, and an inquiry on the held card is answered.
    expect((await sale(r, GIFT.pan, 400)).status).toBe('approved');
    expect(r.port.endpointInUse()).toBe('backup');
    expect((await r.t.call('balance.inquiry', { cardToken: await r.t.card(ACTIVE.pan) })).status).toBe(
      'approved',
    );
    expect(await r.t.app.jobs.drain('reversal')).toBe(1);
    expect(r.backupFace.requests.reverse ?? 0).toBe(0);

    // The primary is back: its echo switches new requests back, and the reversal goes to it.
    await r.primary.setDown(false);
    await r.port.whenInUse('primary');
    expect(await r.t.app.jobs.drain('reversal')).toBe(0);
    expect(r.sim.requests.reverse).toBe(1);
    expect(r.backupFace.requests.reverse ?? 0).toBe(0);
    expect(reversal().sent_at).not.toBeNull();
    expect(row(r, lost.stan)).toMatchObject({ status: 'reversed' });
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 500);
    expect(balance(r, GIFT.pan)).toBe(GIFT.balanceFen - 400);
    // The hold is over.
    expect((await sale(r, ACTIVE.pan, 700)).status).toBe('approved');
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 1200);
  });

  it('an answer lost on the backup: its reversal goes to the backup, not back to the primary', async () => {
    const r = await startRig();
    await down(r, 'primary');
    expect((await sale(r, GIFT.pan, 100)).status).toBe('approved'); // now on the backup
    r.backup.mix = { ...NO_FAULTS, resetMidResponse: 1 };
    const lost = await sale(r, GIFT.pan, 900);
    expect(lost).toMatchObject({ status: 'declined', declineCode: 'ISSUER_UNREACHABLE' });
    expect(row(r, lost.stan)).toMatchObject({ endpoint: 'backup' });
    expect(r.t.app.db.prepare('SELECT endpoint FROM reversals WHERE orig_stan = ?').get(lost.stan)).toEqual({
      endpoint: 'backup',
    });
    r.backup.mix = NO_FAULTS;
    // The primary comes back first: the reversal still goes to the backup.
    await r.primary.setDown(false);
    await r.port.whenInUse('primary');
    expect(await r.t.app.jobs.drain('reversal')).toBe(0);
    expect(r.backupFace.requests.reverse).toBe(1);
    expect(r.sim.requests.reverse ?? 0).toBe(0);
    expect(balance(r, GIFT.pan)).toBe(GIFT.balanceFen - 100);
  });

  it('a sale left pending by a crash while it was sent to the backup is reversed on the backup', async () => {
    const r = await startRig();
    const store = (r.t.app.terminal.opts as { store: TxnStore }).store;
    // What the runner writes before sending (the pending row, then its endpoint), and the send
    // itself — the debit applied by the backup — with no answer recorded: the process died.
    const { stan, request } = store.createPending<AuthorizeCommand>({
      type: 'sale',
      amountFen: 650,
      otherTenderFen: 0,
      masked: maskPan(ACTIVE.pan),
      pan: ACTIVE.pan,
      entryMode: 'wedge',
      issuerId: 'bank',
      buildRequest: (s) => ({
        kind: 'authorize',
        stan: s,
        time: new Date().toISOString(),
        id: 'cd'.repeat(16),
        card: { pan: ACTIVE.pan, entryMode: 'wedge' },
        amountFen: 650,
        otherTenderFen: 0,
      }),
    });
    store.noteEndpoint(stan, 'backup');
    expect((await r.port.exchange(request, 1, { endpoint: 'backup' })).kind).toBe('answer');
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 650);
    expect(r.t.app.terminal.recoverPending()).toBe(1);
    expect(r.t.app.db.prepare('SELECT endpoint FROM reversals WHERE orig_stan = ?').get(stan)).toEqual({
      endpoint: 'backup',
    });
    expect(await r.t.app.jobs.drain('reversal')).toBe(0);
    expect(r.backupFace.requests.reverse).toBe(1);
    expect(r.sim.requests.reverse ?? 0).toBe(0);
    expect(row(r, stan)).toMatchObject({ status: 'reversed', endpoint: 'backup' });
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen);
  });

  it('both down: the offline policy decides, and the advice is forwarded to whichever host is up', async () => {
    const r = await startRig();
    expect((await sale(r, ACTIVE.pan, 100)).status).toBe('approved'); // the balance seen online
    await down(r, 'primary');
    await down(r, 'backup');
    const off = await sale(r, ACTIVE.pan, 800);
    expect(off).toMatchObject({ status: 'approved', offline: true });
    expect(r.backupFace.requests.authorize ?? 0).toBe(0);
    expect(r.sim.requests.authorize).toBe(1);
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 100);
    expect(r.port.endpoints()).toMatchObject([
      { role: 'primary', inUse: true, up: false },
      { role: 'backup', inUse: false, up: false },
    ]);

    // The backup returns first: the advice goes there (an advice is new to any host: not-sent on
    // the primary fails over like a sale).
    await r.backup.setDown(false);
    expect((await r.t.app.ctx.offline.forwarder.forwardNow()).count).toBe(0);
    expect(r.backupFace.requests.advice).toBe(1);
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 900);
  });
});

describe('an existing data dir', () => {
  it('migrates: rows and queued reversals from before went to the one host there was, the primary', () => {
    const file = path.join(tempDir(), 'terminal.db');
    const old = openDatabase(
      file,
      TERMINAL_MIGRATIONS.filter((m) => !m.id.startsWith('failover/')),
    );
    old
      .prepare(
        "INSERT INTO reversals (stan, orig_stan, request_enc, created_at) VALUES (2, 1, x'00', '2026-12-01T00:00:00Z')",
      )
      .run();
    old.close();
    const db = openDatabase(file, TERMINAL_MIGRATIONS);
    expect(db.prepare('SELECT endpoint FROM reversals').all()).toEqual([{ endpoint: 'primary' }]);
    expect(
      db.prepare("SELECT dflt_value FROM pragma_table_info('txns') WHERE name = 'endpoint'").get(),
    ).toEqual({ dflt_value: "'primary'" });
    db.close();
  });
});

describe('cardtill issuer-sim --backup-port', () => {
  it('serves a second HTTP face on the same ledger and keys', async () => {
    const dataDir = tempDir();
    const child = spawn(
      process.execPath,
      [
        path.resolve('bin/cardtill.mjs'),
        'issuer-sim',
        '--data-dir',
        dataDir,
        '--port',
        '0',
        '--backup-port',
        '0',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const line = await new Promise<{ url: string; backupUrl: string; publicKey: string }>((resolve) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const json = out.split('\n').find((l) => l.startsWith('{'));
          if (json) resolve(JSON.parse(json) as { url: string; backupUrl: string; publicKey: string });
        });
      });
      expect(line.backupUrl).not.toBe(line.url);
      const key = async (u: string) =>
        ((await (await fetch(`${u}/v1/issuer-key`)).json()) as { publicKey: string }).publicKey;
      expect(await key(line.backupUrl)).toBe(line.publicKey);
      expect(await key(line.url)).toBe(line.publicKey);
      // One ledger: a card written through one face is read through the other.
      const put = await fetch(`${line.url}/admin/cards/8888019999999999`, {
        method: 'PUT',
        body: JSON.stringify({ status: 'active', balanceFen: 4321, expiry: '3012' }),
      });
      expect(put.status).toBe(200);
      const card = (await (await fetch(`${line.backupUrl}/admin/cards/8888019999999999`)).json()) as {
        balanceFen: number;
      };
      expect(card.balanceFen).toBe(4321);
    } finally {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
