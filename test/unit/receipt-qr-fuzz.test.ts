/**
 * Fuzz of the signed receipt QR as the dispute desk reads it (src/main/receipt/verify-receipt.ts,
 * qr.ts, base32.ts): any scanned or pasted text — random strings, random base32 behind `CTR1`,
 * well-formed payloads with a made-up signature, truncations, changed characters and flipped bits
 * of a genuine receipt — gets a verdict, never an exception, and the verdict is "genuine" only for
 * the genuine receipt itself. A receipt the terminal key did sign over odd details still never
 * throws. base32 decoding is strict: what decodes re-encodes to the same text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createReceiptExtras } from '../../src/main/receipt/signed-receipt';
import {
  verifyReceiptQr,
  type ReceiptVerdict,
  type ReceiptVerifyKeys,
} from '../../src/main/receipt/verify-receipt';
import { receiptQrKey } from '../../src/main/receipt/qr';
import { base32Decode, base32Encode } from '../../src/main/receipt/base32';
import { decodeSignature } from '../../src/main/crypto/sm2';
import { bigIntToBytes, concatBytes } from '../../src/main/crypto/bytes';
import { fromHex, sm2Signer, sm2Verifier, sm3, sm4Ctr } from '../../src/main/crypto';
import type { TxnRow } from '../../src/main/terminal/txn-store';

const TERMINAL_KEY = fromHex('5be1f1c2a0d4e6b8c9a7f3e2d1c0b9a8f7e6d5c4b3a2918070605040302010ff');
const OTHER_KEY = fromHex('1649ab77a00637bd5e2efe283fbf353534aa7f7cb89463f208ddbc2920bb0da0');
const signer = sm2Signer(TERMINAL_KEY);
const other = sm2Signer(OTHER_KEY);
const verifier = sm2Verifier(signer.publicKey);
const DATA_KEY = fromHex('a1'.repeat(32));
const RECEIPT_KEY = fromHex('b2'.repeat(32));
const TERMINAL = 'T0000001';
const ROW = {
  stan: 4711,
  type: 'sale',
  status: 'approved',
  amount_fen: 1250,
  other_tender_fen: 0,
  balance_fen: 98750,
  masked: '888801******0017',
  offline: 0,
  updated_at: '2025-06-01T08:00:01.000Z',
} as TxnRow;
const signing = {
  keyVersion: 1,
  sign: (b: Uint8Array) => signer.sign(b),
  dataKey: DATA_KEY,
  receiptKey: RECEIPT_KEY,
};

/** The QR createReceiptExtras made for ROW with these keys, once (the SM2 signature is randomized). */
const GENUINE =
  'CTR1AEAQQVBQGAYDAMBQGEAAAETHOTBQYFBSD63GOKTL3HNKLY4CBRW76GJ74X27Q4M4X2ZPQ3U5TN7S5ZJX4YP7DAUTQULBSIJAPCUWUQBDTUIP4EHTV7WPM7II3QI6KFEKGIESC3GP4JNAKGVL65IXENXMBVDAUJQ3ZCHOBHL6QPUYEG62XU3FVWI';
const CODE = '5982 9073';

const keySets: Record<string, ReceiptVerifyKeys> = {
  store: {
    terminalId: TERMINAL,
    publicKeys: new Map([[1, signer.publicKey]]),
    verifierFor: (v) => (v === 1 ? verifier : undefined),
    dataKey: DATA_KEY,
    receiptKey: RECEIPT_KEY,
  },
  // `cardtill verify-receipt` with a public key only: one-off sm2Verify, no terminal pinned.
  publicOnly: { publicKeys: new Map([[1, signer.publicKey]]) },
};
const REASONS = new Set(['malformed', 'unknown-terminal', 'unknown-key', 'signature']);

/** A verdict of the declared shape; "genuine" only for the genuine receipt. Plain checks (hot loop). */
function checkForged(text: unknown, v: ReceiptVerdict): void {
  if (v.genuine) {
    if (typeof text === 'string' && text.trim() === GENUINE) return;
    throw new Error(`genuine verdict for ${JSON.stringify(text)}`);
  }
  if (!REASONS.has(v.reason)) throw new Error(`unknown reason ${String(v.reason)}`);
}

function verifyAll(text: unknown): void {
  for (const keys of Object.values(keySets)) checkForged(text, verifyReceiptQr(text as string, keys));
}

/** SM4-CTR under the store's QR key with the IV the terminal derives (qr.ts header): CTR is its own inverse. */
function encryptLikeTerminal(stan: number, plain: Uint8Array): Uint8Array {
  const iv = sm3(new TextEncoder().encode(`CTR1/iv|${TERMINAL}|${stan}|1`)).subarray(0, 16);
  return sm4Ctr(receiptQrKey(DATA_KEY), iv, plain);
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const payload = () => base32Decode(GENUINE.slice(4))!;

/** Well-formed layout (format, key version, terminal id, STAN, ciphertext, r ‖ s), made-up content. */
const structured = fc
  .record({
    keyVersion: fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 255 })),
    tid: fc.oneof(
      fc.constant(TERMINAL),
      fc.stringMatching(/^[A-Za-z0-9]{1,16}$/),
      fc.string({ maxLength: 20 }),
    ),
    stan: fc.nat(),
    ct: fc.uint8Array({ minLength: 0, maxLength: 80 }),
    r: fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constant(new Uint8Array(32))),
    s: fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constant(new Uint8Array(32).fill(0xff))),
  })
  .map(({ keyVersion, tid, stan, ct, r, s }) => {
    const t = new TextEncoder().encode(tid);
    const head = Uint8Array.of(1, keyVersion, t.length & 0xff);
    return `CTR1${base32Encode(concatBytes(head, t, bigIntToBytes(BigInt(stan), 4), ct, r, s))}`;
  });

const randomText = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(...B32), maxLength: 300 }).map((s) => `CTR1${s}`),
  fc.string({ unit: fc.constantFrom(...`${B32}abc0189=-/ `), maxLength: 300 }).map((s) => `CTR1${s}`),
  fc.uint8Array({ maxLength: 220 }).map((b) => `CTR1${base32Encode(b)}`),
  fc.uint8Array({ maxLength: 220 }).map((b) => `CTR1${base32Encode(Uint8Array.of(1, ...b))}`),
  fc.string({ unit: fc.constantFrom(...B32), minLength: 1001, maxLength: 1200 }).map((s) => `CTR1${s}`),
  structured,
  fc.constantFrom('', 'CTR1', 'CTR', 'ctr1', 'CTR2AAAA', ' CTR1 ', '\u0000', 'CTR1\u0000', 'CTR1🙂'),
  fc.anything(), // not even a string: a bridge or a CLI could pass anything
);

/** A genuine receipt, changed: cut, a character replaced/inserted/deleted, bits flipped in its bytes. */
const mutated = fc.oneof(
  fc.nat().map((n) => GENUINE.slice(0, n % GENUINE.length)),
  fc.nat().map((n) => GENUINE.slice(n % GENUINE.length)),
  fc
    .tuple(
      fc.nat(),
      fc.oneof(fc.constantFrom(...B32), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
    )
    .map(([n, c]) => {
      const i = 4 + (n % (GENUINE.length - 4));
      return GENUINE.slice(0, i) + c + GENUINE.slice(i + 1);
    }),
  fc.tuple(fc.nat(), fc.constantFrom(...B32)).map(([n, c]) => {
    const i = n % (GENUINE.length + 1);
    return GENUINE.slice(0, i) + c + GENUINE.slice(i);
  }),
  fc.nat().map((n) => {
    const i = n % GENUINE.length;
    return GENUINE.slice(0, i) + GENUINE.slice(i + 1);
  }),
  fc.nat().map((n) => {
    const i = n % GENUINE.length;
    return GENUINE.slice(0, i) + GENUINE[i]!.toLowerCase() + GENUINE.slice(i + 1);
  }),
  fc
    .array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 })
    .map((flips) => {
      const p = payload();
      for (const [pos, xor] of flips) p[pos % p.length] ^= xor;
      return `CTR1${base32Encode(p)}`;
    }),
  fc.string({ unit: fc.constantFrom(...B32), minLength: 1, maxLength: 8 }).map((s) => GENUINE + s),
);

describe('receipt QR fuzz (dispute desk)', () => {
  it('the genuine receipt, and a fresh one the code makes, are genuine (the harness can tell)', () => {
    expect(verifyReceiptQr(GENUINE, keySets.store!)).toMatchObject({ genuine: true, stan: 4711, code: CODE });
    expect(verifyReceiptQr(` ${GENUINE}\n`, keySets.publicOnly!)).toMatchObject({
      genuine: true,
      stan: 4711,
    });
    const line = createReceiptExtras(
      signing,
      TERMINAL,
      'M000000000001',
    )(ROW).lines?.find((l) => l.type === 'qr');
    const fresh = line?.type === 'qr' ? line.data : '';
    expect(fresh).not.toBe(GENUINE);
    expect(verifyReceiptQr(fresh, keySets.store!)).toMatchObject({ genuine: true, stan: 4711, code: CODE });
  });

  it('random text, random base32 and made-up payloads (8,000 cases): a verdict, never an exception', () => {
    const t0 = performance.now();
    fc.assert(fc.property(randomText, verifyAll), { seed: 20250603, numRuns: 8_000 });
    console.log(
      `receipt QR random text: 8000 cases × 2 key sets in ${Math.round(performance.now() - t0)} ms`,
    );
  });

  it('a genuine receipt cut, edited or bit-flipped (4,000 cases): never genuine, never an exception', () => {
    const t0 = performance.now();
    const reasons: Record<string, number> = {};
    fc.assert(
      fc.property(mutated, (text) => {
        verifyAll(text);
        const v = verifyReceiptQr(text, keySets.store!);
        const k = v.genuine ? 'genuine' : v.reason;
        reasons[k] = (reasons[k] ?? 0) + 1;
      }),
      { seed: 20250604, numRuns: 4_000 },
    );
    console.log(
      `receipt QR mutations: 4000 cases × 2 key sets in ${Math.round(performance.now() - t0)} ms`,
      reasons,
    );
    expect(reasons.signature).toBeGreaterThan(0);
    expect(reasons.malformed).toBeGreaterThan(0);
  });

  it('every single-bit flip of the genuine payload is refused', () => {
    const p = payload();
    for (let i = 0; i < p.length * 8; i++) {
      const q = Uint8Array.from(p);
      q[i >> 3] ^= 1 << (i & 7);
      const v = verifyReceiptQr(`CTR1${base32Encode(q)}`, keySets.store!);
      if (v.genuine) throw new Error(`bit ${i} flipped: still genuine`);
    }
  });

  it('signed by the terminal key over any ciphertext (1,000 cases): genuine, details sane or absent, no exception', () => {
    const t0 = performance.now();
    const withDetails = { n: 0 };
    fc.assert(
      fc.property(
        fc.nat(),
        fc.oneof(
          fc.uint8Array({ minLength: 22, maxLength: 80 }), // 22: the shortest details (qr.ts)
          // Plaintexts in the details layout (qr.ts): enum bytes, flags and lengths in and out of range,
          // amounts up to 2^40, any time, last4 up to 65535, a merchant id of any bytes.
          fc
            .record({
              type: fc.integer({ min: 0, max: 6 }),
              status: fc.integer({ min: 0, max: 5 }),
              flags: fc.integer({ min: 0, max: 4 }),
              numbers: fc.uint8Array({ minLength: 14, maxLength: 14 }), // amount, balance, time
              last4: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 0xffff })),
              mid: fc.uint8Array({ maxLength: 40 }),
              lenDelta: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: -2, max: 2 })),
            })
            .map(({ type, status, flags, numbers, last4, mid, lenDelta }) =>
              concatBytes(
                Uint8Array.of(0xc7, 0x01, type, status, flags),
                numbers,
                Uint8Array.of(last4 >> 8, last4 & 0xff, (mid.length + lenDelta) & 0xff),
                mid,
              ),
            ),
        ),
        fc.boolean(),
        (stan, body, encrypt) => {
          const tid = new TextEncoder().encode(TERMINAL);
          const h = concatBytes(
            Uint8Array.of(1, 1, tid.length),
            tid,
            bigIntToBytes(BigInt(stan % 2 ** 32), 4),
          );
          const ct = encrypt ? encryptLikeTerminal(stan % 2 ** 32, body) : body;
          const signed = concatBytes(new TextEncoder().encode('CTR1'), h, ct);
          const sig = decodeSignature(signer.sign(signed))!;
          const text = `CTR1${base32Encode(concatBytes(h, ct, bigIntToBytes(sig.r, 32), bigIntToBytes(sig.s, 32)))}`;
          const v = verifyReceiptQr(text, keySets.store!);
          if (!v.genuine) throw new Error(`not genuine: ${v.reason}`);
          if (v.details) {
            withDetails.n++;
            const d = v.details;
            if (!/^\d{4}$/.test(d.last4) || !Number.isSafeInteger(d.amountFen) || d.amountFen < 0)
              throw new Error(`odd details ${JSON.stringify(d)}`);
            if (Number.isNaN(Date.parse(d.time)) || !/^\d{4} \d{4}$/.test(v.code ?? ''))
              throw new Error(`odd time or code ${JSON.stringify(v)}`);
          }
        },
      ),
      { seed: 20250605, numRuns: 1_000 },
    );
    console.log(
      `receipt QR signed over odd details: 1000 cases in ${Math.round(performance.now() - t0)} ms, ${withDetails.n} with details`,
    );
  });

  it('a receipt signed by another key is refused (signature)', () => {
    const p = payload();
    const body = p.subarray(0, p.length - 64);
    const sig = decodeSignature(other.sign(concatBytes(new TextEncoder().encode('CTR1'), body)))!;
    const text = `CTR1${base32Encode(concatBytes(body, bigIntToBytes(sig.r, 32), bigIntToBytes(sig.s, 32)))}`;
    expect(verifyReceiptQr(text, keySets.store!)).toMatchObject({ genuine: false, reason: 'signature' });
  });

  it('base32 (20,000 cases): decoding never throws, and whatever decodes re-encodes to the same text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: fc.constantFrom(...B32), maxLength: 60 }),
          fc.string({ unit: fc.constantFrom(...`${B32}a=1 `), maxLength: 60 }),
          fc.string({ unit: 'binary', maxLength: 60 }),
        ),
        (s) => {
          const b = base32Decode(s);
          if (b !== null && base32Encode(b) !== s)
            throw new Error(`${s} decodes to bytes that encode otherwise`);
        },
      ),
      { seed: 20250606, numRuns: 20_000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
        expect(base32Decode(base32Encode(b))).toEqual(b);
      }),
      { seed: 20250607, numRuns: 2_000 },
    );
  });
});
