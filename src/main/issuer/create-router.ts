/**
 * Builds the issuer router from the configured entries (src/main/config/config.ts `issuerEntries`):
 * one port per entry, by its protocol. The home entry (the first) reuses the app's link (the
 * demo switch and the journal-head hooks are on it); every other entry gets its own HTTP link,
 * signed with the same terminal key. Every exchange goes through an entry's port. Each entry's port
 * is a FailoverPort (failover.ts) over its primary and, when configured, its backup endpoint
 * (`backupUrl`): its own HTTP link, with the home link's journal-head hooks for the home entry.
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
import type { EchoCommand, EndpointRole, EndpointState } from './port';
import type { LinkHooks } from '../journal/head-keeper';

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
}): IssuerRouter & { close(): void; setHomeHooks(hooks: LinkHooks): void } {
  const own: HttpIssuerLink[] = [];
  const ports: FailoverPort[] = [];
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
  const list: IssuerEntry[] = o.entries.map((e, i) => {
    // No link at all: the adapter decides from the issuer's signed files (src/main/issuer/file-batch).
    if (e.protocol === 'file-batch') return fileBatchEntry(e);
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
    return {
      id: e.id,
      name: e.name,
      port,
      attempts: e.attempts,
      timeoutMs: e.timeoutMs,
      cardRanges: e.cardRanges,
    };
  });
  return Object.assign(new IssuerRouter(list), {
    close: () => {
      ports.forEach((p) => p.close());
      own.forEach((l) => l.close());
    },
    setHomeHooks: (hooks: LinkHooks) => homeBackup?.setHooks(hooks),
  });
}
