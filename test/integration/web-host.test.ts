/** The loopback web host: the contract over HTTP and WebSocket, token, Host and Origin checks. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import path from 'node:path';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../helpers/app';
import { startWebHost, type WebHost } from '../../src/main/hosts/web-host';
import { demoCard } from '../../src/issuer-sim/demo-cards';

let t: TestApp;
let host: WebHost;
// A renderer build of its own, so the static-file answers do not depend on `npm run build` having run.
const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-static-'));
fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>CardTill</title>');

/** Resolves with the payload of the next app event `name` matching `pred` (listen before acting). */
function nextEvent<T>(name: string, pred: (p: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const on = (n: string, payload: unknown) => {
      if (n !== name || !pred(payload as T)) return;
      t.app.bus.off('event', on);
      resolve(payload as T);
    };
    t.app.bus.on('event', on);
  });
}

function request(
  pathname: string,
  o: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: host.port, path: pathname, method: o.method ?? 'GET', headers: o.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

/** Raw bytes to the host; everything it sent back until it closed the connection. */
function rawExchange(bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const s = net.connect(host.port, '127.0.0.1', () => s.write(bytes));
    s.on('data', (d: Buffer) => out.push(d));
    s.on('close', () => resolve(Buffer.concat(out).toString('latin1')));
    s.on('error', reject);
  });
}

const api = (method: string, params: unknown, token = host.token) =>
  request(`/api/v1/${method}`, {
    method: 'POST',
    body: JSON.stringify(params),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });

beforeAll(async () => {
  t = await startTestApp();
  host = await startWebHost(t.app, { port: 0, staticDir });
});
afterAll(async () => {
  await host.close();
  await t.close();
  fs.rmSync(staticDir, { recursive: true, force: true });
});

describe('web host', () => {
  it('binds 127.0.0.1 and serves the renderer with a strict CSP', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await request('/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>CardTill</title>');
    expect(r.headers['cache-control']).toBe('no-store');
    expect((await request('/../../etc/passwd')).status).toBe(404);
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(r.headers['x-frame-options']).toBe('DENY');
  });

  it('refuses API calls without the token', async () => {
    const r = await api('session.info', {}, 'f'.repeat(48));
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body).error.code).toBe('UNAUTHORIZED');
    const none = await request('/api/v1/session.info', { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
  });

  it('a 48-byte non-ASCII token (0xE9 ×48) is a 401 over HTTP and WebSocket, and the app keeps serving', async () => {
    const e9 = Buffer.alloc(48, 0xe9);
    const head = `Host: 127.0.0.1:${host.port}\r\nConnection: close\r\n`;
    const http401 = await rawExchange(
      Buffer.concat([
        Buffer.from(
          `POST /api/v1/session.info HTTP/1.1\r\n${head}Content-Length: 2\r\nAuthorization: Bearer `,
        ),
        e9,
        Buffer.from('\r\n\r\n{}'),
      ]),
    );
    expect(http401).toMatch(/^HTTP\/1\.1 401 /);
    expect(http401).toContain('"code":"UNAUTHORIZED"');
    const ws401 = await rawExchange(
      Buffer.concat([
        Buffer.from(
          `GET /ws HTTP/1.1\r\n${head.replace('close', 'Upgrade')}Upgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: cardtill.v1, token.`,
        ),
        e9,
        Buffer.from('\r\n\r\n'),
      ]),
    );
    expect(ws401).toMatch(/^HTTP\/1\.1 401 /);
    expect(JSON.parse((await api('session.info', {})).body).ok).toBe(true);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin (CSRF)', async () => {
    expect((await request('/', { headers: { host: 'evil.example:80' } })).status).toBe(421);
    const r = await request('/api/v1/session.info', {
      method: 'POST',
      body: '{}',
      headers: { authorization: `Bearer ${host.token}`, origin: 'http://evil.example' },
    });
    expect(r.status).toBe(403);
  });

  it('answers malformed calls with typed errors, never a crash', async () => {
    const bad = await request('/api/v1/session.info', {
      method: 'POST',
      body: '{not json',
      headers: { authorization: `Bearer ${host.token}` },
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe('BAD_REQUEST');
    const unknown = await api('nope.nothing', {});
    expect(JSON.parse(unknown.body).error.code).toBe('UNKNOWN_METHOD');
    const wrongType = await api('auth.signIn', { operatorId: 1001, pin: 1234 });
    expect(JSON.parse(wrongType.body).error.code).toBe('BAD_REQUEST');
    const notSignedIn = await api('sale.authorize', { cardToken: 'x', amountFen: 1 });
    expect(JSON.parse(notSignedIn.body).error.code).toBe('NOT_SIGNED_IN');
    // The host still works.
    expect((await api('session.info', {})).status).toBe(200);
  });

  it('ECR integration: "collect ¥12.50 by card" over HTTP, paid by a swipe', async () => {
    expect(JSON.parse((await api('auth.signIn', { operatorId: '1001', pin: '1234' })).body).ok).toBe(true);
    const prompted = nextEvent<{ amountFen: number } | null>('collect.prompt', (p) => p?.amountFen === 1250);
    const pending = api('sale.collect', { amountFen: 1250, timeoutSeconds: 10 });
    // The till asks for the card; then the customer swipes on the (simulated) reader beside it.
    await prompted;
    const msr = t.app.devices.list().find((d) => d.kind === 'magstripe')!;
    await api('devices.simulate', {
      deviceId: msr.id,
      input: { action: 'swipe', pan: demoCard('active').pan, expiry: '3012' },
    });
    const r = JSON.parse((await pending).body);
    expect(r.ok).toBe(true);
    expect(r.result).toMatchObject({ status: 'approved', amountFen: 1250, masked: '888801******0017' });
    expect(t.issuerBalance(demoCard('active').pan)).toBe(demoCard('active').balanceFen - 1250);
  });

  it('WebSocket: token in the subprotocol, calls answered, events pushed', async () => {
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, ['cardtill.v1', 'token.bad']);
        ws.on('open', () => reject(new Error('opened without a valid token')));
        ws.on('error', resolve);
      }),
    ).resolves.toBeTruthy();

    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, ['cardtill.v1', `token.${host.token}`]);
    const messages: Array<Record<string, unknown>> = [];
    // All three expected messages in: the answer to id 7, the refusal (-1), the pushed event.
    const allIn = new Promise<void>((resolve) =>
      ws.on('message', (d) => {
        messages.push(JSON.parse(String(d)));
        const has = (p: (m: Record<string, unknown>) => boolean) => messages.some(p);
        if (has((m) => m.id === 7) && has((m) => m.id === -1) && has((m) => m.event === 'card.presented'))
          resolve();
      }),
    );
    await new Promise((r) => ws.on('open', r));
    ws.send(JSON.stringify({ id: 7, method: 'session.info', params: {} }));
    ws.send('garbage');
    await t.call('card.enter', { pan: demoCard('gift').pan, entryMode: 'wedge' });
    await allIn;
    expect(messages.find((m) => m.id === 7)).toMatchObject({
      ok: true,
      result: { terminalId: t.app.config.terminalId },
    });
    expect(messages.find((m) => m.id === -1)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const ev = messages.find((m) => m.event === 'card.presented') as
      { payload: { masked: string } } | undefined;
    expect(ev?.payload.masked).toBe('888801******0074');
    expect(JSON.stringify(messages)).not.toContain(demoCard('gift').pan);
    ws.close();
  });

  it('writes its URL and token for programs on this machine, readable by the user only', () => {
    const f = path.join(t.dataDir, 'run/web-host.json');
    expect(JSON.parse(fs.readFileSync(f, 'utf8'))).toMatchObject({ url: host.url, token: host.token });
    expect(fs.statSync(f).mode & 0o077).toBe(0);
  });
});
