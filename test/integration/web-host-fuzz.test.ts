/**
 * Fuzz of the loopback web host's request parsing (src/main/hosts/web-host.ts) on the real app
 * (test/helpers/app.ts: issuer-sim over HTTP, SQLite): fuzzed bodies of POST /api/v1/<method> with
 * the right token, raw request lines and paths, and WebSocket frames. Every answer is a typed
 * error of the contract (never INTERNAL, never a crash), the host keeps serving — a valid sale
 * after the storm goes through — and nothing is written meanwhile (txns, journal, reversals,
 * operators row counts unchanged).
 */
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { startWebHost, type WebHost } from '../../src/main/hosts/web-host';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { methods } from '../../src/shared/contract';
import { ErrorCode } from '../../src/shared/errors';

const HTTP_RUNS = 2000;
const RAW_RUNS = 400;
const WS_RUNS = 1500;
const AUTH_RUNS = 200;

let t: TestApp;
let host: WebHost;
let agent: http.Agent;
const CODES = new Set<string>(ErrorCode.options);
/** web-host.ts statusFor: the HTTP status each error code travels with. */
const STATUS: Record<string, number> = {
  BAD_REQUEST: 400,
  UNKNOWN_METHOD: 404,
  NOT_SIGNED_IN: 401,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
};

function post(pathname: string, body: Uint8Array | string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const buf = Buffer.from(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port: host.port,
        path: pathname,
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${host.token}`, 'content-length': String(buf.length), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(buf);
  });
}

/** Raw bytes to the host's port; what came back before the host closed (or 3 s passed). */
function raw(bytes: string | Uint8Array): Promise<string> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const s = net.connect(host.port, '127.0.0.1', () => s.end(bytes));
    const done = () => {
      clearTimeout(timer);
      resolve(Buffer.concat(out).toString('latin1'));
    };
    const timer = setTimeout(() => {
      s.destroy();
      done();
    }, 3000);
    s.on('data', (d: Buffer) => out.push(d));
    s.on('close', done);
    s.on('error', () => {});
  });
}

function rowCounts(): Record<string, number> {
  const n = (table: string) =>
    (t.app.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { txns: n('txns'), journal: n('journal'), reversals: n('reversals'), operators: n('operators') };
}

/** A typed error of the contract with the status web-host.ts gives it; ok:true only where allowed. */
function checkAnswer(method: string, r: { status: number; body: string }, okAllowed: boolean): string {
  let parsed: { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  try {
    parsed = JSON.parse(r.body);
  } catch {
    throw new Error(`${method}: HTTP ${r.status}, not JSON: ${r.body.slice(0, 200)}`);
  }
  if (parsed.ok === true) {
    if (!okAllowed || r.status !== 200) throw new Error(`${method} succeeded: ${r.body.slice(0, 200)}`);
    return 'ok';
  }
  const code = parsed.error?.code;
  if (
    parsed.ok !== false ||
    typeof code !== 'string' ||
    !CODES.has(code) ||
    typeof parsed.error?.message !== 'string'
  )
    throw new Error(`${method}: not a typed error: HTTP ${r.status} ${r.body.slice(0, 200)}`);
  if (code === 'INTERNAL') throw new Error(`${method}: INTERNAL`);
  if (r.status !== (STATUS[code] ?? 200) && !(r.status === 413 && code === 'BAD_REQUEST'))
    throw new Error(`${method}: ${code} came with HTTP ${r.status}`);
  return code;
}

/** fast-check prints a failing case; bodies of 500 KB would bury the report, so print a summary. */
function printable<T extends object>(v: T): T {
  return Object.assign(v, {
    [fc.toStringMethod]: () => {
      const json = JSON.stringify(v, (_k, x: unknown) =>
        x instanceof Uint8Array ? `<${x.length} bytes>` : x,
      );
      return json.length > 400 ? `${json.slice(0, 300)}… (${json.length} chars)` : json;
    },
  });
}

// ---- bodies ----

const OVERRIDE = { operatorId: '9999', pin: '0000' }; // nobody: a fuzzed override never locks a real manager
/** Valid-looking params of methods that write; the card token is nobody's, so none can succeed. */
const TEMPLATES: Record<string, Record<string, unknown>> = {
  'sale.authorize': { cardToken: 'ct_nobody', amountFen: 1250, otherTenderFen: 0 },
  'balance.inquiry': { cardToken: 'ct_nobody' },
  'txn.void': { origStan: 999999, override: OVERRIDE },
  'txn.refund': { origStan: 999999, amountFen: 100, override: OVERRIDE },
  'shift.count': { countedFen: -1, denominations: [{ valueFen: 10000, count: 1 }] },
  'receipt.get': { stan: 999999 },
  'dispute.verifyReceipt': { text: 'CTR1AAAA' },
  'auth.signIn': { operatorId: '9999', pin: '1234' },
};
/** Methods that move money, open/close shifts or change operators: a fuzzed call must never succeed.
 * Any other method may happen to get valid params ({} for session.info) and answer ok. */
const WRITES = new Set([
  'sale.authorize',
  'sale.collect',
  'balance.inquiry',
  'txn.void',
  'txn.refund',
  'shift.open',
  'shift.count',
  'shift.close',
  'shift.settle',
  'shift.acknowledge',
  'operators.add',
  'operators.resetPin',
  'operators.setDisabled',
  'queue.ackException',
  'auth.signIn',
]);
// Excluded from random params: valid {} or a lucky shape would sign out, cut the link, simulate a
// swipe or change a device — state changes the later cases would trip over, not parsing.
const EXCLUDED = new Set([
  'auth.signOut',
  'link.set',
  'devices.simulate',
  'tech.setDevice',
  'sale.collect',
  'queue.forward',
]);
const METHODS = Object.keys(methods).filter((m) => !EXCLUDED.has(m));

const weird = fc.oneof(
  fc.constantFrom(1e308, -1e308, 2 ** 64, 2 ** 53 + 1, -1, -0, 0.5, 1e-300, 9_999_999_999, 10_000_000_000),
  fc.constantFrom('', ' ', '\u0000', '🙂', '\uFEFF', 'x'.repeat(70_000), '1250', '1e3', 'null', 'true'),
  fc.constantFrom(null, true, false, [], {}, [[[[[]]]]], { __proto__: 1 }, { constructor: 'x' }),
  fc.jsonValue({ maxDepth: 3 }),
);

const body: fc.Arbitrary<{ method: string; text: Uint8Array | string; label: string }> = fc
  .oneof(
    fc.record({
      method: fc.constantFrom(...METHODS),
      text: fc.uint8Array({ maxLength: 2000 }),
      label: fc.constant('bytes'),
    }),
    fc.record({
      method: fc.constantFrom(...METHODS),
      text: fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)),
      label: fc.constant('json'),
    }),
    fc
      .record({
        method: fc.constantFrom(...Object.keys(TEMPLATES)),
        key: fc.oneof(fc.nat(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra')),
        value: weird,
      })
      .map(({ method, key, value }) => {
        const tpl: Record<string, unknown> = { ...TEMPLATES[method] };
        const keys = Object.keys(tpl);
        const k = typeof key === 'number' ? keys[key % keys.length]! : key;
        const text =
          JSON.stringify(tpl).replace(/}$/, '') +
          `${keys.length ? ',' : ''}${JSON.stringify(k)}:${JSON.stringify(value) ?? 'null'}}`;
        return { method, text, label: 'field' };
      }),
    fc.record({ method: fc.constantFrom(...Object.keys(TEMPLATES)), at: fc.nat() }).map(({ method, at }) => {
      const s = JSON.stringify(TEMPLATES[method]);
      return { method, text: s.slice(0, 1 + (at % (s.length - 1))), label: 'truncated' };
    }),
    fc
      .record({
        method: fc.constantFrom(...Object.keys(TEMPLATES)),
        depth: fc.constantFrom(10, 1000, 100_000),
        open: fc.constantFrom('[', '{"a":'),
        closed: fc.boolean(),
      })
      .map(({ method, depth, open, closed }) => ({
        method,
        text: open.repeat(depth) + (closed ? (open === '[' ? ']' : '1}').repeat(depth) : ''),
        label: 'deep',
      })),
    fc
      .record({
        method: fc.constantFrom(...Object.keys(TEMPLATES)),
        prefix: fc.constantFrom('\uFEFF', '\u0000', ' \n\t', 'garbage'),
        suffix: fc.constantFrom('', ' trailing', '\u0000', '}'),
      })
      .map(({ method, prefix, suffix }) => ({
        method,
        text: `${prefix}${JSON.stringify(TEMPLATES[method])}${suffix}`,
        label: 'framed',
      })),
    fc.record({
      method: fc.oneof(
        fc.stringMatching(/^[a-zA-Z.]{1,40}$/),
        fc.constantFrom('constructor', 'toString', '__proto__', 'hasOwnProperty'),
      ),
      text: fc.constant('{}'),
      label: fc.constant('method'),
    }),
  )
  .map(printable);

// ---- raw requests (request line, path, headers) ----

const rawRequest = fc
  .record({
    verb: fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'OPTIONS', 'BREW', 'get'),
    target: fc.oneof(
      fc.constantFrom(
        '/%',
        '/%E0%A4%A',
        '/%00',
        '/..%2f..%2fetc%2fpasswd',
        '/%2e%2e/%2e%2e/etc/passwd',
        '//x:y',
        '//x:99999/api/v1/session.info',
      ),
      fc.constantFrom(
        '/api/v1/%',
        '/api/v1/session.info%',
        '/api/v1/session.info?x=%',
        '/api/v1/',
        '/api//v1/session.info',
        '*',
        'http://evil/',
        '/ws',
      ),
      fc.constantFrom(
        '/assets/%ff',
        '/index.html%00.js',
        '/\\..\\..\\',
        '/api/v1/session.info/..',
        '/api/v1/a.b.c.d.e.f.g',
        '/' + 'a'.repeat(9000),
      ),
      fc
        .string({ unit: fc.constantFrom(..."/%.:?#@[]!$&'()*+,;=abzAZ09~-_"), maxLength: 60 })
        .map((s) => `/${s}`),
      fc.constantFrom('/api/v1/session.info', '/api/v1/sale.authorize'),
    ),
    version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x', ''),
    headers: fc.array(
      fc.constantFrom(
        'Content-Length: 5',
        'Content-Length: -1',
        'Content-Length: 99999999999999999999',
        'Transfer-Encoding: chunked',
        'Transfer-Encoding: chunked, identity',
        'Origin: null',
        'Origin: http://evil.example',
        'Content-Type: text/plain',
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: x',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Protocol: cardtill.v1, token.',
        'Expect: 100-continue',
        'X: \u0001',
      ),
      { maxLength: 4 },
    ),
    body: fc.oneof(
      fc.constantFrom('', '{}', '{"x":', '5\r\nhello\r\n0\r\n\r\n', 'zz\r\n'),
      fc.string({ maxLength: 40 }),
    ),
  })
  .map(({ verb, target, version, headers, body }) =>
    [
      `${verb} ${target} ${version}`.trimEnd(),
      `Host: 127.0.0.1:${host.port}`,
      `Authorization: Bearer ${host.token}`,
      ...headers,
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );

// ---- WebSocket frames ----

const frame = fc
  .oneof(
    fc.record({ kind: fc.constant('text' as const), data: fc.string({ unit: 'binary', maxLength: 300 }) }),
    fc.record({ kind: fc.constant('binary' as const), data: fc.uint8Array({ maxLength: 300 }) }),
    fc.record({
      kind: fc.constant('text' as const),
      data: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    }),
    fc
      .record({
        id: fc.oneof(fc.constant('ID'), weird),
        method: fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 20 }), weird),
        params: fc.oneof(weird, fc.constantFrom(...Object.values(TEMPLATES))),
      })
      .map((w) => ({ kind: 'wire' as const, ...w })),
    fc.record({
      kind: fc.constant('text' as const),
      data: fc.constantFrom(
        '[',
        '{"id":1,"method":"session.info","params":',
        '\uFEFF{}',
        '{"id":1e400,"method":"x"}',
        '[1,2,3]',
      ),
    }),
  )
  .map(printable);

beforeAll(async () => {
  t = await startTestApp();
  host = await startWebHost(t.app, { port: 0, staticDir: path.resolve('dist/renderer') });
  agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  // Signed in as the manager, so the parsing behind the role check is reached for every method.
  expect(
    JSON.parse((await post('/api/v1/auth.signIn', JSON.stringify({ operatorId: '2001', pin: '8888' }))).body)
      .ok,
  ).toBe(true);
});
afterAll(async () => {
  agent?.destroy();
  await host?.close();
  await t?.close();
});

describe('web host request fuzz', () => {
  it(`${HTTP_RUNS} fuzzed API bodies: typed errors with their HTTP status, nothing written`, async () => {
    const before = rowCounts();
    const t0 = performance.now();
    const seen: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(body, async ({ method, text, label }) => {
        const r = await post(`/api/v1/${method}`, text);
        const code = checkAnswer(method, r, !WRITES.has(method));
        seen[`${label}→${code}`] = (seen[`${label}→${code}`] ?? 0) + 1;
      }),
      { seed: 20250610, numRuns: HTTP_RUNS },
    );
    console.log(`web host API bodies: ${HTTP_RUNS} cases in ${Math.round(performance.now() - t0)} ms`, seen);
    expect(rowCounts()).toEqual(before);
    expect(seen['bytes→BAD_REQUEST']).toBeGreaterThan(0);
  });

  it('a body over the 256 KiB limit gets a typed BAD_REQUEST, and the next call is served', async () => {
    const before = rowCounts();
    const big = JSON.stringify({ cardToken: 'x'.repeat(300 * 1024), amountFen: 1 });
    const r = await post('/api/v1/sale.authorize', big);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    // Just under the limit: parsed, refused by the schema.
    const under = await post(
      '/api/v1/sale.authorize',
      JSON.stringify({ cardToken: 'x'.repeat(200 * 1024), amountFen: 1 }),
    );
    expect(JSON.parse(under.body)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(JSON.parse((await post('/api/v1/session.info', '{}')).body).ok).toBe(true);
    expect(rowCounts()).toEqual(before);
  });

  it(`${RAW_RUNS} raw requests (odd paths, verbs, versions, headers): the host answers or closes, never crashes`, async () => {
    const before = rowCounts();
    const t0 = performance.now();
    await fc.assert(
      fc.asyncProperty(rawRequest, async (req) => {
        const out = await raw(req);
        // Our own answers are typed JSON; Node's parser may refuse first (400, no JSON) or close.
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(out);
        if (m && m[1] === '500') throw new Error(`500 for ${JSON.stringify(req)}`);
      }),
      { seed: 20250611, numRuns: RAW_RUNS },
    );
    console.log(`web host raw requests: ${RAW_RUNS} cases in ${Math.round(performance.now() - t0)} ms`);
    expect(rowCounts()).toEqual(before);
    expect(JSON.parse((await post('/api/v1/session.info', '{}')).body).ok).toBe(true);
  });

  it('a malformed path is a typed 400, not a crash (GET /%E0, //x:y, WebSocket upgrade on //x:y)', async () => {
    const H = `Host: 127.0.0.1:${host.port}\r\nConnection: close\r\n`;
    for (const target of ['/%E0', '//x:y', '/%']) {
      const out = await raw(`GET ${target} HTTP/1.1\r\n${H}\r\n`);
      expect(out).toMatch(/^HTTP\/1\.1 400 /);
      expect(out).toContain('"code":"BAD_REQUEST"');
    }
    const api = await raw(
      `POST //x:99999/api/v1/session.info HTTP/1.1\r\n${H}Authorization: Bearer ${host.token}\r\nContent-Length: 2\r\n\r\n{}`,
    );
    expect(api).toMatch(/^HTTP\/1\.1 400 /);
    const up = await raw(
      `GET //x:y HTTP/1.1\r\n${H.replace('Connection: close', 'Connection: Upgrade')}Upgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: cardtill.v1, token.${host.token}\r\n\r\n`,
    );
    expect(up).toMatch(/^HTTP\/1\.1 40[01] /);
    expect(JSON.parse((await post('/api/v1/session.info', '{}')).body).ok).toBe(true);
  });

  it(`${AUTH_RUNS} fuzzed Authorization headers and ${AUTH_RUNS} WebSocket subprotocols with non-ASCII bytes: 401 or 400, never a crash`, async () => {
    const before = rowCounts();
    const H = `Host: 127.0.0.1:${host.port}\r\nConnection: close\r\n`;
    // Bytes a header value may carry (no CR/LF, no NUL), often exactly the token's 48 bytes long:
    // 0xE9 ×48 once ended the app (string length compared, UTF-8 bytes given to timingSafeEqual).
    const tokenLike = fc.oneof(
      fc.uint8Array({ minLength: 48, maxLength: 48, min: 0x21, max: 0xff }),
      fc.uint8Array({ minLength: 1, maxLength: 120, min: 0x21, max: 0xff }),
      fc.record({ at: fc.nat(47), byte: fc.integer({ min: 0x80, max: 0xff }) }).map(({ at, byte }) => {
        const b = Buffer.from(host.token, 'latin1');
        b[at] = byte;
        return new Uint8Array(b);
      }),
      fc.constant(new Uint8Array(48).fill(0xe9)),
    );
    const status = (out: string) => /^HTTP\/1\.1 (\d{3})/.exec(out)?.[1];
    await fc.assert(
      fc.asyncProperty(tokenLike, async (bytes) => {
        const out = await raw(
          Buffer.concat([
            Buffer.from(
              `POST /api/v1/session.info HTTP/1.1\r\n${H}Content-Length: 2\r\nAuthorization: Bearer `,
            ),
            bytes,
            Buffer.from('\r\n\r\n{}'),
          ]),
        );
        expect(['401', '400']).toContain(status(out));
        const up = await raw(
          Buffer.concat([
            Buffer.from(
              `GET /ws HTTP/1.1\r\n${H.replace('Connection: close', 'Connection: Upgrade')}Upgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: cardtill.v1, token.`,
            ),
            bytes,
            Buffer.from('\r\n\r\n'),
          ]),
        );
        expect(['401', '400']).toContain(status(up));
      }),
      { seed: 20261201, numRuns: AUTH_RUNS },
    );
    expect(JSON.parse((await post('/api/v1/session.info', '{}')).body).ok).toBe(true);
    expect(rowCounts()).toEqual(before);
  });

  it(`${WS_RUNS} fuzzed WebSocket frames: one typed answer each, the socket stays open, nothing written`, async () => {
    const before = rowCounts();
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, ['cardtill.v1', `token.${host.token}`]);
    const answers: Array<Record<string, unknown>> = [];
    let waiter: (() => void) | undefined;
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as Record<string, unknown>;
      if ('event' in m) return; // pushed events are not answers
      answers.push(m);
      waiter?.();
    });
    let closed = false;
    ws.on('close', () => (closed = true));
    await new Promise((r) => ws.once('open', r));
    const t0 = performance.now();
    let nextId = 1;
    const seen: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(frame, async (f) => {
        const id = nextId++;
        let method = '(frame)';
        let okAllowed = false;
        if (f.kind === 'wire') {
          const msg: Record<string, unknown> = {
            id: f.id === 'ID' ? id : f.id,
            method: f.method,
            params: f.params,
          };
          method = String(f.method);
          okAllowed = typeof f.method === 'string' && !WRITES.has(f.method);
          ws.send(JSON.stringify(msg));
        } else ws.send(f.data, { binary: f.kind === 'binary' });
        const got = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5000);
          waiter = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        await got;
        const a = answers.shift()!;
        const r = { status: 200, body: JSON.stringify(a) };
        if (a.ok === false) r.status = STATUS[(a.error as { code: string }).code] ?? 200;
        // A frame the host cannot read is answered with id -1; a readable one echoes its id.
        const code = checkAnswer(method, r, okAllowed);
        if (a.id !== -1 && !(f.kind === 'wire' && a.id === (f.id === 'ID' ? id : f.id)))
          throw new Error(`answer id ${String(a.id)} for ${JSON.stringify(f).slice(0, 200)}`);
        seen[`${f.kind}→${code}`] = (seen[`${f.kind}→${code}`] ?? 0) + 1;
        if (closed) throw new Error('the host closed the socket');
      }),
      { seed: 20250612, numRuns: WS_RUNS },
    );
    console.log(
      `web host WebSocket frames: ${WS_RUNS} cases in ${Math.round(performance.now() - t0)} ms`,
      seen,
    );
    // Still the same socket, still served.
    ws.send(JSON.stringify({ id: 424242, method: 'session.info', params: {} }));
    await new Promise<void>((resolve) => (waiter = resolve));
    expect(answers.shift()).toMatchObject({ id: 424242, ok: true });
    ws.close();
    expect(rowCounts()).toEqual(before);
  });

  it('raw bytes injected into a WebSocket (broken frames, oversize) close that socket only; a new one is served', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 64 }),
          fc.constantFrom(
            Uint8Array.of(0x81, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f), // unmasked client frame (RFC 6455 §5.1)
            Uint8Array.of(0x83, 0x80, 0, 0, 0, 0), // reserved opcode 3
            Uint8Array.of(0xf1, 0x80, 0, 0, 0, 0), // RSV bits set
            Uint8Array.of(0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0), // 2^63-byte payload
            Uint8Array.of(0x81, 0x82, 0, 0, 0, 0, 0xff, 0xfe), // text frame that is not UTF-8
          ),
        ),
        async (bytes) => {
          const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, ['cardtill.v1', `token.${host.token}`]);
          ws.on('error', () => {});
          await new Promise((r) => ws.once('open', r));
          const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
          (ws as unknown as { _socket: net.Socket })._socket.write(bytes);
          // The host either drops the socket or waits for the rest of the frame; we end it either way.
          const timer = setTimeout(() => ws.terminate(), 300);
          await closed;
          clearTimeout(timer);
        },
      ),
      { seed: 20250613, numRuns: 60 },
    );
    const big = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, ['cardtill.v1', `token.${host.token}`]);
    await new Promise((r) => big.once('open', r));
    const code = new Promise<number>((resolve) => big.once('close', (c) => resolve(c)));
    big.send('x'.repeat(300 * 1024));
    expect(await code).toBe(1009); // RFC 6455 §7.4.1: message too big
    expect(JSON.parse((await post('/api/v1/session.info', '{}')).body).ok).toBe(true);
  });

  it('after the storm, a real sale over HTTP goes through', async () => {
    const card = demoCard('active');
    const entered = JSON.parse(
      (await post('/api/v1/card.enter', JSON.stringify({ pan: card.pan, entryMode: 'wedge' }))).body,
    );
    expect(entered.ok).toBe(true);
    const sale = JSON.parse(
      (
        await post(
          '/api/v1/sale.authorize',
          JSON.stringify({ cardToken: entered.result.cardToken, amountFen: 100 }),
        )
      ).body,
    );
    expect(sale).toMatchObject({ ok: true, result: { status: 'approved', amountFen: 100 } });
  });
});
