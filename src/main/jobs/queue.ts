/**
 * The persistent job queue (after Signal Desktop's job queues): one scheduler for the work the
 * terminal owes the issuer in the background — reversals, offline advices, settlements, enrolment.
 *
 * A kind supplies its durable payload (`pending()`: what waits in its own table, written in the
 * same SQLite transaction as the business record, in the order it must run), `run(job)`, and how
 * to read a failure (`classify`). The queue supplies the rest, once for every kind: ordering
 * (jobs of one `lane` run strictly in the listed order: a later reversal never overtakes an
 * earlier one of the same issuer), retries with backoff + jitter (`retry.ts`), the dead-letter
 * list (a permanent refusal, or `maxRefusals` answered refusals, moves the job aside so the jobs
 * after it continue), one run at a time, and `stop()` + `idle()` so the database is closed only
 * after the job in flight has finished.
 */
import type { Db } from '../../shared/store/sqlite';
import type { DeadLetters, JobKindName } from '../../shared/contract/jobs';
import { readDeadLetters } from './dead-letters';
import { retryDelayMs, type RetryPolicy } from './retry';

/**
 * - `transient`: no answer (link down, timeout): retry with backoff, never dead-lettered.
 * - `refused`: the issuer answered with an error: retry, dead after `maxRefusals`.
 * - `permanent`: the issuer refused for good, or the payload cannot be read: dead at once.
 */
export type FailureClass = 'transient' | 'refused' | 'permanent';

/** Thrown by a kind's `run` when it already knows how the failure counts. */
export class JobFailure extends Error {
  constructor(
    readonly failure: FailureClass,
    message: string,
  ) {
    super(message);
    this.name = 'JobFailure';
  }
}

export interface PendingJob<T = unknown> {
  ref: string;
  /** Jobs of one lane run in order; a job without a lane waits for nobody. */
  lane?: string;
  data: T;
  /** For the dead-letter list (masked). */
  summary: string;
  stan?: number;
  amountFen?: number;
}

export interface JobKind<T = unknown> {
  readonly kind: JobKindName;
  readonly policy: RetryPolicy;
  /** Waiting work from the kind's durable table, in the order it must run. */
  pending(): PendingJob<T>[];
  run(job: PendingJob<T>): Promise<void>;
  /** How a thrown error counts (a JobFailure's own class is taken as it is). */
  classify(e: unknown): FailureClass;
  /** How many jobs wait, when that is not the number of pending() entries (advices: one upload job). */
  count?(): number;
  /** Told when one of its jobs goes to the dead-letter list (e.g. to log, or mark the payload). */
  onDead?(job: PendingJob<T>, reason: string): void;
}

interface JobRow {
  id: number;
  kind: JobKindName;
  ref: string;
  state: 'waiting' | 'dead';
  attempts: number;
  refusals: number;
  next_at_ms: number;
}

export interface JobQueueOptions {
  db: Db;
  clock: () => Date;
  log: (line: string) => void;
  /** [0,1); injectable so tests can pin the jitter. */
  random?: () => number;
  /** A job went dead or was acknowledged (the app emits an event). */
  onChange?: () => void;
}

export class JobQueue {
  private readonly kinds = new Map<JobKindName, JobKind>();
  private inFlight: Promise<void> | null = null;
  private follow: { kinds: Set<JobKindName>; force: boolean; promise: Promise<void> } | null = null;
  private stopped = false;
  private readonly random: () => number;

  constructor(private readonly o: JobQueueOptions) {
    this.random = o.random ?? Math.random;
  }

  register<T>(kind: JobKind<T>): void {
    this.kinds.set(kind.kind, kind as JobKind);
  }

  /**
   * Runs what is due of these kinds (all when omitted); `force` skips the backoff (the manager's
   * "now", a drain at the end of a test). One run at a time: a call during a run is folded into
   * one follow-up run after it.
   */
  run(kinds?: JobKindName[], force = false): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const wanted = kinds ?? [...this.kinds.keys()];
    if (!this.inFlight) {
      this.inFlight = this.runKinds(wanted, force).finally(() => (this.inFlight = null));
      return this.inFlight;
    }
    if (this.follow) {
      for (const k of wanted) this.follow.kinds.add(k);
      this.follow.force ||= force;
      return this.follow.promise;
    }
    const follow = { kinds: new Set(wanted), force, promise: Promise.resolve() };
    follow.promise = this.inFlight.then(() => {
      this.follow = null;
      return this.run([...follow.kinds], follow.force);
    });
    this.follow = follow;
    return follow.promise;
  }

  /** Runs one kind until nothing of it is due now; returns how many of its jobs still wait. */
  async drain(kind: JobKindName): Promise<number> {
    await this.run([kind], true);
    return this.waitingCount(kind);
  }

  /** Jobs of a kind still to do (its pending payloads that are not dead letters). */
  waitingCount(kind: JobKindName): number {
    const k = this.kinds.get(kind);
    if (!k) return 0;
    if (k.count) return k.count();
    const dead = this.deadRefs(kind);
    return k.pending().filter((j) => !dead.has(j.ref)).length;
  }

  /** No new run after this; the run in flight finishes its current job (await idle()). */
  stop(): void {
    this.stopped = true;
  }

  async idle(): Promise<void> {
    while (this.inFlight || this.follow) await (this.follow?.promise ?? this.inFlight);
  }

  deadLetters(limit = 200): DeadLetters {
    const waiting = { reversal: 0, advice: 0, settlement: 0, enrolment: 0, filebatch: 0 };
    for (const k of this.kinds.keys()) waiting[k] = this.waitingCount(k);
    return { ...readDeadLetters(this.o.db, limit), waiting };
  }

  /** The manager has read it; the row stays (never deleted). False when there is none to acknowledge. */
  acknowledge(id: number, by: string): boolean {
    const r = this.o.db
      .prepare(
        "UPDATE jobs SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND state = 'dead' AND acknowledged_at IS NULL",
      )
      .run(this.o.clock().toISOString(), by, id);
    if (r.changes) this.o.onChange?.();
    return r.changes === 1;
  }

  private deadRefs(kind: JobKindName): Set<string> {
    return new Set(
      (
        this.o.db.prepare("SELECT ref FROM jobs WHERE kind = ? AND state = 'dead'").all(kind) as Array<{
          ref: string;
        }>
      ).map((r) => r.ref),
    );
  }

  private async runKinds(kinds: JobKindName[], force: boolean): Promise<void> {
    for (const name of kinds) {
      const kind = this.kinds.get(name);
      if (!kind || this.stopped) continue;
      try {
        await this.runKind(kind, force);
      } catch (e) {
        // A kind's pending() or the database failed: the other kinds still run.
        if (!this.stopped) this.o.log(`jobs ${name}: ${(e as Error).message}`);
      }
    }
  }

  private async runKind(kind: JobKind, force: boolean): Promise<void> {
    const states = new Map(
      (this.o.db.prepare('SELECT * FROM jobs WHERE kind = ?').all(kind.kind) as JobRow[]).map((r) => [
        r.ref,
        r,
      ]),
    );
    const blocked = new Set<string>();
    for (const job of kind.pending()) {
      if (this.stopped) return;
      const st = states.get(job.ref);
      if (st?.state === 'dead') continue;
      if (job.lane !== undefined && blocked.has(job.lane)) continue;
      if (!force && st && st.next_at_ms > this.o.clock().getTime()) {
        // Not due yet: in an ordered lane, nothing behind it may go first.
        if (job.lane !== undefined) blocked.add(job.lane);
        continue;
      }
      try {
        await kind.run(job);
        if (st) this.o.db.prepare("DELETE FROM jobs WHERE id = ? AND state = 'waiting'").run(st.id);
      } catch (e) {
        if (this.stopped && !(e instanceof JobFailure)) return; // closing: the link was torn down under it
        const dead = this.failed(kind, job, st, e);
        if (!dead && job.lane !== undefined) blocked.add(job.lane);
      }
    }
  }

  /** Records a failed attempt; true when the job went to the dead-letter list. */
  private failed(kind: JobKind, job: PendingJob, st: JobRow | undefined, e: unknown): boolean {
    const cls: FailureClass = e instanceof JobFailure ? e.failure : kind.classify(e);
    const error = (e as Error).message ?? String(e);
    const attempts = (st?.attempts ?? 0) + 1;
    const refusals = (st?.refusals ?? 0) + (cls === 'transient' ? 0 : 1);
    const dead = cls === 'permanent' || refusals >= kind.policy.maxRefusals;
    const now = this.o.clock();
    const nextAt = now.getTime() + retryDelayMs(kind.policy, attempts, this.random());
    this.o.db
      .prepare(
        `INSERT INTO jobs (kind, ref, state, attempts, refusals, next_at_ms, last_error, summary, stan, amount_fen, created_at, dead_at)
         VALUES (@kind, @ref, @state, @attempts, @refusals, @nextAt, @error, @summary, @stan, @amount, @at, @deadAt)
         ON CONFLICT (kind, ref) DO UPDATE SET state = excluded.state, attempts = excluded.attempts,
           refusals = excluded.refusals, next_at_ms = excluded.next_at_ms, last_error = excluded.last_error,
           dead_at = excluded.dead_at`,
      )
      .run({
        kind: kind.kind,
        ref: job.ref,
        state: dead ? 'dead' : 'waiting',
        attempts,
        refusals,
        nextAt,
        error,
        summary: job.summary,
        stan: job.stan ?? null,
        amount: job.amountFen ?? null,
        at: now.toISOString(),
        deadAt: dead ? now.toISOString() : null,
      });
    if (dead) {
      this.o.log(`ALERT ${kind.kind} ${job.ref} moved to the dead-letter list: ${error}`);
      kind.onDead?.(job, error);
      this.o.onChange?.();
    }
    return dead;
  }
}
