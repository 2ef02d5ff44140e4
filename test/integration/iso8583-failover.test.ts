/**
 * Primary and backup hosts of an `iso8583-cup` entry (docs/issuer-protocol.md "Failover rules"),
 * on real parts: the issuer simulator's ISO 8583 face and a backup face on the same ledger
 * (`Iso8583Sim.addFace`: its own host, so its own sign-on sessions and working keys), each behind
 * its own loopback TCP proxy (test/fault/link-proxy.ts), and a whole terminal over real SQLite
 * whose ISO entry is a FailoverPort over two Iso8583CupAdapters sharing the TMK, batch and sent
 * table. The JSON version of these edges is issuer-failover.test.ts.
 *
 * The edges: primary down before the sale (the backup signs on with its own keys and takes it,
 * one debit); primary dies mid-answer (no backup, the 0400 to the primary only and repeated until
 * answered, the card held meanwhile); both down (the offline policy); primary back (switched back
 * after its 0820 echo).
 */
import { describe, it, expect, afterEach } from 'vitest';
import { startTestApp, tempDir, TEST_KEY_SECRET, type TestApp } from '../helpers/app';
import { runCardtill } from '../helpers/cli';
import { startIssuerSim, type IssuerSim } from '../../src/issuer-sim/server';
import { startIso8583Sim, type Iso8583Sim, type Iso8583SimFace } from '../../src/issuer-sim/iso8583/server';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { LinkFaultProxy, NO_FAULTS } from '../fault/link-proxy';
import { seededRandom } from '../fault/harness';
import type { FailoverPort } from '../../src/main/issuer/failover';
import type { Iso8583CupAdapter } from '../../src/main/issuer/iso8583/adapter';
import { IssuerEntryConfig } from '../../src/main/config/config';
import { KEYSETS } from '../../src/main/issuer/iso8583/keysets';
import { storeTmk } from '../../src/main/issuer/iso8583/tmk';
import { loadOrCreateTerminalKeys } from '../../src/main/keys/terminal-keys';
import { fromHex, toHex } from '../../src/shared/crypto';
import { luhnCheckDigit } from '../../src/shared/card';
import { passwordState } from '../../src/issuer-sim/handlers-password';
import fs from 'node:fs';
import path from 'node:path';

const TMK_HEX = '00112233445566778899AABBCCDDEEFF';
const KS = KEYSETS['3des'];
const ISO = 'cup';
const ACTIVE = demoCard('iso-active');
/** A second ISO card, so one card can be held while another sells. */
const OTHER = { pan: `888802000000990${luhnCheckDigit('888802000000990')}`, balanceFen: 80_000 };

interface Rig {
  t: TestApp;
  sim: IssuerSim;
  iso: Iso8583Sim;
  isoBackup: Iso8583SimFace;
  primary: LinkFaultProxy;
  backup: LinkFaultProxy;
  port: FailoverPort;
  /** A host restarts on its port: a new host on the same ledger, its sessions gone. */
  restartHost(which: 'primary' | 'backup'): Promise<void>;
}

let rig: Rig | undefined;
afterEach(async () => {
  if (!rig) return;
  await rig.t.close();
  await rig.primary.close();
  await rig.backup.close();
  await rig.iso.close();
  await rig.sim.close();
  rig = undefined;
});

async function startRig(): Promise<Rig> {
  const sim = await startIssuerSim({
    dataDir: tempDir('cardtill-isofo-sim-'),
    enrolToken: 'demo-enrol-token',
  });
  sim.ledger.upsertCard({ pan: OTHER.pan, status: 'active', balanceFen: OTHER.balanceFen, expiry: '3012' });
  const tmk = fromHex(TMK_HEX.toLowerCase());
  const iso = await startIso8583Sim({ ledger: sim.ledger, keySet: KS, tmk });
  // Each host is a face of its own, so that it can restart alone.
  const faces = { primary: await iso.addFace(), backup: await iso.addFace() };
  const isoBackup = faces.backup;
  // The adapter's socket to it is closed too, as `down` does: a store reads that FIN long before
  // the next sale; here the next line runs in the same turn of the event loop.
  const restartHost = async (which: 'primary' | 'backup') => {
    await faces[which].close();
    faces[which] = await iso.addFace(faces[which].port);
    (port.portOf(which) as Iso8583CupAdapter).close();
  };
  const primary = new LinkFaultProxy(faces.primary.port, seededRandom(1));
  const backup = new LinkFaultProxy(isoBackup.port, seededRandom(2));
  await primary.start();
  await backup.start();
  // The TMK entered once by the technician (cardtill keys tmk), sealed under this data dir's key.
  const dataDir = tempDir();
  const keys = loadOrCreateTerminalKeys(dataDir, TEST_KEY_SECRET);
  const check = toHex(KS.pikCheck(tmk)).toUpperCase();
  storeTmk(dataDir, keys.dataKey, ISO, KS, TMK_HEX, check);
  const issuers = [
    IssuerEntryConfig.parse({
      id: 'home',
      name: 'Home (JSON)',
      url: sim.url,
      publicKey: sim.publicKeyHex,
      timeoutMs: 3000,
      cardRanges: [''],
    }),
    IssuerEntryConfig.parse({
      id: ISO,
      name: 'CUP host',
      protocol: 'iso8583-cup',
      url: `tcp://127.0.0.1:${primary.port}`,
      backupUrl: `tcp://127.0.0.1:${backup.port}`,
      timeoutMs: 1500,
      attempts: 2,
      cardRanges: ['888802'],
      iso8583: { keySet: '3des', tmkCheck: check },
    }),
  ];
  // The same table as a config file, for `cardtill issuers` beside the running terminal.
  fs.writeFileSync(
    path.join(dataDir, 'cli-config.json'),
    JSON.stringify({ issuers, keyPassphraseEnv: 'CARDTILL_TEST_SECRET' }),
  );
  const t = await startTestApp({
    dataDir,
    forwardMs: 3_600_000, // the forwarder's timer out of the way: each test forwards when it says
    config: { issuers, offline: { velocityCount: 10 } } as never,
  });
  await t.app.jobs.idle();
  await t.signIn();
  const port = t.app.terminal.runner.router.byId(ISO).port as FailoverPort;
  rig = { t, sim, iso, isoBackup, primary, backup, port, restartHost };
  return rig;
}

const adapterOf = (r: Rig, role: 'primary' | 'backup') => r.port.portOf(role) as Iso8583CupAdapter;

/**
 * A host goes down: its proxy refuses connections and cuts the open ones. The adapter's idle
 * socket to it is closed too: in a store the dead host's FIN is read long before the next sale;
 * here the next line runs in the same turn of the event loop.
 */
async function down(r: Rig, which: 'primary' | 'backup'): Promise<void> {
  await r[which].setDown(true);
  adapterOf(r, which).close();
}

const sale = async (r: Rig, pan: string, amountFen: number) =>
  r.t.call('sale.authorize', { cardToken: await r.t.card(pan), amountFen });
const balance = (r: Rig, pan: string) => r.sim.ledger.card(pan)!.balance_fen;
const row = (r: Rig, stan: number) =>
  r.t.app.db.prepare('SELECT status, endpoint, issuer_id, decline_code FROM txns WHERE stan = ?').get(stan);
/** What the ISO host (either face: one table) kept of this terminal's (batch, STAN). */
const hostRow = (r: Rig, stan: number) =>
  r.sim.ledger.db
    .prepare("SELECT name, rc, state FROM iso8583_txns WHERE terminal_id = 'T0000001' AND stan = ?")
    .get(stan % 1_000_000) as { name: string; rc: string; state: string } | undefined;
/** Reversals (0400, MTI class `rev`) the ledger recorded for this terminal, by STAN. */
const hostReversals = (r: Rig) => r.sim.ledger.applied('iso8583-rev:T0000001').map((a) => a.stan % 1_000_000);

describe('iso8583-cup entry with a primary and a backup host', () => {
  it('primary down before the sale: the backup signs on with its own keys and takes it, one debit; primary back after its echo', async () => {
    const r = await startRig();
    // Signed on with the primary (its keys), then the primary goes down.
    expect((await sale(r, ACTIVE.pan, 100)).status).toBe('approved');
    expect(adapterOf(r, 'primary').signedOnAt).toBeDefined();
    expect(adapterOf(r, 'backup').signedOnAt).toBeUndefined();
    await down(r, 'primary');

    const s = await sale(r, ACTIVE.pan, 1200);
    expect(s.status).toBe('approved');
    expect(row(r, s.stan)).toMatchObject({ status: 'approved', endpoint: 'backup', issuer_id: ISO });
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 1300); // one debit
    expect(hostRow(r, s.stan)).toMatchObject({ name: 'purchase', rc: '00', state: 'ok' });
    // The backup host gave its own working keys at its own sign-on, and the 0200 went MAC'd under
    // them (under the primary's MAK the backup would have answered A0: no approval).
    expect(adapterOf(r, 'backup').signedOnAt).toBeDefined();
    expect(r.port.endpoints()).toMatchObject([
      { role: 'primary', inUse: false, up: false },
      { role: 'backup', inUse: true, up: true },
    ]);

    // The next sale goes to the backup straight away (the primary is not tried first).
    const before = r.primary.stats.connections;
    expect((await sale(r, OTHER.pan, 300)).status).toBe('approved');
    expect(r.primary.stats.connections).toBe(before);

    // The primary comes back: its probe 0820 answers and new requests go to it again, under the
    // primary's keys (its session there is still its own).
    await r.primary.setDown(false);
    await r.port.whenInUse('primary');
    const back = await sale(r, ACTIVE.pan, 100);
    expect(back.status).toBe('approved');
    expect(row(r, back.stan)).toMatchObject({ endpoint: 'primary' });
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 1400);
    expect(balance(r, OTHER.pan)).toBe(OTHER.balanceFen - 300);
    expect(hostReversals(r)).toEqual([]);
  });

  it('a primary host restarted while the terminal was on the backup: signed on afresh when switched back, the sale approved', async () => {
    const r = await startRig();
    expect((await sale(r, ACTIVE.pan, 100)).status).toBe('approved'); // signed on with the primary
    await down(r, 'primary');
    expect((await sale(r, ACTIVE.pan, 100)).status).toBe('approved'); // on the backup
    // Meanwhile the primary host restarts: the working keys it gave this terminal are gone.
    await r.restartHost('primary');
    await r.primary.setDown(false);
    await r.port.whenInUse('primary'); // its 0820 (no MAC) answered
    const before = adapterOf(r, 'primary').signedOnAt!;
    // The first request on the primary again goes under fresh keys, not the lost ones (A0).
    const s = await sale(r, ACTIVE.pan, 100);
    expect(s).toMatchObject({ status: 'approved' });
    expect(s.offline).toBeFalsy(); // approved by the host
    expect(row(r, s.stan)).toMatchObject({ endpoint: 'primary' });
    expect(adapterOf(r, 'primary').signedOnAt! > before).toBe(true);
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 300);
    expect(r.t.app.db.prepare('SELECT COUNT(*) AS n FROM reversals').get()).toEqual({ n: 0 });
  });

  it('a backup host restarted between two outages of the primary: signed on afresh before it takes over again', async () => {
    const r = await startRig();
    await down(r, 'primary');
    expect((await sale(r, ACTIVE.pan, 100)).status).toBe('approved'); // the backup signs on
    const first = adapterOf(r, 'backup').signedOnAt!;
    await r.primary.setDown(false);
    await r.port.whenInUse('primary');
    await r.restartHost('backup'); // its session with this terminal is gone
    await down(r, 'primary');
    const s = await sale(r, ACTIVE.pan, 100);
    expect(s.status).toBe('approved');
    expect(s.offline).toBeFalsy(); // approved by the host
    expect(row(r, s.stan)).toMatchObject({ endpoint: 'backup' });
    expect(adapterOf(r, 'backup').signedOnAt! > first).toBe(true);
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 200);
    expect(r.t.app.db.prepare('SELECT COUNT(*) AS n FROM reversals').get()).toEqual({ n: 0 });
  });

  it('a card password on the backup: field 52 under the PIK the backup gave, not the primary’s', async () => {
    const r = await startRig();
    const card = demoCard('iso-password');
    const pay = async (password: string) =>
      r.t.call('sale.authorize', { cardToken: await r.t.card(card.pan), amountFen: 200, password });
    expect((await pay(card.password!.pin)).status).toBe('approved'); // on the primary, its PIK
    await down(r, 'primary');
    // Under the primary's PIK the backup would open another block: 55, a wrong try.
    const s = await pay(card.password!.pin);
    expect(s).toMatchObject({ status: 'approved' });
    expect(row(r, s.stan)).toMatchObject({ endpoint: 'backup' });
    expect(passwordState(r.sim.ledger, card.pan)).toMatchObject({ wrongTries: 0 });
    expect(balance(r, card.pan)).toBe(card.balanceFen - 400);
  });

  it('a backup host that asks for a new sign-on gets one from the backup adapter, not the primary', async () => {
    const r = await startRig();
    const primarySignOn = adapterOf(r, 'primary').signedOnAt; // the start's probe signed on there
    await down(r, 'primary');
    expect((await sale(r, ACTIVE.pan, 100)).status).toBe('approved');
    const first = adapterOf(r, 'backup').signedOnAt!;
    r.isoBackup.host.requireSignOn(); // header nibble 3 on its next answer
    expect((await sale(r, ACTIVE.pan, 100)).status).toBe('approved');
    const s = await sale(r, ACTIVE.pan, 100);
    expect(s.status).toBe('approved');
    expect(adapterOf(r, 'backup').signedOnAt! >= first).toBe(true);
    expect(adapterOf(r, 'primary').signedOnAt).toBe(primarySignOn); // not signed on again
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 300);
    expect(hostReversals(r)).toEqual([]);
  });

  it('primary dies mid-answer: no backup, the card held, the 0400 repeated on the primary until answered', async () => {
    const r = await startRig();
    expect((await sale(r, ACTIVE.pan, 500)).status).toBe('approved');
    // The 0200 reaches the host and its answer is cut: the host debited, the terminal cannot know.
    r.primary.mix = { ...NO_FAULTS, resetMidResponse: 1 };
    const lost = await sale(r, ACTIVE.pan, 2000);
    expect(lost).toMatchObject({ status: 'declined', declineCode: 'ISSUER_UNREACHABLE' });
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 2500);
    expect(row(r, lost.stan)).toMatchObject({ endpoint: 'primary' });
    expect(hostRow(r, lost.stan)).toMatchObject({ name: 'purchase', rc: '00', state: 'ok' });
    // Never tried on the backup: the backup never even signed on.
    expect(adapterOf(r, 'backup').signedOnAt).toBeUndefined();
    expect(r.backup.stats.connections).toBe(0);
    const reversal = () =>
      r.t.app.db.prepare('SELECT endpoint, sent_at FROM reversals WHERE orig_stan = ?').get(lost.stan) as {
        endpoint: string;
        sent_at: string | null;
      };
    expect(reversal()).toEqual({ endpoint: 'primary', sent_at: null });
    expect(r.port.endpointInUse()).toBe('primary'); // a lost answer is no reason to switch

    // The 0400's answer is lost too: the host undid the debit, the terminal cannot know, so the
    // 0400 stays queued (sent again with the same 11), still to the primary only.
    const chunksBefore = r.primary.stats.chunks;
    expect(await r.t.app.jobs.drain('reversal')).toBe(1);
    expect(r.primary.stats.chunks).toBeGreaterThan(chunksBefore);
    expect(reversal().sent_at).toBeNull();
    expect(hostRow(r, lost.stan)?.state).toBe('reversed');
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 500);

    // Now the primary is gone altogether: the 0400 waits for it.
    r.primary.mix = NO_FAULTS;
    await down(r, 'primary');
    expect(await r.t.app.jobs.drain('reversal')).toBe(1);
    expect(r.backup.stats.connections).toBe(0);

    // Meanwhile: a new debit on that card is declined at the till, nothing sent anywhere …
    const held = await sale(r, ACTIVE.pan, 700);
    expect(held).toMatchObject({ status: 'declined', declineCode: 'CARD_REVERSAL_PENDING' });
    expect(r.backup.stats.connections).toBe(0);
    // … while another card fails over to the backup, and an inquiry on the held card is answered.
    expect((await sale(r, OTHER.pan, 400)).status).toBe('approved');
    expect(r.port.endpointInUse()).toBe('backup');
    expect((await r.t.call('balance.inquiry', { cardToken: await r.t.card(ACTIVE.pan) })).status).toBe(
      'approved',
    );
    const backupChunks = r.backup.stats.chunks;
    expect(await r.t.app.jobs.drain('reversal')).toBe(1);
    expect(r.backup.stats.chunks).toBe(backupChunks); // the 0400 did not go to the backup in use

    // The primary is back: its echo switches new requests back, and the 0400 goes to it.
    await r.primary.setDown(false);
    await r.port.whenInUse('primary');
    expect(await r.t.app.jobs.drain('reversal')).toBe(0);
    expect(reversal().sent_at).not.toBeNull();
    // A 0410 says nothing of the original (docs/issuer-protocol.md, ambiguity 12): the row stays declined.
    expect(row(r, lost.stan)).toMatchObject({ status: 'declined', endpoint: 'primary' });
    expect(hostRow(r, lost.stan)?.state).toBe('reversed');
    expect(hostReversals(r)).toEqual([lost.stan % 1_000_000]); // applied once
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 500);
    expect(balance(r, OTHER.pan)).toBe(OTHER.balanceFen - 400);
    // The hold is over.
    expect((await sale(r, ACTIVE.pan, 700)).status).toBe('approved');
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 1200);
  });

  it('an answer lost on the backup: its 0400 goes to the backup, under the backup’s keys', async () => {
    const r = await startRig();
    await down(r, 'primary');
    expect((await sale(r, OTHER.pan, 100)).status).toBe('approved'); // now on the backup
    r.backup.mix = { ...NO_FAULTS, resetMidResponse: 1 };
    const lost = await sale(r, OTHER.pan, 900);
    expect(lost).toMatchObject({ status: 'declined', declineCode: 'ISSUER_UNREACHABLE' });
    expect(row(r, lost.stan)).toMatchObject({ endpoint: 'backup' });
    r.backup.mix = NO_FAULTS;
    // The primary comes back first: the 0400 still goes to the backup.
    await r.primary.setDown(false);
    await r.port.whenInUse('primary');
    const toPrimary = r.primary.stats.chunks;
    expect(await r.t.app.jobs.drain('reversal')).toBe(0);
    expect(r.primary.stats.chunks).toBe(toPrimary);
    expect(hostRow(r, lost.stan)?.state).toBe('reversed');
    expect(adapterOf(r, 'primary').signedOnAt).toBeDefined(); // its probe signed on there
    expect(balance(r, OTHER.pan)).toBe(OTHER.balanceFen - 100);
  });

  it('both down: the offline policy decides; the 0220 advice goes to whichever host is up', async () => {
    const r = await startRig();
    expect((await sale(r, ACTIVE.pan, 100)).status).toBe('approved'); // the balance seen online
    await down(r, 'primary');
    await down(r, 'backup');
    const off = await sale(r, ACTIVE.pan, 800);
    expect(off).toMatchObject({ status: 'approved', offline: true });
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 100);
    expect(r.port.endpoints()).toMatchObject([
      { role: 'primary', inUse: true, up: false },
      { role: 'backup', inUse: false, up: false },
    ]);

    // The backup returns first: it signs on and takes the 0220 (an advice is new to any host).
    await r.backup.setDown(false);
    expect((await r.t.app.ctx.offline.lanes.of(ISO).forwarder.forwardNow()).count).toBe(0);
    expect(hostRow(r, off.stan)).toMatchObject({ name: 'advice', rc: '00' });
    expect(adapterOf(r, 'backup').signedOnAt).toBeDefined();
    expect(balance(r, ACTIVE.pan)).toBe(ACTIVE.balanceFen - 900);
  });
});

describe('the technician’s echo of both hosts', () => {
  it('tech.issuers / tech.echo: each endpoint’s round trip, the backup too; a backup down is a typed failure', async () => {
    const r = await startRig();
    await r.t.signIn('3001', '5555'); // the technician
    const up = await r.t.call('tech.issuers', { echo: true });
    const cup = up.issuers.find((i) => i.issuerId === ISO)!;
    expect(cup.echo).toMatchObject({ ok: true });
    expect(cup.echo!.endpoints).toEqual([
      expect.objectContaining({
        role: 'primary',
        address: `tcp://127.0.0.1:${r.primary.port}`,
        inUse: true,
        ok: true,
      }),
      expect.objectContaining({
        role: 'backup',
        address: `tcp://127.0.0.1:${r.backup.port}`,
        inUse: false,
        ok: true,
      }),
    ]);
    for (const e of cup.echo!.endpoints) expect(e.rttMs).toBeTypeOf('number');
    // Each host signed on on its own (its own working keys), and the screen says when.
    expect(cup.endpoints.map((e) => [e.role, typeof e.signedOnAt])).toEqual([
      ['primary', 'string'],
      ['backup', 'string'],
    ]);
    expect(cup.lastSignOnAt).toBeTypeOf('string');

    // The backup goes down: its echo is ISSUER_UNREACHABLE, the primary's still answered.
    await down(r, 'backup');
    const echo = await r.t.call('tech.echo', {});
    const e = echo.issuers.find((i) => i.issuerId === ISO)!;
    expect(e).toMatchObject({ ok: false, code: 'ISSUER_UNREACHABLE' });
    expect(e.detail).toMatch(/^backup: /);
    expect(e.endpoints).toMatchObject([
      { role: 'primary', inUse: true, ok: true },
      { role: 'backup', inUse: false, ok: false, code: 'ISSUER_UNREACHABLE' },
    ]);
    expect(echo.ok).toBe(false);
    // A backup that takes the request and never answers: a typed failure after the entry's timeout.
    await r.backup.setDown(false);
    r.backup.mix = { ...NO_FAULTS, blackhole: 1 };
    const silent = (await r.t.call('tech.issuers', { echo: true })).issuers.find((i) => i.issuerId === ISO)!;
    expect(silent.echo!.endpoints[1]).toMatchObject({
      role: 'backup',
      ok: false,
      code: 'ISSUER_UNREACHABLE',
    });
    expect(silent.echo!.endpoints[0]).toMatchObject({ role: 'primary', ok: true });
    // The echo moved no request to the backup: the primary stays in use.
    expect(r.port.endpointInUse()).toBe('primary');
  });

  it('cardtill issuers beside the running terminal: a line per host, the backup down fails the run', async () => {
    const r = await startRig();
    expect((await sale(r, ACTIVE.pan, 100)).status).toBe('approved'); // signed on with the primary
    await down(r, 'backup');
    const dir = r.t.dataDir;
    const out = await runCardtill(
      ['issuers', '--data-dir', dir, '--config', path.join(dir, 'cli-config.json')],
      {
        CARDTILL_TEST_SECRET: TEST_KEY_SECRET.secret,
      },
    );
    expect(out.status, out.stderr).toBe(1); // a host did not answer
    expect(out.stdout).toContain(`地址 ENDPOINT    backup tcp://127.0.0.1:${r.backup.port}`);
    expect(out.stdout).toMatch(/回响 ECHO\s+primary \(in use 使用中\) ok 正常 [\d.]+ ms/);
    expect(out.stdout).toMatch(/回响 ECHO\s+backup failed 失败 ISSUER_UNREACHABLE after [\d.]+ ms: /);
    // Its echo went without a sign-on: the running terminal's keys at the primary still hold.
    const s = await sale(r, ACTIVE.pan, 100);
    expect(s.status).toBe('approved');
    expect(s.offline).toBeFalsy();
  });
});
