/**
 * Enrolment: the terminal sends its new public key to the issuer, signed by that key (proof of
 * possession). The first key carries the one-time enrolment token; every later key version carries
 * instead an endorsement by the key the issuer has enrolled (docs/issuer-protocol.md "enrol";
 * the issuer's rules: src/issuer-sim/enrol.ts).
 */
import http from 'node:http';
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import { signEnvelope, verifyEnvelope, type MessageVerifier } from './envelope';
import type { TerminalKeys } from '../keys/terminal-keys';
import { SignedEnvelope } from '../../shared/issuer-protocol';
import { TillError } from '../../shared/errors';
import { canonicalBytes } from '../../shared/canonical-json';

/** An enrolment answer is a few hundred bytes; anything past this is not one (and not buffered). */
export const MAX_ENROL_ANSWER_BYTES = 1024 * 1024;

/** The issuer's signed answer: `receiptKey` is K_r sealed under the enrolment token (src/main/receipt/code.ts). */
export interface EnrolResult {
  receiptKey?: string;
  /** The PIN key K_pin sealed under the enrolment token (src/shared/pin-key.ts). */
  pinKey?: string;
}

/** What enrolment needs of the terminal's keys. */
export type EnrolKeys = Pick<TerminalKeys, 'keyVersion' | 'publicKeyHex' | 'sign' | 'signWith'>;

export async function enrolTerminal(o: {
  url: string;
  terminalId: string;
  merchantId: string;
  enrolToken: string;
  /**
   * The newest key version the issuer has acknowledged (meta `enrolled_key_version`), if any. With
   * none — or the current one, re-asked for its receipt key — the token is sent; with an older one,
   * that key endorses the current key and the token is not sent again.
   */
  enrolledKeyVersion?: number;
  /** The key being enrolled (and, for a rotation, the enrolled key that endorses it). */
  keys: EnrolKeys;
  timeoutMs: number;
  now: () => Date;
  /** When given, the answer must carry a valid issuer signature. */
  issuerVerifier?: MessageVerifier;
  /** Tests only: a fixed nonce so a stored genuine answer stays genuine. */
  nonce?: string;
}): Promise<EnrolResult> {
  const endorser =
    o.enrolledKeyVersion !== undefined && o.enrolledKeyVersion !== o.keys.keyVersion
      ? o.enrolledKeyVersion
      : undefined;
  const msg: Record<string, unknown> = {
    nonce: o.nonce ?? randomBytes(16).toString('hex'),
    type: 'enrol',
    terminalId: o.terminalId,
    merchantId: o.merchantId,
    keyVersion: o.keys.keyVersion,
    publicKey: o.keys.publicKeyHex,
    time: o.now().toISOString(),
  };
  if (endorser === undefined) msg.enrolToken = o.enrolToken;
  else {
    const sig = o.keys.signWith(endorser, canonicalBytes(msg));
    if (!sig)
      throw new TillError(
        'NOT_FOUND',
        `enrolment: key v${endorser} to endorse v${o.keys.keyVersion} is gone`,
      );
    msg.endorsement = { keyVersion: endorser, sig: Buffer.from(sig).toString('base64') };
  }
  const env = signEnvelope(
    { keyId: `terminal:${o.terminalId}:${o.keys.keyVersion}`, sign: o.keys.sign },
    msg,
  );
  const url = new URL('/v1/enrol', o.url);
  const body = JSON.stringify(env);
  const text = await new Promise<string>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const broke = (what: string, cause?: unknown) =>
      settle(() => {
        reject(new TillError('ISSUER_UNREACHABLE', `enrolment: ${what}`, { cause }));
        req.destroy();
      });
    const req = (url.protocol === 'https:' ? https : http).request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ENROL_ANSWER_BYTES) broke(`answer over ${MAX_ENROL_ANSWER_BYTES} bytes`);
          else chunks.push(c);
        });
        // An answer cut off mid-body ends neither in 'end' nor in a request error.
        res.on('aborted', () => broke('the answer broke off'));
        res.on('error', (e) => broke(`the answer broke off: ${e.message}`, e));
        res.on('end', () =>
          settle(() =>
            res.statusCode === 200
              ? resolve(Buffer.concat(chunks).toString('utf8'))
              : reject(
                  new TillError(
                    'ISSUER_ERROR',
                    `enrolment refused: HTTP ${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`,
                  ),
                ),
          ),
        );
      },
    );
    // One deadline for connect + answer, as on the issuer link (docs/issuer-protocol.md "Timeouts"):
    // a socket idle timeout would let a trickling answer hold the enrolment (and the app's start) forever.
    const timer = setTimeout(() => broke(`no answer within ${o.timeoutMs} ms`), o.timeoutMs);
    req.on('error', (e) => broke(e.message, e));
    req.end(body);
  });
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    throw new TillError('ISSUER_BAD_SIGNATURE', 'enrolment answer is not JSON');
  }
  const signed = SignedEnvelope.safeParse(answer);
  if (!signed.success)
    throw new TillError('ISSUER_BAD_SIGNATURE', 'enrolment answer is not a signed envelope');
  if (o.issuerVerifier && !verifyEnvelope(o.issuerVerifier, signed.data)) {
    throw new TillError('ISSUER_BAD_SIGNATURE', 'enrolment answer is not signed by the issuer');
  }
  const m = signed.data.msg;
  if (m.type !== 'enrol.result' || m.terminalId !== o.terminalId || m.result !== 'approved') {
    throw new TillError('ISSUER_BAD_SIGNATURE', 'enrolment answer is not for this terminal');
  }
  // Bound to this request: an old signed answer (another nonce, or another key) is a replay.
  if (m.nonce !== msg.nonce || m.keyVersion !== msg.keyVersion || m.publicKey !== msg.publicKey) {
    throw new TillError('ISSUER_BAD_SIGNATURE', 'enrolment answer is not for this request (replayed?)');
  }
  const rk = m.receiptKey;
  const pk = m.pinKey;
  return {
    ...(typeof rk === 'string' ? { receiptKey: rk } : {}),
    ...(typeof pk === 'string' ? { pinKey: pk } : {}),
  };
}
