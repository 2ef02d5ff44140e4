/**
 * Enrolment: the terminal sends its new public key to the issuer, signed by that key (proof of
 * possession) and carrying the one-time enrolment token (docs/issuer-protocol.md "enrol").
 */
import http from 'node:http';
import https from 'node:https';
import { signEnvelope, verifyEnvelope, type MessageVerifier } from './envelope';
import type { TerminalKeys } from '../keys/terminal-keys';

/** The issuer's signed answer: `receiptKey` is K_r sealed under the enrolment token (src/main/receipt/code.ts). */
export interface EnrolResult {
  receiptKey?: string;
}

export async function enrolTerminal(o: {
  url: string;
  terminalId: string;
  merchantId: string;
  enrolToken: string;
  keys: TerminalKeys;
  timeoutMs: number;
  now: () => Date;
  /** When given, the answer must carry a valid issuer signature. */
  issuerVerifier?: MessageVerifier;
}): Promise<EnrolResult> {
  const msg = {
    type: 'enrol',
    terminalId: o.terminalId,
    merchantId: o.merchantId,
    keyVersion: o.keys.keyVersion,
    publicKey: o.keys.publicKeyHex,
    enrolToken: o.enrolToken,
    time: o.now().toISOString(),
  };
  const env = signEnvelope(
    { keyId: `terminal:${o.terminalId}:${o.keys.keyVersion}`, sign: o.keys.sign },
    msg,
  );
  const url = new URL('/v1/enrol', o.url);
  const body = JSON.stringify(env);
  const text = await new Promise<string>((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' }, timeout: o.timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(Buffer.concat(chunks).toString('utf8'))
            : reject(
                new Error(
                  `enrolment refused: HTTP ${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`,
                ),
              ),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('enrolment timed out')));
    req.on('error', reject);
    req.end(body);
  });
  let answer: { msg?: Record<string, unknown>; sig?: string; keyId?: string };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    throw new Error('enrolment answer is not JSON');
  }
  if (
    o.issuerVerifier &&
    !(
      answer.msg &&
      typeof answer.sig === 'string' &&
      verifyEnvelope(o.issuerVerifier, {
        msg: answer.msg,
        sig: answer.sig,
        keyId: String(answer.keyId ?? ''),
      })
    )
  ) {
    throw new Error('enrolment answer is not signed by the issuer');
  }
  const rk = answer.msg?.receiptKey;
  return typeof rk === 'string' ? { receiptKey: rk } : {};
}
