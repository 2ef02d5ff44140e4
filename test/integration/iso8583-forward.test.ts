/**
 * Store-and-forward with an ISO 8583 home issuer: the real forwarder over the real
 * `iso8583-cup` adapter (its SQLite table), against the issuer simulator's ISO face over loopback
 * TCP. The probe is an 0820 echo; the dialect has no hot-card list, so Hotcards is a typed
 * ISSUER_UNSUPPORTED the forwarder takes as "list unchanged" (the link stays up); each sale advice
 * is one 0220, resent with its own STAN; a void advice has no message in this dialect and is a
 * refused advice (an exception the manager sees), never a silent drop.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTerminalDb, takeStan } from '../../src/main/store/terminal-db';
import { loadOrCreateTerminalKeys } from '../../src/main/keys/terminal-keys';
import { TxnStore } from '../../src/main/terminal/txn-store';
import { OfflineStore } from '../../src/offline-queue/store';
import { OfflineConfig } from '../../src/offline-queue/config';
import { Forwarder } from '../../src/offline-queue/forwarder';
import { Iso8583CupAdapter } from '../../src/main/issuer/iso8583/adapter';
import { SqliteIso8583Store } from '../../src/main/issuer/iso8583/store';
import { KEYSETS } from '../../src/main/issuer/iso8583/keysets';
import { IssuerLedger } from '../../src/issuer-sim/ledger';
import { startIso8583Sim, type Iso8583Sim } from '../../src/issuer-sim/iso8583/server';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import type { AdviceItem } from '../../src/shared/issuer-protocol-offline';
import type { Db } from '../../src/main/store/sqlite';

const TMK = new Uint8Array(Buffer.from('00112233445566778899AABBCCDDEEFF', 'hex'));
const ACTIVE = demoCard('iso-active');
const LOW = demoCard('iso-low');

let dir: string;
let db: Db;
let ledger: IssuerLedger;
let sim: Iso8583Sim;
let offline: OfflineStore;
let adapter: Iso8583CupAdapter;
let forwarder: Forwarder;
let isoStore: SqliteIso8583Store;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iso-forward-'));
  ledger = new IssuerLedger(path.join(dir, 'issuer.db'));
  ledger.seedDemoCards();
  sim = await startIso8583Sim({ ledger, keySet: KEYSETS['3des'], tmk: TMK });
  const keys = loadOrCreateTerminalKeys(dir, { kind: 'passphrase', secret: 'iso-forward-test' });
  db = openTerminalDb(dir);
  const store = new TxnStore(db, keys.dataKey, keys, 'T0000001', () => new Date());
  offline = new OfflineStore(db, keys.dataKey, store, OfflineConfig.parse({}), () => new Date());
  adapter = new Iso8583CupAdapter({
    endpoint: { host: '127.0.0.1', port: sim.port },
    terminalId: 'T0000001',
    merchantId: 'M000000000001',
    keySet: KEYSETS['3des'],
    tmk: TMK,
    timeoutMs: 5_000,
    store: (isoStore = new SqliteIso8583Store(db, keys.dataKey, 'cup')),
  });
  forwarder = new Forwarder({
    store: offline,
    port: adapter,
    takeStan: () => db.transaction(() => takeStan(db))(),
    db,
    clock: () => new Date(),
    log: () => {},
    initiallyUp: false,
  });
});
afterEach(async () => {
  forwarder.stop();
  await forwarder.idle();
  adapter.close();
  await sim.close();
  db.close();
  ledger.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** An offline approval's advice, queued as the offline sale's transaction would. */
function queue(a: Omit<AdviceItem, 'time' | 'otherTenderFen'>): void {
  db.transaction(() =>
    offline.enqueue(
      { ...a, time: new Date().toISOString(), otherTenderFen: 0 },
      offline.cardKey(a.card.pan),
      undefined,
    ),
  )();
}
const card = (c: { pan: string }) => ({ pan: c.pan, entryMode: 'swipe', expiry: '3012' });
const stan = () => db.transaction(() => takeStan(db))();

describe('forwarding to an ISO 8583 home issuer', () => {
  it('probe by 0820; hot cards unsupported leaves the list and the link as they are', async () => {
    await forwarder.tick();
    expect(forwarder.linkState()).toBe('online');
    expect(offline.hotcardsVersion()).toBe(0);
  });

  it('each sale advice is one 0220: applied once at the host, a declined one an exception; a void advice refused', async () => {
    const before = ledger.card(ACTIVE.pan)!.balance_fen;
    const s1 = stan();
    const s2 = stan();
    const s3 = stan();
    const s4 = stan();
    queue({ stan: s1, kind: 'sale', card: card(ACTIVE), amountFen: 1200 });
    queue({ stan: s2, kind: 'sale', card: card(LOW), amountFen: 9900 }); // over its ¥5.00
    queue({ stan: s3, kind: 'sale', card: card(ACTIVE), amountFen: 300 });
    queue({ stan: s4, kind: 'void', origStan: s3, card: card(ACTIVE), amountFen: 300 });
    await forwarder.tick();
    expect(offline.openCount()).toBe(0);
    expect([s1, s2, s3, s4].map((s) => offline.adviceState(s))).toEqual([
      'accepted',
      'rejected',
      'accepted',
      'rejected',
    ]);
    const codes = db.prepare('SELECT stan, code FROM offline_exceptions ORDER BY stan').all();
    expect(codes).toEqual([
      { stan: s2, code: 'INSUFFICIENT_BALANCE' },
      { stan: s4, code: 'ISSUER_UNSUPPORTED' },
    ]);
    expect(ledger.card(ACTIVE.pan)!.balance_fen).toBe(before - 1500);
    expect(ledger.card(LOW.pan)!.balance_fen).toBe(LOW.balanceFen);
  });

  it('an advice whose 0230 was lost is resent with the same STAN and applied once', async () => {
    const before = ledger.card(ACTIVE.pan)!.balance_fen;
    await forwarder.tick(); // signed on
    const s = stan();
    queue({ stan: s, kind: 'sale', card: card(ACTIVE), amountFen: 800 });
    sim.host.dropAnswers(1);
    await forwarder.drain();
    // Applied at the host, its answer lost: still queued here (the forwarder sends once per run).
    expect(offline.adviceState(s)).toBe('queued');
    expect(ledger.card(ACTIVE.pan)!.balance_fen).toBe(before - 800);
    await forwarder.drain(); // the same 0220 again: the host's first answer, nothing applied twice
    expect(offline.adviceState(s)).toBe('accepted');
    expect(ledger.card(ACTIVE.pan)!.balance_fen).toBe(before - 800);
  });

  it('an online sale that never left (connect refused) and was approved offline goes as a 0220 advice under its STAN', async () => {
    const before = ledger.card(ACTIVE.pan)!.balance_fen;
    const s = stan();
    // What the adapter wrote before its connect failed: the 0200 of this STAN, never sent.
    isoStore.recordSent(s, {
      name: 'purchase',
      mti: '0200',
      fields: {
        2: ACTIVE.pan,
        3: '000000',
        4: '000000000700',
        11: String(s).padStart(6, '0'),
        22: '021',
        25: '00',
        49: '156',
        60: '22000001',
      },
    });
    queue({ stan: s, kind: 'sale', card: card(ACTIVE), amountFen: 700 });
    await forwarder.tick();
    expect(offline.adviceState(s)).toBe('accepted');
    expect(ledger.card(ACTIVE.pan)!.balance_fen).toBe(before - 700);
    const host = ledger.db
      .prepare("SELECT name FROM iso8583_txns WHERE terminal_id = 'T0000001' AND stan = ?")
      .get(s % 1_000_000) as { name: string };
    expect(host.name).toBe('advice');
  });
});
