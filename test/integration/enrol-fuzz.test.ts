/**
 * Fuzz of the enrolment answer (src/main/issuer/enrol.ts), which the terminal reads with its own
 * HTTP exchange, not through the issuer link: against a loopback node:http server answering fuzzed
 * bytes, enrolTerminal ends in a TillError — ISSUER_UNREACHABLE (no complete answer),
 * ISSUER_ERROR (HTTP refusal) or ISSUER_BAD_SIGNATURE (not the issuer's signed answer for this
 * terminal) — never another exception, never a hang past its deadline, and never an enrolment
 * unless the issuer signed it for this terminal. A receipt key it hands on is opened the way the
 * app does (unwrapReceiptKey): only the genuine one opens.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolTerminal, type EnrolResult } from '../../src/main/issuer/enrol';
import { signEnvelope, type MessageSigner } from '../../src/main/issuer/envelope';
import { unwrapReceiptKey, wrapReceiptKey } from '../../src/main/receipt/code';
import {
  fromHex,
  sm2PublicKeyFromPrivate,
  sm2Signer,
  sm2Verifier,
  toHex,
  isCryptoError,
} from '../../src/main/crypto';
import { canonicalBytes } from '../../src/shared/canonical-json';
import { TillError, type ErrorCode } from '../../src/shared/errors';
import type { TerminalKeys } from '../../src/main/keys/terminal-keys';
import { startAnswerServer, type AnswerServer, type PlannedAnswer } from '../helpers/answer-server';

const ISSUER_KEY = fromHex('3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8');
const OTHER_KEY = fromHex('1649ab77a00637bd5e2efe283fbf353534aa7f7cb89463f208ddbc2920bb0da0');
const TERMINAL_KEY = fromHex('5be1f1c2a0d4e6b8c9a7f3e2d1c0b9a8f7e6d5c4b3a2918070605040302010ff');
const issuerImpl = sm2Signer(ISSUER_KEY);
const otherImpl = sm2Signer(OTHER_KEY);
const terminalImpl = sm2Signer(TERMINAL_KEY);
const issuer: MessageSigner = { keyId: 'issuer:1', sign: (b) => issuerImpl.sign(b) };
const issuerVerifier = sm2Verifier(sm2PublicKeyFromPrivate(ISSUER_KEY));

const TERMINAL = 'T0000001';
const TOKEN = 'enrol-token-fuzz';
const RECEIPT_KEY = fromHex('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff');
const TIMEOUT_MS = 2000;
const RUNS = 1500;
const FLIP_RUNS = 1000;

const keys = {
  keyVersion: 1,
  publicKey: terminalImpl.publicKey,
  publicKeyHex: toHex(terminalImpl.publicKey),
  sign: (b: Uint8Array) => terminalImpl.sign(b),
} as unknown as TerminalKeys;

type Msg = Record<string, unknown>;
/**
 * The issuer's genuine answer, fixed so every run fuzzes the same bytes: RECEIPT_KEY sealed once
 * (wrapReceiptKey(RECEIPT_KEY, TOKEN, TERMINAL)) and the issuer key's signature over the message,
 * made once (its base64 has '+', '/' and one '=').
 */
/** The enrolment request's nonce in these tests (fixed, so the stored answer stays genuine). */
const NONCE = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const GENUINE: Msg = {
  type: 'enrol.result',
  terminalId: TERMINAL,
  result: 'approved',
  time: '2025-06-01T08:00:00.000Z',
  nonce: NONCE,
  keyVersion: 1,
  publicKey: toHex(terminalImpl.publicKey),
  issuerPublicKey: toHex(issuerImpl.publicKey),
  receiptKey:
    'AeSy/DbkPQJTZoH2GCq6bScoXeJJO9tPIqVz8jNsCEXp5infZSsn1ywmDeyFn3eB+Rr69vO/EU42ErZosbM/TapqqWOVXrXQHvJTtuXlFL2a3ikyKDrd229hCXCzuc0ukw==',
};
const GENUINE_SIG =
  'MEUCIQCsVnejetas6ARAoaU4a23Q/jTnF9XDsgUJ8h7vHncJVQIgBVe9pRxvN/BqWGPFLDLwcKPzQZ2C+UO69tjp2YFQs0w=';
const genuineBody = () => JSON.stringify({ msg: GENUINE, sig: GENUINE_SIG, keyId: 'issuer:1' });
function signedBody(msg: Msg, signer: MessageSigner = issuer): string {
  let sig: string;
  try {
    canonicalBytes(msg);
    sig = signEnvelope(signer, msg).sig;
  } catch {
    sig = signer === issuer ? GENUINE_SIG : signEnvelope(signer, GENUINE).sig; // over other bytes
  }
  return JSON.stringify({ msg, sig, keyId: 'issuer:1' });
}

type Recipe =
  | { t: 'bytes'; bytes: Uint8Array }
  | { t: 'json'; value: unknown }
  | { t: 'truncate'; at: number }
  | { t: 'field'; field: string; value: unknown }
  | { t: 'receipt-key'; value: unknown }
  | { t: 'sig'; sig: unknown }
  | { t: 'wrong-key' }
  | { t: 'deep'; depth: number }
  | { t: 'non-utf8'; bytes: Uint8Array }
  | { t: 'status'; status: number; body: string }
  | { t: 'raw'; bytes: Uint8Array | string }
  | { t: 'cut'; sendBytes: number }
  | { t: 'close' };

const expected: Record<Recipe['t'], ErrorCode | 'any' | 'receipt-key'> = {
  bytes: 'ISSUER_BAD_SIGNATURE',
  json: 'ISSUER_BAD_SIGNATURE',
  truncate: 'ISSUER_BAD_SIGNATURE',
  field: 'ISSUER_BAD_SIGNATURE',
  'receipt-key': 'receipt-key', // signed by the issuer for this terminal: enrols; the key must not open
  sig: 'ISSUER_BAD_SIGNATURE',
  'wrong-key': 'ISSUER_BAD_SIGNATURE',
  deep: 'ISSUER_BAD_SIGNATURE',
  'non-utf8': 'ISSUER_BAD_SIGNATURE',
  status: 'ISSUER_ERROR',
  raw: 'any',
  cut: 'ISSUER_UNREACHABLE',
  close: 'ISSUER_UNREACHABLE',
};

function answerFor(r: Recipe): PlannedAnswer {
  const ok = (body: Uint8Array | string): PlannedAnswer => ({ kind: 'http', status: 200, body });
  switch (r.t) {
    case 'bytes':
      return ok(r.bytes);
    case 'json':
      return ok(JSON.stringify(r.value) ?? '');
    case 'truncate': {
      const b = genuineBody();
      return ok(b.slice(0, r.at % b.length));
    }
    case 'field':
      return ok(signedBody({ ...GENUINE, [r.field]: r.value }));
    case 'receipt-key':
      return ok(signedBody({ ...GENUINE, receiptKey: r.value }));
    case 'sig':
      return ok(JSON.stringify({ msg: GENUINE, sig: r.sig, keyId: 'issuer:1' }));
    case 'wrong-key':
      return ok(signedBody(GENUINE, { keyId: 'issuer:1', sign: (b) => otherImpl.sign(b) }));
    case 'deep': {
      const sig = GENUINE_SIG;
      const inner = JSON.stringify(GENUINE).slice(1);
      const d = r.depth;
      return ok(`{"msg":{"x":${'['.repeat(d)}${']'.repeat(d)},${inner},"sig":"${sig}","keyId":"issuer:1"}`);
    }
    case 'non-utf8': {
      const b = Buffer.from(genuineBody(), 'utf8');
      const at = b.indexOf('"receiptKey":"') + '"receiptKey":"'.length;
      return ok(Buffer.concat([b.subarray(0, at), Buffer.from(r.bytes), b.subarray(at)]));
    }
    case 'status':
      return { kind: 'http', status: r.status, body: r.body };
    case 'raw':
      return { kind: 'raw', bytes: r.bytes };
    case 'cut':
      return { kind: 'cut', status: 200, body: genuineBody(), sendBytes: r.sendBytes };
    case 'close':
      return { kind: 'close' };
  }
}

const notString = fc.oneof(
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 2 }),
);
const recipe: fc.Arbitrary<Recipe> = fc.oneof(
  fc.record({ t: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({ t: fc.constant('json' as const), value: fc.jsonValue({ maxDepth: 4 }) }),
  fc.record({ t: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    t: fc.constant('field' as const),
    field: fc.constantFrom('type', 'terminalId', 'result'),
    value: fc.oneof(
      notString,
      fc.constant(undefined),
      fc.constantFrom(
        'enrol',
        'enrol.Result',
        'authorize.result',
        'T0000002',
        't0000001',
        'declined',
        'APPROVED',
      ),
    ),
  }),
  fc.record({
    t: fc.constant('receipt-key' as const),
    value: fc.oneof(
      notString,
      fc.string({ maxLength: 120 }),
      fc.uint8Array({ maxLength: 120 }).map((b) => Buffer.from(b).toString('base64')),
      fc.constantFrom(
        wrapReceiptKey(RECEIPT_KEY, 'another-token', TERMINAL), // sealed under another token
        wrapReceiptKey(RECEIPT_KEY, TOKEN, 'T0000002'), // another terminal's
        wrapReceiptKey(fromHex('ff'.repeat(32)), 'another-token', TERMINAL),
      ),
    ),
  }),
  fc.record({
    t: fc.constant('sig' as const),
    sig: fc.oneof(
      fc.constant(undefined),
      notString,
      fc.string({ maxLength: 40 }),
      fc.uint8Array({ minLength: 6, maxLength: 100 }).map((b) => Buffer.from(b).toString('base64')),
      fc.constantFrom('!!!!!!!!!!!!', '========', 'MEUCIQD/////////'),
    ),
  }),
  fc.constant({ t: 'wrong-key' as const }),
  fc.record({ t: fc.constant('deep' as const), depth: fc.constantFrom(100, 100_000) }),
  fc.record({
    t: fc.constant('non-utf8' as const),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 6, min: 0x80, max: 0xff }),
  }),
  fc.record({
    t: fc.constant('status' as const),
    status: fc.integer({ min: 201, max: 599 }),
    body: fc.oneof(fc.string({ maxLength: 60 }), fc.constant(genuineBody())),
  }),
  fc.record({
    t: fc.constant('raw' as const),
    bytes: fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc
        .tuple(
          fc.constantFrom(
            'HTTP/1.1 200 OK',
            'HTTP/1.1 200',
            'HTTP/1.1 999 X',
            'HTTP/1.1 2000 OK',
            'ICY 200 OK',
          ),
          fc.constantFrom('Content-Length: 99999', 'Content-Length: -1', 'Transfer-Encoding: chunked', 'x'),
          fc.string({ maxLength: 60 }),
        )
        .map(([s, h, b]) => `${s}\r\n${h}\r\n\r\n${b}`),
    ),
  }),
  fc.record({ t: fc.constant('cut' as const), sendBytes: fc.nat({ max: 500 }) }),
  fc.constant({ t: 'close' as const }),
);

let server: AnswerServer;

/** enrolTerminal settled: its result or its TillError; any other end fails the case. */
async function enrol(
  timeoutMs = TIMEOUT_MS,
): Promise<{ ok: true; r: EnrolResult } | { ok: false; code: ErrorCode }> {
  let watchdog: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    watchdog = setTimeout(
      () => reject(new Error('enrolTerminal did not end after its deadline')),
      timeoutMs + 5000,
    );
  });
  try {
    const r = await Promise.race([
      enrolTerminal({
        url: server.url,
        terminalId: TERMINAL,
        merchantId: 'M0000001',
        enrolToken: TOKEN,
        keys,
        timeoutMs,
        now: () => new Date('2025-06-01T08:00:00Z'),
        issuerVerifier,
        nonce: NONCE,
      }),
      hang,
    ]);
    return { ok: true, r };
  } catch (e) {
    if (e instanceof TillError) return { ok: false, code: e.code };
    throw new Error(`not a TillError: ${String(e)}`, { cause: e });
  } finally {
    clearTimeout(watchdog);
  }
}

/** What the app does with the key (src/main/app.ts ensureEnrolled): opens, or a CryptoError. */
function openKey(r: EnrolResult): 'genuine' | 'refused' | 'none' {
  if (r.receiptKey === undefined) return 'none';
  try {
    const k = unwrapReceiptKey(r.receiptKey, TOKEN, TERMINAL);
    if (toHex(k) !== toHex(RECEIPT_KEY)) throw new Error(`a receipt key opened to ${toHex(k)}`);
    return 'genuine';
  } catch (e) {
    if (isCryptoError(e)) return 'refused';
    throw e;
  }
}

beforeAll(async () => {
  server = await startAnswerServer();
});
afterAll(async () => {
  await server.close();
});

describe('enrolment answer fuzz (enrolTerminal over loopback HTTP)', () => {
  it('the genuine answer enrols and its receipt key opens', async () => {
    server.plan(() => ({ kind: 'http', status: 200, body: genuineBody() }));
    const out = await enrol();
    expect(out.ok && openKey(out.r)).toBe('genuine');
  });

  it(`${RUNS} fuzzed answers: each ends in the TillError its kind calls for`, async () => {
    const t0 = performance.now();
    const seen: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(recipe, async (r) => {
        server.plan(() => answerFor(r));
        const out = await enrol();
        const want = expected[r.t];
        const key = `${r.t}→${out.ok ? `enrolled/${openKey(out.r)}` : out.code}`;
        seen[key] = (seen[key] ?? 0) + 1;
        if (want === 'receipt-key') {
          // The issuer signed it for this terminal: enrolment stands, a bad key never opens.
          if (!out.ok) throw new Error(`refused: ${out.code}`);
          if (openKey(out.r) === 'genuine') throw new Error('a changed receipt key opened');
          return;
        }
        if (out.ok) throw new Error(`enrolled: ${JSON.stringify(out.r)}`);
        if (want !== 'any' && out.code !== want) throw new Error(`${out.code}, expected ${want}`);
      }),
      { seed: 20250602, numRuns: RUNS },
    );
    console.log(`enrolment answer fuzz: ${RUNS} cases in ${Math.round(performance.now() - t0)} ms`, seen);
    server.plan(() => ({ kind: 'http', status: 200, body: genuineBody() }));
    const after = await enrol();
    expect(after.ok && openKey(after.r)).toBe('genuine');
  });

  it('an answer cut off mid-body, silence and a slow trickle end as ISSUER_UNREACHABLE by the deadline', async () => {
    for (const a of [
      { kind: 'cut', status: 200, body: genuineBody(), sendBytes: 40 } as const,
      { kind: 'silent' } as const,
      { kind: 'trickle', body: genuineBody(), everyMs: 40 } as const,
    ]) {
      server.plan(() => a);
      expect(await enrol(150)).toEqual({ ok: false, code: 'ISSUER_UNREACHABLE' });
    }
  });

  it('a genuine answer to another request (old nonce, another key version or key) is a replay: refused', async () => {
    for (const change of [
      { nonce: 'ffeeddccbbaa99887766554433221100' },
      { keyVersion: 2 },
      { publicKey: toHex(otherImpl.publicKey) },
      { nonce: undefined },
    ]) {
      server.plan(() => ({ kind: 'http', status: 200, body: signedBody({ ...GENUINE, ...change }) }));
      const out = await enrol();
      expect(out.ok ? 'enrolled' : out.code).toBe('ISSUER_BAD_SIGNATURE');
    }
  });

  it('"null" and other JSON that is not an envelope is ISSUER_BAD_SIGNATURE, not a TypeError', async () => {
    for (const body of ['null', '1', '"x"', '[]', '{}', '{"msg":null}']) {
      server.plan(() => ({ kind: 'http', status: 200, body }));
      expect(await enrol()).toEqual({ ok: false, code: 'ISSUER_BAD_SIGNATURE' });
    }
  });

  it(`flipping any single byte of the genuine answer (${FLIP_RUNS} cases) never enrols on different bytes`, async () => {
    const body = Buffer.from(genuineBody(), 'utf8');
    // keyId: the unsigned label (see issuer-link-fuzz.test.ts) — a change there is the genuine answer.
    const label = body.indexOf('"keyId":"') + '"keyId":"'.length;
    const labelEnd = body.indexOf('"', label);
    const t0 = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (pos, xor) => {
        const i = pos % body.length;
        const flipped = Buffer.from(body);
        flipped[i] = flipped[i]! ^ xor;
        server.plan(() => ({ kind: 'http', status: 200, body: flipped }));
        const out = await enrol();
        if (!out.ok && out.code === 'ISSUER_BAD_SIGNATURE') return;
        if (!out.ok) throw new Error(`byte ${i}: ${out.code}`);
        if (i < label || i >= labelEnd) throw new Error(`byte ${i} ^ ${xor} enrolled: ${flipped.toString()}`);
        expect(openKey(out.r)).toBe('genuine');
      }),
      { seed: 4343, numRuns: FLIP_RUNS },
    );
    console.log(
      `enrolment answer byte flips: ${FLIP_RUNS} cases in ${Math.round(performance.now() - t0)} ms`,
    );
  });
});
