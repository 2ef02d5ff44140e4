/**
 * A file-batch issuer on real parts: the real app (createCore through startApp) with a JSON home
 * issuer (the issuer-sim over HTTP) and a `file-batch` issuer whose exchange directory is a temp
 * dir, filled and read by the back-office tool (src/issuer-sim/file-batch) on its own SQLite
 * ledger. Sales are decided by the offline policy from the signed balance snapshot and hot list;
 * refused files reach the manager's status, an event and the log (no card numbers); the daily
 * transaction file is signed, acknowledged, applied once, and no row is ever in two files — also
 * across a restart between writing and the acknowledgement.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, tempDir, type TestApp } from '../helpers/app';
import { startIssuerSim, type IssuerSim } from '../../src/issuer-sim/server';
import { IssuerLedger } from '../../src/issuer-sim/ledger';
import { FileBatchBackOffice } from '../../src/issuer-sim/file-batch/back-office';
import { martCard } from '../../src/issuer-sim/file-batch/cards';
import { sm2GenerateKeyPair, sm2Signer, sm2Verifier, toHex } from '../../src/shared/crypto';
import { buildFile, fileBody, FILE_NAMES, parseFile } from '../../src/shared/file-batch-format';
import type { FileBatchStatus } from '../../src/shared/contract';
import { ConfigError, loadConfig } from '../../src/main/config/config';
import { fileBatchAdapters } from '../../src/main/jobs/file-batch-job';

const MGR = { operatorId: '2001', pin: '8888' };
const ACTIVE = martCard('active');
const LOW = martCard('low');
const LOST = martCard('lost');
const SECOND = martCard('second');
const NOT_LISTED = '8888030000000056'; // Luhn-valid, in the range, not in the snapshot

let sim: IssuerSim;
let t: TestApp | undefined;
let dataDir: string;
let exch: string;
let ledger: IssuerLedger;
let bo: FileBatchBackOffice;
let issuerKey: { privateKey: Uint8Array; publicKey: Uint8Array };
let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);

function config() {
  return {
    issuers: [
      {
        id: 'home',
        name: 'Home',
        protocol: 'cardtill-json',
        url: sim.url,
        publicKey: sim.publicKeyHex,
        timeoutMs: 1500,
        attempts: 2,
        cardRanges: ['888801'],
      },
      {
        id: 'mart',
        name: '区域超市 Mart',
        protocol: 'file-batch',
        url: pathToFileURL(exch).href,
        publicKey: toHex(issuerKey.publicKey),
        timeoutMs: 1000,
        attempts: 1,
        cardRanges: ['888803'],
        // Velocity off for this test's repeated sales on one card; the other limits as shipped.
        offline: { velocityCount: 1000 },
      },
    ],
  } as never;
}

async function start(): Promise<TestApp> {
  const app = await startTestApp({ dataDir, config: config(), clock });
  await app.signIn('2001', '8888'); // the manager sells too, and may press 同步
  return app;
}

/** Restart without deleting the data dir (TestApp.close removes it). */
async function restart(): Promise<void> {
  await t!.app.close();
  t = await start();
}

beforeEach(async () => {
  offsetMs = 0;
  sim = await startIssuerSim({ dataDir: tempDir('cardtill-home-'), enrolToken: 'demo-enrol-token' });
  dataDir = tempDir();
  exch = tempDir('cardtill-exchange-');
  ledger = new IssuerLedger(path.join(tempDir('cardtill-mart-'), 'mart.db'));
  issuerKey = sm2GenerateKeyPair();
  bo = new FileBatchBackOffice({
    dir: exch,
    issuerId: 'mart',
    ledger,
    privateKeyHex: toHex(issuerKey.privateKey),
    terminalKey: (id, v) => (id === 'T0000001' ? t?.app.keys.publicKeys.get(v) : undefined),
    now: clock,
  });
  bo.seedMartCards();
  t = await start();
});
afterEach(async () => {
  await t?.close();
  t = undefined;
  await sim.close();
  ledger.close();
});

const sale = async (pan: string, amountFen: number) =>
  t!.call('sale.authorize', { cardToken: await t!.card(pan), amountFen });
const sync = (writeNow = false) => t!.call('fileBatch.sync', { writeNow });
const mart = (s: FileBatchStatus) => s.issuers.find((i) => i.issuerId === 'mart')!;
const txnFiles = () =>
  fs
    .readdirSync(exch)
    .filter((n) => n.startsWith('txn-'))
    .sort();

describe('sales on a file-batch issuer', () => {
  it('are decided from the signed balance file and hot list: over balance and hot cards declined, nothing sent', async () => {
    // No list yet: nothing to decide by.
    expect(await sale(ACTIVE.pan, 100)).toMatchObject({
      status: 'declined',
      declineCode: 'FILE_BATCH_STALE',
    });
    bo.publishHotlist();
    bo.publishBalances();
    const st = mart(await sync());
    expect(st).toMatchObject({ usable: true, hotlist: { version: 1, cards: 1 }, balances: { version: 1 } });

    const a = await sale(ACTIVE.pan, 100);
    expect(a).toMatchObject({ status: 'approved', balanceFen: ACTIVE.balanceFen - 100, offline: false });
    expect(t!.app.db.prepare('SELECT issuer_id FROM txns WHERE stan = ?').get(a.stan)).toEqual({
      issuer_id: 'mart',
    });
    // The balance less what this terminal approved since the snapshot: one fen over is declined.
    expect(await sale(ACTIVE.pan, ACTIVE.balanceFen - 100 + 1)).toMatchObject({
      status: 'declined',
      declineCode: 'INSUFFICIENT_BALANCE',
    });
    expect(await sale(LOW.pan, LOW.balanceFen + 1)).toMatchObject({
      status: 'declined',
      declineCode: 'INSUFFICIENT_BALANCE',
    });
    expect(await sale(LOW.pan, LOW.balanceFen)).toMatchObject({ status: 'approved', balanceFen: 0 });
    expect(await sale(LOW.pan, 1)).toMatchObject({ status: 'declined', declineCode: 'INSUFFICIENT_BALANCE' });
    expect(await sale(LOST.pan, 100)).toMatchObject({ status: 'declined', declineCode: 'OFFLINE_HOT_CARD' });
    expect(await sale(NOT_LISTED, 100)).toMatchObject({
      status: 'declined',
      declineCode: 'OFFLINE_BALANCE_UNKNOWN',
    });
    const inq = await t!.call('balance.inquiry', { cardToken: await t!.card(ACTIVE.pan) });
    expect(inq).toMatchObject({ status: 'approved', balanceFen: ACTIVE.balanceFen - 100 });
    // Decided here: the issuer's ledger has not moved, and the home issuer saw none of it.
    expect(ledger.card(ACTIVE.pan)!.balance_fen).toBe(ACTIVE.balanceFen);
    expect(sim.ledger.applied('T0000001')).toEqual([]);
    // Journaled like any sale (the one path): the row matches its signed record.
    expect(t!.app.db.prepare('SELECT COUNT(*) AS n FROM journal WHERE stan = ?').get(a.stan)).toEqual({
      n: 1,
    });
  });

  it('a list past its valid-until stops sales on that issuer (FILE_BATCH_STALE) until a new one arrives', async () => {
    bo.publishHotlist({ validForMs: 3600_000 });
    bo.publishBalances({ validForMs: 3600_000 });
    await sync();
    expect((await sale(SECOND.pan, 100)).status).toBe('approved');
    offsetMs = 2 * 3600_000;
    await t!.signIn('2001', '8888'); // the idle sign-out passed too
    expect(await sale(SECOND.pan, 100)).toMatchObject({
      status: 'declined',
      declineCode: 'FILE_BATCH_STALE',
    });
    expect(mart(await t!.call('fileBatch.status', {})).usable).toBe(false);
    bo.publishHotlist();
    bo.publishBalances();
    await sync();
    expect((await sale(SECOND.pan, 100)).status).toBe('approved');
  });
});

describe("a manager's override on a file-batch issuer", () => {
  it('lifts the per-sale and per-card limits only: refused, then approved with the manager named; never a hot card or a balance the file says is too low', async () => {
    ledger.upsertCard({ pan: ACTIVE.pan, status: 'active', balanceFen: 200_000, expiry: '3012' });
    bo.publishHotlist();
    bo.publishBalances();
    await sync();
    const overAudit = (stan: number) =>
      t!.app.db
        .prepare(
          "SELECT approved_by FROM audit_log WHERE action = 'override.offline_over_limit' AND stan = ?",
        )
        .all(stan);
    const managerSale = async (pan: string, amountFen: number) =>
      t!.call('sale.authorize', { cardToken: await t!.card(pan), amountFen, override: MGR });
    const decision = (stan: number) =>
      t!.app.db.prepare('SELECT override_by FROM filebatch_decisions WHERE stan = ?').get(stan);

    // Over the per-sale (floor) limit of ¥500.00: refused; the cashier's screen offers the override.
    expect(await sale(ACTIVE.pan, 60_000)).toMatchObject({
      status: 'declined',
      declineCode: 'OFFLINE_FLOOR_LIMIT',
    });
    // A wrong PIN: the sale is declined by its rule (journaled), and the error says why.
    const bad = await t!.callError('sale.authorize', {
      cardToken: await t!.card(ACTIVE.pan),
      amountFen: 60_000,
      override: { operatorId: '2001', pin: '0000' },
    });
    expect(bad.code).toBe('BAD_PIN');
    const last = t!.app.db
      .prepare('SELECT stan, status, decline_code FROM txns ORDER BY stan DESC LIMIT 1')
      .get() as {
      stan: number;
      status: string;
      decline_code: string;
    };
    expect(last).toMatchObject({ status: 'declined', decline_code: 'OFFLINE_FLOOR_LIMIT' });
    expect(decision(last.stan)).toBeUndefined();

    const ok = await managerSale(ACTIVE.pan, 60_000);
    expect(ok).toMatchObject({ status: 'approved', offline: false, balanceFen: 200_000 - 60_000 });
    expect(decision(ok.stan)).toEqual({ override_by: '2001' });
    expect(overAudit(ok.stan)).toEqual([{ approved_by: '2001' }]);
    expect(t!.app.log.recent(50).join('\n')).toMatch(
      new RegExp(
        `stan ${ok.stan}: file-batch mart sale over limit \\(OFFLINE_FLOOR_LIMIT\\) allowed by manager 2001`,
      ),
    );

    // Per card and day (3 sales): the fourth is refused, then allowed by the manager.
    for (let i = 0; i < 3; i++) expect((await sale(SECOND.pan, 100)).status).toBe('approved');
    expect(await sale(SECOND.pan, 100)).toMatchObject({
      status: 'declined',
      declineCode: 'OFFLINE_CARD_LIMIT',
    });
    const fourth = await managerSale(SECOND.pan, 100);
    expect(fourth).toMatchObject({ status: 'approved', balanceFen: SECOND.balanceFen - 400 });
    expect(decision(fourth.stan)).toEqual({ override_by: '2001' });

    // A hot card, and a balance the file says is too low: no override lifts them; the PIN is not even asked.
    const lost = await managerSale(LOST.pan, 60_000);
    expect(lost).toMatchObject({ status: 'declined', declineCode: 'OFFLINE_HOT_CARD' });
    const low = await managerSale(LOW.pan, 60_000);
    expect(low).toMatchObject({
      status: 'declined',
      declineCode: 'INSUFFICIENT_BALANCE',
      balanceFen: LOW.balanceFen,
    });
    expect([...overAudit(lost.stan), ...overAudit(low.stan)]).toEqual([]);
    // Within the limits an override offered is not used: no manager on the decision.
    const small = await managerSale(ACTIVE.pan, 100);
    expect(small.status).toBe('approved');
    expect(decision(small.stan)).toEqual({ override_by: null });
    expect(overAudit(small.stan)).toEqual([]);

    // The file's line is a sale like any other (CTFB/1 has no field for the override: the limits
    // lifted are the store's, the issuer's ledger decides the line), and the back office takes it.
    await sync(true);
    const f = parseFile(fs.readFileSync(path.join(exch, txnFiles()[0]!)), 'transactions', {
      verify: (m, sg) => sm2Verifier(t!.app.keys.publicKey).verify(m, sg),
    });
    expect(f.records.find((r) => r.stan === ok.stan)).toMatchObject({ type: 'sale', amountFen: 60_000 });
    expect(bo.processTransactionFiles().acknowledged).toEqual([
      { terminal: 'T0000001', seq: 1, accepted: 6, refused: 0 },
    ]);
    expect(ledger.card(ACTIVE.pan)!.balance_fen).toBe(200_000 - 60_000 - 100);
  });
});

describe('inbound files that are not right', () => {
  it('unsigned, badly signed, older, stale and too old files are refused; the manager is told (status, event, log without card numbers)', async () => {
    const events: FileBatchStatus[] = [];
    t!.app.bus.on('event', (name, payload) => {
      if (name === 'fileBatch.changed') events.push(payload as FileBatchStatus);
    });
    const now = clock();
    const header = (version: number, createdMs: number, validMs: number) => ({
      issuer: 'mart',
      version,
      createdAt: new Date(createdMs).toISOString(),
      validUntil: new Date(createdMs + validMs).toISOString(),
    });
    const signer = sm2Signer(issuerKey.privateKey);
    const stranger = sm2Signer(sm2GenerateKeyPair().privateKey);
    const cards = [{ pan: ACTIVE.pan, balanceFen: 999_999 }];
    // Unsigned: the body alone.
    fs.writeFileSync(
      path.join(exch, FILE_NAMES.balances('mart', 7)),
      fileBody('balances', { ...header(7, now.getTime(), 3600_000), reflects: {} }, cards),
    );
    // Signed by someone else.
    fs.writeFileSync(
      path.join(exch, FILE_NAMES.balances('mart', 8)),
      buildFile('balances', { ...header(8, now.getTime(), 3600_000), reflects: {} }, cards, (b) =>
        stranger.sign(b),
      ),
    );
    // Genuine but past its valid-until.
    fs.writeFileSync(
      path.join(exch, FILE_NAMES.hotlist('mart', 9)),
      buildFile('hotlist', header(9, now.getTime() - 7200_000, 3600_000), [], (b) => signer.sign(b)),
    );
    // Genuine and still valid, but made longer ago than maxFileAgeMinutes (48 h).
    fs.writeFileSync(
      path.join(exch, FILE_NAMES.hotlist('mart', 10)),
      buildFile('hotlist', header(10, now.getTime() - 72 * 3600_000, 96 * 3600_000), [], (b) =>
        signer.sign(b),
      ),
    );
    // Genuine, valid, for another issuer.
    fs.writeFileSync(
      path.join(exch, FILE_NAMES.hotlist('other', 3)),
      buildFile('hotlist', { ...header(3, now.getTime(), 3600_000), issuer: 'other' }, [], (b) =>
        signer.sign(b),
      ),
    );
    const st = mart(await sync());
    const reasons = Object.fromEntries(st.refusals.map((r) => [r.fileName, r.reason]));
    expect(reasons).toEqual({
      [FILE_NAMES.balances('mart', 7)]: 'unsigned',
      [FILE_NAMES.balances('mart', 8)]: 'bad-signature',
      [FILE_NAMES.hotlist('mart', 9)]: 'stale',
      [FILE_NAMES.hotlist('mart', 10)]: 'too-old',
      [FILE_NAMES.hotlist('other', 3)]: 'wrong-issuer',
    });
    expect(st).toMatchObject({ usable: false, hotlist: null, balances: null });
    expect(await sale(ACTIVE.pan, 100)).toMatchObject({ declineCode: 'FILE_BATCH_STALE' });
    expect(events.at(-1)!.issuers[0]!.refusals).toHaveLength(5);

    // A good pair, then a genuine but older version next to the one in use.
    bo.publishHotlist();
    bo.publishBalances(); // balances version 1
    bo.publishBalances(); // version 2
    await sync();
    // Same version as the one in use, other content (the name does not matter, the header does).
    fs.writeFileSync(
      path.join(exch, 'balances-mart-000000019.ctfb'),
      buildFile('balances', { ...header(2, now.getTime(), 3600_000), reflects: {} }, cards, (b) =>
        signer.sign(b),
      ),
    );
    const after = mart(await sync());
    expect(after.balances!.version).toBe(2);
    expect(after.refusals.slice(0, 2)).toEqual([
      expect.objectContaining({ fileName: 'balances-mart-000000019.ctfb', reason: 'old-version' }),
      expect.objectContaining({ fileName: FILE_NAMES.balances('mart', 1), reason: 'old-version' }),
    ]);
    // Told once per file: a second sync adds nothing.
    expect(mart(await sync()).refusals).toHaveLength(after.refusals.length);

    const log = fs.readFileSync(path.join(dataDir, 'logs', 'cardtill.log'), 'utf8');
    expect(log).toMatch(/ALERT file-batch mart: refused balances-mart-00000008\.ctfb \(bad-signature\)/);
    expect(log).not.toContain(ACTIVE.pan);
    // No clear card number anywhere in the terminal's data dir (the lists are kept as HMAC keys).
    for (const f of walk(dataDir)) expect(fs.readFileSync(f).includes(ACTIVE.pan), f).toBe(false);
  });
});

describe('the daily transaction file', () => {
  it('is signed, sequence-numbered, acknowledged and applied once; no row twice, also after a restart between write and ack', async () => {
    bo.publishHotlist();
    bo.publishBalances();
    await sync();
    const s1 = await sale(ACTIVE.pan, 1_000);
    const s2 = await sale(SECOND.pan, 2_000);
    const v1 = (await t!.call('txn.void', { origStan: s2.stan, override: MGR })).result;
    const r1 = (await t!.call('txn.refund', { origStan: s1.stan, amountFen: 300, override: MGR })).result;
    expect([s1.status, s2.status, v1.status, r1.status]).toEqual([
      'approved',
      'approved',
      'approved',
      'approved',
    ]);
    // Not due before the day is over; the manager writes it now.
    expect(txnFiles()).toEqual([]);
    let st = mart(await sync(true));
    expect(txnFiles()).toEqual([FILE_NAMES.transactions('T0000001', 1)]);
    expect(st.files).toMatchObject({ lastSeq: 1, unwritten: 0, unacknowledged: 1 });
    const f1 = parseFile(fs.readFileSync(path.join(exch, txnFiles()[0]!)), 'transactions', {
      verify: (m, s) => sm2Verifier(t!.app.keys.publicKey).verify(m, s),
    });
    expect(f1.header).toMatchObject({ issuer: 'mart', terminal: 'T0000001', version: 1, key: 1, count: 4 });
    expect(f1.records.map((r) => [r.stan, r.type, r.amountFen, r.origStan])).toEqual([
      [s1.stan, 'sale', 1_000, null],
      [s2.stan, 'sale', 2_000, null],
      [v1.stan, 'void', 2_000, s2.stan],
      [r1.stan, 'refund', 300, s1.stan],
    ]);
    const bytes1 = fs.readFileSync(path.join(exch, txnFiles()[0]!));

    // Restart between write and acknowledgement: nothing is written again, the file is untouched.
    await restart();
    st = mart(await sync(true));
    expect(txnFiles()).toHaveLength(1);
    expect(fs.readFileSync(path.join(exch, txnFiles()[0]!)).equals(bytes1)).toBe(true);
    expect(st.files).toMatchObject({ lastSeq: 1, unacknowledged: 1 });

    // A later sale goes in the next file, alone.
    const s3 = await sale(ACTIVE.pan, 500);
    await sync(true);
    expect(txnFiles()).toEqual([
      FILE_NAMES.transactions('T0000001', 1),
      FILE_NAMES.transactions('T0000001', 2),
    ]);

    // The issuer applies both, once; a second pass applies nothing.
    const first = bo.processTransactionFiles();
    expect(first.acknowledged).toEqual([
      { terminal: 'T0000001', seq: 1, accepted: 4, refused: 0 },
      { terminal: 'T0000001', seq: 2, accepted: 1, refused: 0 },
    ]);
    expect(bo.processTransactionFiles()).toEqual({ acknowledged: [], rejected: [] });
    expect(ledger.card(ACTIVE.pan)!.balance_fen).toBe(ACTIVE.balanceFen - 1_000 + 300 - 500);
    expect(ledger.card(SECOND.pan)!.balance_fen).toBe(SECOND.balanceFen);

    // The terminal reads the acks back: every row accepted, every file acknowledged.
    st = mart(await sync());
    expect(st.files).toMatchObject({ lastSeq: 2, unacknowledged: 0, lastAcknowledgedSeq: 2 });
    expect(st.unacknowledgedFen).toBe(0);
    const rows = t!.app.db
      .prepare('SELECT stan, seq, outcome FROM filebatch_file_rows ORDER BY stan')
      .all() as Array<{ stan: number; seq: number; outcome: string }>;
    expect(rows.map((r) => r.stan)).toEqual([s1.stan, s2.stan, v1.stan, r1.stan, s3.stan]);
    expect(rows.every((r) => r.outcome === 'accepted')).toBe(true);
    // A file is never rewritten and a row never moves to another file (triggers refuse both).
    expect(() =>
      t!.app.db.prepare('UPDATE filebatch_file_rows SET seq = 2 WHERE stan = ?').run(s1.stan),
    ).toThrow(/stays in its file/);
    expect(() => t!.app.db.prepare("UPDATE filebatch_files SET sha = 'x'").run()).toThrow(/never rewritten/);

    // The next snapshot includes file 2: the known balance is the issuer's own.
    bo.publishBalances();
    await sync();
    const inq = await t!.call('balance.inquiry', { cardToken: await t!.card(ACTIVE.pan) });
    expect(inq.balanceFen).toBe(ledger.card(ACTIVE.pan)!.balance_fen);
  });

  it("a temporary file an earlier process of this terminal left (killed before it linked or removed it) is cleaned up; another's is not touched", async () => {
    const stale = '.txn-T0000001-000001.ctfb.999999.tmp';
    const foreign = '.txn-T0000002-000001.ctfb.999999.tmp';
    fs.writeFileSync(path.join(exch, stale), 'half a file');
    fs.writeFileSync(path.join(exch, foreign), 'not ours');
    await sync();
    expect(fs.existsSync(path.join(exch, stale))).toBe(false);
    expect(fs.existsSync(path.join(exch, foreign))).toBe(true);
  });

  it('is written by the job once the store day is over, and a recorded file lost before the directory is written again byte for byte', async () => {
    bo.publishHotlist({ validForMs: 3 * 86_400_000 });
    bo.publishBalances({ validForMs: 3 * 86_400_000 });
    await sync();
    await sale(ACTIVE.pan, 1_000);
    await t!.app.jobs.run(['filebatch'], true);
    expect(txnFiles()).toEqual([]); // same day: not due
    offsetMs = 86_400_000;
    await t!.app.jobs.run(['filebatch'], true);
    expect(txnFiles()).toEqual([FILE_NAMES.transactions('T0000001', 1)]);
    const name = path.join(exch, txnFiles()[0]!);
    const bytes = fs.readFileSync(name);
    // As if the terminal stopped after recording the file and before writing it.
    fs.rmSync(name);
    t!.app.db.prepare('UPDATE filebatch_files SET written_at = NULL').run();
    await restart();
    await t!.app.jobs.run(['filebatch'], true);
    expect(fs.readFileSync(name).equals(bytes)).toBe(true);
    expect(mart(await t!.call('fileBatch.status', {})).files).toMatchObject({ lastSeq: 1, unwritten: 0 });
  });

  it('a line the issuer refuses becomes an exception for the manager; a forged ack is refused', async () => {
    bo.publishHotlist();
    bo.publishBalances();
    await sync();
    const s = await sale(SECOND.pan, 15_000);
    await sync(true);
    // Spent at another store meanwhile: the issuer cannot take it.
    ledger.db.prepare('UPDATE cards SET balance_fen = 100 WHERE pan = ?').run(SECOND.pan);
    // First a forged ack (someone else's key) for file 1: refused, file stays unacknowledged.
    const stranger = sm2Signer(sm2GenerateKeyPair().privateKey);
    const ackName = FILE_NAMES.ack('T0000001', 1);
    fs.writeFileSync(
      path.join(exch, ackName),
      buildFile(
        'ack',
        { issuer: 'mart', terminal: 'T0000001', version: 1, file: 1, createdAt: clock().toISOString() },
        [{ stan: s.stan, result: 'accepted', code: null, balanceFen: null }],
        (b) => stranger.sign(b),
      ),
    );
    let st = mart(await sync());
    expect(st.refusals[0]).toMatchObject({ fileName: ackName, reason: 'bad-signature' });
    expect(st.files.unacknowledged).toBe(1);
    fs.rmSync(path.join(exch, ackName));
    expect(bo.processTransactionFiles().acknowledged).toEqual([
      { terminal: 'T0000001', seq: 1, accepted: 0, refused: 1 },
    ]);
    st = mart(await sync());
    expect(st.files.unacknowledged).toBe(0);
    const q = await t!.call('queue.status', {});
    expect(q.exceptions).toEqual([
      expect.objectContaining({ stan: s.stan, code: 'INSUFFICIENT_BALANCE', amountFen: 15_000 }),
    ]);
  });
});

describe('a file-batch entry', () => {
  it('a snapshot that claims a transaction file not written yet is refused; a missing folder is shown and retried', async () => {
    const signer = sm2Signer(issuerKey.privateKey);
    const at = clock().getTime();
    fs.writeFileSync(
      path.join(exch, FILE_NAMES.balances('mart', 4)),
      buildFile(
        'balances',
        {
          issuer: 'mart',
          version: 4,
          createdAt: new Date(at).toISOString(),
          validUntil: new Date(at + 3600_000).toISOString(),
          reflects: { T0000001: 1 },
        },
        [{ pan: ACTIVE.pan, balanceFen: 100 }],
        (b) => signer.sign(b),
      ),
    );
    expect(mart(await sync()).refusals[0]).toMatchObject({ reason: 'malformed' });
    fs.rmSync(exch, { recursive: true });
    const st = mart(await sync());
    expect(st.lastSync).toMatchObject({ error: expect.stringContaining('ENOENT') });
    fs.mkdirSync(exch);
    expect(mart(await sync()).lastSync).toMatchObject({ error: null });
  });

  it('answers what has no file: settlement is the acknowledged files, the lane\'s hot-card sync "no change"; advices and card life are not offered', async () => {
    const [port] = fileBatchAdapters(t!.app.terminal.runner.router);
    const head = { stan: 999_001, time: clock().toISOString(), id: '00'.repeat(16) };
    const code = async (cmd: Parameters<typeof port.exchange>[0]) => {
      const out = await port!.exchange(cmd);
      return out.kind === 'answer' ? out.answer.code : out.kind;
    };
    const totals = {
      ...{ saleCount: 0, saleFen: 0, voidCount: 0, voidFen: 0, refundCount: 0, refundFen: 0 },
      ...{ activateCount: 0, activateFen: 0, topupCount: 0, topupFen: 0 },
      ...{ cashoutCount: 0, cashoutFen: 0, replaceCount: 0, replaceFen: 0, loadvoidCount: 0, loadvoidFen: 0 },
    };
    expect(
      await code({
        ...head,
        kind: 'settle',
        batchNo: 1,
        fromStan: 1,
        toStan: 2,
        carriedStans: [],
        excludedStans: [],
        totals,
      }),
    ).toBe('FILE_BATCH_SETTLES_BY_FILE');
    const hot = await port!.exchange({ ...head, kind: 'hotcards', sinceVersion: 3 });
    expect(hot).toMatchObject({
      kind: 'answer',
      answer: { result: 'approved', hotcards: { version: 3, add: [] } },
    });
    expect(await code({ ...head, kind: 'advice', advices: [] })).toBe('ISSUER_UNSUPPORTED');
    const card = { pan: ACTIVE.pan, entryMode: 'swipe' };
    expect(await code({ ...head, kind: 'topup', card, amountFen: 100, cashFen: 100 })).toBe(
      'ISSUER_UNSUPPORTED',
    );
    expect(await code({ ...head, kind: 'echo' })).toBeUndefined(); // approved: nothing to reach
    // The demo switch cuts links; this issuer has none: it still decides.
    port!.setCut(true);
    expect(port!.isCut()).toBe(false);
    expect(await code({ ...head, kind: 'echo' })).toBeUndefined();
  });

  it('at the close its batch is its own: totals apart, settled by file (not online), its lane online', async () => {
    bo.publishHotlist();
    bo.publishBalances();
    await sync();
    await t!.call('shift.open', { openingFloatFen: 0 });
    expect((await sale(ACTIVE.pan, 700)).status).toBe('approved');
    await t!.app.jobs.run(['advice'], true); // every lane's forwarder: echo, hot cards
    const z = (await t!.call('shift.close', { countedFen: 0 })).report;
    const mine = z.issuers?.find((p) => p.issuerId === 'mart');
    expect(mine).toMatchObject({ totals: { sales: { count: 1, amountFen: 700 } } });
    expect(mine!.settlement).toMatchObject({ status: 'refused', issuerCode: 'FILE_BATCH_SETTLES_BY_FILE' });
    // The settlement job does not retry it: the acknowledged files are its settlement.
    expect(t!.app.jobs.waitingCount('settlement')).toBe(0);
    // Its store-and-forward lane (echo, hot cards) stays online, and shows the limits the adapter uses.
    const lane = (await t!.call('queue.status', {})).issuers?.find((l) => l.issuerId === 'mart');
    expect(lane).toMatchObject({ link: 'online', count: 0, limits: { velocityCount: 1000 } });
    expect(fileBatchAdapters(t!.app.terminal.runner.router)[0]!.store!.limits.velocityCount).toBe(1000);
  });

  it('config: a file-batch entry cannot be the home issuer, and its url is a file: URL', () => {
    const write = (issuers: unknown[]) => {
      const f = path.join(tempDir('cardtill-cfg-'), 'config.json');
      fs.writeFileSync(f, JSON.stringify({ issuers }));
      return f;
    };
    const fb = {
      id: 'mart',
      name: 'Mart',
      protocol: 'file-batch',
      url: pathToFileURL(exch).href,
      publicKey: toHex(issuerKey.publicKey),
      cardRanges: ['888803'],
    };
    const home = {
      id: 'home',
      name: 'Home',
      url: sim.url,
      publicKey: sim.publicKeyHex,
      cardRanges: ['888801'],
    };
    expect(loadConfig(write([home, fb])).config.issuers![1]).toMatchObject({ protocol: 'file-batch' });
    expect(() => loadConfig(write([fb, home]))).toThrow(ConfigError);
    expect(() => loadConfig(write([home, { ...fb, url: 'https://mart.example' }]))).toThrow(/file:/);
  });
});

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}
