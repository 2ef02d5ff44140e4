/**
 * Settlement over a scripted issuer port (what an ISO 8583 adapter would be to the core): the
 * settler is given a router and nothing else to reach an issuer with, so every exchange it makes
 * is a typed `Settle` command to the port of the batch's issuer — never a wire message, never a
 * link. Each typed outcome ends in its settlement status, and the rows name the issuer. Real
 * SQLite file; the batch's sales are made by the real runner over the same port.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTerminalDb } from '../../src/main/store/terminal-db';
import { loadOrCreateTerminalKeys } from '../../src/main/keys/terminal-keys';
import { TxnStore } from '../../src/main/terminal/txn-store';
import { TransactionRunner } from '../../src/main/terminal/runner';
import { IssuerRouter, type IssuerEntry } from '../../src/main/issuer/router';
import type { ExchangeOutcome, IssuerPort } from '../../src/main/issuer/port';
import { ScriptedPort } from '../helpers/scripted-port';
import { batchTotals, createSettler } from '../../src/main/shift/settlement';
import type { BatchRow } from '../../src/main/shift/shift-store';
import type { Db } from '../../src/main/store/sqlite';

const PAN = '6222021234567890';

const approve = (): ExchangeOutcome => ({
  kind: 'answer',
  answer: { result: 'approved', balanceFen: 1, authCode: 'A1', extra: {} },
});

let dataDir: string;
let db: Db;
let store: TxnStore;
let home: ScriptedPort;
let other: ScriptedPort;
let router: IssuerRouter;
const logged: string[] = [];
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-settle-port-'));
  const keys = loadOrCreateTerminalKeys(dataDir, { kind: 'passphrase', secret: 'settle-port-test' });
  db = openTerminalDb(dataDir);
  store = new TxnStore(db, keys.dataKey, keys, 'T0000001', () => new Date());
  home = new ScriptedPort(approve);
  other = new ScriptedPort(approve);
  const entry = (id: string, port: IssuerPort, ranges: string[], attempts: number): IssuerEntry => ({
    id,
    name: id,
    port,
    attempts,
    timeoutMs: 1000,
    cardRanges: ranges,
  });
  router = new IssuerRouter([entry('bank', home, ['622202'], 3), entry('other', other, ['6288'], 2)]);
  logged.length = 0;
});
afterEach(() => {
  db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Two sales through the runner, then a closed shift and its batch (as ShiftService writes them). */
async function batchOf(issuerId: string, pan = PAN): Promise<BatchRow> {
  const runner = new TransactionRunner({ store, router, clock: () => new Date(), log: () => {} });
  const a = await runner.run({
    kind: 'sale',
    card: { pan, entryMode: 'chip' },
    amountFen: 1250,
    otherTenderFen: 0,
  });
  const b = await runner.run({
    kind: 'sale',
    card: { pan, entryMode: 'chip' },
    amountFen: 700,
    otherTenderFen: 0,
  });
  expect([a.status, b.status]).toEqual(['approved', 'approved']);
  const at = new Date().toISOString();
  db.prepare(
    "INSERT INTO shifts (id, status, opened_at, opened_by, opening_float_fen, from_stan, open_stan, closed_at, closed_by, to_stan) VALUES (1, 'closed', ?, 'm', 0, ?, ?, ?, 'm', ?)",
  ).run(at, a.stan, a.stan, at, b.stan);
  db.prepare(
    "INSERT INTO batches (batch_no, issuer_id, shift_id, from_stan, to_stan, carried_in, carried_out, totals, created_at) VALUES (1, ?, 1, ?, ?, '[]', '[]', '{}', ?)",
  ).run(issuerId, a.stan, b.stan, at);
  home.sent.length = other.sent.length = 0; // from here on: what the settler sends
  return db.prepare('SELECT * FROM batches WHERE batch_no = 1').get() as BatchRow;
}

const settler = () => createSettler({ db, router, clock: () => new Date(), log: (l) => logged.push(l) });
const rows = () =>
  db.prepare('SELECT issuer_id, stan, status, issuer_code FROM settlements ORDER BY id').all();

describe('settlement through the issuer port', () => {
  it('one Settle command to the batch issuer’s port, with its attempts; a matched answer is settled', async () => {
    const b = await batchOf('bank');
    const totals = batchTotals(db, b);
    expect(totals).toMatchObject({ saleCount: 2, saleFen: 1950 });
    home.next = () => ({
      kind: 'answer',
      answer: { result: 'approved', settlement: { batchNo: 1, matched: true, totals }, extra: {} },
    });
    const info = await settler().settle(b);
    expect(info).toMatchObject({ status: 'settled', issuerTotals: totals, discrepancies: [] });
    expect(home.sent).toEqual([
      {
        cmd: {
          kind: 'settle',
          stan: expect.any(Number),
          time: expect.any(String),
          id: expect.stringMatching(/^[0-9a-f]{32}$/),
          batchNo: 1,
          fromStan: b.from_stan,
          toStan: b.to_stan,
          carriedStans: [],
          excludedStans: [],
          totals,
        },
        attempts: 3,
      },
    ]);
    expect(other.sent).toEqual([]);
    // The command's STAN is the terminal's next one, never reused.
    expect(home.sent[0]!.cmd.stan).toBeGreaterThan(b.to_stan);
    expect(rows()).toEqual([
      { issuer_id: 'bank', stan: home.sent[0]!.cmd.stan, status: 'settled', issuer_code: null },
    ]);
  });

  it('the issuer’s own transactions when they differ: unmatched, reconciled per transaction', async () => {
    const b = await batchOf('bank');
    const totals = batchTotals(db, b);
    home.next = () => ({
      kind: 'answer',
      answer: {
        result: 'approved',
        settlement: {
          batchNo: 1,
          matched: false,
          totals: { ...totals, saleCount: 1, saleFen: 1250 },
          txns: [{ stan: b.from_stan, type: 'sale', amountFen: 1250, time: new Date().toISOString() }],
        },
        extra: {},
      },
    });
    const info = await settler().settle(b);
    expect(info.status).toBe('unmatched');
    expect(info.discrepancies).toEqual([
      expect.objectContaining({ kind: 'missing_at_issuer', stan: b.to_stan, terminalFen: 700 }),
    ]);
  });

  it('every other typed outcome has its own status: refused (with code), bad_answer, unreachable', async () => {
    const b = await batchOf('bank');
    const s = settler();
    home.next = () => ({ kind: 'answer', answer: { result: 'declined', code: 'ISSUER_ERROR', extra: {} } });
    expect(await s.settle(b)).toMatchObject({ status: 'refused', issuerCode: 'ISSUER_ERROR' });
    home.next = () => ({ kind: 'answer', answer: { result: 'approved', malformed: 'no totals', extra: {} } });
    expect(await s.settle(b)).toMatchObject({ status: 'bad_answer', issuerCode: null });
    expect(logged.some((l) => l.includes('not a settlement (no totals)'))).toBe(true);
    home.next = () => ({ kind: 'not-sent', detail: 'refused' });
    expect((await s.settle(b)).status).toBe('unreachable');
    home.next = () => ({ kind: 'unknown', failure: 'no-answer', detail: 'timeout' });
    expect((await s.settle(b)).status).toBe('unreachable');
    expect(rows()).toEqual(
      ['refused', 'bad_answer', 'unreachable', 'unreachable'].map((status, i) => ({
        issuer_id: 'bank',
        stan: home.sent[i]!.cmd.stan,
        status,
        issuer_code: status === 'refused' ? 'ISSUER_ERROR' : null,
      })),
    );
    // Each attempt is a new command (own STAN and id): a settlement is asked again, not replayed.
    expect(new Set(home.sent.map((x) => x.cmd.stan)).size).toBe(4);
    expect(home.sent.every((x) => x.cmd.kind === 'settle')).toBe(true);
  });

  it('a batch of another issuer settles through that issuer’s port only, with that issuer’s rows; a close makes one per issuer', async () => {
    const b = await batchOf('other', '6288001234567890');
    other.next = () => ({
      kind: 'answer',
      answer: {
        result: 'approved',
        settlement: { batchNo: 1, matched: true, totals: batchTotals(db, b, undefined, ['other']) },
        extra: {},
      },
    });
    expect((await settler().settle(b)).status).toBe('settled');
    expect(home.sent).toEqual([]);
    expect(other.sent.map((x) => [x.cmd.kind, x.attempts])).toEqual([['settle', 2]]);
    expect(rows()).toEqual([expect.objectContaining({ issuer_id: 'other', status: 'settled' })]);
    // A close makes a batch per issuer, home first.
    expect(
      settler()
        .batchIssuers()
        .map((i) => [i.id, i.rows]),
    ).toEqual([
      ['bank', ['bank', 'default']],
      ['other', ['other']],
    ]);
  });
});
