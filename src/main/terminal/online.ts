/**
 * Drives one request over the issuer link through the state machine: same bytes on every retry
 * (same STAN, same nonce), a bounded number of attempts, and a verdict that is always final.
 */
import type { IssuerLink } from '../issuer/link';
import { LinkError } from '../issuer/link';
import type { IssuerResponse } from '../../shared/issuer-protocol';
import { startTxn, step } from './state-machine';

export type OnlineVerdict =
  | { kind: 'answer'; response: IssuerResponse }
  /** Nothing reached the issuer. */
  | { kind: 'unreachable'; lastError: string }
  /** The outcome is unknown after every attempt: the caller must queue a reversal. */
  | { kind: 'unknown'; lastError: string; forged: boolean };

export async function sendWithRetries(
  link: IssuerLink,
  request: Record<string, unknown>,
  maxAttempts: number,
): Promise<OnlineVerdict> {
  let m = startTxn();
  let lastError = '';
  let forged = false;
  while (m.next === 'send') {
    m = step(m, { kind: 'send' }, maxAttempts);
    try {
      const response = await link.send(request as Parameters<IssuerLink['send']>[0]);
      return { kind: 'answer', response };
    } catch (e) {
      const failure = e instanceof LinkError ? e.failure : 'no-answer';
      lastError = (e as Error).message;
      forged = failure === 'bad-signature';
      if (failure === 'not-sent') m = step(m, { kind: 'not-sent' }, maxAttempts);
      else if (failure === 'bad-signature') m = step(m, { kind: 'bad-answer' }, maxAttempts);
      else m = step(m, { kind: 'no-answer' }, maxAttempts);
    }
  }
  return m.reversalNeeded ? { kind: 'unknown', lastError, forged } : { kind: 'unreachable', lastError };
}
