/**
 * Property/fuzz tests: the magstripe framer + decoder never throws and always answers with a card
 * or SWIPE_UNREADABLE, on random bytes and on mutated real swipes; chunking never changes results.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLuhnValid } from '../../../src/shared/card';
import { MagstripeCodec, type SwipeResult } from '../../../src/drivers/magstripe/codec';
import { MSR_FRAMINGS, type MagstripeProtocol } from '../../../src/drivers/magstripe/framings';
import { swipeBytes } from '../../../src/drivers/magstripe/driver';

const RUNS = 100_000;
const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/** Plain checks, not expect(): this runs 100,000 times. */
function check(r: SwipeResult): void {
  if (r.kind === 'card') {
    if (!isLuhnValid(r.card.pan)) throw new Error('card with a bad number');
    if (r.card.expiry !== undefined && !/^\d\d(0[1-9]|1[0-2])$/.test(r.card.expiry))
      throw new Error('bad expiry');
    if (r.card.serviceCode !== undefined && !/^\d{3}$/.test(r.card.serviceCode))
      throw new Error('bad service code');
  } else if (r.kind !== 'error' || r.code !== 'SWIPE_UNREADABLE' || typeof r.detail !== 'string') {
    throw new Error(`unexpected result ${JSON.stringify(r)}`);
  }
}

const protocols = Object.values(MSR_FRAMINGS) as MagstripeProtocol[];
const validSwipe = fc
  .record({
    pan: fc.constantFrom('6228480402564890018', '9000123456789016', '888800001111222236'),
    expiry: fc.constantFrom('4912', '3001', '2512'),
    name: fc.constantFrom('ZHANG/SAN', 'LI/SI', 'A'),
    proto: fc.constantFrom(...protocols),
  })
  .map(({ proto, ...s }) => ({ proto, bytes: swipeBytes(s, proto) }));

/** A real swipe with bytes flipped, dropped, duplicated or inserted. */
const mutated = fc
  .tuple(
    validSwipe,
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 3 })), {
      maxLength: 4,
    }),
  )
  .map(([{ proto, bytes }, muts]) => {
    const b = Array.from(bytes);
    for (const [pos, val, op] of muts) {
      const i = pos % (b.length + 1);
      if (op === 0) b[i] = val;
      else if (op === 1) b.splice(i, 1);
      else if (op === 2) b.splice(i, 0, val);
      else b.splice(i, 0, ...b.slice(i, i + 5));
    }
    return { proto, bytes: Uint8Array.from(b) };
  });

const randomBytes = fc.record({
  proto: fc.constantFrom(...protocols),
  bytes: fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    fc
      .string({
        unit: fc.constantFrom(
          '%',
          ';',
          '?',
          '^',
          '=',
          '+',
          'B',
          '1',
          '9',
          '\r',
          '\n',
          '\x02',
          '\x03',
          'A',
          ' ',
        ),
        maxLength: 120,
      })
      .map(enc),
  ),
});

describe('magstripe codec fuzz', () => {
  it(`${RUNS} random and mutated inputs: a card or SWIPE_UNREADABLE, never an exception`, () => {
    fc.assert(
      fc.property(fc.oneof(randomBytes, mutated, validSwipe), fc.nat(), ({ proto, bytes }, cut) => {
        const codec = new MagstripeCodec(proto);
        const i = bytes.length ? cut % bytes.length : 0;
        const out = [...codec.push(bytes.subarray(0, i)), ...codec.push(bytes.subarray(i)), ...codec.flush()];
        out.forEach(check);
        if (codec.pending !== 0) throw new Error('bytes left after flush');
      }),
      { numRuns: RUNS },
    );
  });

  it('valid swipes always decode to the card that was swiped', () => {
    fc.assert(
      fc.property(validSwipe, ({ proto, bytes }) => {
        const codec = new MagstripeCodec(proto);
        const out = [...codec.push(bytes), ...codec.flush()];
        expect(out.map((r) => r.kind)).toEqual(['card']);
      }),
      { numRuns: 2_000 },
    );
  });

  it('chunking never changes the results (small maxFrameBytes to reach overflow paths)', () => {
    const small: MagstripeProtocol = {
      ...MSR_FRAMINGS.plain,
      framing: { ...MSR_FRAMINGS.plain.framing, maxFrameBytes: 40 },
    };
    fc.assert(
      fc.property(
        fc.oneof(
          mutated.map((m) => m.bytes),
          randomBytes.map((r) => r.bytes),
        ),
        fc.array(fc.nat(), { maxLength: 6 }),
        (bytes, cuts) => {
          const whole = new MagstripeCodec(small);
          const a = [...whole.push(bytes), ...whole.flush()].map((r) =>
            r.kind === 'card' ? r.card.pan : r.code,
          );
          const split = new MagstripeCodec(small);
          const points = [...new Set(cuts.map((c) => (bytes.length ? c % bytes.length : 0)))].sort(
            (x, y) => x - y,
          );
          const b: string[] = [];
          let from = 0;
          for (const p of [...points, bytes.length]) {
            b.push(
              ...split.push(bytes.subarray(from, p)).map((r) => (r.kind === 'card' ? r.card.pan : r.code)),
            );
            from = p;
          }
          b.push(...split.flush().map((r) => (r.kind === 'card' ? r.card.pan : r.code)));
          expect(b).toEqual(a);
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
