/**
 * The report preview and PDF lay a ReceiptDoc out in the printer's columns (issue 11 item 25):
 * the same column rule as the ESC/POS encoder, pairs padded to the paper's width, a pair too long
 * for one line wrapped the printer's way. And store-local times for exports.
 */
import { describe, it, expect } from 'vitest';
import { columns, printedRows, wrapWords } from '../../src/shared/receipt-columns';
import { columns as printerColumns } from '../../src/drivers/printer/text';
import { formatInZone, isTimeZone } from '../../src/shared/local-time';
import { layoutShiftReport } from '../../src/main/shift/report-layout';

describe('receipt columns', () => {
  it('count like the printer: ASCII 1, Chinese, ¥ and × 2', () => {
    for (const s of ['消费 SALES ×2', '¥12.50', '差异 短款 SHORT', 'abc', '（含现金）'])
      expect(columns(s)).toBe(printerColumns(s));
    expect(columns('卡净额 NET CARD')).toBe(15);
  });

  it('every pair of a Z report fills exactly the paper width, Chinese or not', () => {
    const doc = {
      width: 32 as const,
      lines: [
        { type: 'pair' as const, left: '消费 SALES ×2', right: '¥32.50' },
        { type: 'pair' as const, left: 'TID', right: 'T0000001' },
        { type: 'pair' as const, left: '总销售额(含现金) TOTAL', right: '¥42.50' },
        { type: 'rule' as const },
      ],
    };
    const rows = printedRows(doc);
    expect(rows.map((r) => columns(r.text))).toEqual([32, 32, 32, 32]);
    expect(rows[0]!.text.endsWith('¥32.50')).toBe(true);
  });

  it('a pair too long for a line: label wrapped, value right-aligned below', () => {
    const rows = printedRows({
      width: 32,
      lines: [{ type: 'pair', left: '这是一个非常长的标签 A VERY LONG LABEL', right: '¥1.00' }],
    });
    expect(rows.length).toBeGreaterThan(1);
    for (const r of rows) expect(columns(r.text)).toBeLessThanOrEqual(32);
    expect(columns(rows.at(-1)!.text)).toBe(32);
    expect(rows.at(-1)!.text.trim()).toBe('¥1.00');
  });

  it('a laid-out shift report never has a row wider than the paper', () => {
    const totals = {
      sales: { count: 2, amountFen: 3250, cashFen: 1000 },
      voids: { count: 0, amountFen: 0, cashFen: 0 },
      refunds: { count: 0, amountFen: 0 },
      inquiries: { count: 0 },
      reversals: { count: 0, amountFen: 0 },
      declined: { count: 1, byCode: { CARD_LOST: 1 } },
      pending: { count: 0 },
      online: { count: 2, amountFen: 3250 },
      offline: { count: 0, amountFen: 0 },
      netCardFen: 3250,
      netCashFen: 1000,
      tender: { cardFen: 3250, cashFen: 1000 },
      byHour: [{ hour: '20', count: 2, amountFen: 3250 }],
    };
    const doc = layoutShiftReport(
      {
        kind: 'Z',
        shiftId: 1,
        terminalId: 'T0000001',
        merchantId: 'M000000000001',
        merchantName: 'CardTill 演示商店',
        openedAt: '2026-12-01T12:00:00.000Z',
        openedBy: '2001',
        closedAt: '2026-12-01T13:00:00.000Z',
        closedBy: '2001',
        fromStan: 1,
        toStan: 4,
        openingFloatFen: 10000,
        totals,
        expectedCashFen: 11000,
        variance: {
          expectedFen: 11000,
          countedFen: 4000,
          varianceFen: -7000,
          status: 'short',
          needsAck: true,
          needsNote: true,
        },
        queue: { offlineUnsent: 0, reversalsUnsent: 0 },
        exceptions: { beforeOpen: 0, declined: 1, pending: 0, reversals: 0 },
        journal: { ok: true, checked: 2, lastSeq: 2 },
        settlement: null,
        generatedAt: '2026-12-01T13:00:00.000Z',
        issuers: [
          {
            issuerId: 'default',
            name: '演示发卡方 Demo issuer (JSON)',
            batchNo: 1,
            totals,
            settlement: null,
          },
          {
            issuerId: 'iso-demo',
            name: '演示银联POS Demo CUP host (ISO 8583)',
            batchNo: 2,
            totals,
            settlement: null,
          },
        ],
      },
      { width: 32, ack: { acked_by: '2001', acked_at: '2026-12-01T13:01:00.000Z', note: '找零多给' } },
    );
    for (const r of printedRows(doc)) expect(columns(r.text)).toBeLessThanOrEqual(32);
    // The acknowledgement's time is on one line with who gave it, not split by a wrap.
    expect(printedRows(doc).some((r) => /^已确认 2001 +2026-12-01 \d\d:\d\d:\d\d$/.test(r.text))).toBe(true);
    // An issuer's name breaks between words, never inside "(default)" or "8583".
    const rows = printedRows(doc).map((r) => r.text.trimEnd());
    expect(rows).toContain('演示发卡方 Demo issuer (JSON)');
    expect(rows).toContain('(default)');
    expect(rows).toContain('演示银联POS Demo CUP host (ISO');
    expect(rows).toContain('8583) (iso-demo)');
  });

  it('wrapWords breaks at spaces, and cuts only a word wider than the line', () => {
    expect(wrapWords('ab cd ef', 5)).toEqual(['ab cd', 'ef']);
    expect(wrapWords('abcdefgh ij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapWords('演示 abc', 4)).toEqual(['演示', 'abc']);
    expect(wrapWords('', 4)).toEqual(['']);
  });
});

describe('store-local time', () => {
  it('Asia/Shanghai is UTC+8; other zones by name; bad input is empty', () => {
    expect(formatInZone('2026-12-01T16:30:05.000Z', 'Asia/Shanghai')).toBe('2026-12-02 00:30:05');
    expect(formatInZone('2026-12-01T16:30:05.000Z')).toBe('2026-12-02 00:30:05');
    expect(formatInZone('2026-07-01T12:00:00.000Z', 'Europe/Berlin')).toBe('2026-07-01 14:00:00');
    expect(formatInZone(null)).toBe('');
    expect(formatInZone('not a time')).toBe('');
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
