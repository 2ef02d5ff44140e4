/**
 * A loopback HTTP server (node:http) that answers each POST with whatever the test plans for it:
 * an HTTP answer with any status, headers and bytes, raw bytes straight onto the socket (not even
 * HTTP), an answer cut off after some bytes, a socket closed without a word, or silence. The plan
 * is a function of the request's envelope, so a fuzzed answer can still be "for this request"
 * (same STAN and nonce) — that is what reaches the signature and echo checks behind the parser.
 * Used by the issuer-link and enrolment fuzz tests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type PlannedAnswer =
  | { kind: 'http'; status: number; headers?: Record<string, string>; body: Uint8Array | string }
  /** Bytes written to the socket as they are (a broken or non-HTTP answer), then the socket ends. */
  | { kind: 'raw'; bytes: Uint8Array | string }
  /** Status and a content-length for the whole body, only the first `sendBytes` bytes, then a reset. */
  | { kind: 'cut'; status: number; body: Uint8Array | string; sendBytes: number }
  /** 200 and the body one byte every `everyMs` milliseconds (a trickle that never stalls). */
  | { kind: 'trickle'; body: Uint8Array | string; everyMs: number }
  | { kind: 'close' }
  | { kind: 'silent' };

export interface AnswerServer {
  url: string;
  /** The plan for the next requests; `req` is the parsed request body (undefined if not JSON). */
  plan(fn: (req: { path: string; envelope: unknown }) => PlannedAnswer): void;
  /** Requests that reached the server (so a failure after it is never "not sent"). */
  received: number;
  close(): Promise<void>;
}

const bytesOf = (b: Uint8Array | string): Buffer =>
  typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b);

export async function startAnswerServer(): Promise<AnswerServer> {
  let planner: (req: { path: string; envelope: unknown }) => PlannedAnswer = () => ({ kind: 'close' });
  const timers = new Set<NodeJS.Timeout>();
  const state = { received: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.received++;
      let envelope: unknown;
      try {
        envelope = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        envelope = undefined;
      }
      const a = planner({ path: req.url ?? '', envelope });
      const socket = req.socket;
      switch (a.kind) {
        case 'http': {
          const body = bytesOf(a.body);
          res.writeHead(a.status, { 'content-length': String(body.length), ...a.headers });
          res.end(body);
          return;
        }
        case 'raw':
          socket.end(bytesOf(a.bytes));
          return;
        case 'cut': {
          const body = bytesOf(a.body);
          res.writeHead(a.status, {
            'content-type': 'application/json',
            'content-length': String(body.length),
          });
          res.write(body.subarray(0, Math.min(a.sendBytes, body.length - 1)), () => {
            const t = setTimeout(() => socket.destroy(), 5);
            timers.add(t);
          });
          return;
        }
        case 'trickle': {
          const body = bytesOf(a.body);
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
          let i = 0;
          const t = setInterval(() => {
            if (socket.destroyed || i >= body.length) {
              clearInterval(t);
              timers.delete(t);
              if (!socket.destroyed) res.end();
              return;
            }
            res.write(body.subarray(i, ++i));
          }, a.everyMs);
          timers.add(t);
          return;
        }
        case 'close':
          socket.destroy();
          return;
        case 'silent':
          return; // the client's own deadline must end it
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    plan(fn) {
      planner = fn;
    },
    get received() {
      return state.received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
