/**
 * Property/fuzz tests for the HID report decoders and the wedge classifier.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BootKeyboardDecoder } from '../../../src/drivers/hid/keyboard-usage';
import { HidPosScannerDecoder } from '../../../src/drivers/hid/pos-scanner';
import { WedgeClassifier, type Keystroke } from '../../../src/drivers/hid/wedge-classifier';

const RUNS = 100_000;

describe('HID report decoder fuzz', () => {
  it(`${RUNS} random boot keyboard reports: keys or a typed error, never an exception`, () => {
    const report = fc.oneof(
      fc.uint8Array({ minLength: 8, maxLength: 8 }),
      fc.uint8Array({ maxLength: 12 }),
      fc
        .tuple(
          fc.integer({ min: 0, max: 255 }),
          fc.array(fc.integer({ min: 0, max: 0x65 }), { minLength: 6, maxLength: 6 }),
        )
        .map(([m, u]) => Uint8Array.of(m, 0, ...u)),
    );
    fc.assert(
      fc.property(fc.array(report, { minLength: 1, maxLength: 4 }), (reports) => {
        const d = new BootKeyboardDecoder();
        for (const r of reports) {
          const out = d.push(r);
          if (out.ok) {
            for (const k of out.keys)
              if (typeof k !== 'string' || k.length === 0) throw new Error('empty key');
          } else if (typeof out.reason !== 'string') throw new Error('untyped error');
        }
      }),
      { numRuns: RUNS },
    );
  });

  it(`${RUNS} random HID POS reports: nothing, a scan, or a typed error`, () => {
    const report = fc.oneof(
      fc.uint8Array({ maxLength: 70 }),
      fc
        .tuple(fc.integer({ min: 0, max: 70 }), fc.uint8Array({ minLength: 62, maxLength: 62 }), fc.boolean())
        .map(([n, body, cont]) => Uint8Array.of(2, n, ...body.subarray(0, 61), cont ? 1 : 0)),
    );
    fc.assert(
      fc.property(fc.array(report, { minLength: 1, maxLength: 4 }), (reports) => {
        const d = new HidPosScannerDecoder();
        for (const r of reports) {
          const out = d.push(r);
          if (out.ok && out.done && !(out.bytes instanceof Uint8Array && out.bytes.length > 0))
            throw new Error('empty scan');
          if (!out.ok && typeof out.reason !== 'string') throw new Error('untyped error');
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('wedge classifier fuzz', () => {
  const key = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...'0123456789%;?=^BabcXYZ') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('Enter', 'Shift', 'Backspace', 'Tab', 'ArrowLeft', 'Escape', '😀'),
    },
  );
  const stroke = fc.tuple(
    key,
    fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: -50, max: 300 }), fc.constant(Number.NaN)),
  );

  it(`${RUNS} random key sequences: every non-modifier key comes out exactly once, in order`, () => {
    fc.assert(
      fc.property(fc.array(stroke, { maxLength: 30 }), fc.boolean(), (strokes, tickAtEnd) => {
        const c = new WedgeClassifier();
        let t = 0;
        const input: Keystroke[] = [];
        const out: string[] = [];
        const take = (os: ReturnType<WedgeClassifier['push']>) => {
          for (const o of os) {
            if (o.kind === 'frame') out.push(...o.text, 'Enter');
            else out.push(...o.keys.map((k) => k.key));
          }
        };
        for (const [k, dt] of strokes) {
          t += Number.isNaN(dt) ? 0 : dt;
          const s = { key: k, at: Number.isNaN(dt) ? Number.NaN : t };
          if (!['Shift'].includes(k)) input.push(s);
          take(c.push(s));
        }
        take(tickAtEnd ? c.tick(t + 1000) : c.flush());
        const expected = input.map((k) => k.key);
        // A frame's text is split back into characters (the emoji is one key of two UTF-16 units).
        if ([...out.join('')].join('') !== [...expected.join('')].join(''))
          throw new Error('keys lost or reordered');
      }),
      { numRuns: RUNS },
    );
  });

  it('a scan-speed burst of ≥ 6 characters and Enter is always a frame', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 6, maxLength: 40 }),
        fc.integer({ min: 1, max: 25 }),
        (s, gap) => {
          const c = new WedgeClassifier();
          const out = [...s].flatMap((ch, i) => c.push({ key: ch, at: i * gap }));
          out.push(...c.push({ key: 'Enter', at: s.length * gap }));
          expect(out).toEqual([{ kind: 'frame', text: s, startedAt: 0, endedAt: s.length * gap }]);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
