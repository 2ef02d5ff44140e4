/**
 * The ISO 8583 TCP link over real loopback sockets: a request the host never answers times out
 * (`unknown`, the connection given up), and the NEXT request, on a new connection, gets its own
 * answer — the given-up socket's late 'close' must not end it. (Found by the ISO link-fault test:
 * one blackholed request made every request after it "connection closed before the answer".)
 * Connection refused is `not-sent`.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Iso8583TcpLink } from '../../src/main/issuer/iso8583/tcp-link';
import { CUP_PROFILE, FrameReader } from '../../src/shared/iso8583';

/** A minimal well-framed message: 2-byte length + 21 bytes (TPDU, header, MTI, bitmap). */
function frame(mti: number): Uint8Array {
  const body = new Uint8Array(21);
  body.set([0x60, 0, 1, 0, 0, 0x60, 0x31, 0, 0, 0, 0, mti >> 8, mti & 0xff]);
  const out = new Uint8Array(23);
  out[1] = 21;
  out.set(body, 2);
  return out;
}

let server: net.Server;
let port: number;
let requests = 0;
beforeAll(async () => {
  // Swallows the first request for good (a blackhole); echoes every later one back as its answer.
  server = net.createServer((s) => {
    const reader = new FrameReader(CUP_PROFILE);
    s.on('data', (c: Buffer) => {
      for (const f of reader.push(new Uint8Array(c))) {
        if (requests++ === 0) continue;
        const len = Buffer.alloc(2);
        len.writeUInt16BE(f.length);
        s.write(Buffer.concat([len, Buffer.from(f)]));
      }
    });
    s.on('error', () => s.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('Iso8583TcpLink', () => {
  it('after a request that timed out, the next one (new connection) gets its answer', async () => {
    const link = new Iso8583TcpLink({ host: '127.0.0.1', port }, CUP_PROFILE);
    const first = await link.exchange(frame(0x0200), 200);
    expect(first).toMatchObject({ kind: 'unknown' });
    for (let i = 0; i < 3; i++) {
      const next = await link.exchange(frame(0x0820), 2000);
      expect(next.kind).toBe('answer');
    }
    link.close();
  });

  it('a host that refuses the connection: not-sent (it cannot have seen the request)', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const p = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const link = new Iso8583TcpLink({ host: '127.0.0.1', port: p }, CUP_PROFILE);
    expect((await link.exchange(frame(0x0200), 500)).kind).toBe('not-sent');
    link.close();
  });
});
