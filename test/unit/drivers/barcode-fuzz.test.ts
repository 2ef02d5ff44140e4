/**
 * Property/fuzz tests: scanner framer + payload parser never throw; every result is a card,
 * a receipt, or SCAN_UNREADABLE; cards are well formed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLuhnValid } from '../../../src/shared/card';
import { ScannerCodec } from '../../../src/drivers/barcode/codec';
import { SCANNER_FRAMINGS, type ScannerProtocol } from '../../../src/drivers/barcode/framings';
import { parseScan, type ScanResult } from '../../../src/drivers/barcode/payload';
import { scanBytes } from '../../../src/drivers/barcode/driver';

const RUNS = 100_000;

function check(r: ScanResult): void {
  if (r.kind === 'card') {
    const c = r.card;
    if (c.gtin !== undefined) {
      if (!/^\d{14}$/.test(c.gtin) || c.pan.length === 0 || c.pan.length > 20)
        throw new Error('bad GS1 card');
    } else if (!isLuhnValid(c.pan)) throw new Error('card number not Luhn-valid');
    if (c.dynamicCode !== undefined && !/^\d{1,12}:\d{6}$/.test(c.dynamicCode))
      throw new Error('bad dynamic code');
  } else if (r.kind === 'receipt') {
    if (!r.text.startsWith('CTR1')) throw new Error('receipt without CTR1');
  } else if (r.kind !== 'error' || r.code !== 'SCAN_UNREADABLE' || typeof r.detail !== 'string') {
    throw new Error(`unexpected ${JSON.stringify(r)}`);
  }
}

const protocols = Object.values(SCANNER_FRAMINGS) as ScannerProtocol[];
const payloadParts = fc.constantFrom(
  ']Q1',
  ']C1',
  ']d2',
  ']E0',
  'CT1:',
  'CTR1',
  '(01)',
  '(21)',
  '(10)',
  '01',
  '21',
  '10',
  '17',
  '09501101530003',
  '6228480402564890018',
  '9000123456789016',
  ':',
  '29000000',
  '123456',
  '\x1d',
  '\r',
  '\n',
  '\x02',
  '\x03',
  'A',
  '(',
  ')',
);
const structured = fc.array(payloadParts, { maxLength: 10 }).map((a) => a.join(''));
const anyText = fc.oneof(
  structured,
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

describe('barcode codec fuzz', () => {
  it(`${RUNS} random payload strings through parseScan`, () => {
    fc.assert(
      fc.property(anyText, (t) => check(parseScan(t))),
      { numRuns: RUNS },
    );
  });

  it(`${RUNS} random byte streams through framer + parser, split at a random point`, () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...protocols),
        fc.oneof(
          fc.uint8Array({ maxLength: 120 }),
          anyText.map((t) => scanBytes(t, SCANNER_FRAMINGS.plain)),
        ),
        fc.nat(),
        (proto, bytes, cut) => {
          const codec = new ScannerCodec(proto);
          const i = bytes.length ? cut % bytes.length : 0;
          [...codec.push(bytes.subarray(0, i)), ...codec.push(bytes.subarray(i)), ...codec.flush()].forEach(
            check,
          );
          if (codec.pending !== 0) throw new Error('bytes left after flush');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('well-formed e-card codes always parse back', () => {
    fc.assert(
      fc.property(fc.nat({ max: 99_999_999 }), fc.integer({ min: 0, max: 999_999 }), (minute, code) => {
        const c = String(code).padStart(6, '0');
        const r = parseScan(`]Q1CT1:6228480402564890018:${minute}:${c}`);
        expect(r).toMatchObject({ kind: 'card', card: { dynamicCode: `${minute}:${c}` } });
      }),
      { numRuns: 2_000 },
    );
  });
});
