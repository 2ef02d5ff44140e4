/**
 * Fuzz of the file-batch file parser (src/shared/file-batch-format.ts), the terminal's reader of
 * the back office's bytes: random bytes, random text with a signature line, byte flips and
 * truncations of genuine files, and — with a verifier that accepts everything, so the parser
 * behind the signature is reached — mutated genuine bodies. Every input ends as a parsed file or a
 * FileBatchError with a reason (TillError FILE_BATCH_REFUSED), never another exception; a change
 * to a genuine file never passes the real signature check; what does parse round-trips.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, sm2Signer, sm2Verifier } from '../../src/shared/crypto';
import {
  buildFile,
  FileBatchError,
  fileBody,
  parseFile,
  type FileType,
  type RecordOf,
} from '../../src/shared/file-batch-format';

const signer = sm2Signer(fromHex('5be1f1c2a0d4e6b8c9a7f3e2d1c0b9a8f7e6d5c4b3a2918070605040302010ff'));
const verifier = sm2Verifier(signer.publicKey);
const anything = { verify: () => true };
const TYPES: FileType[] = ['hotlist', 'balances', 'transactions', 'ack'];

/** Parses or throws FileBatchError; anything else fails the property. */
function outcome(
  bytes: Uint8Array,
  type: FileType,
  v = verifier as { verify(m: Uint8Array, s: Uint8Array): boolean },
) {
  try {
    return { ok: true as const, file: parseFile(bytes, type, v) };
  } catch (e) {
    if (!(e instanceof FileBatchError)) throw e;
    expect(e.code).toBe('FILE_BATCH_REFUSED');
    expect(e.detail).not.toMatch(/\d{12,19}/); // never a card number in the reason
    return { ok: false as const, reason: e.reason };
  }
}

const pan = fc.stringMatching(/^\d{16}$/);
const recordOf: { [T in FileType]: fc.Arbitrary<RecordOf[T]> } = {
  hotlist: pan.map((p) => ({ pan: p })),
  balances: fc.record({ pan, balanceFen: fc.integer({ min: 0, max: 10_000_000 }) }),
  transactions: fc.record({
    stan: fc.integer({ min: 1, max: 1e9 }),
    type: fc.constantFrom('sale' as const, 'void' as const, 'refund' as const),
    time: fc.constant('2026-12-01T10:00:00.000Z'),
    pan,
    amountFen: fc.integer({ min: 1, max: 1_000_000 }),
    origStan: fc.option(fc.integer({ min: 1, max: 1e9 }), { nil: null }),
    authCode: fc.stringMatching(/^[A-Z0-9]{6}$/),
  }),
  ack: fc.record({
    stan: fc.integer({ min: 1, max: 1e9 }),
    result: fc.constant('accepted' as const),
    code: fc.constant(null),
    balanceFen: fc.option(fc.integer({ min: 0, max: 1e7 }), { nil: null }),
  }),
};
const headerOf = (type: FileType) => ({
  issuer: 'mart',
  version: 3,
  createdAt: '2026-12-01T00:00:00.000Z',
  ...(type === 'hotlist' || type === 'balances' ? { validUntil: '2026-12-02T00:00:00.000Z' } : {}),
  ...(type === 'balances' ? { reflects: { T0000001: 2 } } : {}),
  ...(type === 'transactions' ? { terminal: 'T0000001', key: 1 } : {}),
  ...(type === 'ack' ? { terminal: 'T0000001', file: 3 } : {}),
});
const genuine = fc
  .constantFrom(...TYPES)
  .chain((type) =>
    fc
      .array(recordOf[type] as fc.Arbitrary<RecordOf[FileType]>, { maxLength: 6 })
      .map((records) => ({ type, records })),
  );

describe('file-batch parser fuzz', () => {
  it('random bytes: a typed refusal, never an exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom(...TYPES), (b, type) => {
        const r = outcome(b, type);
        expect(r.ok).toBe(false);
        const a = outcome(b, type, anything);
        if (a.ok) expect(a.file.records).toHaveLength(a.file.header.count);
      }),
      { seed: 20261201, numRuns: 8_000 },
    );
  });

  it('text shaped like a file with any signature line: refused unless genuinely signed', () => {
    const line = fc.stringMatching(/^[ -~]{0,40}$/);
    fc.assert(
      fc.property(
        fc.constantFrom(...TYPES),
        fc.array(line, { maxLength: 12 }),
        fc.stringMatching(/^[A-Za-z0-9+/=]{0,100}$/),
        (type, lines, sig) => {
          const text = [`CTFB/1 ${type}`, ...lines].join('\n') + `\nsig=${sig}\n`;
          const r = outcome(Buffer.from(text, 'latin1'), type);
          expect(r.ok).toBe(false);
          outcome(Buffer.from(text, 'latin1'), type, anything);
        },
      ),
      { seed: 20261202, numRuns: 5_000 },
    );
  });

  it('a genuine file parses and round-trips; any flipped byte or cut is refused', () => {
    fc.assert(
      fc.property(genuine, fc.nat(), fc.integer({ min: 1, max: 255 }), ({ type, records }, at, x) => {
        const bytes = buildFile(type, headerOf(type), records as never, (b) => signer.sign(b));
        const ok = outcome(bytes, type);
        expect(ok.ok).toBe(true);
        if (ok.ok) {
          expect(ok.file.records).toEqual(records);
          expect(fileBody(type, headerOf(type), ok.file.records as never)).toEqual(
            bytes.subarray(0, ok.file.signedLength),
          );
        }
        const flipped = Uint8Array.from(bytes);
        const i = at % flipped.length;
        flipped[i] = flipped[i]! ^ x;
        expect(outcome(flipped, type).ok).toBe(false);
        expect(outcome(bytes.subarray(0, i), type).ok).toBe(false);
        // Another type's parser refuses it as the wrong type.
        const other = TYPES[(TYPES.indexOf(type) + 1) % TYPES.length]!;
        expect(outcome(bytes, other)).toEqual({ ok: false, reason: 'wrong-type' });
      }),
      { seed: 20261203, numRuns: 200 },
    );
  });

  it('behind the signature: mutated genuine bodies parse or are refused, never throw', () => {
    const edit = fc.record({
      at: fc.nat(),
      len: fc.integer({ min: 0, max: 8 }),
      insert: fc.stringMatching(/^[ -~\n,=:;]{0,10}$/),
    });
    fc.assert(
      fc.property(genuine, fc.array(edit, { minLength: 1, maxLength: 3 }), ({ type, records }, edits) => {
        let body = Buffer.from(fileBody(type, headerOf(type), records as never)).toString('latin1');
        for (const e of edits) {
          const i = e.at % (body.length + 1);
          body = body.slice(0, i) + e.insert + body.slice(i + e.len);
        }
        const r = outcome(Buffer.from(`${body}sig=AAAA\n`, 'latin1'), type, anything);
        if (r.ok) {
          expect(r.file.records).toHaveLength(r.file.header.count);
          for (const rec of r.file.records as unknown as Array<Record<string, unknown>>)
            if ('amountFen' in rec) expect(Number.isSafeInteger(rec.amountFen)).toBe(true);
        }
      }),
      { seed: 20261204, numRuns: 10_000 },
    );
  });
});
