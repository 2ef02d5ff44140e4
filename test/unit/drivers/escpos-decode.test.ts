/**
 * The ESC/POS decoder: known captures, awkward chunking of the fake printer's status scanner,
 * and fuzzing — ≥100,000 random inputs, where the only exception allowed is PrinterError('DECODE').
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeEscPos } from '../../../src/drivers/printer/decode-escpos';
import { PrinterError } from '../../../src/drivers/printer/errors';
import { FakeEscPosPrinter } from '../../../src/drivers/printer/fake-printer';
import { encodeReceipt } from '../../../src/drivers/printer/encode-receipt';

const hex = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

function decodesOrTypedError(b: Uint8Array): void {
  try {
    const d = decodeEscPos(b);
    expect(Array.isArray(d.lines)).toBe(true);
  } catch (e) {
    if (!(e instanceof PrinterError) || e.code !== 'DECODE') throw e;
    expect(e.offset).toBeGreaterThanOrEqual(0);
    expect(e.offset).toBeLessThanOrEqual(b.length);
  }
}

describe('decodeEscPos', () => {
  it('reads text, modes, QR, cut and status requests', () => {
    const d = decodeEscPos(
      hex(`1b40 1c26 1b6101 1d2111 1b4501 d6d0cec4 0a 1b6100 1d2100 1b4500 a3a4 312e3030 0a
           1d286b0400314132 00 1d286b05003150304142 1d286b0300315130
           100401 100402 100404 1b6402 1d564200`),
    );
    expect(d.lines).toEqual(['中文', '￥1.00', '', '']);
    expect(d.styled[0]).toEqual({ text: '中文', align: 'center', size: 2, bold: true });
    expect(d.styled[1]).toEqual({ text: '￥1.00', align: 'left', size: 1, bold: false });
    expect(d.qr).toEqual(['AB']);
    expect(d.statusRequests).toBe(3);
    expect(d.cuts).toBe(1);
  });
  it('accepts ESC a "1" (ASCII digit form) and skips barcodes and raster images', () => {
    const d = decodeEscPos(
      hex('1b6131 41 0a 1d6b04 313233 00 1d6b49 03 313233 1d763000 0100 0200 ffff 42 0a'),
    );
    expect(d.styled.map((l) => [l.text, l.align])).toEqual([
      ['A', 'center'],
      ['B', 'center'],
    ]);
  });
  it('truncated and unknown commands are PrinterError DECODE with the offset', () => {
    for (const [h, offset] of [
      ['41 1b', 1],
      ['1d286b0500315030', 0],
      ['1bff', 0],
      ['d6', 0],
      ['41 07', 1],
    ] as const) {
      try {
        decodeEscPos(hex(h));
        expect.unreachable(h);
      } catch (e) {
        expect(e).toBeInstanceOf(PrinterError);
        expect((e as PrinterError).offset).toBe(offset);
      }
    }
  });

  it('fuzz: 100,000 random byte strings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (b) => decodesOrTypedError(b)),
      { numRuns: 100_000 },
    );
  });

  // Random inputs made of real command fragments reach deep into the parser, which pure noise rarely does.
  const fragments = [
    '1b40',
    '1c26',
    '1c2e',
    '1b6101',
    '1b4501',
    '1d2111',
    '0a',
    '1b6403',
    '1d564200',
    '1d5630',
    '100401',
    '100404',
    '1d286b0400314132',
    '1d286b0300315130',
    'd6d0',
    '8139ee39',
    'a3a4',
    '41',
    '1d286b',
    '1b',
    '1d',
    '1d6b04',
    '00',
    '1d7630',
    'ff',
    '1c',
    '10',
    '1b44',
    '0d',
    '09',
  ].map(hex);
  it('fuzz: 50,000 inputs spliced from real command fragments and noise', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...fragments), fc.uint8Array({ maxLength: 4 })), { maxLength: 24 }),
        (parts) => {
          decodesOrTypedError(Uint8Array.from(parts.flatMap((p) => [...p])));
        },
      ),
      { numRuns: 50_000 },
    );
  });
});

describe('fake printer status scanner', () => {
  it('answers DLE EOT n however the bytes are split across chunks', () => {
    const stream = new Uint8Array([
      ...encodeReceipt({ width: 32, lines: [{ type: 'text', text: '测试' }] }),
      0x10,
      0x04,
      0x04,
      0x10,
      0x04,
      0x02,
    ]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 6 }), (cuts) => {
        const p = new FakeEscPosPrinter();
        p.condition = { paperOut: true };
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        let prev = 0;
        const replies: number[] = [];
        for (const c of [...points, stream.length]) {
          replies.push(...p.receive(stream.subarray(prev, c)));
          prev = c;
        }
        expect(replies).toEqual([0x7e, 0x32]); // n=4: near-end + paper end bits; n=2: paper end stop
      }),
    );
  });
});
