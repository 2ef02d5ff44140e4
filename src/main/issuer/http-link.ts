/**
 * The issuer link over HTTP (docs/issuer-protocol.md). Signs each request with the terminal key,
 * checks the issuer's signature on each answer and that the answer is for THIS request (same
 * terminal, STAN and nonce) — an unsigned, forged or replayed "approved" never gets through.
 */
import http from 'node:http';
import https from 'node:https';
import { IssuerResponse, SignedEnvelope } from '../../shared/issuer-protocol';
import { signEnvelope, verifyEnvelope, type MessageSigner, type MessageVerifier } from './envelope';
import { LinkError, type IssuerLink } from './link';
import type { LinkHooks } from '../journal/head-keeper';

export interface HttpLinkOptions {
  url: string;
  signer: MessageSigner;
  issuerVerifier: MessageVerifier;
  /** Per-request timeout: connect + answer (docs/issuer-protocol.md, "Timeouts"). */
  timeoutMs?: number;
  /** Called for every answer that fails verification — an alert in the log. */
  onAlert?: (what: string) => void;
  /** Largest answer body read (default MAX_ANSWER_BYTES); past it the answer is dropped unread. */
  maxAnswerBytes?: number;
}

/**
 * The largest legitimate answers are a full hot-card list and an advice batch's results (1,000
 * results ≈ 80 KB); 16 MiB leaves room for a list of ~500,000 cards while a broken or hostile
 * issuer cannot make the terminal buffer without end.
 */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

const agentOpts = { keepAlive: true, maxSockets: 8 };

export class HttpIssuerLink implements IssuerLink {
  private cut = false;
  private readonly httpAgent = new http.Agent(agentOpts);
  private readonly httpsAgent = new https.Agent(agentOpts);
  /** The journal head keeper's hooks (src/main/journal/head-keeper.ts): head out, ack and DUPLICATE_STAN in. */
  private hooks: LinkHooks | undefined;
  constructor(private readonly opts: HttpLinkOptions) {}

  setHooks(hooks: LinkHooks): void {
    this.hooks = hooks;
  }

  setCut(cut: boolean): void {
    this.cut = cut;
  }
  isCut(): boolean {
    return this.cut;
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  async send(
    msg: Record<string, unknown> & { type: string; stan: number; nonce: string; terminalId: string },
  ): Promise<IssuerResponse> {
    if (this.cut) throw new LinkError('not-sent', 'issuer link is cut');
    if (this.hooks) msg = this.hooks.outgoing(msg) as typeof msg;
    const env = signEnvelope(this.opts.signer, msg);
    const body = await this.post(`/v1/${msg.type}`, JSON.stringify(env));
    let parsed: SignedEnvelope;
    try {
      parsed = SignedEnvelope.parse(JSON.parse(body));
    } catch (e) {
      this.alert(`unparseable answer to ${msg.type} stan ${msg.stan}`);
      throw new LinkError('bad-signature', 'issuer answer is not a signed envelope', { cause: e });
    }
    if (!verifyEnvelope(this.opts.issuerVerifier, parsed)) {
      this.alert(`bad issuer signature on ${msg.type} stan ${msg.stan}`);
      throw new LinkError('bad-signature', 'issuer signature does not verify');
    }
    const resp = IssuerResponse.safeParse(parsed.msg);
    if (!resp.success) throw new LinkError('bad-signature', 'issuer answer has the wrong shape');
    const r = resp.data;
    if (
      r.terminalId !== msg.terminalId ||
      r.stan !== msg.stan ||
      r.nonce !== msg.nonce ||
      r.type !== `${msg.type}.result`
    ) {
      this.alert(`replayed or misdirected answer to ${msg.type} stan ${msg.stan} (got stan ${r.stan})`);
      throw new LinkError('bad-signature', 'issuer answer is not for this request');
    }
    this.hooks?.answered(msg, r);
    return r;
  }

  private alert(what: string): void {
    this.opts.onAlert?.(what);
  }

  private post(pathname: string, payload: string): Promise<string> {
    const url = new URL(pathname, this.opts.url);
    const mod = url.protocol === 'https:' ? https : http;
    const timeoutMs = this.opts.timeoutMs ?? 8000;
    return new Promise((resolve, reject) => {
      let sent = false;
      let settled = false;
      const finish = (fn: () => void) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          fn();
        }
      };
      const req = mod.request(
        url,
        {
          method: 'POST',
          agent: url.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          const limit = this.opts.maxAnswerBytes ?? MAX_ANSWER_BYTES;
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= limit) return void chunks.push(c);
            // The issuer has the request: the outcome is unknown, as with an answer cut off.
            finish(() => reject(new LinkError('no-answer', `answer larger than ${limit} bytes: dropped`)));
            req.destroy();
          });
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode === 200) finish(() => resolve(text));
            else
              finish(() =>
                reject(
                  new LinkError('rejected', `issuer answered HTTP ${res.statusCode}: ${text.slice(0, 200)}`),
                ),
              );
          });
          res.on('error', (e) =>
            finish(() => reject(new LinkError('no-answer', `answer broke off: ${e.message}`, { cause: e }))),
          );
          res.on('aborted', () => finish(() => reject(new LinkError('no-answer', 'answer aborted'))));
        },
      );
      // The whole exchange has one deadline; past it the outcome is unknown.
      const timer = setTimeout(() => {
        finish(() =>
          reject(new LinkError(sent ? 'no-answer' : 'not-sent', `no answer within ${timeoutMs} ms`)),
        );
        req.destroy();
      }, timeoutMs);
      req.on('error', (e: NodeJS.ErrnoException) => {
        // Refused / unreachable before anything was written: the issuer cannot have seen it.
        const neverSent =
          !sent &&
          ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(e.code ?? '');
        finish(() => reject(new LinkError(neverSent ? 'not-sent' : 'no-answer', e.message, { cause: e })));
      });
      req.on('socket', (s) => {
        const markSent = () => (sent = true);
        if (s.connecting) s.once('connect', markSent);
        else markSent();
      });
      req.end(payload);
    });
  }
}
