/**
 * Fuzz of the issuer's answers as the terminal parses them (src/main/issuer/http-link.ts and
 * envelope.ts): the real HttpIssuerLink against a loopback node:http server that answers fuzzed
 * status lines, headers and bodies. Whatever comes back, `send` ends in a LinkError (link.ts) of
 * the right failure — never an uncaught exception, never a hang past the link's own deadline, never
 * an accepted answer unless it is the issuer's genuine answer to this very request — and never
 * 'not-sent' once the request reached the server (that would skip the reversal, issuer-protocol.md).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpIssuerLink } from '../../src/main/issuer/http-link';
import { signEnvelope, type MessageSigner } from '../../src/main/issuer/envelope';
import { LinkError, type LinkFailure } from '../../src/main/issuer/link';
import { fromHex, sm2PublicKeyFromPrivate, sm2Signer, sm2Verifier } from '../../src/main/crypto';
import { canonicalBytes } from '../../src/shared/canonical-json';
import { ErrorCode } from '../../src/shared/errors';
import { MAX_FEN } from '../../src/shared/money';
import type { IssuerResponse } from '../../src/shared/issuer-protocol';
import { startAnswerServer, type AnswerServer, type PlannedAnswer } from '../helpers/answer-server';

// Fixed test keys (any scalar in [1, n-2]); none of them is used anywhere else.
const ISSUER_KEY = fromHex('3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8');
const OTHER_KEY = fromHex('1649ab77a00637bd5e2efe283fbf353534aa7f7cb89463f208ddbc2920bb0da0');
const TERMINAL_KEY = fromHex('5be1f1c2a0d4e6b8c9a7f3e2d1c0b9a8f7e6d5c4b3a2918070605040302010ff');
const issuerImpl = sm2Signer(ISSUER_KEY);
const otherImpl = sm2Signer(OTHER_KEY);
const terminalImpl = sm2Signer(TERMINAL_KEY);
const issuer: MessageSigner = { keyId: 'issuer:1', sign: (b) => issuerImpl.sign(b) };
const otherIssuer: MessageSigner = { keyId: 'issuer:1', sign: (b) => otherImpl.sign(b) };

/** The issuer key's signature over genuineMsg of request STAN 900001 (made once, fixed). */
const FIXED_SIG =
  'MEUCICL2ey7P+oZk9/wOe9mvanEkQzlJDDUpGGIZlgi5QmUPAiEAqp6kRw/XhGeX5M0bcr3cdt3ATIJv+KS/siGE5yUkEiU=';
const TERMINAL = 'T0000001';
const TIMEOUT_MS = 2000;
const RUNS = 2500;
const FLIP_RUNS = 2000;

type ReqMsg = { type: string; terminalId: string; stan: number; nonce: string };
type Msg = Record<string, unknown>;

let server: AnswerServer;
let link: HttpIssuerLink;
let stan = 1;
const alerts: string[] = [];

function newLink(timeoutMs = TIMEOUT_MS): HttpIssuerLink {
  return new HttpIssuerLink({
    url: server.url,
    signer: { keyId: `terminal:${TERMINAL}:1`, sign: (b) => terminalImpl.sign(b) },
    issuerVerifier: sm2Verifier(sm2PublicKeyFromPrivate(ISSUER_KEY)),
    timeoutMs,
    onAlert: (a) => alerts.push(a),
  });
}

function request(type = 'authorize'): Msg & ReqMsg {
  const n = stan++;
  return {
    type,
    terminalId: TERMINAL,
    merchantId: 'M0000001',
    stan: n,
    time: '2025-06-01T08:00:00.000Z',
    nonce: n.toString(16).padStart(32, '0'),
    ...(type === 'authorize'
      ? { card: { pan: '8888010000000017', entryMode: 'swipe' }, amountFen: 100 }
      : {}),
  };
}

/** The issuer's genuine answer to `req`: what a correct issuer would send. */
function genuineMsg(req: ReqMsg): Msg {
  return {
    type: `${req.type}.result`,
    terminalId: req.terminalId,
    stan: req.stan,
    nonce: req.nonce,
    time: '2025-06-01T08:00:01.000Z',
    result: 'approved',
    balanceFen: 12345,
    authCode: 'A1B2C3',
    cardStatus: 'active',
  };
}
const genuineBody = (req: ReqMsg): string => JSON.stringify(signEnvelope(issuer, genuineMsg(req)));
const sigOf = (signer: MessageSigner, msg: Msg): string => signEnvelope(signer, msg).sig;
/** Signed by the issuer when the message can be signed at all, else the genuine message's signature. */
function resignedBody(req: ReqMsg, msg: Msg): string {
  let sig: string;
  try {
    canonicalBytes(msg);
    sig = sigOf(issuer, msg);
  } catch {
    sig = sigOf(issuer, genuineMsg(req));
  }
  return JSON.stringify({ msg, sig, keyId: 'issuer:1' });
}

// ---- recipes: plain data (fast-check prints them on failure), turned into answers per request ----

type Expect = LinkFailure | 'failure';
type Recipe =
  | { t: 'bytes'; bytes: Uint8Array }
  | { t: 'json'; value: unknown }
  | { t: 'truncate'; at: number }
  | { t: 'field'; field: string; value: unknown }
  | { t: 'sig'; sig: unknown }
  | { t: 'envelope'; env: unknown }
  | { t: 'for-another'; field: 'stan' | 'nonce' | 'terminalId' | 'type'; delta: number; text: string }
  | { t: 'signed-elsewhere'; how: 'wrong-key' | 'declined-signed' | 'previous-answer' | 'no-sig-key' }
  | { t: 'deep'; depth: number; where: 'msg' | 'top' | 'unbalanced' }
  | { t: 'non-utf8'; bytes: Uint8Array }
  | { t: 'bignum'; field: 'stan' | 'balanceFen'; literal: string }
  | { t: 'status'; status: number; body: string }
  | { t: 'raw'; bytes: Uint8Array | string }
  | { t: 'cut'; sendBytes: number }
  | { t: 'close' };

const expected: Record<Recipe['t'], Expect> = {
  bytes: 'bad-signature',
  json: 'bad-signature',
  truncate: 'bad-signature',
  field: 'bad-signature',
  sig: 'bad-signature',
  envelope: 'bad-signature',
  'for-another': 'bad-signature',
  'signed-elsewhere': 'bad-signature',
  deep: 'bad-signature',
  'non-utf8': 'bad-signature',
  bignum: 'bad-signature',
  status: 'rejected',
  raw: 'failure', // not even HTTP: whichever LinkError the HTTP parser's verdict leads to
  cut: 'no-answer',
  close: 'no-answer',
};

function answerFor(r: Recipe, req: ReqMsg): PlannedAnswer {
  const ok = (body: Uint8Array | string): PlannedAnswer => ({ kind: 'http', status: 200, body });
  const g = genuineMsg(req);
  switch (r.t) {
    case 'bytes':
      return ok(r.bytes);
    case 'json':
      return ok(JSON.stringify(r.value) ?? '');
    case 'truncate': {
      const b = genuineBody(req);
      return ok(b.slice(0, r.at % b.length));
    }
    case 'field':
      return ok(resignedBody(req, { ...g, [r.field]: r.value }));
    case 'sig':
      return ok(JSON.stringify({ msg: g, sig: r.sig, keyId: 'issuer:1' }));
    case 'envelope':
      return ok(JSON.stringify(r.env) ?? '');
    case 'for-another': {
      const other: Msg = { ...g };
      if (r.field === 'stan') other.stan = req.stan + (r.delta || 1);
      if (r.field === 'nonce') other.nonce = r.text === req.nonce ? r.text.replace(/^./, 'f') : r.text;
      if (r.field === 'terminalId') other.terminalId = r.text === req.terminalId ? `${r.text}x` : r.text;
      if (r.field === 'type') other.type = r.text === `${req.type}.result` ? req.type : r.text;
      return ok(resignedBody(req, other));
    }
    case 'signed-elsewhere': {
      if (r.how === 'wrong-key') return ok(JSON.stringify(signEnvelope(otherIssuer, g)));
      if (r.how === 'declined-signed') {
        // A genuine issuer signature, over the declined answer; the body says approved.
        const sig = sigOf(issuer, { ...g, result: 'declined', code: 'INSUFFICIENT_BALANCE' });
        return ok(JSON.stringify({ msg: g, sig, keyId: 'issuer:1' }));
      }
      if (r.how === 'previous-answer') {
        // The genuine answer to this terminal's previous request (its STAN and nonce).
        const prev = req.stan - 1;
        return ok(genuineBody({ ...req, stan: prev, nonce: prev.toString(16).padStart(32, '0') }));
      }
      return ok(JSON.stringify({ msg: g }));
    }
    case 'deep': {
      const d = r.depth;
      if (r.where === 'top') return ok('['.repeat(d) + ']'.repeat(d));
      if (r.where === 'unbalanced') return ok(`{"msg":${'{"a":'.repeat(d)}`);
      const sig = sigOf(issuer, g);
      const inner = JSON.stringify(g).slice(1);
      return ok(`{"msg":{"x":${'['.repeat(d)}${']'.repeat(d)},${inner},"sig":"${sig}","keyId":"issuer:1"}`);
    }
    case 'non-utf8': {
      const b = Buffer.from(genuineBody(req), 'utf8');
      const at = b.indexOf('"authCode":"') + '"authCode":"'.length;
      return ok(Buffer.concat([b.subarray(0, at), Buffer.from(r.bytes), b.subarray(at)]));
    }
    case 'bignum':
      return ok(genuineBody(req).replace(new RegExp(`"${r.field}":\\d+`), `"${r.field}":${r.literal}`));
    case 'status':
      return {
        kind: 'http',
        status: r.status,
        headers: { 'content-type': 'application/json' },
        body: r.body,
      };
    case 'raw':
      return { kind: 'raw', bytes: r.bytes };
    case 'cut':
      return { kind: 'cut', status: 200, body: genuineBody(req), sendBytes: r.sendBytes };
    case 'close':
      return { kind: 'close' };
  }
}

const notString = fc.oneof(
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 3 }),
);
const notFen = fc.oneof(
  fc.integer({ max: -1 }),
  fc.integer({ min: MAX_FEN + 1, max: Number.MAX_SAFE_INTEGER }),
  fc.double({ noInteger: true }),
  fc.constantFrom(1e308, Number.MAX_VALUE, 2 ** 64),
  fc.string({ maxLength: 12 }),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.nat(), { maxLength: 3 }),
);
const notStan = fc.oneof(
  fc.integer({ max: 0 }),
  fc.double({ noInteger: true }),
  fc.constantFrom(2 ** 60, 1e308),
  fc.string({ maxLength: 8 }),
  fc.constant(null),
  fc.constant([]),
);
const codes = new Set<string>(ErrorCode.options);
const badField = fc.oneof(
  fc.record({ field: fc.constant('balanceFen'), value: notFen }),
  fc.record({
    field: fc.constant('result'),
    value: fc.oneof(
      fc.string().filter((s) => s !== 'approved' && s !== 'declined'),
      fc.constantFrom('APPROVED', 'approved ', ' approved', 'approve', 'ok'),
      fc.integer(),
      fc.constant(null),
      fc.constant(true),
    ),
  }),
  fc.record({
    field: fc.constant('code'),
    value: fc.oneof(
      fc.string().filter((s) => !codes.has(s)),
      fc.integer(),
      fc.constant(null),
    ),
  }),
  fc.record({
    field: fc.constant('orig'),
    value: fc.oneof(
      fc.string(),
      fc.constant({ found: 'yes' }),
      fc.record({ found: fc.boolean(), amountFen: notFen }),
      fc.record({ found: fc.boolean(), result: fc.constantFrom('ok', 'APPROVED', '') }),
      fc.constant([]),
      fc.constant(null),
    ),
  }),
  fc.record({
    field: fc.constantFrom('time', 'type', 'terminalId', 'nonce', 'authCode', 'cardStatus'),
    value: notString,
  }),
  fc.record({ field: fc.constant('stan'), value: notStan }),
  fc.record({
    field: fc.constantFrom('type', 'terminalId', 'stan', 'nonce', 'time', 'result'),
    value: fc.constant(undefined), // JSON.stringify drops it: a required field is missing
  }),
);

const garbageHttp = fc
  .record({
    status: fc.oneof(
      fc.constantFrom(
        'HTTP/1.1 200 OK',
        'HTTP/1.0 200 OK',
        'HTTP/1.1 200',
        'HTTP/1.1 999 X',
        'HTTP/9.9 200 OK',
      ),
      fc.constantFrom('HTTP/1.1 2000 OK', 'HTTP/1.1 -1 X', 'HTTP/1.1 20 OK', 'http/1.1 200 ok', 'ICY 200 OK'),
      fc.constantFrom('HTTP/1.1 200 OK\n', 'HTTP/1.1 302 Found', 'HTTP/1.1 500 Internal Server Error'),
    ),
    headers: fc.array(
      fc.oneof(
        fc.constantFrom(
          'Content-Length: 10',
          'Content-Length: 99999',
          'Content-Length: -1',
          'Content-Length: 1e3',
          'Content-Length: 5, 6',
          'Content-Length: 0',
          'Transfer-Encoding: chunked',
          'Transfer-Encoding: gzip, chunked',
          'Content-Encoding: gzip',
          'Content-Type: application/json',
          'Connection: keep-alive',
          'Connection: close',
          'Set-Cookie: a=b',
          ': empty name',
          'No colon here',
          'X-Nul: a\u0000b',
          ' folded: line',
          'Content-Type: text/html; charset=gb2312',
        ),
        fc
          .tuple(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ maxLength: 30 }))
          .map(([k, v]) => `${k}: ${v}`),
      ),
      { maxLength: 5 },
    ),
    sep: fc.constantFrom('\r\n', '\n', '\r'),
    body: fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom(
        '5\r\nhello\r\n0\r\n\r\n',
        'zz\r\nxx\r\n',
        'ffffffffffffffff\r\n',
        '{"msg":{}}',
        'null',
      ),
    ),
  })
  .map(({ status, headers, sep, body }) => [status, ...headers, '', body].join(sep));

const recipe: fc.Arbitrary<Recipe> = fc.oneof(
  fc.record({ t: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({ t: fc.constant('json' as const), value: fc.jsonValue({ maxDepth: 4 }) }),
  fc.record({ t: fc.constant('truncate' as const), at: fc.nat() }),
  badField.map((f) => ({ t: 'field' as const, ...f })),
  fc.record({
    t: fc.constant('sig' as const),
    sig: fc.oneof(
      fc.constant(undefined),
      fc.integer(),
      fc.constant(null),
      fc.string({ maxLength: 20 }),
      fc.string({ minLength: 201, maxLength: 400 }),
      fc.uint8Array({ minLength: 6, maxLength: 100 }).map((b) => Buffer.from(b).toString('base64')),
      fc.uint8Array({ minLength: 6, maxLength: 80 }).map((b) => Buffer.from(b).toString('hex')),
      fc.constantFrom('!!!!!!!!!!!!', '========', 'MEUCIQD/////////', '%%%%%%%%%%%%%%%%%%%%'),
    ),
  }),
  fc.record({
    t: fc.constant('envelope' as const),
    env: fc.oneof(
      fc.record({ msg: fc.oneof(fc.array(fc.integer()), fc.string(), fc.integer(), fc.constant(null)) }),
      fc.record({ msg: fc.constant({}), sig: fc.string({ minLength: 8 }), keyId: notString }),
      fc.jsonValue({ maxDepth: 2 }).map((v) => [v]),
      fc.constantFrom(null, 0, '', 'approved', true, []),
    ),
  }),
  fc.record({
    t: fc.constant('for-another' as const),
    field: fc.constantFrom('stan' as const, 'nonce' as const, 'terminalId' as const, 'type' as const),
    delta: fc.integer({ min: -1000, max: 1000 }),
    text: fc.oneof(
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 }),
      fc.constantFrom('T0000002', 't0000001', 'T0000001 ', 'authorize', 'echo.result', 'inquiry.result'),
      fc.constantFrom('authorize.result', 'authorize.Result', 'status.result', 'reverse.result', ''),
    ),
  }),
  fc.record({
    t: fc.constant('signed-elsewhere' as const),
    how: fc.constantFrom(
      'wrong-key' as const,
      'declined-signed' as const,
      'previous-answer' as const,
      'no-sig-key' as const,
    ),
  }),
  fc.record({
    t: fc.constant('deep' as const),
    depth: fc.constantFrom(2, 100, 5_000, 100_000),
    where: fc.constantFrom('msg' as const, 'top' as const, 'unbalanced' as const),
  }),
  fc.record({
    t: fc.constant('non-utf8' as const),
    bytes: fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 6, min: 0x80, max: 0xff }),
      fc.constantFrom(
        Uint8Array.of(0xc0, 0x80), // overlong NUL
        Uint8Array.of(0xed, 0xa0, 0x80), // a UTF-16 surrogate in UTF-8
        Uint8Array.of(0xf4, 0x90, 0x80, 0x80), // past U+10FFFF
        Uint8Array.of(0xe2, 0x82), // cut short
      ),
    ),
  }),
  fc.record({
    t: fc.constant('bignum' as const),
    field: fc.constantFrom('stan' as const, 'balanceFen' as const),
    literal: fc.constantFrom(
      '1e400',
      '-1e400',
      '123456789012345678901234567890',
      '9007199254740993',
      '99999999999',
      '-5',
      '0.5',
      '1e-400',
      `${'9'.repeat(400)}`,
    ),
  }),
  fc.record({
    t: fc.constant('status' as const),
    status: fc.integer({ min: 201, max: 599 }),
    body: fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('{"error":"BAD_REQUEST"}', '')),
  }),
  fc.record({
    t: fc.constant('raw' as const),
    bytes: fc.oneof(fc.uint8Array({ maxLength: 200 }), garbageHttp),
  }),
  fc.record({ t: fc.constant('cut' as const), sendBytes: fc.nat({ max: 400 }) }),
  fc.constant({ t: 'close' as const }),
);

/** send() settled: the response, or the LinkError. Anything else, or no end, fails the case. */
async function settle(l: HttpIssuerLink, msg: Msg & ReqMsg, timeoutMs: number) {
  let watchdog: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    watchdog = setTimeout(() => reject(new Error('send() did not end after its deadline')), timeoutMs + 5000);
  });
  try {
    const r = await Promise.race([l.send(msg), hang]);
    return { ok: true as const, r };
  } catch (e) {
    if (e instanceof LinkError) return { ok: false as const, failure: e.failure };
    throw new Error(`not a LinkError: ${String(e)}`, { cause: e });
  } finally {
    clearTimeout(watchdog);
  }
}

beforeAll(async () => {
  server = await startAnswerServer();
  link = newLink();
});
afterAll(async () => {
  link.close();
  await server.close();
});

describe('issuer answer fuzz (HttpIssuerLink over loopback HTTP)', () => {
  it('the genuine answer is accepted (the harness can tell)', async () => {
    server.plan(({ envelope }) => ({
      kind: 'http',
      status: 200,
      body: genuineBody((envelope as { msg: ReqMsg }).msg),
    }));
    const req = request();
    const out = await settle(link, req, TIMEOUT_MS);
    expect(out).toEqual({ ok: true, r: genuineMsg(req) });
  });

  it(`${RUNS} fuzzed answers: each ends in the LinkError its kind calls for; then a genuine answer still gets through`, async () => {
    const t0 = performance.now();
    const before = server.received;
    const seen: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(recipe, fc.constantFrom('authorize', 'inquiry', 'status', 'echo'), async (r, type) => {
        server.plan(({ envelope }) => answerFor(r, (envelope as { msg: ReqMsg }).msg));
        const received = server.received;
        const out = await settle(link, request(type), TIMEOUT_MS);
        if (out.ok) throw new Error(`accepted: ${JSON.stringify(out.r)}`);
        seen[`${r.t}→${out.failure}`] = (seen[`${r.t}→${out.failure}`] ?? 0) + 1;
        if (server.received > received && out.failure === 'not-sent')
          throw new Error('the issuer got the request but the link says not-sent');
        const want = expected[r.t];
        if (want !== 'failure' && out.failure !== want) throw new Error(`${out.failure}, expected ${want}`);
      }),
      { seed: 20250601, numRuns: RUNS },
    );
    console.log(
      `issuer answer fuzz: ${RUNS} cases, ${server.received - before} requests in ${Math.round(performance.now() - t0)} ms`,
      seen,
    );
    // The link still works after the storm (no poisoned keep-alive socket, no stuck state).
    server.plan(({ envelope }) => ({
      kind: 'http',
      status: 200,
      body: genuineBody((envelope as { msg: ReqMsg }).msg),
    }));
    const req = request();
    expect(await settle(link, req, TIMEOUT_MS)).toEqual({ ok: true, r: genuineMsg(req) });
    expect(alerts.length).toBeGreaterThan(0);
  });

  it('an answer for an earlier request of this terminal, correctly signed, is refused', async () => {
    const first = request();
    server.plan(({ envelope }) => ({
      kind: 'http',
      status: 200,
      body: genuineBody((envelope as { msg: ReqMsg }).msg),
    }));
    expect((await settle(link, first, TIMEOUT_MS)).ok).toBe(true);
    const replay = genuineBody(first);
    server.plan(() => ({ kind: 'http', status: 200, body: replay }));
    expect(await settle(link, request(), TIMEOUT_MS)).toEqual({ ok: false, failure: 'bad-signature' });
  });

  it('an answer larger than the cap is dropped unread: no-answer (the issuer had the request)', async () => {
    const small = new HttpIssuerLink({
      url: server.url,
      signer: { keyId: `terminal:${TERMINAL}:1`, sign: (b) => terminalImpl.sign(b) },
      issuerVerifier: sm2Verifier(sm2PublicKeyFromPrivate(ISSUER_KEY)),
      timeoutMs: TIMEOUT_MS,
      maxAnswerBytes: 4096,
    });
    try {
      server.plan(() => ({ kind: 'http', status: 200, body: `{"pad":"${'x'.repeat(100_000)}"}` }));
      expect(await settle(small, request(), TIMEOUT_MS)).toEqual({ ok: false, failure: 'no-answer' });
      // Under the cap the same link still takes a genuine answer.
      const m = request();
      server.plan(() => ({ kind: 'http', status: 200, body: genuineBody(m) }));
      expect(await settle(small, m, TIMEOUT_MS)).toMatchObject({ ok: true });
    } finally {
      small.close();
    }
  });

  it('silence, and a trickle slower than the deadline, end as no-answer by the link’s own deadline', async () => {
    const quick = newLink(150);
    try {
      for (const a of [
        { kind: 'silent' } as const,
        { kind: 'trickle', body: genuineBody(request()), everyMs: 40 } as const,
      ]) {
        server.plan(() => a);
        expect(await settle(quick, request(), 150)).toEqual({ ok: false, failure: 'no-answer' });
      }
    } finally {
      quick.close();
    }
  });

  it(`flipping any single byte of a correctly signed answer (${FLIP_RUNS} cases) never gets a different answer accepted`, async () => {
    // A fixed genuine answer (issuer key above, one signature made once) so every run flips the
    // same bytes; its base64 has '+', '/' and one '=' of padding.
    const req = { ...request(), stan: 900001, nonce: (900001).toString(16).padStart(32, '0') };
    const env = { msg: genuineMsg(req), sig: FIXED_SIG, keyId: 'issuer:1' };
    const body = Buffer.from(JSON.stringify(env), 'utf8');
    server.plan(() => ({ kind: 'http', status: 200, body }));
    expect(await settle(link, req, TIMEOUT_MS)).toEqual({ ok: true, r: genuineMsg(req) });
    // keyId is a label outside the signature: the link checks the one configured issuer key, so a
    // changed label over the genuine signed bytes is the genuine answer (asserted below).
    const label = body.indexOf('"keyId":"') + '"keyId":"'.length;
    const labelEnd = body.indexOf('"', label);
    const t0 = performance.now();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (pos, xor) => {
        const i = pos % body.length;
        const flipped = Buffer.from(body);
        flipped[i] = flipped[i]! ^ xor;
        server.plan(() => ({ kind: 'http', status: 200, body: flipped }));
        const out = await settle(link, req, TIMEOUT_MS);
        if (!out.ok) {
          if (out.failure !== 'bad-signature') throw new Error(`byte ${i}: ${out.failure}`);
          return;
        }
        if (i < label || i >= labelEnd) throw new Error(`byte ${i} ^ ${xor} accepted: ${flipped.toString()}`);
        accepted++;
        expect(out.r).toEqual(genuineMsg(req) as IssuerResponse);
      }),
      { seed: 4242, numRuns: FLIP_RUNS },
    );
    console.log(
      `issuer answer byte flips: ${FLIP_RUNS} cases in ${Math.round(performance.now() - t0)} ms, ${accepted} in the keyId label (genuine answer)`,
    );
  });
});
