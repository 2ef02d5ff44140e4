/**
 * Builds the issuer router from the configured entries (src/main/config/config.ts `issuerEntries`):
 * one port per entry, by its protocol. The home entry (the first) reuses the app's link (the
 * demo switch and the journal-head hooks are on it); every other entry gets its own HTTP link,
 * signed with the same terminal key. Every exchange goes through an entry's port.
 */
import type { IssuerEntryConfig } from '../config/config';
import { sm2Verifier, fromHex } from '../crypto';
import { CardTillJsonAdapter } from './cardtill-json';
import type { MessageSigner, MessageVerifier } from './envelope';
import { HttpIssuerLink } from './http-link';
import type { IssuerLink } from './link';
import { IssuerRouter, type IssuerEntry } from './router';

export function createIssuerRouter(o: {
  entries: IssuerEntryConfig[];
  /** The app's link for the home entry (absent, as in the CLI: the home entry gets its own too). */
  homeLink?: IssuerLink;
  /** The home link's verifier of the issuer's signatures, for its sign-on too (default: from its key). */
  homeVerifier?: MessageVerifier;
  signer: MessageSigner;
  terminalId: string;
  merchantId: string;
  clock: () => Date;
  onAlert: (what: string) => void;
}): IssuerRouter & { close(): void } {
  const own: HttpIssuerLink[] = [];
  const list: IssuerEntry[] = o.entries.map((e, i) => {
    const issuerVerifier = (i === 0 ? o.homeVerifier : undefined) ?? sm2Verifier(fromHex(e.publicKey));
    let link = i === 0 ? o.homeLink : undefined;
    if (!link) {
      const l = new HttpIssuerLink({
        url: e.url,
        signer: o.signer,
        issuerVerifier,
        timeoutMs: e.timeoutMs,
        onAlert: (what) => o.onAlert(`${e.id}: ${what}`),
      });
      own.push(l);
      link = l;
    }
    // protocol is 'cardtill-json' (the config schema admits no other yet).
    const port = new CardTillJsonAdapter({
      link,
      terminalId: o.terminalId,
      merchantId: o.merchantId,
      url: e.url,
      issuerVerifier,
      timeoutMs: e.timeoutMs,
      now: o.clock,
    });
    return {
      id: e.id,
      name: e.name,
      port,
      attempts: e.attempts,
      timeoutMs: e.timeoutMs,
      cardRanges: e.cardRanges,
    };
  });
  return Object.assign(new IssuerRouter(list), { close: () => own.forEach((l) => l.close()) });
}
