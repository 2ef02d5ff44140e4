/**
 * Primary and backup hosts of one issuer entry (主+备通道), as one issuer port wrapping two
 * ports of any protocol (cardtill-json over HTTP, iso8583-cup over TCP): the router and the
 * core see one port. The rules (docs/issuer-protocol.md "Failover rules"):
 *
 *  - A command goes to the endpoint in use. Only when that endpoint **cannot have received it**
 *    (`not-sent`: refused, connect failure or timeout, cut before the last byte) is the other
 *    endpoint tried with it — and the other becomes the one in use.
 *  - Once a command may have reached a host (`unknown`: sent, answer lost), it is never sent to
 *    the other host: the outcome is returned as is. Its reversal is pinned (`ExchangeVia.endpoint`)
 *    to the host it went to and waits for that host, however long it is down.
 *  - While on the backup, the primary is probed with an Echo, with backoff; its answer (or any
 *    answer from it) switches new commands back to the primary.
 *  - Both unreachable: `not-sent`, and the caller's offline policy decides as without a backup.
 *  - A host that takes requests again after the other had them renews its session first
 *    (`renewSession`: an ISO 8583 adapter signs on again — its host may have restarted and
 *    forgotten the working keys it gave), unless an answer from it just proved the session.
 *  - The technician's echo (`echoEach`) goes to both hosts, whichever is in use.
 *
 * An entry without a backup is the primary port passed through (still recording its echo RTT).
 */
import type {
  EchoCommand,
  EndpointEcho,
  EndpointRole,
  EndpointState,
  ExchangeOutcome,
  ExchangeVia,
  IssuerCommand,
  IssuerPort,
  SignOnRequest,
  SignOnResult,
} from './port';
import { TillError } from '../../shared/errors';

export interface FailoverEndpoint {
  port: IssuerPort;
  /** URL or host:port, for the technician and the log. */
  address: string;
}

export interface ProbePolicy {
  /** First probe after switching to the backup. */
  baseMs: number;
  /** Longest wait between probes (the wait doubles after each unanswered probe). */
  maxMs: number;
}

export const PRIMARY_PROBE: ProbePolicy = { baseMs: 1_000, maxMs: 60_000 };

export interface FailoverOptions {
  issuerId: string;
  primary: FailoverEndpoint;
  backup?: FailoverEndpoint;
  /** A fresh Echo (its own STAN): the probe of the primary while on the backup, the technician's echo. */
  makeEcho?: () => EchoCommand;
  clock: () => Date;
  log: (line: string) => void;
  /** Told after every switch (to the backup, or back to the primary). */
  onSwitch?: (to: EndpointRole, endpoints: EndpointState[]) => void;
  probe?: ProbePolicy;
  /** [0,1) for the probe jitter. */
  random?: () => number;
}

const other = (r: EndpointRole): EndpointRole => (r === 'primary' ? 'backup' : 'primary');

export class FailoverPort implements IssuerPort {
  readonly protocol: string;
  private inUse: EndpointRole = 'primary';
  private switchedAt: string | undefined;
  /** What each endpoint taught (the view adds role, in use, since). */
  private readonly state: Record<
    EndpointRole,
    Pick<EndpointState, 'address' | 'up' | 'lastEchoRttMs' | 'lastEchoAt' | 'lastError'>
  >;
  private probeTimer: NodeJS.Timeout | undefined;
  private probeFailures = 0;
  private closed = false;
  private readonly switchWaiters: Array<{ role: EndpointRole; resolve: () => void }> = [];

  constructor(private readonly o: FailoverOptions) {
    this.protocol = o.primary.port.protocol;
    this.state = {
      primary: { address: o.primary.address },
      backup: { address: o.backup?.address ?? '' },
    };
  }

  /** The port of one endpoint (an adapter's own extras, e.g. the ISO batch, are read through it). */
  portOf(role: EndpointRole): IssuerPort | undefined {
    return role === 'primary' ? this.o.primary.port : this.o.backup?.port;
  }

  /** The technician's view: primary first, then the backup if any; which one is in use, and since when. */
  endpoints(): EndpointState[] {
    const roles: EndpointRole[] = this.o.backup ? ['primary', 'backup'] : ['primary'];
    return roles.map((role) => {
      const signedOnAt = this.portOf(role)!.signedOnAt;
      return {
        role,
        ...this.state[role],
        inUse: role === this.inUse,
        ...(role === this.inUse && this.switchedAt ? { inUseSince: this.switchedAt } : {}),
        ...(signedOnAt ? { signedOnAt } : {}),
      };
    });
  }

  /** The endpoint new requests go to now. */
  endpointInUse(): EndpointRole {
    return this.inUse;
  }

  async exchange(cmd: IssuerCommand, attempts: number, via?: ExchangeVia): Promise<ExchangeOutcome> {
    if (this.isCut()) return { kind: 'not-sent', detail: 'issuer link is cut' };
    if (!this.o.backup || via?.endpoint) {
      // Pinned (a reversal to its original's host) or nowhere else to go: that endpoint only.
      const role = this.o.backup ? (via?.endpoint ?? 'primary') : 'primary';
      via?.onEndpoint?.(role);
      const out = await this.sendOn(role, cmd, attempts);
      if (role === 'primary' && out.kind === 'answer' && this.inUse === 'backup')
        this.switchTo('primary', `answered ${cmd.kind}`, true);
      return out;
    }
    const first = this.inUse;
    const details: string[] = [];
    for (const role of [first, other(first)]) {
      via?.onEndpoint?.(role);
      // The other host takes over: its session from an earlier turn may not have survived.
      if (role !== first) this.portOf(role)!.renewSession?.();
      const out = await this.sendOn(role, cmd, attempts);
      if (out.kind !== 'not-sent') {
        if (role !== this.inUse) this.switchTo(role, details.join('; '), true);
        return out;
      }
      details.push(`${role}: ${out.detail}`);
    }
    // Neither host can have it: the caller's offline policy decides, as with one host down.
    return { kind: 'not-sent', detail: details.join('; ') };
  }

  async signOn(req: SignOnRequest): Promise<SignOnResult> {
    const first = this.inUse;
    try {
      return await this.portOf(first)!.signOn(req);
    } catch (e) {
      // Sign-on moves no money and a repeat is answered again: the other host may take it.
      if (!this.o.backup || !(e instanceof TillError && e.code === 'ISSUER_UNREACHABLE')) throw e;
      const result = await this.portOf(other(first))!.signOn(req);
      this.switchTo(other(first), `sign-on: ${e.message}`, true);
      return result;
    }
  }

  /** The demo switch cuts the entry (both hosts); the primary's switch is the entry's. */
  setCut(cut: boolean): void {
    this.o.primary.port.setCut(cut);
    this.o.backup?.port.setCut(cut);
  }
  isCut(): boolean {
    return this.o.primary.port.isCut();
  }

  /**
   * The technician's echo (`tech.echo`, `tech.issuers`, `cardtill issuers`): one Echo to each
   * endpoint at once — the backup too, whichever is in use, so a dead backup is found before it
   * is needed — each with its own round trip and outcome; the primary answering while the backup
   * is in use switches back. Each endpoint's adapter bounds its own wait (its timeout), so a host
   * that does not answer is a typed failure, never a hang.
   */
  async echoEach(makeEcho: () => EchoCommand): Promise<EndpointEcho[]> {
    const roles: EndpointRole[] = this.o.backup ? ['primary', 'backup'] : ['primary'];
    const cut = this.isCut();
    const outs = await Promise.all(
      roles.map(async (role) => {
        const started = performance.now();
        const outcome: ExchangeOutcome = cut
          ? { kind: 'not-sent', detail: 'issuer link is cut' }
          : await this.sendOn(role, makeEcho(), 1);
        return { role, outcome, rttMs: Math.round((performance.now() - started) * 10) / 10 };
      }),
    );
    if (outs[0]!.outcome.kind === 'answer' && this.inUse === 'backup')
      this.switchTo('primary', 'echo answered');
    return outs.map((o) => ({ ...o, address: this.state[o.role].address, inUse: o.role === this.inUse }));
  }

  /** `echoEach` with the probe's own Echo (no Echo maker: nothing sent); returns the view afterwards. */
  async echoEndpoints(): Promise<EndpointState[]> {
    if (this.o.makeEcho) await this.echoEach(this.o.makeEcho);
    return this.endpoints();
  }

  /** Resolves once new commands go to `role` (tests and the technician's screen wait on it). */
  whenInUse(role: EndpointRole): Promise<void> {
    if (this.inUse === role) return Promise.resolve();
    return new Promise((resolve) => this.switchWaiters.push({ role, resolve }));
  }

  /** Stops the probe (the composition's close()). */
  close(): void {
    this.closed = true;
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────

  private async sendOn(role: EndpointRole, cmd: IssuerCommand, attempts: number): Promise<ExchangeOutcome> {
    const started = performance.now();
    const out = await this.portOf(role)!.exchange(cmd, attempts);
    const s = this.state[role];
    s.up = out.kind === 'answer';
    if (out.kind === 'answer') delete s.lastError;
    else s.lastError = out.detail;
    if (cmd.kind === 'echo' && out.kind === 'answer') {
      s.lastEchoRttMs = Math.round((performance.now() - started) * 10) / 10;
      s.lastEchoAt = this.o.clock().toISOString();
    }
    return out;
  }

  /**
   * `sessionProved`: the switch follows an answer to a real request on that host (its session, if
   * any, works). Else — an echo answered, which carries no MAC over ISO 8583 — its port renews its
   * session before its next request (a host back from an outage may have restarted).
   */
  private switchTo(role: EndpointRole, why: string, sessionProved = false): void {
    if (this.inUse === role) return;
    if (!sessionProved) this.portOf(role)!.renewSession?.();
    this.inUse = role;
    this.switchedAt = this.o.clock().toISOString();
    const to = role === 'primary' ? this.o.primary : this.o.backup!;
    this.o.log(
      role === 'backup'
        ? `issuer ${this.o.issuerId}: primary ${this.o.primary.address} unreachable (${why}); new requests go to the backup ${to.address}`
        : `issuer ${this.o.issuerId}: primary ${to.address} is back (${why}); new requests go to it again`,
    );
    this.probeFailures = 0;
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    if (role === 'backup') this.scheduleProbe();
    for (const w of this.switchWaiters.splice(0)) {
      if (w.role === role) w.resolve();
      else this.switchWaiters.push(w);
    }
    this.o.onSwitch?.(role, this.endpoints());
  }

  /** While on the backup: an Echo to the primary after base × 2^failures (capped), ±25 % jitter. */
  private scheduleProbe(): void {
    if (this.closed || !this.o.makeEcho || this.inUse !== 'backup' || this.probeTimer) return;
    const p = this.o.probe ?? PRIMARY_PROBE;
    const wait = Math.min(p.maxMs, p.baseMs * 2 ** this.probeFailures);
    const jitter = 0.75 + 0.5 * (this.o.random ?? Math.random)();
    this.probeTimer = setTimeout(() => void this.probe(), Math.round(wait * jitter));
    this.probeTimer.unref();
  }

  private async probe(): Promise<void> {
    this.probeTimer = undefined;
    if (this.closed || this.inUse !== 'backup') return;
    const out = this.isCut()
      ? ({ kind: 'not-sent', detail: 'cut' } as const)
      : await this.sendOn('primary', this.o.makeEcho!(), 1);
    if (out.kind === 'answer') return this.switchTo('primary', 'echo answered');
    this.probeFailures++;
    this.scheduleProbe();
  }
}
