/**
 * The technician's list of issuer entries (`tech.issuers`, `cardtill issuers`): each entry's
 * protocol, card ranges (with their Luhn option), the operations it takes, endpoints and which one is in use, its enrolment (key version, last
 * sign-on — src/main/jobs/enrolment-state.ts), its link, and an echo through its port with the
 * round-trip time. One builder for the app and the CLI.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../shared/store/sqlite';
import type { EchoResult, IssuerEndpoint, IssuerInfo } from '../../shared/contract/tech';
import type { LinkState } from '../../shared/contract';
import type { IssuerEntryConfig } from '../config/config';
import { ENROLLING_PROTOCOLS, enrolmentState } from '../jobs/enrolment-state';
import type { EchoCommand, IssuerPort } from './port';
import { rangeRule, type IssuerEntry } from './router';
import { ISSUER_OPERATIONS, operationsOf } from './operations';

/**
 * The endpoints a port reports (the failover wrapper, issuer/failover.ts: primary, backup, which
 * one is in use), in the contract's shape; a port that reports none is on its configured address.
 */
function endpointsOf(p: IssuerPort, configuredUrl: string | undefined): IssuerEndpoint[] {
  const reported = p.endpoints?.();
  if (reported) return reported.map(({ role, address, inUse }) => ({ role, address, inUse }));
  return configuredUrl ? [{ role: 'primary', address: configuredUrl, inUse: true }] : [];
}

/** One `Echo` through an entry's port, sent once, with its round-trip time. */
export async function echoEntry(
  e: IssuerEntry,
  takeStan: () => number,
  clock: () => Date,
  log: (line: string) => void,
): Promise<EchoResult> {
  // An echo takes a STAN like every command (ISO 8583 network management does too): the
  // (terminal, STAN) pair stays unique; the adapter maps it to its own trace space.
  const cmd: EchoCommand = {
    kind: 'echo',
    stan: takeStan(),
    time: clock().toISOString(),
    id: randomBytes(16).toString('hex'),
  };
  const started = performance.now();
  const out = await e.port.exchange(cmd, 1);
  const rttMs = Math.round((performance.now() - started) * 10) / 10;
  const who = { issuerId: e.id, name: e.name, rttMs };
  if (out.kind === 'answer' && out.answer.result === 'approved') {
    log(`tech: issuer echo ok in ${rttMs} ms (${e.id})`);
    return { ...who, ok: true };
  }
  const code =
    out.kind === 'answer'
      ? (out.answer.code ?? 'ISSUER_ERROR')
      : out.kind === 'unknown' && out.failure === 'bad-signature'
        ? 'ISSUER_BAD_SIGNATURE'
        : 'ISSUER_UNREACHABLE';
  const detail = out.kind === 'answer' ? `declined ${code}` : out.detail;
  log(`tech: issuer echo failed after ${rttMs} ms (${e.id}): ${detail}`);
  return { ...who, ok: false, code, detail };
}

/**
 * When an entry that signs on by itself last did (iso8583-cup: its working keys, kept by
 * iso8583/store.ts in `iso8583_link`), or undefined (not yet, or a data dir without the table).
 */
function ownSignOnAt(db: Db, issuerId: string): string | undefined {
  try {
    const r = db.prepare('SELECT signed_on_at AS at FROM iso8583_link WHERE issuer_id = ?').get(issuerId) as
      { at: string | null } | undefined;
    return r?.at ?? undefined;
  } catch {
    return undefined;
  }
}

export function describeIssuers(o: {
  entries: readonly IssuerEntry[];
  configs: readonly IssuerEntryConfig[];
  db: Db;
  link?: (issuerId: string) => LinkState;
  echoes?: ReadonlyMap<string, EchoResult>;
}): IssuerInfo[] {
  return o.entries.map((e, i) => {
    const c = o.configs.find((x) => x.id === e.id);
    const enrols = ENROLLING_PROTOCOLS.has(e.port.protocol);
    const st = enrolmentState(o.db, e.id, i === 0);
    return {
      issuerId: e.id,
      name: e.name,
      protocol: e.port.protocol,
      home: i === 0,
      cardRanges: e.cardRanges.map((r) => rangeRule(r).range),
      ranges: e.cardRanges.map(rangeRule),
      // A router built from the config always says; the CLI's list without a router reads the config.
      operations: [
        ...(e.operations ?? (c?.protocol ? operationsOf(c.protocol, c.operations) : ISSUER_OPERATIONS)),
      ],
      endpoints: endpointsOf(e.port, c?.url),
      enrols,
      enrolledKeyVersion: enrols ? (st.keyVersion ?? null) : null,
      lastSignOnAt:
        (e.port.protocol === 'iso8583-cup' ? ownSignOnAt(o.db, e.id) : undefined) ?? st.lastSignOnAt ?? null,
      link: o.link?.(e.id) ?? null,
      echo: o.echoes?.get(e.id) ?? null,
    };
  });
}
