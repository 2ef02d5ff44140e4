/**
 * The embedded issuer host: a real HTTP server on 127.0.0.1 speaking docs/issuer-protocol.md,
 * with its own SQLite ledger. Demo mode starts it inside the app; tests start it on port 0;
 * `cardtill issuer-sim` runs it alone.
 */
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { IssuerLedger, type Decision } from './ledger';
import { HANDLERS, type HandlerCtx } from './handlers';
import { SignedEnvelope, EnrolRequest, RequestHeader } from '../shared/issuer-protocol';
import { signEnvelope, verifyEnvelope, type MessageSigner } from '../shared/issuer/envelope';
import { canonicalBytes } from '../shared/canonical-json';
import { hmacSm3, sm2GenerateKeyPair, sm2Signer, sm2Verifier, sm3, toHex, fromHex } from '../shared/crypto';
import { ecardPayload } from './dynamic-code';
import { decideEnrol } from './enrol';
import { deriveReceiptKey, receiptCode, wrapReceiptKey, type CodeFields } from '../shared/receipt-code';
import type { CardStatus } from './demo-cards';
// Store-and-forward message types (advice, hotcards) register themselves with HANDLERS.
import './handlers-offline';
// Void, refund and settle (store manager's day) register themselves the same way.
import './handlers-settlement';
// Activate and top-up (card life) register themselves too, after settlement: they wrap its reverse.
import './handlers-card-life';
// The cardholder password: wraps authorize (the check before the balance) and adds `password`.
import { pinMasterOf, seedDemoPasswords, unlockCardPassword } from './handlers-password';
import { derivePinKey, wrapPinKey } from '../shared/pin-key';
import { TXN_KINDS } from '../shared/txn-kinds';
// The e-purse's chip-load authorization registers itself too.
import './handlers-epurse';

export interface IssuerSimOptions {
  dataDir: string;
  port?: number;
  host?: string;
  /** The secret a terminal must present to enrol its key. */
  enrolToken: string;
  seedDemoCards?: boolean;
  now?: () => Date;
  log?: (line: string) => void;
}

/** Ways the sim can misbehave on purpose, so tests can prove the terminal notices. */
export type IssuerFault =
  | 'none'
  | 'tamper-balance'
  | 'unsigned'
  | 'wrong-key'
  | 'replay'
  | 'drop-response'
  /** Drops only the answers to one message type (`drop-response:cashout`): a lost answer mid-flow. */
  | `drop-response:${string}`
  /** A signed refusal of every settlement (the batch stays open at the issuer). */
  | 'refuse-settle'
  /** A signed, approved settlement answer whose settlement part is not one. */
  | 'bad-settlement';

/**
 * One HTTP listener of the simulator. A real issuer's primary and backup hosts share one
 * database; here every face shares the one ledger (`IssuerSim.addFace`), and counts what it got.
 */
export interface IssuerSimFace {
  url: string;
  port: number;
  /** Requests this face received, by message type (`/v1/<type>`), answered or not. */
  requests: Record<string, number>;
  close(): Promise<void>;
}

export interface IssuerSim {
  url: string;
  port: number;
  /** What the first face (`url`) received, by message type. */
  requests: Record<string, number>;
  /** Another listener on the same ledger, keys and faults (a backup host's face). */
  addFace(port?: number): Promise<IssuerSimFace>;
  publicKeyHex: string;
  ledger: IssuerLedger;
  setFault(f: IssuerFault): void;
  ecardPayload(pan: string): string;
  close(): Promise<void>;
}

interface IssuerKeyFile {
  privateKey: string;
  publicKey: string;
  cardKeySecret: string;
}

/** The sim keeps its key in its own data dir: it is a simulator, not an HSM (docs/issuer-protocol.md). */
function loadIssuerKeys(dataDir: string): IssuerKeyFile {
  const file = path.join(dataDir, 'issuer-key.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as IssuerKeyFile;
  const kp = sm2GenerateKeyPair();
  const keys = {
    privateKey: toHex(kp.privateKey),
    publicKey: toHex(kp.publicKey),
    cardKeySecret: randomBytes(32).toString('hex'),
  };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

const MAX_BODY = 1 << 20;

export async function startIssuerSim(opts: IssuerSimOptions): Promise<IssuerSim> {
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? (() => {});
  const keys = loadIssuerKeys(opts.dataDir);
  const ledger = new IssuerLedger(path.join(opts.dataDir, 'issuer.db'), now);
  if (opts.seedDemoCards !== false) {
    ledger.seedDemoCards();
    seedDemoPasswords(ledger);
  }
  const signerImpl = sm2Signer(fromHex(keys.privateKey));
  const signer: MessageSigner = { keyId: 'issuer:1', sign: (b) => signerImpl.sign(b) };
  const wrongSigner = sm2Signer(sm2GenerateKeyPair().privateKey);
  /** Master of the per-terminal receipt keys, derived from the issuer key (one secret to guard). */
  const receiptMaster = hmacSm3(
    fromHex(keys.privateKey),
    new TextEncoder().encode('CardTill/issuer/receipt-master/v1'),
  );
  const ctx: HandlerCtx = { ledger, now, cardKeySecret: fromHex(keys.cardKeySecret) };
  const verifiers = new Map<string, ReturnType<typeof sm2Verifier>>();
  let fault: IssuerFault = 'none';
  let lastResponse: string | undefined;

  function verifierFor(keyId: string): ReturnType<typeof sm2Verifier> | undefined {
    const m = /^terminal:([^:]+):(\d+)$/.exec(keyId);
    if (!m) return undefined;
    const cached = verifiers.get(keyId);
    if (cached) return cached;
    const pub = ledger.terminalKey(m[1], Number(m[2]));
    if (!pub) return undefined;
    const v = sm2Verifier(fromHex(pub));
    verifiers.set(keyId, v);
    return v;
  }

  function render(
    req: { type: string; terminalId: string; stan: number; nonce: string },
    d: Decision & { extra?: Record<string, unknown> },
  ): string {
    const msg: Record<string, unknown> = {
      type: `${req.type}.result`,
      terminalId: req.terminalId,
      stan: req.stan,
      nonce: req.nonce,
      time: now().toISOString(),
      result: d.result,
      code: d.code,
      balanceFen: d.balanceFen,
      cardStatus: d.cardStatus,
      orig: d.orig,
      authCode:
        d.result === 'approved' && req.type === 'authorize'
          ? toHex(sm3(canonicalBytes(req)))
              .slice(0, 6)
              .toUpperCase()
          : undefined,
      ...(d.extra ?? {}),
    };
    return JSON.stringify(signEnvelope(signer, JSON.parse(JSON.stringify(msg))));
  }

  /** Applies the test fault, if any, to an answer about to be sent. */
  function faulted(body: string, type: string): string | null {
    if (fault.startsWith('drop-response:')) return fault === `drop-response:${type}` ? null : body;
    switch (fault) {
      case 'none':
        return body;
      case 'drop-response':
        return null;
      case 'tamper-balance': {
        const env = JSON.parse(body) as SignedEnvelope;
        env.msg.balanceFen = 99_999_999;
        return JSON.stringify(env);
      }
      case 'unsigned': {
        const env = JSON.parse(body) as SignedEnvelope;
        return JSON.stringify({ msg: env.msg, sig: '', keyId: env.keyId });
      }
      case 'wrong-key': {
        const env = JSON.parse(body) as SignedEnvelope;
        return JSON.stringify(signEnvelope({ keyId: 'issuer:1', sign: (b) => wrongSigner.sign(b) }, env.msg));
      }
      case 'replay':
        return lastResponse ?? body;
      case 'refuse-settle':
      case 'bad-settlement': {
        const env = JSON.parse(body) as SignedEnvelope;
        if (env.msg.settlement === undefined) return body;
        const msg: Record<string, unknown> = { ...env.msg };
        if (fault === 'refuse-settle') {
          msg.result = 'declined';
          msg.code = 'ISSUER_ERROR';
          delete msg.settlement;
        } else msg.settlement = { matched: 'perhaps' };
        return JSON.stringify(signEnvelope(signer, msg));
      }
      default:
        return body; // a per-type drop for another type (handled above)
    }
  }

  function handleSigned(type: string, env: SignedEnvelope): { status: number; body: string } {
    if (type === 'enrol') {
      const parsed = EnrolRequest.safeParse(env.msg);
      if (!parsed.success)
        return { status: 400, body: JSON.stringify({ error: 'BAD_REQUEST', detail: parsed.error.message }) };
      const m = parsed.data;
      const decision = decideEnrol(ledger, env, m, opts.enrolToken);
      if (!decision.ok)
        return {
          status: decision.status,
          body: JSON.stringify({ error: decision.error, detail: decision.detail }),
        };
      ledger.enrol(m.terminalId, m.keyVersion, m.merchantId, m.publicKey);
      verifiers.delete(`terminal:${m.terminalId}:${m.keyVersion}`);
      log(`${decision.repeat ? 're-answered' : 'enrolled'} terminal ${m.terminalId} key v${m.keyVersion}`);
      // The terminal's receipt key K_r, sealed under the enrolment token (src/shared/receipt-code.ts):
      // only with the first key — a rotated terminal keeps the K_r it has, and no longer sends the token.
      const receiptKey = decision.first
        ? wrapReceiptKey(deriveReceiptKey(receiptMaster, m.terminalId), opts.enrolToken, m.terminalId)
        : undefined;
      // The PIN key K_pin (cardholder password blocks), sealed the same way (src/shared/pin-key.ts).
      const pinKey = decision.first
        ? wrapPinKey(
            derivePinKey(pinMasterOf(ctx.cardKeySecret), m.terminalId),
            opts.enrolToken,
            m.terminalId,
          )
        : undefined;
      return {
        status: 200,
        body: JSON.stringify(
          signEnvelope(signer, {
            type: 'enrol.result',
            terminalId: m.terminalId,
            result: 'approved',
            time: now().toISOString(),
            nonce: m.nonce,
            keyVersion: m.keyVersion,
            publicKey: m.publicKey,
            issuerPublicKey: keys.publicKey,
            ...(receiptKey ? { receiptKey } : {}),
            ...(pinKey ? { pinKey } : {}),
          }),
        ),
      };
    }
    const handler = HANDLERS[type];
    if (!handler) return { status: 404, body: JSON.stringify({ error: 'UNKNOWN_METHOD', detail: type }) };
    const verifier = verifierFor(env.keyId);
    if (!verifier || !verifyEnvelope(verifier, env))
      return {
        status: 403,
        body: JSON.stringify({
          error: 'UNAUTHORIZED',
          detail: 'terminal signature invalid or key not enrolled',
        }),
      };
    const header = RequestHeader.safeParse(env.msg);
    if (
      !header.success ||
      header.data.type !== type ||
      !env.keyId.startsWith(`terminal:${header.data.terminalId}:`)
    ) {
      return { status: 400, body: JSON.stringify({ error: 'BAD_REQUEST', detail: 'header' }) };
    }
    const parsed = handler.schema.safeParse(env.msg);
    if (!parsed.success)
      return { status: 400, body: JSON.stringify({ error: 'BAD_REQUEST', detail: parsed.error.message }) };
    const h = header.data;
    if (!handler.idempotent) return { status: 200, body: render(h, handler.handle(ctx, parsed.data)) };
    const requestHash = toHex(sm3(canonicalBytes(env.msg)));
    const { response } = ledger.idempotent(
      { terminalId: h.terminalId, stan: h.stan, type, requestHash },
      () => handler.handle(ctx, parsed.data),
      (d) => render(h, d),
    );
    return { status: 200, body: response };
  }

  function admin(req: http.IncomingMessage, url: URL, body: string): { status: number; body: string } {
    const parts = url.pathname.split('/').filter(Boolean); // ['admin', what, arg]
    const [, what, arg] = parts;
    if (what === 'cards' && arg && req.method === 'GET') {
      const c = ledger.card(arg);
      return c
        ? {
            status: 200,
            body: JSON.stringify({
              pan: c.pan,
              status: c.status,
              balanceFen: c.balance_fen,
              expiry: c.expiry,
            }),
          }
        : { status: 404, body: '{"error":"NOT_FOUND"}' };
    }
    if (what === 'cards' && arg && req.method === 'PUT') {
      const c = JSON.parse(body) as { status: CardStatus; balanceFen: number; expiry: string };
      ledger.upsertCard({ pan: arg, status: c.status, balanceFen: c.balanceFen, expiry: c.expiry });
      return { status: 200, body: '{}' };
    }
    if (what === 'applied' && arg) return { status: 200, body: JSON.stringify(ledger.applied(arg)) };
    if (what === 'entries' && arg) return { status: 200, body: JSON.stringify(ledger.entries(arg)) };
    if (what === 'ecard' && arg)
      return { status: 200, body: JSON.stringify({ payload: ecardPayload(ctx.cardKeySecret, arg, now()) }) };
    if (what === 'receipt-check' && req.method === 'POST') {
      // A receipt's verification code as read out over the phone, recomputed with K_r.
      const f = JSON.parse(body) as CodeFields & { code: string };
      const expected = receiptCode(deriveReceiptKey(receiptMaster, f.terminalId), f);
      // A code is only as good as the fields it was made from: where the issuer itself approved
      // that transaction — a sale, and every kind it settles (a card sold or topped up, a
      // cash-out, a void, a refund, a replacement) — the receipt's amount must be the one it
      // recorded (a receipt made from a row edited on the terminal's disk carries a valid code
      // over the wrong amount). Its record is found by STAN and must be of that kind's wire.
      const kind = TXN_KINDS.has(f.type) ? TXN_KINDS.get(f.type) : undefined;
      const rec = kind?.settlement ? ledger.request(f.terminalId, f.stan) : undefined;
      const known =
        rec && (rec.type === kind!.wire || kind!.wireAliases.includes(rec.type)) ? rec : undefined;
      const agrees = !known || known.result !== 'approved' || known.amount_fen === f.amountFen;
      return {
        status: 200,
        body: JSON.stringify({ valid: agrees && String(f.code).replace(/\s/g, '') === expected }),
      };
    }
    if (what === 'password-unlock' && arg && req.method === 'POST')
      return { status: 200, body: JSON.stringify({ unlocked: unlockCardPassword(ledger, arg) }) };
    if (what === 'fault' && req.method === 'POST') {
      fault = (JSON.parse(body) as { fault: IssuerFault }).fault;
      return { status: 200, body: '{}' };
    }
    return { status: 404, body: '{"error":"NOT_FOUND"}' };
  }

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      // A request target no URL parser takes (`//x:y`): refused, never a throw out of the handler.
      const target = req.url ?? '/';
      if (!URL.canParse(target, 'http://issuer')) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'BAD_REQUEST', detail: 'bad request target' }));
        return;
      }
      const url = new URL(target, 'http://issuer');
      let out: { status: number; body: string };
      try {
        if (url.pathname === '/v1/issuer-key' && req.method === 'GET') {
          out = { status: 200, body: JSON.stringify({ publicKey: keys.publicKey, keyVersion: 1 }) };
        } else if (url.pathname.startsWith('/admin/')) {
          out = admin(req, url, body);
        } else {
          const m = /^\/v1\/([a-z-]+)$/.exec(url.pathname);
          const env = SignedEnvelope.safeParse(safeJson(body));
          if (!m || req.method !== 'POST') out = { status: 404, body: '{"error":"NOT_FOUND"}' };
          else if (!env.success)
            out = {
              status: 400,
              body: JSON.stringify({ error: 'BAD_REQUEST', detail: 'not a signed envelope' }),
            };
          else {
            out = handleSigned(m[1], env.data);
            if (out.status === 200 && m[1] !== 'enrol') {
              const sent = faulted(out.body, m[1]);
              if (fault !== 'replay') lastResponse = out.body;
              if (sent === null) {
                req.socket.destroy();
                return;
              }
              out = { status: 200, body: sent };
            }
          }
        }
      } catch (e) {
        log(`issuer-sim error: ${(e as Error).message}`);
        out = { status: 500, body: JSON.stringify({ error: 'ISSUER_ERROR' }) };
      }
      res.writeHead(out.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(out.body);
    });
  };

  const faces: IssuerSimFace[] = [];
  async function listen(port: number): Promise<IssuerSimFace> {
    const requests: Record<string, number> = {};
    const server = http.createServer((req, res) => {
      const type = /^\/v1\/([a-z-]+)/.exec(req.url ?? '')?.[1];
      if (type) requests[type] = (requests[type] ?? 0) + 1;
      onRequest(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, opts.host ?? '127.0.0.1', () => resolve());
    });
    const bound = (server.address() as AddressInfo).port;
    let closing: Promise<void> | undefined;
    const face: IssuerSimFace = {
      url: `http://127.0.0.1:${bound}`,
      port: bound,
      requests,
      close: () =>
        (closing ??= new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        })),
    };
    faces.push(face);
    log(`issuer-sim listening on ${face.url}`);
    return face;
  }
  const main = await listen(opts.port ?? 0);
  let closing: Promise<void> | undefined;
  return {
    url: main.url,
    port: main.port,
    requests: main.requests,
    addFace: (port) => listen(port ?? 0),
    publicKeyHex: keys.publicKey,
    ledger,
    setFault: (f) => (fault = f),
    ecardPayload: (pan) => ecardPayload(ctx.cardKeySecret, pan, now()),
    close: () =>
      (closing ??= (async () => {
        await Promise.all(faces.map((f) => f.close()));
        ledger.close();
      })()),
  };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
