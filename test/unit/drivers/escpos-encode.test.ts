/**
 * The ESC/POS builder: exact bytes for known documents (file snapshots in test/fixtures/escpos,
 * one hex line per printed line), and layout properties for any document.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { encodeReceipt } from '../../../src/drivers/printer/encode-receipt';
import { decodeEscPos } from '../../../src/drivers/printer/decode-escpos';
import { columns, printable } from '../../../src/drivers/printer/text';
import { PrinterError } from '../../../src/drivers/printer/errors';
import type { ReceiptDoc } from '../../../src/shared/receipt-doc';

/** Hex, one printed line (up to and including LF) per text line — diffable in review. */
function hexDump(b: Uint8Array): string {
  let out = '';
  for (const x of b) out += x.toString(16).padStart(2, '0') + (x === 0x0a ? '\n' : ' ');
  return out.trimEnd() + '\n';
}

const sale: ReceiptDoc = {
  width: 32,
  lines: [
    { type: 'text', text: '华联超市 储值卡消费', align: 'center', size: 2, bold: true },
    { type: 'text', text: '商户 Merchant 100200300400500', align: 'left' },
    { type: 'rule' },
    { type: 'pair', left: '卡号', right: '**** 5674' },
    { type: 'pair', left: '金额 Amount', right: '¥12.50', bold: true },
    { type: 'pair', left: '余额', right: '¥1,234.56' },
    { type: 'rule', char: '=' },
    { type: 'text', text: '谢谢惠顾', align: 'right' },
    { type: 'qr', data: 'CT1:T0001:000123:3045022100ab', size: 5 },
    { type: 'feed', lines: 2 },
    { type: 'cut' },
  ],
};

describe('encodeReceipt', () => {
  it('58 mm sale receipt — byte snapshot', async () => {
    const b = encodeReceipt(sale);
    await expect(hexDump(b)).toMatchFileSnapshot('../../fixtures/escpos/sale-58mm.hex');
    await expect(decodeEscPos(b).lines.join('\n') + '\n').toMatchFileSnapshot(
      '../../fixtures/escpos/sale-58mm.txt',
    );
  });
  it('80 mm layout of the same document — byte snapshot', async () => {
    await expect(hexDump(encodeReceipt({ ...sale, width: 48 }))).toMatchFileSnapshot(
      '../../fixtures/escpos/sale-80mm.hex',
    );
  });

  it('starts with ESC @ and FS & (Chinese mode), ends with modes reset', () => {
    const b = encodeReceipt({
      width: 32,
      lines: [{ type: 'text', text: 'x', bold: true, size: 2, align: 'right' }],
    });
    expect([...b.slice(0, 4)]).toEqual([0x1b, 0x40, 0x1c, 0x26]);
    expect(Buffer.from(b).toString('hex')).toMatch(/1b61001d21001b4500$/);
  });
  it('prints ¥ as ￥ (A3 A4), never the 4-byte GB18030 81 30 84 36', () => {
    const b = Buffer.from(encodeReceipt({ width: 32, lines: [{ type: 'text', text: '¥1' }] }));
    expect(b.includes(Buffer.from('a3a431', 'hex'))).toBe(true);
    expect(b.includes(Buffer.from('81308436', 'hex'))).toBe(false);
    expect(iconv.encode('¥', 'gb18030').toString('hex')).toBe('81308436'); // why the mapping exists
  });
  it('encodes characters outside GBK as GB18030 four-byte sequences', () => {
    const b = Buffer.from(encodeReceipt({ width: 32, lines: [{ type: 'text', text: '㐀' }] }));
    expect(b.includes(Buffer.from('8139ee39', 'hex'))).toBe(true);
  });
  it('QR: model 2, size, level M, store, print (GS ( k)', () => {
    const hex = Buffer.from(encodeReceipt({ width: 32, lines: [{ type: 'qr', data: 'AB' }] })).toString(
      'hex',
    );
    expect(hex).toContain(
      '1d286b0400314132001d286b03003143061d286b03003145311d286b050031503041421d286b0300315130',
    );
  });
  it('cut is GS V 66 0 (feed to cutter, partial cut); feed is ESC d n', () => {
    const hex = Buffer.from(
      encodeReceipt({ width: 32, lines: [{ type: 'feed', lines: 3 }, { type: 'cut' }] }),
    ).toString('hex');
    expect(hex).toContain('1b64031d564200');
  });
  it('control characters in text cannot inject commands', () => {
    const b = encodeReceipt({ width: 32, lines: [{ type: 'text', text: 'a\x1dV\x00b\x10\x04\x01' }] });
    const d = decodeEscPos(b);
    expect(d.cuts).toBe(0);
    expect(d.statusRequests).toBe(0);
    expect(d.lines).toEqual(['a V b   ']);
  });
  it('rejects malformed documents with a typed error', () => {
    expect(() => encodeReceipt({ width: 40 } as unknown as ReceiptDoc)).toThrow(PrinterError);
    expect(() => encodeReceipt({ width: 32, lines: [{ type: 'qr', data: '' }] })).toThrow(PrinterError);
  });

  const textArb = fc.string({
    unit: fc.constantFrom(...'a1 ¥￥.,金额余额储值卡华联超市镕䶮㐀-'.split('')),
    maxLength: 60,
  });
  const lineArb = fc.oneof(
    fc.record({
      type: fc.constant('text' as const),
      text: textArb,
      align: fc.constantFrom('left' as const, 'center' as const, 'right' as const),
      size: fc.constantFrom(1 as const, 2 as const),
      bold: fc.boolean(),
    }),
    fc.record({ type: fc.constant('pair' as const), left: textArb, right: textArb, bold: fc.boolean() }),
    fc.record({ type: fc.constant('rule' as const) }),
    fc.record({ type: fc.constant('qr' as const), data: fc.string({ minLength: 1, maxLength: 80 }) }),
    fc.record({ type: fc.constant('feed' as const), lines: fc.integer({ min: 1, max: 10 }) }),
    fc.record({ type: fc.constant('cut' as const) }),
  );
  it('any document: decodes back, no line wider than the paper, text preserved', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(32 as const, 48 as const),
        fc.array(lineArb, { maxLength: 12 }),
        (width, lines) => {
          const doc: ReceiptDoc = { width, lines };
          const d = decodeEscPos(encodeReceipt(doc));
          for (const l of d.styled) expect(columns(l.text) * l.size).toBeLessThanOrEqual(width);
          expect(d.qr).toEqual(lines.filter((l) => l.type === 'qr').map((l) => (l as { data: string }).data));
          expect(d.cuts).toBe(lines.filter((l) => l.type === 'cut').length);
          const printed = d.lines.join('').replace(/ /g, '');
          for (const l of lines)
            if (l.type === 'text') expect(printed).toContain(printable(l.text).replace(/ /g, '').slice(0, 4));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
