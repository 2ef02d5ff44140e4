/**
 * Builds the issuer router from the configured entries (src/main/config/config.ts `issuerEntries`):
 * one port per entry, by its protocol. The home entry (the first) reuses the app's link (the
 * demo switch and the journal-head hooks are on it); every other entry gets its own HTTP link,
 * signed with the same terminal key. Every exchange goes through an entry's port. Each entry's port
 * is a FailoverPort (failover.ts) over its primary and, when configured, its backup endpoint
 * (`backupUrl`): its own HTTP link, with the home link's journal-head hooks for the home entry.
 * An `iso8583-cup` entry's endpoints are Iso8583CupAdapters over TCP (`tcp://host:port`), its TMK
 * opened from keys/tmk-<id>.json under the data key, its batch and sent requests in the terminal's
 * database (iso8583/store.ts), shared by primary and backup.
 * Every entry carries the operations it takes (config `operations`, else its protocol's default:
 * operations.ts), which the runner checks before anything is written or sent.
 */
import { randomBytes } from 'node:crypto';
import type { IssuerEntryConfig } from '../config/config';
import { sm2Verifier, fromHex } from '../crypto';
import { CardTillJsonAdapter } from './cardtill-json';
import type { MessageSigner, MessageVerifier } from './envelope';
import { HttpIssuerLink } from './http-link';
import type { IssuerLink } from './link';
import { IssuerRouter, type IssuerEntry } from './router';
import { fileBatchEntry } from './file-batch/entry';
import { FailoverPort, type FailoverEndpoint } from './failover';
import type { EchoCommand, EndpointRole, EndpointState, IssuerPort } from './port';
import type { LinkHooks } from '../journal/head-keeper';
import type { Db } from '../../shared/store/sqlite';
import { TillError } from '../../shared/errors';
import { Iso8583CupAdapter } from './iso8583/adapter';
import { KEYSETS } from './iso8583/keysets';
import { SqliteIso8583Store } from './iso8583/store';
import { loadTmk } from './iso8583/tmk';
import { Iso8583EntryOptions, tcpEndpoint } from './iso8583/config';
import { PROTOCOL_UNLINKED_REFUNDS, operationsOf } from './operations';

/** What an `iso8583-cup` entry needs from the composition: where its TMK and its table are. */
export interface IsoDeps {
  dataDir: string;
  dataKey: Uint8Array;
  db: Db;
  log: (line: string) => void;
  /** false: echoes without a sign-on (the CLI beside a running terminal: Iso8583CupOptions). */
  signOnBeforeEcho?: boolean;
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
  /** The STAN of a probe echo (a STAN like every command's). Absent: no probe, no technician's echo. */
  takeStan?: () => number;
  log?: (line: string) => void;
  /** An entry switched endpoint (to its backup or back to its primary). */
  onSwitch?: (issuerId: string, to: EndpointRole, endpoints: EndpointState[]) => void;
  /** Required when an entry is `iso8583-cup`. */
  iso?: IsoDeps;
}): IssuerRouter & { close(): void; setHomeHooks(hooks: LinkHooks): void } {
  const own: HttpIssuerLink[] = [];
  const ports: FailoverPort[] = [];
  const isoAdapters: Iso8583CupAdapter[] = [];
  /** The home entry's backup link carries the journal head like the home link. */
  let homeBackup: HttpIssuerLink | undefined;
  const takeStan = o.takeStan;
  const makeEcho = takeStan
    ? (): EchoCommand => ({
        kind: 'echo',
        stan: takeStan(),
        time: o.clock().toISOString(),
        id: randomBytes(16).toString('hex'),
      })
    : undefined;
  /**
   * An entry's port, whatever its protocol: its primary and (when configured) its backup
   * endpoint, each an adapter of its own, behind one FailoverPort (failover.ts).
   */
  const withFailover = (id: string, primary: FailoverEndpoint, backup?: FailoverEndpoint): FailoverPort => {
    const port = new FailoverPort({
      issuerId: id,
      primary,
      ...(backup ? { backup } : {}),
      ...(makeEcho ? { makeEcho } : {}),
      clock: o.clock,
      log: o.log ?? (() => {}),
      onSwitch: (to, view) => o.onSwitch?.(id, to, view),
    });
    ports.push(port);
    return port;
  };
  /**
   * An iso8583-cup adapter over one TCP endpoint (primary or backup: the same host's ledger, the
   * same TMK, batch and sent-request table — what a backup must share to reverse the primary's).
   */
  const isoAdapter = (e: IssuerEntryConfig, url: string): Iso8583CupAdapter => {
    if (!o.iso)
      throw new TillError('INVALID_STATE', `issuer ${e.id}: iso8583-cup needs the terminal's store`);
    const opts = e.iso8583 ?? Iso8583EntryOptions.parse({});
    const endpoint = tcpEndpoint(url);
    if (!endpoint)
      throw new TillError('INVALID_STATE', `issuer ${e.id}: iso8583-cup needs url tcp://host:port`);
    const keySet = KEYSETS[opts.keySet];
    const { dataDir, dataKey, db } = o.iso;
    const log = o.iso.log;
    const adapter = new Iso8583CupAdapter({
      endpoint,
      terminalId: o.terminalId,
      merchantId: o.merchantId,
      keySet,
      tmk: () => loadTmk(dataDir, dataKey, e.id, keySet, opts.tmkCheck),
      timeoutMs: e.timeoutMs,
      store: new SqliteIso8583Store(db, dataKey, e.id, o.clock),
      operator: opts.operator,
      ...(opts.tpdu ? { tpdu: opts.tpdu } : {}),
      log: (line) => log(`${e.id}: ${line}`),
      now: o.clock,
      ...(o.iso.signOnBeforeEcho === false ? { signOnBeforeEcho: false } : {}),
    });
    isoAdapters.push(adapter);
    return adapter;
  };
  // What the routing table says of an entry, by its protocol (operations.ts).
  const rulesOf = (e: IssuerEntryConfig) => ({
    operations: operationsOf(e.protocol, e.operations),
    unlinkedRefunds: PROTOCOL_UNLINKED_REFUNDS[e.protocol],
  });
  /** The router's entry for a configured issuer over its port. */
  const entryOf = (e: IssuerEntryConfig, port: IssuerPort): IssuerEntry => ({
    id: e.id,
    name: e.name,
    port,
    attempts: e.attempts,
    timeoutMs: e.timeoutMs,
    cardRanges: e.cardRanges,
    ...rulesOf(e),
  });
  const list: IssuerEntry[] = o.entries.map((e, i) => {
    // No link at all: the adapter decides from the issuer's signed files (src/main/issuer/file-batch).
    if (e.protocol === 'file-batch') return { ...fileBatchEntry(e), ...rulesOf(e) };
    if (e.protocol === 'iso8583-cup') {
      // The home entry is never iso8583-cup (loadConfig refuses it).
      const port = withFailover(
        e.id,
        { port: isoAdapter(e, e.url), address: e.url },
        e.backupUrl ? { port: isoAdapter(e, e.backupUrl), address: e.backupUrl } : undefined,
      );
      return entryOf(e, port);
    }
    if (!e.publicKey && !(i === 0 && o.homeVerifier))
      throw new TillError('INVALID_STATE', `issuer ${e.id}: cardtill-json needs the issuer's publicKey`);
    const issuerVerifier = (i === 0 ? o.homeVerifier : undefined) ?? sm2Verifier(fromHex(e.publicKey!));
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
    // protocol is 'cardtill-json'.
    const jsonPort = (l: IssuerLink, url: string) =>
      new CardTillJsonAdapter({
        link: l,
        terminalId: o.terminalId,
        merchantId: o.merchantId,
        url,
        issuerVerifier,
        timeoutMs: e.timeoutMs,
        now: o.clock,
      });
    let backup: HttpIssuerLink | undefined;
    if (e.backupUrl) {
      backup = new HttpIssuerLink({
        url: e.backupUrl,
        signer: o.signer,
        issuerVerifier,
        timeoutMs: e.timeoutMs,
        onAlert: (what) => o.onAlert(`${e.id} (backup): ${what}`),
      });
      own.push(backup);
      if (i === 0) homeBackup = backup;
    }
    const port = withFailover(
      e.id,
      { port: jsonPort(link, e.url), address: e.url },
      backup && e.backupUrl ? { port: jsonPort(backup, e.backupUrl), address: e.backupUrl } : undefined,
    );
    return entryOf(e, port);
  });
  return Object.assign(new IssuerRouter(list), {
    close: () => {
      ports.forEach((p) => p.close());
      isoAdapters.forEach((a) => a.close());
      own.forEach((l) => l.close());
    },
    setHomeHooks: (hooks: LinkHooks) => homeBackup?.setHooks(hooks),
  });
}
