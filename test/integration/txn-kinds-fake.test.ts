/**
 * A new transaction kind is ONE declaration (src/shared/txn-kinds.ts): this test declares a fake
 * kind — a cash-out: the card is debited, the cash leaves the drawer — in a test table, and follows
 * it through the real TxnStore on a real SQLite file: pending → final → signed journal → reversal
 * queued by finalize when the outcome is unknown → X/Z totals → settlement batch → receipt and its
 * signed QR. Nothing else is told about the kind. Then the same database read with the production
 * table: the unknown type is a typed refusal (UNKNOWN_TXN_KIND) in totals, settlement and receipt,
 * never a silent zero.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  KIND_BUCKETS,
  TXN_KIND_DECLS,
  defineKinds,
  reverseOnUnknownOutcome,
  reverserOf,
  type TxnType,
} from '../../src/shared/txn-kinds';
import { openTerminalDb } from '../../src/main/store/terminal-db';
import { loadOrCreateTerminalKeys, type TerminalKeys } from '../../src/main/keys/terminal-keys';
import { TxnStore } from '../../src/main/terminal/txn-store';
import { verifyJournal } from '../../src/main/journal/verify';
import { shiftTotals, expectedCash } from '../../src/main/shift/totals';
import { batchItems, batchTotals } from '../../src/main/shift/settlement';
import { layoutShiftReport, docToText } from '../../src/main/shift/report-layout';
import { BatchTotals, totalsEqual } from '../../src/shared/issuer-settlement';
import type { ShiftReport } from '../../src/shared/contract/manager';
import { layoutReceipt } from '../../src/main/receipt/layout';
import { decryptReceiptQr, encodeReceiptQr, parseReceiptQr, receiptQrKey } from '../../src/main/receipt/qr';
import type { Db } from '../../src/main/store/sqlite';

/** The one declaration. */
const KINDS = defineKinds({
  ...TXN_KIND_DECLS,
  buyback: {
    wire: 'buyback',
    wireAliases: [],
    card: 'debit',
    drawer: { amount: 'out', otherTender: 'none' },
    reversedBy: 'reversal',
    offline: false,
    override: null,
    totals: null,
    settlement: 'sale',
    title: { zh: '取现', en: 'CASH-OUT' },
    qrCode: 40,
    audit: 'txn.buyback',
    paidOnTerminal: false,
    executesOn: 'issuer',
  },
});
const CASHOUT = 'buyback' as TxnType; // the store's parameter type is the production union

const PAN = '8888010000000017';
const HEADER = {
  merchantName: '测试店',
  merchantId: 'M000000000001',
  terminalId: 'T0000001',
  width: 32 as const,
};

let dataDir: string;
let db: Db;
let keys: TerminalKeys;
let store: TxnStore;

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-kinds-'));
  keys = loadOrCreateTerminalKeys(dataDir, { kind: 'passphrase', secret: 'kinds-test' });
  db = openTerminalDb(dataDir);
  store = new TxnStore(db, keys.dataKey, keys, 'T0000001', () => new Date());
});
afterEach(() => {
  db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** What the runner does for any kind: record pending with its exact request, built from the kind. */
function pending(amountFen: number): { stan: number; request: Record<string, unknown> } {
  const kind = KINDS.get(CASHOUT);
  return store.createPending({
    type: CASHOUT,
    amountFen,
    otherTenderFen: 0,
    masked: '888801******0017',
    pan: PAN,
    entryMode: 'swipe',
    operatorId: '1001',
    buildRequest: (stan) => ({ type: kind.wire, terminalId: 'T0000001', stan, amountFen }),
  });
}

/** Finalize with an unknown outcome, reversing when — and only when — the kind says so. */
function unknownOutcome(stan: number) {
  const reverser = reverserOf(CASHOUT, KINDS);
  return store.finalize(
    stan,
    { status: 'declined', declineCode: 'ISSUER_UNREACHABLE' },
    reverseOnUnknownOutcome(CASHOUT, KINDS) && reverser
      ? {
          // The sealed reversal is the port's Reverse command (src/main/issuer/port.ts), not wire bytes.
          issuerId: 'default',
          command: (rs: number) => ({
            kind: 'reverse' as const,
            stan: rs,
            origStan: stan,
            time: new Date().toISOString(),
            id: 'ab'.repeat(16),
          }),
        }
      : undefined,
  );
}

describe('a fake kind declared once flows through the whole core', () => {
  it('pending → final → journal → reversal → totals → settlement → receipt', () => {
    // A sale first, so the fake kind is seen next to a real one.
    const sale = store.createPending({
      type: 'sale',
      amountFen: 3000,
      otherTenderFen: 500,
      masked: '888801******0017',
      pan: PAN,
      entryMode: 'swipe',
      buildRequest: (stan) => ({ type: 'authorize', stan }),
    });
    store.finalize(sale.stan, { status: 'approved', balanceFen: 7000, authCode: 'A1' });

    // pending
    const ok = pending(2000);
    expect(store.pending().map((r) => [r.stan, r.type])).toEqual([[ok.stan, 'buyback']]);
    expect(store.openRequest<{ type: string }>(store.get(ok.stan)!.request_enc!).type).toBe('buyback');

    // final + journal
    const row = store.finalize(ok.stan, { status: 'approved', balanceFen: 5000, authCode: 'A2' });
    expect(row).toMatchObject({ type: 'buyback', status: 'approved', amount_fen: 2000 });
    const rec = db.prepare('SELECT body FROM journal WHERE stan = ?').get(ok.stan) as { body: string };
    expect(JSON.parse(rec.body)).toMatchObject({
      stan: ok.stan,
      type: 'buyback',
      status: 'approved',
      amountFen: 2000,
    });

    // unknown outcome → declined, reversal queued in the same transaction; the issuer acknowledges it
    const lost = pending(900);
    const declined = unknownOutcome(lost.stan);
    expect(declined).toMatchObject({
      type: 'buyback',
      status: 'declined',
      decline_code: 'ISSUER_UNREACHABLE',
    });
    const [rev] = store.unsentReversals();
    expect(rev).toMatchObject({ orig_stan: lost.stan });
    expect(store.openCommand(rev!.request_enc)).toMatchObject({ kind: 'reverse', origStan: lost.stan });
    store.completeReversal(rev!.stan, rev!.orig_stan, 5900);
    expect(store.get(rev!.stan)).toMatchObject({
      type: 'reversal',
      status: 'approved',
      orig_stan: lost.stan,
    });
    expect(store.unsentReversals()).toEqual([]);

    // every one of these records is in the signed, chained journal
    const maxStan = rev!.stan;
    expect(verifyJournal(db, keys)).toMatchObject({ ok: true, count: 4 });

    // totals: counted by its own declaration — card debit in the net, cash out of the drawer
    const t = shiftTotals(db, 1, maxStan, KINDS);
    expect(t.byKind.buyback).toEqual({ count: 1, amountFen: 2000, cashFen: -2000 });
    expect(t.netCardFen).toBe(3000 + 2000);
    expect(t.netCashFen).toBe(500 - 2000);
    expect(expectedCash(10_000, t)).toBe(10_000 + 500 - 2000);
    expect(t.sales).toMatchObject({ count: 1, amountFen: 3000 }); // totals: null → not a sale line
    expect(t.declined).toEqual({ count: 1, byCode: { ISSUER_UNREACHABLE: 1 } });
    expect(t.reversals).toEqual({ count: 1, amountFen: 900 });

    // settlement: its bucket is `sale`; the declined one is not in the batch
    const batch = { from_stan: 1, to_stan: maxStan, carried_in: '[]', carried_out: '[]' };
    expect(batchTotals(db, batch, KINDS)).toEqual({
      saleCount: 2,
      saleFen: 5000,
      voidCount: 0,
      voidFen: 0,
      refundCount: 0,
      refundFen: 0,
      activateCount: 0,
      activateFen: 0,
      topupCount: 0,
      topupFen: 0,
      cashoutCount: 0,
      cashoutFen: 0,
      replaceCount: 0,
      replaceFen: 0,
      loadvoidCount: 0,
      loadvoidFen: 0,
    });
    expect(batchItems(db, batch, KINDS).map((i) => [i.stan, i.type, i.amountFen])).toEqual([
      [sale.stan, 'sale', 3000],
      [ok.stan, 'sale', 2000],
    ]);

    // receipt: its title and amount; the signed QR carries its code and reads back as the kind
    const doc = layoutReceipt(HEADER, row, { kinds: KINDS });
    const texts = doc.lines.map((l) =>
      l.type === 'text' ? l.text : l.type === 'pair' ? `${l.left}|${l.right}` : '',
    );
    expect(texts).toContain('取现 CASH-OUT');
    expect(texts).toContain('金额 AMOUNT|¥20.00');
    const qrKey = receiptQrKey(keys.dataKey);
    const details = {
      terminalId: 'T0000001',
      merchantId: 'M000000000001',
      stan: row.stan,
      type: row.type,
      status: row.status,
      offline: false,
      amountFen: row.amount_fen,
      balanceFen: 5000,
      time: '2026-11-22T08:00:00Z',
      last4: '0017',
    };
    const qr = encodeReceiptQr(details, keys.keyVersion, qrKey, keys.sign, KINDS);
    expect(decryptReceiptQr(parseReceiptQr(qr)!, qrKey, KINDS)).toMatchObject({
      type: 'buyback',
      amountFen: 2000,
    });
    // The production table has no code 40: a reader that does not know the kind cannot read it as another.
    expect(decryptReceiptQr(parseReceiptQr(qr)!, qrKey)).toBeNull();
  });

  it('the same rows read with the production table: UNKNOWN_TXN_KIND in totals, settlement and receipt', () => {
    const ok = pending(2000);
    const row = store.finalize(ok.stan, { status: 'approved', balanceFen: 5000 });
    const batch = { from_stan: 1, to_stan: ok.stan, carried_in: '[]', carried_out: '[]' };
    const refused = expect.objectContaining({ code: 'UNKNOWN_TXN_KIND', detail: '"buyback"' });
    expect(() => shiftTotals(db, 1, ok.stan)).toThrow(refused);
    expect(() => batchTotals(db, batch)).toThrow(refused);
    expect(() => batchItems(db, batch)).toThrow(refused);
    expect(() => layoutReceipt(HEADER, row)).toThrow(refused);
    // Carried into a later batch, it is refused there too.
    const later = {
      from_stan: ok.stan + 1,
      to_stan: ok.stan + 5,
      carried_in: `[${ok.stan}]`,
      carried_out: '[]',
    };
    expect(() => batchTotals(db, later)).toThrow(refused);
    expect(() => batchItems(db, later)).toThrow(refused);
    // Outside the range asked for, it does not block an unrelated shift's figures.
    expect(shiftTotals(db, ok.stan + 1, ok.stan + 5).netCardFen).toBe(0);
  });

  it('a type string written straight into the database (an edit, a newer version) is refused, not added up as zero', () => {
    const s = store.createPending({
      type: 'sale',
      amountFen: 1234,
      otherTenderFen: 0,
      masked: '888801******0017',
      entryMode: 'swipe',
      buildRequest: (stan) => ({ type: 'authorize', stan }),
    });
    store.finalize(s.stan, { status: 'approved' });
    expect(shiftTotals(db, 1, s.stan).netCardFen).toBe(1234);
    db.prepare("UPDATE txns SET type = 'Sale' WHERE stan = ?").run(s.stan);
    const refused = expect.objectContaining({ code: 'UNKNOWN_TXN_KIND', detail: '"Sale"' });
    expect(() => shiftTotals(db, 1, s.stan)).toThrow(refused);
    expect(() =>
      batchTotals(db, { from_stan: 1, to_stan: s.stan, carried_in: '[]', carried_out: '[]' }),
    ).toThrow(refused);
  });
});

/**
 * A kind with an X/Z line and a settlement bucket of its own: the line and the bucket are declared
 * beside it (the table's buckets), and nothing else is told — the fold, the Z's layout, the batch
 * totals, their wire schema and their comparison all read the table.
 */
const REDEEM_KINDS = defineKinds(
  {
    ...TXN_KIND_DECLS,
    redeem: {
      wire: 'redeem',
      wireAliases: [],
      card: 'debit',
      drawer: { amount: 'none', otherTender: 'out' },
      reversedBy: 'reversal',
      offline: false,
      override: null,
      totals: 'redemptions',
      settlement: 'redeem',
      title: { zh: '积分兑换', en: 'REDEEM' },
      qrCode: 41,
      audit: 'txn.redeem',
      paidOnTerminal: false,
      executesOn: 'issuer',
    },
  },
  {
    totals: {
      ...KIND_BUCKETS.totals,
      redemptions: { zh: '兑换', en: 'REDEMPTIONS', print: 'plus', figures: 'cash', firstRelease: false },
    },
    settlement: [...KIND_BUCKETS.settlement, 'redeem'],
  },
);

describe('a fake kind with its own X/Z line and settlement bucket', () => {
  it('appears on the Z and in the settlement totals with no edit outside its declaration', () => {
    const made = (type: string, amountFen: number, otherTenderFen: number) => {
      const p = store.createPending({
        type: type as TxnType,
        amountFen,
        otherTenderFen,
        masked: '888801******0017',
        pan: PAN,
        entryMode: 'swipe',
        buildRequest: (stan) => ({ type, stan }),
      });
      return store.finalize(p.stan, { status: 'approved', balanceFen: 1000 });
    };
    made('sale', 3000, 0);
    const r = made('redeem', 2000, 150);
    const t = shiftTotals(db, 1, r.stan, REDEEM_KINDS);
    expect((t as unknown as Record<string, unknown>).redemptions).toEqual({
      count: 1,
      amountFen: 2000,
      cashFen: 150,
    });
    expect(t.byKind.redeem).toEqual({ count: 1, amountFen: 2000, cashFen: -150 });
    expect(expectedCash(10_000, t)).toBe(10_000 - 150);

    const report: ShiftReport = {
      kind: 'Z',
      shiftId: 1,
      terminalId: 'T0000001',
      merchantId: 'M000000000001',
      merchantName: '测试店',
      openedAt: '2026-12-01T12:00:00.000Z',
      openedBy: '2001',
      closedAt: '2026-12-01T13:00:00.000Z',
      closedBy: '2001',
      fromStan: 1,
      toStan: r.stan,
      openingFloatFen: 10_000,
      totals: t as unknown as ShiftReport['totals'],
      expectedCashFen: expectedCash(10_000, t),
      variance: null,
      queue: { offlineUnsent: 0, reversalsUnsent: 0 },
      exceptions: { beforeOpen: 0, declined: 0, pending: 0, reversals: 0 },
      journal: null,
      settlement: null,
      generatedAt: '2026-12-01T13:00:00.000Z',
    };
    const z = docToText(
      layoutShiftReport(report, { width: 48, kinds: REDEEM_KINDS, timeZone: 'Asia/Shanghai' }),
    );
    expect(z).toContain('兑换 REDEMPTIONS ×1  ¥20.00');
    expect(z).toContain('  积分兑换 REDEEM  -¥1.50');
    expect(z).toContain('消费 SALES ×1  ¥30.00');
    // The production table has no such line: the same report lays out without it.
    expect(docToText(layoutShiftReport(report, { width: 48 })).join('\n')).not.toContain('REDEMPTIONS');

    // Settlement: its own bucket, beside the first release's fields.
    const batch = { from_stan: 1, to_stan: r.stan, carried_in: '[]', carried_out: '[]' };
    const totals = batchTotals(db, batch, REDEEM_KINDS);
    expect(totals).toMatchObject({ saleCount: 1, saleFen: 3000, redeemCount: 1, redeemFen: 2000 });
    expect(batchItems(db, batch, REDEEM_KINDS).map((i) => [i.type, i.amountFen])).toEqual([
      ['sale', 3000],
      ['redeem', 2000],
    ]);
    // On the wire the bucket is kept as it came (a peer that knows it compares it) …
    const wire = BatchTotals.parse(JSON.parse(JSON.stringify(totals)));
    expect(wire).toMatchObject({ redeemCount: 1, redeemFen: 2000 });
    expect(totalsEqual(wire, totals)).toBe(true);
    // … and a side that counted none of it does not match.
    expect(totalsEqual({ ...wire, redeemCount: 0, redeemFen: 0 }, totals)).toBe(false);
    const { redeemCount: _c, redeemFen: _f, ...without } = totals;
    expect(totalsEqual(BatchTotals.parse(without), totals)).toBe(false);
    // A first-release message (no card-life buckets at all) still parses and compares: absent is 0.
    const old = { saleCount: 1, saleFen: 3000, voidCount: 0, voidFen: 0, refundCount: 0, refundFen: 0 };
    expect(totalsEqual(BatchTotals.parse(old), batchTotals(db, { ...batch, to_stan: 1 }))).toBe(true);
  });
});
