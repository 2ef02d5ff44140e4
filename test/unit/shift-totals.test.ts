/**
 * Every total of the X/Z report, on a real in-memory SQLite txns table built by the core's own
 * migrations: sales, split tender, voids and refunds in the same shift, declines, offline,
 * reversals, by hour, and the expected drawer cash.
 */
import { describe, it, expect, beforeEach } from 'vitest';
import { openDatabase, type Db } from '../../src/main/store/sqlite';
import { TERMINAL_MIGRATIONS } from '../../src/main/store/terminal-db';
import { shiftTotals, foldTotals, expectedCash, localMidnightIso } from '../../src/main/shift/totals';
import { TXN_KINDS } from '../../src/shared/txn-kinds';
import { layoutShiftReport, docToText } from '../../src/main/shift/report-layout';

let db: Db;
let stan = 0;
function row(r: {
  type: string;
  status?: string;
  amount: number;
  other?: number;
  offline?: boolean;
  code?: string;
  orig?: number;
  at?: string;
}): number {
  stan++;
  const at = r.at ?? '2026-11-22T02:15:00.000Z';
  db.prepare(
    `INSERT INTO txns (stan, type, status, amount_fen, other_tender_fen, masked, entry_mode, decline_code, offline, orig_stan, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, '888801******0017', 'swipe', ?, ?, ?, ?, ?)`,
  ).run(
    stan,
    r.type,
    r.status ?? 'approved',
    r.amount,
    r.other ?? 0,
    r.code ?? null,
    r.offline ? 1 : 0,
    r.orig ?? null,
    at,
    at,
  );
  return stan;
}

beforeEach(() => {
  db = openDatabase(':memory:', TERMINAL_MIGRATIONS);
  stan = 0;
});

describe('shift totals', () => {
  it('an empty shift is all zeros and expects just the float', () => {
    const t = shiftTotals(db, 1, 0);
    expect(t.sales).toEqual({ count: 0, amountFen: 0, cashFen: 0 });
    expect(t.netCardFen).toBe(0);
    expect(expectedCash(20_000, t)).toBe(20_000);
  });

  it('sales count gross; card and cash parts of a split tender are apart', () => {
    row({ type: 'sale', amount: 1250 });
    row({ type: 'sale', amount: 800, other: 450 });
    const t = shiftTotals(db, 1, stan);
    expect(t.sales).toEqual({ count: 2, amountFen: 2050, cashFen: 450 });
    expect(t.tender).toEqual({ cardFen: 2050, cashFen: 450 });
    expect(expectedCash(10_000, t)).toBe(10_450);
  });

  it('a void in the same shift counts once, in voids; the sale stays in gross; its cash leaves the drawer', () => {
    const s = row({ type: 'sale', amount: 800, other: 450 });
    row({ type: 'void', amount: 800, other: 450, orig: s });
    const t = shiftTotals(db, 1, stan);
    expect(t.sales.count).toBe(1);
    expect(t.voids).toEqual({ count: 1, amountFen: 800, cashFen: 450 });
    expect(t.netCardFen).toBe(0);
    expect(t.netCashFen).toBe(0);
    expect(expectedCash(10_000, t)).toBe(10_000);
  });

  it('a refund in the same shift counts once, in refunds, and is not also taken off the sale', () => {
    const s = row({ type: 'sale', amount: 5000 });
    row({ type: 'refund', amount: 2000, orig: s });
    row({ type: 'refund', amount: 1000, orig: s });
    const t = shiftTotals(db, 1, stan);
    expect(t.sales).toEqual({ count: 1, amountFen: 5000, cashFen: 0 });
    expect(t.refunds).toEqual({ count: 2, amountFen: 3000 });
    expect(t.netCardFen).toBe(2000);
    // Refunds credit the card: the drawer is untouched.
    expect(expectedCash(0, t)).toBe(0);
  });

  it('a refund of a sale from an earlier shift counts in the shift it happens in', () => {
    row({ type: 'sale', amount: 3000 }); // shift 1: stan 1
    const from2 = stan + 1;
    row({ type: 'refund', amount: 3000, orig: 1 });
    const t1 = shiftTotals(db, 1, 1);
    const t2 = shiftTotals(db, from2, stan);
    expect(t1.netCardFen).toBe(3000);
    expect(t2).toMatchObject({
      sales: { count: 0 },
      refunds: { count: 1, amountFen: 3000 },
      netCardFen: -3000,
    });
  });

  it('declines, pending and reversals are exceptions, never money', () => {
    row({ type: 'sale', status: 'declined', amount: 999, code: 'INSUFFICIENT_BALANCE' });
    row({ type: 'sale', status: 'declined', amount: 100, code: 'CARD_LOST' });
    row({ type: 'sale', status: 'declined', amount: 100, code: 'CARD_LOST' });
    row({ type: 'sale', status: 'pending', amount: 100 });
    row({ type: 'void', status: 'declined', amount: 100, code: 'ISSUER_UNREACHABLE' });
    row({ type: 'reversal', amount: 100, orig: 2 });
    const t = shiftTotals(db, 1, stan);
    expect(t.sales.count).toBe(0);
    expect(t.voids.count).toBe(0);
    expect(t.declined).toEqual({
      count: 4,
      byCode: { INSUFFICIENT_BALANCE: 1, CARD_LOST: 2, ISSUER_UNREACHABLE: 1 },
    });
    expect(t.pending.count).toBe(1);
    expect(t.reversals).toEqual({ count: 1, amountFen: 100 });
    expect(t.netCardFen).toBe(0);
  });

  it('online and offline approvals are apart; inquiries count but carry no money', () => {
    row({ type: 'sale', amount: 100 });
    row({ type: 'sale', amount: 200, offline: true });
    row({ type: 'sale', amount: 300, offline: true });
    row({ type: 'inquiry', amount: 0 });
    const t = shiftTotals(db, 1, stan);
    expect(t.online).toEqual({ count: 1, amountFen: 100 });
    expect(t.offline).toEqual({ count: 2, amountFen: 500 });
    expect(t.inquiries.count).toBe(1);
    expect(t.sales.amountFen).toBe(600);
  });

  it('only the shift STAN range counts', () => {
    row({ type: 'sale', amount: 100 });
    row({ type: 'sale', amount: 200 });
    row({ type: 'sale', amount: 400 });
    expect(shiftTotals(db, 2, 2).sales.amountFen).toBe(200);
    expect(shiftTotals(db, 2, 3).sales.amountFen).toBe(600);
  });

  it("sales by the store's hour (config timeZone), whatever zone the machine runs in", () => {
    // 01:30 and 06:30 UTC are 09:30 and 14:30 in Shanghai; the machine's own zone plays no part.
    row({ type: 'sale', amount: 100, at: '2026-11-22T01:30:00.000Z' });
    row({ type: 'sale', amount: 200, at: '2026-11-22T01:40:00.000Z' });
    row({ type: 'sale', amount: 400, at: '2026-11-22T06:30:00.000Z' });
    row({ type: 'refund', amount: 50, at: '2026-11-22T07:30:00.000Z' });
    expect(shiftTotals(db, 1, stan, TXN_KINDS, 'Asia/Shanghai').byHour).toEqual([
      { hour: '09', count: 2, amountFen: 300 },
      { hour: '14', count: 1, amountFen: 400 },
    ]);
    expect(shiftTotals(db, 1, stan, TXN_KINDS, 'Europe/London').byHour.map((h) => h.hour)).toEqual([
      '01',
      '06',
    ]);
  });

  it("today starts at the store's midnight, not the machine's", () => {
    // 02:40 UTC on 2 Dec is 10:40 in Shanghai: its day began at 16:00 UTC on 1 Dec.
    expect(localMidnightIso(new Date('2026-12-02T02:40:00.000Z'), 'Asia/Shanghai')).toBe(
      '2026-12-01T16:00:00.000Z',
    );
    // 20:00 UTC on 1 Dec is already 2 Dec in Shanghai.
    expect(localMidnightIso(new Date('2026-12-01T20:00:00.000Z'), 'Asia/Shanghai')).toBe(
      '2026-12-01T16:00:00.000Z',
    );
    // A daylight-saving day: New York's 8 Mar 2026 began at 05:00 UTC (EST), its noon is EDT.
    expect(localMidnightIso(new Date('2026-03-08T16:00:00.000Z'), 'America/New_York')).toBe(
      '2026-03-08T05:00:00.000Z',
    );
  });

  it('the tender mix is what paid for goods: a card sold is not a cash sale, its value no card sale', () => {
    const s = row({ type: 'sale', amount: 3000, other: 500 });
    row({ type: 'sale', amount: 1000 });
    row({ type: 'void', amount: 1000, orig: s + 1 });
    row({ type: 'activate', amount: 10_000, other: 10_000 });
    row({ type: 'topup', amount: 2_000, other: 2_000 });
    const t = shiftTotals(db, 1, stan);
    expect(t.tender).toEqual({ cardFen: 3000, cashFen: 500 });
    // The settlement figure and the drawer still hold the card life: net card is owed to the issuer.
    expect(t.netCardFen).toBe(3000 - 12_000);
    expect(expectedCash(0, t)).toBe(500 + 12_000);
  });

  it('foldTotals is the same function the SQL feeds: it can be driven directly', () => {
    const t = foldTotals(
      [
        {
          type: 'sale',
          status: 'approved',
          offline: 0,
          decline_code: null,
          hour: '2026-11-22T01',
          n: 3,
          amount: 300,
          other: 30,
        },
      ],
      () => '09',
    );
    expect(t).toMatchObject({
      sales: { count: 3, amountFen: 300, cashFen: 30 },
      byHour: [{ hour: '09', count: 3, amountFen: 300 }],
    });
  });
});

describe('card life in the totals and on the Z (lines from the kinds table)', () => {
  it('cards sold and top-ups: count, value, cash in the drawer; declined ones nowhere; the Z lists them and the drawer lines add up', () => {
    row({ type: 'sale', amount: 3000, other: 500 });
    row({ type: 'activate', amount: 50_000, other: 50_000 });
    row({ type: 'activate', amount: 20_000, other: 20_000 });
    row({ type: 'activate', status: 'declined', amount: 10_000, other: 10_000, code: 'CARD_ALREADY_ACTIVE' });
    row({ type: 'topup', amount: 1_000, other: 1_000 });
    row({ type: 'topup', status: 'reversed', amount: 7_000, other: 7_000 });
    const t = shiftTotals(db, 1, stan);
    expect(t.cardsSold).toEqual({ count: 2, amountFen: 70_000, cashFen: 70_000 });
    expect(t.topups).toEqual({ count: 1, amountFen: 1_000, cashFen: 1_000 });
    // A line a kind of the table counts in is always in the totals, at zero when nothing was.
    expect(t.cashouts).toEqual({ count: 0, amountFen: 0, cashFen: 0 });
    expect(expectedCash(10_000, t)).toBe(10_000 + 500 + 70_000 + 1_000);
    const z = docToText(
      layoutShiftReport(
        {
          kind: 'Z',
          shiftId: 1,
          terminalId: 'T0000001',
          merchantId: 'M000000000001',
          merchantName: '测试店',
          openedAt: '2026-11-22T01:00:00.000Z',
          openedBy: '2001',
          closedAt: '2026-11-22T03:00:00.000Z',
          closedBy: '2001',
          fromStan: 1,
          toStan: stan,
          openingFloatFen: 10_000,
          totals: t,
          expectedCashFen: expectedCash(10_000, t),
          variance: null,
          queue: { offlineUnsent: 0, reversalsUnsent: 0 },
          exceptions: { beforeOpen: 0, declined: 1, pending: 0, reversals: 0 },
          journal: null,
          settlement: null,
          generatedAt: '2026-11-22T03:00:00.000Z',
        },
        { width: 48, timeZone: 'Asia/Shanghai' },
      ),
    );
    expect(z).toContain('售卡 CARDS SOLD ×2  ¥700.00');
    expect(z).toContain('充值 TOP-UPS ×1  ¥10.00');
    expect(z).toContain('退卡 CASH-OUTS ×0  ¥0.00');
    // The drawer: float + what each kind moved = expected.
    expect(z).toContain('  消费 SALE  +¥5.00');
    expect(z).toContain('  售卡 CARD SOLD  +¥700.00');
    expect(z).toContain('  充值 TOP-UP  +¥10.00');
    expect(z).toContain(`应有 EXPECTED  ¥815.00`);
  });
});
