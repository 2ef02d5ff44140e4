/**
 * Builds the issuer router from the configured entries (src/main/config/config.ts `issuerEntries`):
 * one port per entry, by its protocol.
 *  - `cardtill-json`: the home entry (the first) reuses the app's link when given (the demo switch
 *    and the journal-head hooks are on it; absent, as in the CLI, it gets its own too); every
 *    other gets its own HTTP link, signed with the same terminal key.
 *  - `iso8583-cup`: an Iso8583CupAdapter over TCP, its TMK opened from keys/tmk-<id>.json (tmk.ts)
 *    under the data key, its batch and sent requests in the terminal's database (iso8583/store.ts).
 * Every exchange goes through an entry's port.
 */
import type { IssuerEntryConfig } from '../config/config';
import type { Db } from '../../shared/store/sqlite';
import { sm2Verifier, fromHex } from '../crypto';
import { TillError } from '../../shared/errors';
import { CardTillJsonAdapter } from './cardtill-json';
import type { MessageSigner, MessageVerifier } from './envelope';
import { HttpIssuerLink } from './http-link';
import type { IssuerLink } from './link';
import type { IssuerPort } from './port';
import { IssuerRouter, type IssuerEntry } from './router';
import { Iso8583CupAdapter } from './iso8583/adapter';
import { KEYSETS } from './iso8583/keysets';
import { SqliteIso8583Store } from './iso8583/store';
import { loadTmk } from './iso8583/tmk';
import { Iso8583EntryOptions, tcpEndpoint } from './iso8583/config';

/** What an `iso8583-cup` entry needs from the composition: where its TMK and its table are. */
export interface IsoDeps {
  dataDir: string;
  dataKey: Uint8Array;
  db: Db;
  log: (line: string) => void;
}

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
  /** Required when an entry is `iso8583-cup`. */
  iso?: IsoDeps;
}): IssuerRouter & { close(): void } {
  const closers: Array<() => void> = [];
  // The home entry (the first; never iso8583-cup, loadConfig refuses it) reuses the app's link.
  const homeEntry = o.entries[0];
  const jsonPort = (e: IssuerEntryConfig): IssuerPort => {
    const home = e === homeEntry;
    if (!e.publicKey && !(home && o.homeVerifier))
      throw new TillError('INVALID_STATE', `issuer ${e.id}: cardtill-json needs the issuer's publicKey`);
    const issuerVerifier = (home ? o.homeVerifier : undefined) ?? sm2Verifier(fromHex(e.publicKey!));
    let link = home ? o.homeLink : undefined;
    if (!link) {
      const l = new HttpIssuerLink({
        url: e.url,
        signer: o.signer,
        issuerVerifier,
        timeoutMs: e.timeoutMs,
        onAlert: (what) => o.onAlert(`${e.id}: ${what}`),
      });
      closers.push(() => l.close());
      link = l;
    }
    return new CardTillJsonAdapter({
      link,
      terminalId: o.terminalId,
      merchantId: o.merchantId,
      url: e.url,
      issuerVerifier,
      timeoutMs: e.timeoutMs,
      now: o.clock,
    });
  };
  const isoPort = (e: IssuerEntryConfig): IssuerPort => {
    if (!o.iso)
      throw new TillError('INVALID_STATE', `issuer ${e.id}: iso8583-cup needs the terminal's store`);
    const opts = e.iso8583 ?? Iso8583EntryOptions.parse({});
    const endpoint = tcpEndpoint(e.url);
    if (!endpoint)
      throw new TillError('INVALID_STATE', `issuer ${e.id}: iso8583-cup needs url tcp://host:port`);
    const keySet = KEYSETS[opts.keySet];
    const { dataDir, dataKey } = o.iso;
    const log = o.iso.log;
    const adapter = new Iso8583CupAdapter({
      endpoint,
      terminalId: o.terminalId,
      merchantId: o.merchantId,
      keySet,
      tmk: () => loadTmk(dataDir, dataKey, e.id, keySet, opts.tmkCheck),
      timeoutMs: e.timeoutMs,
      store: new SqliteIso8583Store(o.iso.db, o.iso.dataKey, e.id, o.clock),
      operator: opts.operator,
      ...(opts.tpdu ? { tpdu: opts.tpdu } : {}),
      log: (line) => log(`${e.id}: ${line}`),
      now: o.clock,
    });
    closers.push(() => adapter.close());
    return adapter;
  };
  const list: IssuerEntry[] = o.entries.map((e) => ({
    id: e.id,
    name: e.name,
    port: e.protocol === 'iso8583-cup' ? isoPort(e) : jsonPort(e),
    attempts: e.attempts,
    timeoutMs: e.timeoutMs,
    cardRanges: e.cardRanges,
  }));
  return Object.assign(new IssuerRouter(list), { close: () => closers.forEach((c) => c()) });
}
