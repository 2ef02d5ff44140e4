/**
 * An issuer router for read-only tools (`cardtill shift report`): one 'default' entry whose port
 * never reaches anyone — every exchange ends `not-sent`, sign-on is refused. A report builds the
 * shift service the app uses without a link to the issuer.
 */
import { DEFAULT_ISSUER_ID } from '../config/config';
import { TillError } from '../../shared/errors';
import type { ExchangeOutcome, IssuerPort, SignOnResult } from './port';
import { IssuerRouter } from './router';

class NoIssuerPort implements IssuerPort {
  readonly protocol = 'none';
  exchange(): Promise<ExchangeOutcome> {
    return Promise.resolve({ kind: 'not-sent', detail: 'read-only: no issuer link' });
  }
  signOn(): Promise<SignOnResult> {
    return Promise.reject(new TillError('ISSUER_UNREACHABLE', 'read-only: no issuer link'));
  }
  setCut(): void {}
  isCut(): boolean {
    return true;
  }
}

/**
 * With the configured entries' ids and names (a multi-issuer data dir), so reports split and
 * settlements read per issuer as in the app; without, the one 'default' entry.
 */
export function noIssuerRouter(entries?: ReadonlyArray<{ id: string; name: string }>): IssuerRouter {
  const list = entries?.length ? entries : [{ id: DEFAULT_ISSUER_ID, name: 'none' }];
  return new IssuerRouter(
    list.map((e) => ({
      id: e.id,
      name: e.name,
      port: new NoIssuerPort(),
      attempts: 1,
      timeoutMs: 0,
      cardRanges: [],
    })),
  );
}
