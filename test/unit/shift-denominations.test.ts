/**
 * Counting the drawer by denomination (点钞): the sum must equal the total, a value may appear
 * once, the contract refuses rows that are not integer fen and counts, and the Z report's drawer
 * section (printed, PDF and CSV) shows the breakdown when there is one.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  RMB_DENOMINATIONS_FEN,
  denominationLabel,
  denominationProblem,
  normalizeDenominations,
  sumDenominations,
} from '../../src/shared/denominations';
import { MAX_FEN } from '../../src/shared/money';
import { methods } from '../../src/shared/contract';
import { ERROR_WORDS } from '../../src/shared/errors';
import { assessVariance } from '../../src/main/shift/variance';
import { layoutShiftReport, docToText } from '../../src/main/shift/report-layout';
import { reportCsv } from '../../src/main/shift/export';
import { shiftTotals, expectedCash } from '../../src/main/shift/totals';
import { openDatabase } from '../../src/main/store/sqlite';
import { TERMINAL_MIGRATIONS } from '../../src/main/store/terminal-db';
import type { ShiftReport } from '../../src/shared/contract/manager';

const COUNT = [
  { valueFen: 10_000, count: 3 },
  { valueFen: 2_000, count: 1 },
  { valueFen: 50, count: 1 },
];

describe('sum check', () => {
  it('a breakdown that adds up to the total is accepted', () => {
    expect(sumDenominations(COUNT)).toBe(32_050);
    expect(denominationProblem(32_050, COUNT)).toBeNull();
    expect(denominationProblem(0, [])).toBeNull();
    expect(denominationProblem(0, [{ valueFen: 10_000, count: 0 }])).toBeNull();
  });
  it('one fen off either way is a DENOMINATION_SUM_MISMATCH', () => {
    expect(denominationProblem(32_049, COUNT)?.code).toBe('DENOMINATION_SUM_MISMATCH');
    expect(denominationProblem(32_051, COUNT)?.code).toBe('DENOMINATION_SUM_MISMATCH');
    expect(denominationProblem(100, [])?.code).toBe('DENOMINATION_SUM_MISMATCH');
    expect(denominationProblem(32_049, COUNT)?.detail).toContain('32050');
  });
  it('agrees with the integer sum for any count of RMB notes and coins', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100_000 }), {
          minLength: RMB_DENOMINATIONS_FEN.length,
          maxLength: RMB_DENOMINATIONS_FEN.length,
        }),
        fc.integer({ min: -5, max: 5 }),
        (counts, off) => {
          const d = RMB_DENOMINATIONS_FEN.map((valueFen, i) => ({ valueFen, count: counts[i] }));
          let exact = 0n;
          for (const x of d) exact += BigInt(x.valueFen) * BigInt(x.count);
          const total = Number(exact) + off;
          if (total < 0) return true;
          return (denominationProblem(total, d) === null) === (off === 0);
        },
      ),
    );
  });
  it('an absurd breakdown never rounds its way into a match', () => {
    const huge = Array.from({ length: 30 }, (_, i) => ({ valueFen: MAX_FEN - i, count: 100_000 }));
    expect(sumDenominations(huge)).toBe(MAX_FEN + 1);
    expect(denominationProblem(MAX_FEN, huge)?.code).toBe('DENOMINATION_SUM_MISMATCH');
  });
});

describe('duplicate check', () => {
  it('a value listed twice is refused, even when the rows add up', () => {
    const dup = [
      { valueFen: 10_000, count: 1 },
      { valueFen: 10_000, count: 2 },
    ];
    expect(sumDenominations(dup)).toBe(30_000);
    expect(denominationProblem(30_000, dup)).toMatchObject({ code: 'DUPLICATE_DENOMINATION' });
  });
  it('both codes have words in 简体中文 and English', () => {
    expect(ERROR_WORDS.DENOMINATION_SUM_MISMATCH.zh).toBe('点钞明细合计与总额不符');
    expect(ERROR_WORDS.DENOMINATION_SUM_MISMATCH.en).toMatch(/do not add up/);
    expect(ERROR_WORDS.DUPLICATE_DENOMINATION.zh).toContain('面额');
  });
});

describe('breakdown as recorded', () => {
  it('largest first, zero rows left out', () => {
    expect(
      normalizeDenominations([
        { valueFen: 50, count: 1 },
        { valueFen: 5_000, count: 0 },
        { valueFen: 10_000, count: 3 },
      ]),
    ).toEqual([
      { valueFen: 10_000, count: 3 },
      { valueFen: 50, count: 1 },
    ]);
  });
  it('labels: whole yuan without decimals, jiao as money', () => {
    expect(RMB_DENOMINATIONS_FEN.map(denominationLabel)).toEqual([
      '¥100',
      '¥50',
      '¥20',
      '¥10',
      '¥5',
      '¥1',
      '¥0.50',
      '¥0.10',
    ]);
  });
});

describe('contract', () => {
  const req = methods['shift.count'].req;
  it('accepts a total alone or with integer rows', () => {
    expect(req.safeParse({ countedFen: 32_050 }).success).toBe(true);
    expect(req.safeParse({ countedFen: 32_050, denominations: COUNT }).success).toBe(true);
  });
  it('refuses values that are not positive integer fen and counts that are not whole', () => {
    const bad = (d: unknown) => req.safeParse({ countedFen: 100, denominations: [d] }).success;
    expect(bad({ valueFen: 0, count: 1 })).toBe(false);
    expect(bad({ valueFen: 0.5, count: 2 })).toBe(false);
    expect(bad({ valueFen: 100, count: 1.5 })).toBe(false);
    expect(bad({ valueFen: 100, count: -1 })).toBe(false);
    expect(bad({ valueFen: 100, count: 100_001 })).toBe(false);
    expect(bad({ valueFen: '100', count: 1 })).toBe(false);
    expect(bad({ valueFen: 100, count: 1, note: 'x' })).toBe(true); // zod strips unknown row keys
  });
  it('refuses more than 30 rows and an unknown field', () => {
    const rows = Array.from({ length: 31 }, (_, i) => ({ valueFen: i + 1, count: 0 }));
    expect(req.safeParse({ countedFen: 0, denominations: rows }).success).toBe(false);
    expect(req.safeParse({ countedFen: 0, expected: 1 }).success).toBe(false);
  });
  it('shift.countInfo takes nothing and is open to cashiers and managers only', () => {
    expect(methods['shift.countInfo'].req.safeParse({}).success).toBe(true);
    expect(methods['shift.countInfo'].req.safeParse({ shiftId: 1 }).success).toBe(false);
    expect([...methods['shift.countInfo'].roles].sort()).toEqual(['cashier', 'manager']);
  });
});

describe('the Z report shows the breakdown', () => {
  const totals = shiftTotals(openDatabase(':memory:', TERMINAL_MIGRATIONS), 1, 0);
  const report = (denominations?: typeof COUNT): ShiftReport => ({
    kind: 'Z',
    shiftId: 7,
    terminalId: 'T0000001',
    merchantId: 'M1',
    merchantName: '演示商店',
    openedAt: '2026-11-22T01:00:00.000Z',
    openedBy: '2001',
    closedAt: '2026-11-22T09:00:00.000Z',
    closedBy: '2001',
    fromStan: 1,
    toStan: 0,
    openingFloatFen: 30_000,
    totals,
    expectedCashFen: expectedCash(30_000, totals),
    variance: { ...assessVariance(30_000, 32_050), ...(denominations ? { denominations } : {}) },
    queue: { offlineUnsent: 0, reversalsUnsent: 0 },
    exceptions: { beforeOpen: 0, declined: 0, pending: 0, reversals: 0 },
    journal: null,
    settlement: null,
    generatedAt: '2026-11-22T09:00:00.000Z',
  });
  it('printed: one line per counted value under COUNTED', () => {
    const lines = docToText(layoutShiftReport(report(COUNT), { width: 32 }));
    const at = lines.findIndex((l) => l.startsWith('实点 COUNTED'));
    expect(lines.slice(at + 1, at + 4)).toEqual([
      '  ¥100 ×3  ¥300.00',
      '  ¥20 ×1  ¥20.00',
      '  ¥0.50 ×1  ¥0.50',
    ]);
    expect(lines[at + 4]).toMatch(/^差异 长款 OVER/);
  });
  it('no voids or refunds print as ¥0.00, not "-¥0.00"', () => {
    const lines = docToText(layoutShiftReport(report(), { width: 32 }));
    expect(lines.find((l) => l.startsWith('撤销 VOIDS'))).toMatch(/ ¥0\.00$/);
    expect(lines.find((l) => l.startsWith('退货 REFUNDS'))).toMatch(/ ¥0\.00$/);
  });
  it('counted by total: no breakdown lines', () => {
    const lines = docToText(layoutShiftReport(report(), { width: 32 }));
    const at = lines.findIndex((l) => l.startsWith('实点 COUNTED'));
    expect(lines[at + 1]).toMatch(/^差异/);
  });
  it('CSV: a drawer_count row per value with its subtotal in fen and yuan', () => {
    const rows = reportCsv(report(COUNT)).split('\r\n');
    expect(rows.filter((r) => r.startsWith('drawer_count,'))).toEqual([
      'drawer_count,¥100,3,30000,300.00,点钞 counted',
      'drawer_count,¥20,1,2000,20.00,点钞 counted',
      'drawer_count,¥0.50,1,50,0.50,点钞 counted',
    ]);
    expect(reportCsv(report()).includes('drawer_count')).toBe(false);
  });
});
