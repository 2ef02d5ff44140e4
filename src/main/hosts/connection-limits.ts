/**
 * Connection hygiene for the loopback web host: timeouts so a silent or half-sent request cannot
 * hold a socket (and a file descriptor) forever, and a cap on open connections per remote address
 * so idle sockets cannot exhaust the process's descriptors and make the API unreachable. On
 * loopback every caller is 127.0.0.1, so the per-remote cap is in effect a cap per host server.
 */
import type http from 'node:http';
import type net from 'node:net';

export interface ConnectionLimits {
  /** Time to receive the request line and headers (Node answers 408 and closes). */
  headersTimeoutMs: number;
  /** Time to receive the whole request, body included (not the answer: sale.collect may wait). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open after an answer. */
  keepAliveTimeoutMs: number;
  /** Open connections (HTTP and WebSocket) allowed from one remote address. */
  maxConnectionsPerRemote: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnectionsPerRemote: 64,
};

/** Options for http.createServer: Node checks the header/request timers every `interval` ms. */
export function serverOptions(l: ConnectionLimits): http.ServerOptions {
  return {
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    // The default check interval (30 s) would let a 1 s timeout run for 30 s.
    connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(l.headersTimeoutMs / 2))),
  };
}

/**
 * Counts sockets per remote address; one over the cap gets a plain 503 with a typed JSON error
 * and is closed at once, before any byte of its request is read.
 */
export function capConnections(server: http.Server, l: ConnectionLimits, log: (line: string) => void): void {
  const open = new Map<string, number>();
  let refusedLogged = false;
  server.on('connection', (socket: net.Socket) => {
    const remote = socket.remoteAddress ?? 'unknown';
    const n = (open.get(remote) ?? 0) + 1;
    if (n > l.maxConnectionsPerRemote) {
      if (!refusedLogged)
        log(`web host: connection from ${remote} refused: over ${l.maxConnectionsPerRemote} open`);
      refusedLogged = true;
      const body = JSON.stringify({
        ok: false,
        error: {
          code: 'TOO_MANY_CONNECTIONS',
          message: 'Too many connections: close unused ones and try again',
          detail: `at most ${l.maxConnectionsPerRemote} open connections per address`,
        },
      });
      socket.on('error', () => {});
      socket.end(
        `HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\nRetry-After: 1\r\n\r\n${body}`,
      );
      socket.destroySoon();
      return;
    }
    open.set(remote, n);
    socket.once('close', () => {
      const left = (open.get(remote) ?? 1) - 1;
      if (left > 0) open.set(remote, left);
      else open.delete(remote);
      if (left < l.maxConnectionsPerRemote) refusedLogged = false;
    });
  });
}
