/**
 * The technician's list of issuer entries (`tech.issuers`, `cardtill issuers`): each entry's
 * protocol, card ranges, endpoints and which one is in use, its enrolment (key version, last
 * sign-on — src/main/jobs/enrolment-state.ts), its link, and an echo through its port with the
 * round-trip time. One builder for the app and the CLI.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../shared/store/sqlite';
import type { EchoResult, EndpointEchoResult, IssuerEndpoint, IssuerInfo } from '../../shared/contract/tech';
import type { ErrorCode } from '../../shared/errors';
import type { LinkState } from '../../shared/contract';
import type { IssuerEntryConfig } from '../config/config';
import { ENROLLING_PROTOCOLS, enrolmentState } from '../jobs/enrolment-state';
import type { EchoCommand, EndpointEcho, ExchangeOutcome, IssuerPort } from './port';
import type { IssuerEntry } from './router';
import { lastIsoSignOn } from './iso8583/store';

/**
 * The endpoints a port reports (the failover wrapper, issuer/failover.ts: primary, backup, which
 * one is in use, each one's sign-on), in the contract's shape; a port that reports none is on its
 * configured address.
 */
function endpointsOf(p: IssuerPort, configuredUrl: string | undefined): IssuerEndpoint[] {
  const reported = p.endpoints?.();
  if (reported)
    return reported.map(({ role, address, inUse, signedOnAt }) => ({
      role,
      address,
      inUse,
      ...(signedOnAt ? { signedOnAt } : {}),
    }));
  return configuredUrl ? [{ role: 'primary', address: configuredUrl, inUse: true }] : [];
}

/** How an echo failed, in the core's words. */
function failureCode(out: ExchangeOutcome): ErrorCode {
  return out.kind === 'answer'
    ? (out.answer.code ?? 'ISSUER_ERROR')
    : out.kind === 'unknown' && out.failure === 'bad-signature'
      ? 'ISSUER_BAD_SIGNATURE'
      : 'ISSUER_UNREACHABLE';
}

function endpointResult(e: EndpointEcho): EndpointEchoResult {
  const who = { role: e.role, address: e.address, inUse: e.inUse, rttMs: e.rttMs };
  const out = e.outcome;
  if (out.kind === 'answer' && out.answer.result === 'approved') return { ...who, ok: true };
  const code = failureCode(out);
  return { ...who, ok: false, code, detail: out.kind === 'answer' ? `declined ${code}` : out.detail };
}

/**
 * One `Echo` through an entry's port, sent once to each of its endpoints (primary and backup, in
 * use or not: `IssuerPort.echoEach`), with each round-trip time; a port with no endpoints of its
 * own (file-batch) answers one through `exchange`.
 */
export async function echoEntry(
  e: IssuerEntry,
  takeStan: () => number,
  clock: () => Date,
  log: (line: string) => void,
): Promise<EchoResult> {
  // An echo takes a STAN like every command (ISO 8583 network management does too): the
  // (terminal, STAN) pair stays unique; the adapter maps it to its own trace space.
  const makeEcho = (): EchoCommand => ({
    kind: 'echo',
    stan: takeStan(),
    time: clock().toISOString(),
    id: randomBytes(16).toString('hex'),
  });
  const started = performance.now();
  let endpoints: EndpointEchoResult[];
  let out: ExchangeOutcome | undefined;
  if (e.port.echoEach) endpoints = (await e.port.echoEach(makeEcho)).map(endpointResult);
  else {
    out = await e.port.exchange(makeEcho(), 1);
    endpoints = [];
  }
  const rttMs = Math.round((performance.now() - started) * 10) / 10;
  for (const p of endpoints)
    log(
      p.ok
        ? `tech: issuer echo ok in ${p.rttMs} ms (${e.id}) ${p.role} ${p.address}`
        : `tech: issuer echo failed after ${p.rttMs} ms (${e.id}) ${p.role} ${p.address}: ${p.detail ?? ''}`,
    );
  if (out) {
    const single = endpointResult({ role: 'primary', address: '', inUse: true, outcome: out, rttMs });
    log(
      single.ok
        ? `tech: issuer echo ok in ${rttMs} ms (${e.id})`
        : `tech: issuer echo failed after ${rttMs} ms (${e.id}): ${single.detail ?? ''}`,
    );
    const { ok, code, detail } = single;
    return { issuerId: e.id, name: e.name, rttMs, ok, ...(code ? { code, detail } : {}), endpoints };
  }
  const failed = endpoints.find((p) => !p.ok);
  const inUse = endpoints.find((p) => p.inUse) ?? endpoints[0];
  return {
    issuerId: e.id,
    name: e.name,
    rttMs: inUse?.rttMs ?? rttMs,
    ok: !failed,
    ...(failed?.code ? { code: failed.code, detail: `${failed.role}: ${failed.detail ?? ''}` } : {}),
    endpoints,
  };
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
    const endpoints = endpointsOf(e.port, c?.url);
    // ISO 8583 signs on by itself, per host: the newest of its hosts' sign-ons (this process's),
    // else the one its table kept.
    const hostSignOn =
      endpoints
        .map((p) => p.signedOnAt)
        .filter((at): at is string => !!at)
        .sort()
        .pop() ?? (e.port.protocol === 'iso8583-cup' ? lastIsoSignOn(o.db, e.id) : undefined);
    return {
      issuerId: e.id,
      name: e.name,
      protocol: e.port.protocol,
      home: i === 0,
      cardRanges: [...e.cardRanges],
      endpoints,
      enrols,
      enrolledKeyVersion: enrols ? (st.keyVersion ?? null) : null,
      lastSignOnAt: st.lastSignOnAt ?? hostSignOn ?? null,
      link: o.link?.(e.id) ?? null,
      echo: o.echoes?.get(e.id) ?? null,
    };
  });
}
