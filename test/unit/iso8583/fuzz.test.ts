/**
 * Fuzz of the ISO 8583 decoder (the bytes come from the network): random bytes, random bytes
 * behind a right length prefix and header, mutated golden frames (bytes changed, flipped bits,
 * bytes dropped or inserted), every truncation of every golden frame, and random valid messages.
 * Every outcome is a message or an Iso8583Error — never another exception — and whatever decodes
 * re-encodes to the same bytes. ISO8583_FUZZ_RUNS raises the count by hand (CI: ≥ 100,000 in all).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CUP_PROFILE as P,
  FrameReader,
  Iso8583Error,
  checkRequest,
  decodeFrame,
  encodeFrame,
  formatField60,
  makeHeader,
  makeTpdu,
  type KeySetName,
} from '../../../src/shared/iso8583';
import { ALL_GOLDEN } from './golden';

const RUNS = Number(process.env.ISO8583_FUZZ_RUNS ?? 25_000);
const GOLDEN = Object.values(ALL_GOLDEN);

/** Plain checks, not expect(): this runs 100,000 times. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

let decoded = 0;
function check(bytes: Uint8Array, keySet: KeySetName = '3des'): void {
  let msg;
  try {
    msg = decodeFrame(P, bytes, { keySet });
  } catch (e) {
    if (!(e instanceof Iso8583Error)) throw e;
    return;
  }
  decoded++;
  if (!sameBytes(encodeFrame(P, msg, { keySet }), bytes)) throw new Error('decoded frame did not re-encode');
  try {
    checkRequest(P, msg);
  } catch (e) {
    if (!(e instanceof Iso8583Error)) throw e;
  }
}

const withLength = (body: Uint8Array) => Uint8Array.of(body.length >> 8, body.length & 0xff, ...body);

const mutated = fc
  .tuple(
    fc.constantFrom(...GOLDEN),
    fc.array(
      fc.record({
        op: fc.constantFrom('set', 'flip', 'drop', 'insert'),
        at: fc.nat(),
        v: fc.integer({ min: 0, max: 255 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([g, ops]) => {
    const b = Array.from(g);
    for (const o of ops) {
      const i = o.at % (b.length + 1);
      if (o.op === 'set' && i < b.length) b[i] = o.v;
      else if (o.op === 'flip' && i < b.length) b[i]! ^= 1 << (o.v & 7);
      else if (o.op === 'drop') b.splice(i, 1);
      else b.splice(i, 0, o.v);
    }
    return Uint8Array.from(b);
  });

/** A mutated frame whose length prefix is fixed up, so the fuzz reaches the field parser. */
const mutatedRelengthed = mutated.map((b) => (b.length >= 2 ? withLength(b.subarray(2)) : b));

const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** Random valid purchases: what the terminal would send, with optional password fields. */
const validPurchase = fc
  .record({
    pan: digits(12, 19),
    amount: digits(12, 12),
    stan: digits(6, 6),
    batch: fc.integer({ min: 0, max: 999_999 }),
    withPin: fc.boolean(),
    keySet: fc.constantFrom<KeySetName>('3des', 'sm4'),
    pin: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    mac: fc.uint8Array({ minLength: 8, maxLength: 8 }),
    tid: fc.string({ unit: fc.constantFrom(...'ABCT0123456789 '), minLength: 1, maxLength: 8 }),
  })
  .map((r) => ({
    keySet: r.keySet,
    bytes: encodeFrame(
      P,
      {
        tpdu: makeTpdu(P, 1, 0),
        header: makeHeader(P),
        mti: '0200',
        fields: {
          2: r.pan,
          3: '000000',
          4: r.amount,
          11: r.stan,
          22: '021',
          25: '00',
          ...(r.withPin
            ? { 26: '06', 52: r.pin.subarray(0, r.keySet === 'sm4' ? 16 : 8), 53: '2600000000000000' }
            : {}),
          41: r.tid,
          42: 'M000000000001',
          49: '156',
          60: formatField60({ typeCode: '22', batch: r.batch }),
          64: r.mac,
        },
      },
      { keySet: r.keySet },
    ),
  }));

describe('ISO 8583 decoder fuzz', () => {
  it('every truncation of every golden frame is a typed error', () => {
    for (const g of GOLDEN)
      for (let cut = 0; cut < g.length; cut++) {
        expect(() => decodeFrame(P, g.subarray(0, cut))).toThrow(Iso8583Error);
        // The same cut with its length prefix fixed up: the field parser runs out of bytes.
        if (cut >= 2) check(withLength(g.subarray(2, cut)));
      }
  });

  it('every single bit flip of every golden frame: a typed error or a frame that re-encodes', () => {
    for (const g of GOLDEN)
      for (let i = 0; i < g.length * 8; i++) {
        const b = g.slice();
        b[i >> 3] ^= 1 << (i & 7);
        check(b);
        check(b, 'sm4');
      }
  });

  it('random bytes, random bodies, mutated frames: typed errors only', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 1100 }),
          fc
            .uint8Array({ minLength: 13, maxLength: 200 })
            .map((b) => withLength(Uint8Array.of(0x60, 0, 1, 0, 0, 0x60, 0x31, 0, 0, 0, 0, ...b))),
          mutated,
          mutatedRelengthed,
        ),
        fc.constantFrom<KeySetName>('3des', 'sm4'),
        (bytes, ks) => check(bytes, ks),
      ),
      { numRuns: RUNS * 3 },
    );
  });

  it('random valid purchases decode, re-encode byte for byte and are purchases', () => {
    fc.assert(
      fc.property(validPurchase, ({ bytes, keySet }) => {
        const msg = decodeFrame(P, bytes, { keySet });
        if (!sameBytes(encodeFrame(P, msg, { keySet }), bytes)) throw new Error('round trip');
        if (checkRequest(P, msg).name !== 'purchase') throw new Error('not a purchase');
      }),
      { numRuns: RUNS },
    );
  });

  it('the stream framer, fed random chunks, never throws anything but Iso8583Error', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.uint8Array({ maxLength: 64 }), mutated), { maxLength: 8 }),
        (chunks) => {
          const r = new FrameReader(P);
          try {
            for (const c of chunks) for (const f of r.push(c)) check(f);
          } catch (e) {
            if (!(e instanceof Iso8583Error)) throw e;
          }
          if (r.pending > 2 + P.maxMessageBytes) throw new Error('framer buffered more than one frame');
        },
      ),
      { numRuns: Math.ceil(RUNS / 5) },
    );
    // Some inputs decoded: the fuzz reached past the framing.
    expect(decoded).toBeGreaterThan(100);
  });
});
