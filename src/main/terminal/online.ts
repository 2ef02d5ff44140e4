/**
 * Drives one request over the issuer link through the state machine: same bytes on every retry
 * (same STAN, same nonce), a bounded number of attempts, and a verdict that is always final.
 */
import type { IssuerLink } from '../issuer/link';
import { LinkError, type LinkFailure } from '../issuer/link';
import type { IssuerResponse } from '../../shared/issuer-protocol';
import { startTxn, step } from './state-machine';

export type OnlineVerdict =
  | { kind: 'answer'; response: IssuerResponse }
  /** Nothing reached the issuer. */
  | { kind: 'unreachable'; lastError: string }
  /** The outcome is unknown after every attempt: the caller must queue a reversal. */
  | { kind: 'unknown'; lastError: string; forged: boolean; failure: Exclude<LinkFailure, 'not-sent'> };

export async function sendWithRetries(
  link: IssuerLink,
  request: Record<string, unknown>,
  maxAttempts: number,
): Promise<OnlineVerdict> {
  let m = startTxn();
  let lastError = '';
  let forged = false;
  let failure: Exclude<LinkFailure, 'not-sent'> = 'no-answer';
  while (m.next === 'send') {
    m = step(m, { kind: 'send' }, maxAttempts);
    try {
      const response = await link.send(request as Parameters<IssuerLink['send']>[0]);
      return { kind: 'answer', response };
    } catch (e) {
      const f = e instanceof LinkError ? e.failure : 'no-answer';
      lastError = (e as Error).message;
      forged = f === 'bad-signature';
      if (f !== 'not-sent') failure = f;
      if (f === 'not-sent') m = step(m, { kind: 'not-sent' }, maxAttempts);
      else if (f === 'bad-signature') m = step(m, { kind: 'bad-answer' }, maxAttempts);
      else m = step(m, { kind: 'no-answer' }, maxAttempts);
    }
  }
  return m.reversalNeeded
    ? { kind: 'unknown', lastError, forged, failure }
    : { kind: 'unreachable', lastError };
}
