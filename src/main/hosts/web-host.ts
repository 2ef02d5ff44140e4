/**
 * The loopback web host: the same contract as Electron IPC, served to a browser (kiosk Chromium,
 * Playwright, a technician's laptop through an SSH tunnel) or to a store's ECR program.
 *
 *   GET  /                      the renderer (static files of dist/renderer), strict CSP
 *   POST /api/v1/<method>       one contract call; Authorization: Bearer <token>; JSON params
 *   WS   /ws                    calls and pushed events; token in the subprotocol "token.<token>"
 *
 * Binds 127.0.0.1 only; a per-launch random token guards every API call; Host and Origin are
 * checked so another web page in the same browser cannot drive the till (DNS rebinding, CSRF).
 * docs/api.md is the reference for programs.
 */
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CardTillApp } from '../app';
import { WireRequest, type WireEvent } from '../../shared/contract';
import { contentSecurityPolicy } from './csp';
import { capConnections, DEFAULT_LIMITS, serverOptions, type ConnectionLimits } from './connection-limits';
import { bearerToken, tokenChecker, wsToken } from './token';

export interface WebHost {
  url: string;
  /** URL that opens the app already holding the token (in the fragment: never sent to a server). */
  appUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};
const MAX_BODY = 256 * 1024;
const malformed = (detail: string) => ({
  ok: false,
  error: { code: 'BAD_REQUEST', message: 'The request is malformed', detail },
});

/** The request target as a URL, or null: `new URL` throws on targets such as `//x:y` or `//h:99999`. */
function parseTarget(target: string | undefined, port: number): URL | null {
  try {
    return new URL(target ?? '/', `http://127.0.0.1:${port}`);
  } catch {
    return null;
  }
}

export async function startWebHost(
  app: CardTillApp,
  o: { port?: number; staticDir: string; token?: string; limits?: Partial<ConnectionLimits> },
): Promise<WebHost> {
  const token = o.token ?? randomBytes(24).toString('hex');
  const tokenOk = tokenChecker(token);
  const limits: ConnectionLimits = { ...DEFAULT_LIMITS, ...o.limits };
  let port = 0;
  const hostOk = (host: string | undefined) => host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  const originOk = (origin: string | undefined) =>
    !origin || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
  const staticRoot = path.resolve(o.staticDir);
  let nextId = 1;

  function securityHeaders(res: http.ServerResponse): void {
    res.setHeader('content-security-policy', contentSecurityPolicy());
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('cross-origin-opener-policy', 'same-origin');
  }

  function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  }

  function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): void {
    let rel: string;
    try {
      rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    } catch {
      return sendJson(res, 400, malformed('bad percent-encoding in the path')); // decodeURIComponent('/%E0') throws
    }
    const file = path.resolve(staticRoot, rel);
    if (!file.startsWith(staticRoot + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      if (!fs.existsSync(path.join(staticRoot, 'index.html'))) {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('The renderer is not built: run `npm run build`.\n界面尚未构建：请运行 npm run build。');
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': rel === 'index.html' ? 'no-store' : 'max-age=3600',
    });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
  }

  function handleRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    securityHeaders(res);
    if (!hostOk(req.headers.host)) return sendJson(res, 421, { error: 'bad host' });
    const url = parseTarget(req.url, port);
    if (!url) return sendJson(res, 400, malformed('the request target is not a URL path'));
    if (url.pathname.startsWith('/api/')) {
      const m = /^\/api\/v1\/([a-zA-Z.]+)$/.exec(url.pathname);
      if (!m)
        return sendJson(res, 404, {
          ok: false,
          error: { code: 'UNKNOWN_METHOD', message: 'Unknown operation' },
        });
      if (req.method !== 'POST')
        return sendJson(res, 405, { ok: false, error: { code: 'BAD_REQUEST', message: 'POST only' } });
      if (!originOk(req.headers.origin))
        return sendJson(res, 403, {
          ok: false,
          error: { code: 'FORBIDDEN', message: 'cross-origin call refused' },
        });
      if (!tokenOk(bearerToken(req.headers.authorization)))
        return sendJson(res, 401, {
          ok: false,
          error: { code: 'UNAUTHORIZED', message: 'Not authorized: invalid token' },
        });
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY) chunks.push(c);
        else if (!res.headersSent) {
          // Answer at once and read the rest into nothing: destroying the socket instead would reset
          // the connection under the caller before it can read why (a typed error, not a hang-up).
          chunks.length = 0;
          res.setHeader('connection', 'close');
          sendJson(res, 413, malformed(`body over ${MAX_BODY} bytes`));
        }
      });
      req.on('end', () => {
        if (size > MAX_BODY) return;
        let params: unknown = {};
        const text = Buffer.concat(chunks).toString('utf8');
        if (text.trim()) {
          try {
            params = JSON.parse(text);
          } catch {
            return sendJson(res, 400, {
              ok: false,
              error: { code: 'BAD_REQUEST', message: 'The request is malformed', detail: 'body is not JSON' },
            });
          }
        }
        void app
          .dispatch(nextId++, m[1], params)
          .then((r) => sendJson(res, r.ok ? 200 : statusFor(r.error.code), r))
          .catch((e: Error) => {
            app.log(`web host: answer not sent: ${e.message}`);
            res.destroy();
          });
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, { error: 'method not allowed' });
    serveStatic(req, res, url.pathname);
  }

  // A throw inside a listener would be an uncaught exception and end the whole app (one request
  // from any local user, no token needed): every listener answers 400 instead, and logs why.
  const server = http.createServer(serverOptions(limits), (req, res) => {
    try {
      handleRequest(req, res);
    } catch (e) {
      app.log(`web host: request refused on an internal error: ${(e as Error).message}`);
      if (res.headersSent) res.destroy();
      else {
        res.setHeader('connection', 'close');
        sendJson(res, 400, malformed('the request could not be read'));
      }
    }
  });
  capConnections(server, limits, app.log);

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_BODY,
    handleProtocols: (protocols) => (protocols.has('cardtill.v1') ? 'cardtill.v1' : false),
  });
  server.on('upgrade', (req, socket, head) => {
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () =>
        socket.destroy(),
      );
    };
    socket.on('error', () => {}); // a peer that resets mid-refusal is not the app's problem
    try {
      const url = parseTarget(req.url, port);
      if (
        url?.pathname !== '/ws' ||
        !hostOk(req.headers.host) ||
        !originOk(req.headers.origin) ||
        !tokenOk(wsToken(req.headers['sec-websocket-protocol']))
      )
        return refuse('401 Unauthorized');
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    } catch (e) {
      app.log(`web host: WebSocket upgrade refused on an internal error: ${(e as Error).message}`);
      refuse('400 Bad Request');
    }
  });

  const clients = new Set<WebSocket>();
  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    // A broken frame (unmasked, reserved opcode, bad UTF-8, 2^63 bytes…): ws closes the socket with
    // the RFC 6455 §7.4.1 code and emits 'error' — unheard, that would throw and end the whole app.
    ws.on('error', (e) => app.log(`web host: WebSocket closed on a bad frame: ${e.message}`));
    ws.on('message', (data) => {
      let parsed: ReturnType<typeof WireRequest.safeParse>;
      try {
        parsed = WireRequest.safeParse(JSON.parse(String(data)));
      } catch {
        parsed = WireRequest.safeParse(undefined);
      }
      if (!parsed.success) {
        ws.send(
          JSON.stringify({
            id: -1,
            ok: false,
            error: { code: 'BAD_REQUEST', message: 'The request is malformed' },
          }),
        );
        return;
      }
      const { id, method, params } = parsed.data;
      void app
        .dispatch(id, method, params)
        .then((r) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(r)))
        // An unhandled rejection would end the app, like a throw in a listener.
        .catch((e: Error) => app.log(`web host: WebSocket answer not sent: ${e.message}`));
    });
  });
  const onEvent = (event: string, payload: unknown) => {
    const msg = JSON.stringify({ event, payload } as WireEvent);
    for (const c of clients) if (c.readyState === c.OPEN) c.send(msg);
  };
  app.bus.on('event', onEvent);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/`;

  // For programs on this machine (ECR, CLI): where the host is and its token, readable by this user only.
  const runDir = path.join(app.dataDir, 'run');
  fs.mkdirSync(runDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(runDir, 'web-host.json'), JSON.stringify({ url, token, pid: process.pid }), {
    mode: 0o600,
  });

  return {
    url,
    appUrl: `${url}#token=${token}`,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        app.bus.off('event', onEvent);
        for (const c of clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
        fs.rmSync(path.join(runDir, 'web-host.json'), { force: true });
      }),
  };
}

function statusFor(code: string): number {
  switch (code) {
    case 'BAD_REQUEST':
      return 400;
    case 'UNKNOWN_METHOD':
      return 404;
    case 'NOT_SIGNED_IN':
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'INTERNAL':
      return 500;
    default:
      return 200; // a decline or a business error is an answer, not a transport failure
  }
}
