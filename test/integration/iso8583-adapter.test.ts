/**
 * A sale through the terminal's TransactionRunner and its `iso8583-cup` adapter, against the
 * issuer simulator's ISO 8583 face over real loopback TCP, on the real TxnStore / SQLite file and
 * the real IssuerLedger: approved and debited once; an answer with a wrong MAC is no answer —
 * the sale is declined and its 0400 reversal, sent until answered, leaves the ledger right.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTerminalDb } from '../../src/main/store/terminal-db';
import { loadOrCreateTerminalKeys } from '../../src/main/keys/terminal-keys';
import { TxnStore } from '../../src/main/terminal/txn-store';
import { TransactionRunner } from '../../src/main/terminal/runner';
import { IssuerRouter } from '../../src/main/issuer/router';
import { Iso8583CupAdapter } from '../../src/main/issuer/iso8583/adapter';
import { KEYSETS } from '../../src/main/issuer/iso8583/keysets';
import { IssuerLedger } from '../../src/issuer-sim/ledger';
import { startIso8583Sim, type Iso8583Sim } from '../../src/issuer-sim/iso8583/server';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import type { Db } from '../../src/main/store/sqlite';

const TMK = new Uint8Array(Buffer.from('00112233445566778899AABBCCDDEEFF', 'hex'));
const PAN = demoCard('active').pan;

let dir: string;
let ledger: IssuerLedger;
let sim: Iso8583Sim;
let db: Db;
let store: TxnStore;
let adapter: Iso8583CupAdapter;
let runner: TransactionRunner;
const logLines: string[] = [];
const signOns = () => logLines.filter((l) => l.includes('signed on')).length;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iso-adapter-'));
  ledger = new IssuerLedger(path.join(dir, 'issuer.db'));
  ledger.seedDemoCards();
  sim = await startIso8583Sim({ ledger, keySet: KEYSETS.sm4, tmk: TMK });
  const keys = loadOrCreateTerminalKeys(dir, { kind: 'passphrase', secret: 'iso-adapter-test' });
  db = openTerminalDb(dir);
  store = new TxnStore(db, keys.dataKey, keys, 'T0000001', () => new Date());
  adapter = new Iso8583CupAdapter({
    endpoint: { host: '127.0.0.1', port: sim.port },
    terminalId: 'T0000001',
    merchantId: 'M000000000001',
    keySet: KEYSETS.sm4,
    tmk: TMK,
    timeoutMs: 5_000,
    log: (l) => logLines.push(l),
  });
  const router = new IssuerRouter([
    { id: 'cup', name: 'CUP host', port: adapter, attempts: 3, timeoutMs: 5_000, cardRanges: ['888801'] },
  ]);
  runner = new TransactionRunner({ store, router, clock: () => new Date(), log: () => {} });
});
afterAll(async () => {
  adapter.close();
  await sim.close();
  db.close();
  ledger.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const card = { pan: PAN, entryMode: 'chip' };
const balance = () => ledger.card(PAN)!.balance_fen;

/** What terminal.ts's sendReversals does: each queued reversal through its issuer's port until answered. */
async function sendReversals(): Promise<number> {
  for (const rev of store.unsentReversals()) {
    const out = await adapter.exchange(store.openCommand(rev.request_enc), 1);
    if (out.kind !== 'answer') return store.unsentReversals().length;
    store.completeReversal(
      rev.stan,
      rev.orig_stan,
      out.answer.balanceFen,
      out.answer.original?.applied ?? false,
    );
  }
  return store.unsentReversals().length;
}

describe('a sale through the iso8583-cup adapter', () => {
  it('is approved, signed on first, debited exactly once', async () => {
    const before = balance();
    const row = await runner.run({ kind: 'sale', card, amountFen: 1250, otherTenderFen: 0 });
    expect(row).toMatchObject({ status: 'approved', issuer_id: 'cup', balance_fen: before - 1250 });
    expect(row.auth_code).toMatch(/^\d{6}$/);
    expect(balance()).toBe(before - 1250);
    expect(adapter.currentBatch).toBe(1);
    expect(sim.host.totals('T0000001', 1)).toMatchObject({ saleCount: 1, saleFen: 1250 });
  });

  it('an answer with a wrong MAC is no answer: declined, reversed by 0400, ledger back where it was', async () => {
    const before = balance();
    sim.host.corruptAnswerMacs(1);
    const row = await runner.run({ kind: 'sale', card, amountFen: 2000, otherTenderFen: 0 });
    expect(row).toMatchObject({ status: 'declined', decline_code: 'ISSUER_BAD_SIGNATURE' });
    // The host did debit it (its answer was lost to the MAC check) …
    expect(balance()).toBe(before - 2000);
    expect(store.unsentReversals()).toHaveLength(1);
    // … and the reversal undoes it.
    expect(await sendReversals()).toBe(0);
    expect(balance()).toBe(before);
    expect(sim.host.totals('T0000001', 1)).toMatchObject({ saleCount: 1, saleFen: 1250 });
  });

  it('a declined sale carries the page code in the core’s words', async () => {
    const row = await runner.run({
      kind: 'sale',
      card: { pan: demoCard('low').pan, entryMode: 'swipe' },
      amountFen: 90_000,
      otherTenderFen: 0,
    });
    expect(row).toMatchObject({ status: 'declined', decline_code: 'INSUFFICIENT_BALANCE', balance_fen: 800 });
  });

  it('a lost answer to a 0200 is reversed by 0400, never resent, and the ledger is right', async () => {
    const before = balance();
    sim.host.dropAnswers(1);
    const row = await runner.run({ kind: 'sale', card, amountFen: 700, otherTenderFen: 0 });
    expect(row).toMatchObject({ status: 'declined', decline_code: 'ISSUER_UNREACHABLE' });
    expect(balance()).toBe(before - 700); // applied once at the host, its answer lost
    expect(ledger.entries(PAN).filter((e) => e.kind === 'sale' && e.deltaFen === -700)).toHaveLength(1);
    expect(await sendReversals()).toBe(0);
    expect(balance()).toBe(before);
  });

  it('signs on again before the next request when the host asks (header nibble 3)', async () => {
    const n = signOns();
    sim.host.requireSignOn();
    const first = await runner.run({ kind: 'sale', card, amountFen: 10, otherTenderFen: 0 });
    expect(first.status).toBe('approved'); // the answer itself stands
    expect(signOns()).toBe(n);
    const second = await runner.run({ kind: 'sale', card, amountFen: 10, otherTenderFen: 0 });
    expect(second.status).toBe('approved');
    expect(signOns()).toBe(n + 1);
  });

  it('a host that cannot be reached is not-sent (it cannot have acted): no reversal', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const deadPort = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const dead = new Iso8583CupAdapter({
      endpoint: { host: '127.0.0.1', port: deadPort },
      terminalId: 'T0000001',
      merchantId: 'M000000000001',
      keySet: KEYSETS.sm4,
      tmk: TMK,
      timeoutMs: 5_000,
    });
    const out = await dead.exchange(
      {
        kind: 'authorize',
        stan: 99,
        time: new Date().toISOString(),
        id: 'x',
        card,
        amountFen: 1,
        otherTenderFen: 0,
      },
      3,
    );
    expect(out.kind).toBe('not-sent');
    dead.close();
  });

  it('a host restarted (its sessions gone) answers A0: reversed, signed on again, the next sale approved', async () => {
    const port = sim.port;
    await sim.close();
    sim = await startIso8583Sim({ ledger, keySet: KEYSETS.sm4, tmk: TMK, port });
    // The link drops the connection the old host closed (in the field the FIN has long been read;
    // here the test does not race it): the next request goes out on a new one.
    adapter.close();
    const before = balance();
    const n = signOns();
    const row = await runner.run({ kind: 'sale', card, amountFen: 300, otherTenderFen: 0 });
    // A0 is "unknown" to the terminal (the page: reverse), though the host recorded nothing.
    expect(row).toMatchObject({ status: 'declined', decline_code: 'ISSUER_BAD_SIGNATURE' });
    expect(balance()).toBe(before);
    expect(await sendReversals()).toBe(0);
    expect(signOns()).toBe(n + 1);
    expect(balance()).toBe(before);
    const next = await runner.run({ kind: 'sale', card, amountFen: 300, otherTenderFen: 0 });
    expect(next.status).toBe('approved');
    expect(balance()).toBe(before - 300);
  });
});
