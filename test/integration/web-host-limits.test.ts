/**
 * Connection hygiene of the loopback web host (src/main/hosts/connection-limits.ts) on the real
 * app: a half-sent or silent request is answered 408 and closed after the header timeout (short
 * here, set through the host's `limits` option), and connections over the per-address cap are
 * refused with a 503 and a typed TOO_MANY_CONNECTIONS error, while the host keeps serving.
 */
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { startWebHost, type WebHost } from '../../src/main/hosts/web-host';

let t: TestApp;
let host: WebHost;
const CAP = 4;

beforeAll(async () => {
  t = await startTestApp();
  host = await startWebHost(t.app, {
    port: 0,
    staticDir: path.resolve('dist/renderer'),
    limits: { headersTimeoutMs: 300, requestTimeoutMs: 600, maxConnectionsPerRemote: CAP },
  });
});
afterAll(async () => {
  await host.close();
  await t.close();
});

/** Opens a socket, writes `bytes`, and resolves with what came back once the HOST closed it. */
function untilClosed(bytes: string, port = host.port): { socket: net.Socket; closed: Promise<string> } {
  const out: Buffer[] = [];
  const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
  socket.on('data', (d: Buffer) => out.push(d));
  socket.on('error', () => {});
  const closed = new Promise<string>((resolve) =>
    socket.on('close', () => resolve(Buffer.concat(out).toString('latin1'))),
  );
  return { socket, closed };
}

function opened(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

async function sessionInfo(h: WebHost): Promise<number> {
  const r = await fetch(`${h.url}api/v1/session.info`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.token}` },
    body: '{}',
  });
  await r.text();
  return r.status;
}

describe('web host connection limits', () => {
  it('a half-sent request (headers never finished) is answered 408 and closed by the host', async () => {
    const half = untilClosed(
      `POST /api/v1/session.info HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-Slow: 1`,
    );
    expect(await half.closed).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a connection that sends nothing is closed by the host too', async () => {
    const idle = untilClosed('');
    expect(await idle.closed).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a body that never completes is cut at the request timeout', async () => {
    const slow = untilClosed(
      `POST /api/v1/session.info HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nAuthorization: Bearer ${host.token}\r\nContent-Length: 100\r\n\r\n{"a":`,
    );
    expect(await slow.closed).toMatch(/^HTTP\/1\.1 408 /);
  });

  it(`over ${CAP} open connections from one address: 503 TOO_MANY_CONNECTIONS, then served again`, async () => {
    // A host of its own with the default (long) timeouts, so the held sockets stay open.
    const capped = await startWebHost(t.app, {
      port: 0,
      staticDir: path.resolve('dist/renderer'),
      limits: { maxConnectionsPerRemote: CAP },
    });
    try {
      const held = await Promise.all(Array.from({ length: CAP }, () => opened(capped.port)));
      const refused = untilClosed(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${capped.port}\r\n\r\n`, capped.port);
      const answer = await refused.closed;
      expect(answer).toMatch(/^HTTP\/1\.1 503 /);
      expect(answer).toContain('"code":"TOO_MANY_CONNECTIONS"');
      await Promise.all(
        held.map((s) => new Promise<void>((resolve) => (s.once('close', () => resolve()), s.destroy()))),
      );
      expect(await sessionInfo(capped)).toBe(200);
    } finally {
      await capped.close();
    }
  });
});
