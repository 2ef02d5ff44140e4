/**
 * The forwarder: knows whether the issuer is reachable, probes it with echo while it is not
 * (exponential backoff with jitter), and once it is back uploads queued advices in STAN order, in
 * batches. One forwarder per issuer entry (./lanes.ts), over that entry's store (its queue, its
 * hot-card list, its link state). Every exchange is a command through that issuer's port (./ports.ts: Echo,
 * Hotcards, Advice), so this file builds no wire message. An advice is marked forwarded only when
 * the issuer's answer, verified by the port's adapter (signature, terminal, STAN, nonce), carries
 * a result for it; a lost answer leaves the batch
 * queued and the next upload resends the same advices — the issuer applies each at most once per
 * (terminal id, STAN). Refused advices become exceptions for the manager (OfflineStore.recordResults).
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../shared/store/sqlite';
import type { LinkState, QueueStatusBase } from '../shared/contract';
import type { OfflineStore } from './store';
import { probeDelayMs } from './policy';
import { syncHotcards, type CommandHead } from './hotcards';
import type { ForwardCommand, ForwardOutcome, ForwardPort, StanAllocator } from './ports';

export interface ForwarderOptions {
  /** This issuer's store-and-forward state (OfflineStore.scope says whose). */
  store: OfflineStore;
  /** This issuer's port: its advices, hot cards and link probe go there. */
  port: ForwardPort;
  /** The terminal's STAN allocator (echo, hot cards and advice uploads each take one). */
  takeStan: StanAllocator;
  db: Db;
  clock: () => Date;
  log: (line: string) => void;
  /** [0,1); injectable so tests can pin the jitter. */
  random?: () => number;
  /** Called when the link state or the queue changed (the app emits events). */
  onChange?: () => void;
  /** Whether the link was last known up (the app's enrolment result at start). */
  initiallyUp?: boolean;
}

export class Forwarder {
  private up: boolean;
  private failures = 0;
  private nextProbeAt = 0;
  private nextHotcardsAt = 0;
  private running: Promise<void> | null = null;
  private nextForced: Promise<QueueStatusBase> | null = null;
  private stopped = false;
  private readonly random: () => number;

  constructor(private readonly o: ForwarderOptions) {
    this.up = o.initiallyUp ?? o.store.getMeta('link_state') === 'online';
    this.random = o.random ?? Math.random;
  }

  /** A new command's STAN (the terminal's next), time and id. */
  readonly head: CommandHead = () => ({
    stan: this.o.takeStan(),
    time: this.o.clock().toISOString(),
    id: randomBytes(16).toString('hex'),
  });

  linkState(): LinkState {
    return this.o.port.isCut() ? 'cut' : this.up ? 'online' : 'offline';
  }

  /** An upload or probe is running now. */
  isForwarding(): boolean {
    return this.running !== null;
  }

  status(): QueueStatusBase {
    return this.o.store.status({ link: this.linkState(), forwarding: this.running !== null });
  }

  /** What the terminal learnt from its own traffic: an answer (up) or nothing reached the issuer (down). */
  noteLink(up: boolean, error?: string): void {
    if (up) {
      this.setUp();
      if (this.o.store.openCount() > 0) void this.tick();
    } else if (this.up) this.setDown(error ?? 'issuer unreachable');
    // Already down: a sale that found no issuer says nothing the probe does not know. It must
    // not push the probe back (each failure doubles the delay): after a burst of offline sales
    // the next probe would be a minute away and the queue would not drain when the link returns.
  }

  /** One background step: probe when due, refresh hot cards when due, drain the queue. */
  tick(): Promise<void> {
    if (!this.running) this.running = this.guarded(false);
    return this.running;
  }

  /** The manager's "forward now": probe at once (skip the backoff) and drain. */
  forwardNow(): Promise<QueueStatusBase> {
    // Callers while a forced run waits to start share it: two managers' clicks, or a void's push
    // behind its sale, never start two uploads of the same batch. A caller after it has started
    // gets a fresh run after it (what it started from may be stale: the link was cut then).
    if (this.nextForced) return this.nextForced;
    const forced = async (): Promise<QueueStatusBase> => {
      await Promise.resolve(); // nextForced is set before this one can clear it
      while (this.running) await this.running;
      // The check and the start with no await between: a tick cannot slip in and run alongside.
      this.nextForced = null;
      this.running = this.guarded(true);
      await this.running;
      return this.status();
    };
    this.nextForced = forced();
    return this.nextForced;
  }

  /** No new work after this; in-flight work finishes (await idle()). */
  stop(): void {
    this.stopped = true;
  }

  async idle(): Promise<void> {
    // A forced run's status() can fail when the database closes under it; idle() only waits.
    while (this.running || this.nextForced) await (this.nextForced?.catch(() => undefined) ?? this.running);
  }

  private guarded(force: boolean): Promise<void> {
    return this.run(force)
      .catch((e: unknown) => {
        if (!this.stopped) this.o.log(`forwarder: ${(e as Error).message}`);
      })
      .finally(() => (this.running = null));
  }

  private async run(force: boolean): Promise<void> {
    if (this.stopped) return;
    if (this.o.port.isCut()) {
      // The demo switch: nothing to probe, and no backoff to pay once it is switched back.
      if (this.up || this.o.store.getMeta('link_state') !== 'offline') this.setDown('issuer link is cut');
      this.nextProbeAt = 0;
      this.failures = 0;
      return;
    }
    if (!this.up) {
      if (!force && this.o.clock().getTime() < this.nextProbeAt) return;
      if (!(await this.probe())) return;
    }
    if (force || this.o.clock().getTime() >= this.nextHotcardsAt) await this.refreshHotcards();
    if (this.up) await this.drain();
  }

  private async probe(): Promise<boolean> {
    const echo: ForwardCommand = { ...this.head(), kind: 'echo' };
    const out = await this.o.port.exchange(echo, 1);
    if (out.kind !== 'answer') {
      this.setDown(`echo: ${out.detail}`);
      return false;
    }
    this.o.log('issuer link is back (echo answered)');
    this.setUp();
    return true;
  }

  private async refreshHotcards(): Promise<void> {
    const r = await syncHotcards(this.o.port, this.o.store, this.head);
    if (!r.ok) return this.failed(r.outcome, 'hotcards');
    this.nextHotcardsAt = this.o.clock().getTime() + this.o.store.config.hotcardRefreshSeconds * 1000;
    if (r.full || r.added || r.removed)
      this.o.log(`hot-card list v${r.version}${r.full ? ' (full)' : ''}: +${r.added} −${r.removed}`);
  }

  /** Uploads every queued advice, batch by batch, until the queue is empty or the link fails. */
  async drain(): Promise<{ accepted: number; rejected: number }> {
    const total = { accepted: 0, rejected: 0 };
    const size = this.o.store.config.batchSize;
    while (!this.stopped) {
      const batch = this.o.store.nextBatch(size);
      if (batch.length === 0) break;
      const cmd: ForwardCommand = { ...this.head(), kind: 'advice', advices: batch.map((b) => b.advice) };
      const out = await this.o.port.exchange(cmd, 1);
      const results = out.kind === 'answer' ? out.answer.advice?.results : undefined;
      if (!results) {
        this.o.store.markAttempt(
          batch.map((b) => b.stan),
          describe(out),
        );
        this.failed(out, 'advice');
        break;
      }
      const r = this.o.store.recordResults(results, batch);
      total.accepted += r.accepted;
      total.rejected += r.rejected;
      if (r.rejected) this.o.log(`${r.rejected} advice(s) refused by the issuer: see the exceptions list`);
      this.o.onChange?.();
      if (r.accepted + r.rejected === 0) {
        this.o.store.noteError('issuer answered without results for the batch');
        break; // never spin on a batch the issuer will not settle
      }
    }
    return total;
  }

  private failed(out: ForwardOutcome, what: string): void {
    const msg = `${what}: ${describe(out)}`;
    if (out.kind === 'unknown' && out.failure === 'rejected') {
      // The issuer answered (HTTP error): the link is up, the request was refused.
      this.o.store.noteError(msg);
      this.o.log(msg);
      this.o.onChange?.();
    } else this.setDown(msg);
  }

  private setUp(): void {
    this.failures = 0;
    this.nextProbeAt = 0;
    if (this.up && this.o.store.getMeta('link_state') === 'online') return;
    this.up = true;
    const at = this.o.clock().toISOString();
    this.o.db.transaction(() => {
      this.o.store.setMeta('link_state', 'online');
      this.o.store.setMeta('last_contact_at', at);
      this.o.store.setMeta('next_probe_at', null);
    })();
    this.o.onChange?.();
  }

  private setDown(error: string): void {
    const was = this.up;
    this.up = false;
    this.failures++;
    const delay = probeDelayMs(this.o.store.config, this.failures, this.random());
    this.nextProbeAt = this.o.clock().getTime() + delay;
    this.o.db.transaction(() => {
      this.o.store.setMeta('link_state', 'offline');
      this.o.store.noteError(error);
      this.o.store.setMeta('next_probe_at', new Date(this.nextProbeAt).toISOString());
    })();
    if (was) this.o.log(`issuer link down: ${error}; next probe in ${delay} ms`);
    this.o.onChange?.();
  }
}

/** Why an exchange brought no usable answer, in words for the queue screen and the log. */
function describe(out: ForwardOutcome): string {
  if (out.kind !== 'answer') return out.detail;
  const a = out.answer;
  return a.malformed ?? `declined${a.code ? ` ${a.code}` : ''}`;
}
