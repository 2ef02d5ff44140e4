/**
 * The one transaction runner: every online money exchange — sale, inquiry, void, refund, and the
 * kinds added later — runs through here, so link state, balances, auth codes and reversals are
 * handled once. Shaped after jPOS's TransactionManager: a list of participants prepares the
 * transaction (route → eligibility + override → createPending → send through the issuer port);
 * then it is either committed (finalize: row + signed journal record) or aborted (declined, with a
 * queued Reverse when the kind moves money and the issuer may have acted).
 *
 *   route ─▶ eligibility ─▶ createPending ─▶ send ─┬─ answer ──────────▶ commit: finalize
 *   (throws: nothing written)   │                   ├─ not-sent ────────▶ offline decision | decline
 *    bad check digit on a Luhn  └─ no issuer ───────┼─ (CARD_NOT_ACCEPTED, nothing sent) decline
 *    range, or an operation the    or card held ────┤  (CARD_REVERSAL_PENDING, nothing sent) decline
 *    issuer does not take                           └─ unknown ─────────▶ abort: decline + Reverse
 *                                                      (to the host it went to: the row's endpoint)
 *
 * Route comes first so that what the issuer entry refuses (CARD_NUMBER_INVALID, ISSUER_UNSUPPORTED)
 * is said before a manager is asked for an override: nothing is written, not even its audit line.
 *
 * The caller holds the till lock (till-lock.ts) for the whole run. A finalize that fails after
 * the issuer answered (a full disk) never leaves the sale pending for as long as the app runs:
 * the runner tries at once to write it declined with a queued Reverse, and if even that fails,
 * `recoverStale()` (the app's background tick) retries until it is written; the cashier is told
 * OUTCOME_UNKNOWN ("do not retry"). Pending rows older than the bound (pendingBoundMs) are
 * recovered by the same check, not only at start.
 */
import { randomBytes } from 'node:crypto';
import { maskPan } from '../../shared/card';
import { TillError, type ErrorCode } from '../../shared/errors';
import type { OfflineStore } from '../../offline-queue/store';
import type {
  EndpointRole,
  ExchangeOutcome,
  IssuerAnswer,
  IssuerCommand,
  IssuerPort,
  CardRef,
  OverrideOffer,
  PinBlockHex,
  ReverseCommand,
} from '../issuer/port';
import { takesOperation, type IssuerEntry, type IssuerRouter } from '../issuer/router';
import { runnerKind, reversedWhenRecovered, type RunnerKind } from './kind-facts';
import { runsOnChip, type TxnType } from '../../shared/txn-kinds';
import type { ReversalSpec, TxnRow, TxnStore } from './txn-store';

export interface RunnerOptions {
  store: TxnStore;
  router: IssuerRouter;
  clock: () => Date;
  log: (line: string) => void;
  /** Store-and-forward: the last balance seen online is what offline approvals are checked against. */
  offline?: OfflineStore;
  /** What each online exchange taught about that issuer's link (its forwarder's link state follows it). */
  onLink?: (up: boolean, detail: string | undefined, issuerId: string) => void;
  /** Added to attempts × timeoutMs for the pending bound (default 30 s: the local commit and a slow disk). */
  staleMarginMs?: number;
  /**
   * A card this issuer must not take a new request for now (src/main/issuer/failover-hold.ts: a
   * debit while its earlier debit's reversal waits for its host): declined with the code, nothing sent.
   */
  cardHold?: (p: { pan: string; kind: TxnType; issuer: IssuerEntry }) => ErrorCode | undefined;
}

export interface RunRequest {
  kind: TxnType;
  card: CardRef;
  amountFen: number;
  otherTenderFen: number;
  /** The original of a void or linked refund (the command names it, not the card). */
  origStan?: number;
  operatorId?: string;
  /** Fixed by the original (void, linked refund): its row's issuer; otherwise the router decides. */
  issuerId?: string;
  /** Eligibility and override, before anything is written: throw a TillError to refuse. */
  eligibility?: () => void | Promise<void>;
  /**
   * Offline-eligible kinds: decides a request the issuer cannot have seen (offline-sale.ts), by that
   * issuer's own limits and hot-card list; undefined when that issuer takes no offline sales (declined).
   */
  offline?: (p: { stan: number; time: string; issuer: IssuerEntry }) => TxnRow | undefined;
  /**
   * Decided here without asking the issuer at all (a void of an offline sale whose advice is still
   * queued, offline-void.ts): after eligibility, this writes the final row, its journal record and
   * its advice in one transaction — nothing is pending, nothing is sent.
   */
  local?: () => TxnRow;
  /** Told the issuer's answer before it is committed (card life reads the cap it reports). */
  onAnswer?: (answer: IssuerAnswer) => void;
  /**
   * Written in the pending row's own SQLite transaction, once its STAN is known (card life: the
   * buyer's sealed ID and how the load was paid) — the row and its details exist together or not.
   */
  withPending?: (stan: number) => void;
  /**
   * Written in the final row's own SQLite transaction when the issuer answered (card life: the cap
   * left it reported, for the receipt) — one commit, not a second one after it.
   */
  withAnswer?: (stan: number, answer: IssuerAnswer) => void;
  /** What only card-life commands carry (src/main/terminal/card-life.ts). */
  cardLife?: {
    /** A load paid by bank transfer: the amount (the row's other tender, the cash, is then 0). */
    transferFen?: number;
    /** The till recorded the buyer's ID for this load. */
    buyerId?: boolean;
    /** Replace: the new card and why. */
    newCard?: CardRef;
    reason?: 'lost' | 'damaged';
  };
  /**
   * The cardholder's password as SM4 PIN blocks (src/main/terminal/password.ts): attached to the
   * command at send only — never to the copy sealed in the pending row, so they are never on disk.
   */
  pinBlocks?: PinBlocks;
  /**
   * A manager's override of the offline over-limit rules (port.ts OverrideOffer): attached to an
   * Authorize at send only, like the PIN blocks; the port that decides the sale itself checks it.
   */
  override?: OverrideOffer;
  /**
   * Executes the command here instead of at the routed issuer: the chip and its PSAM
   * (chip-purchase.ts, kinds with `executesOn: 'chip'`). Same pending row, same finalize and
   * journal. It may throw a TillError to leave the row pending: the chip's grey record then
   * decides it when the card comes back (recovery leaves chip rows to it).
   */
  port?: Pick<IssuerPort, 'exchange'>;
}

/**
 * `pinBlock`: the password typed (a sale) or the old one (a change); `newPinBlock`: the new one.
 * `password`: a sale's clear password for an issuer whose port makes its own block
 * (src/main/terminal/password.ts salePassword; AuthorizeCommand.password) — in memory only.
 */
export interface PinBlocks {
  pinBlock?: PinBlockHex;
  newPinBlock?: PinBlockHex;
  password?: string;
}

/** What the participants share while one transaction runs. */
export interface TxnContext {
  req: RunRequest;
  kind: RunnerKind;
  issuer?: IssuerEntry;
  /** Set by route when no issuer takes the card: decided here, nothing is sent. */
  localDecline?: ErrorCode;
  stan?: number;
  command?: IssuerCommand;
  outcome?: ExchangeOutcome;
  /** The issuer host the command was last sent to (recorded on the pending row). */
  endpoint?: EndpointRole;
}

export type Vote = 'PREPARED' | 'ABORTED';
export interface Participant {
  readonly name: string;
  prepare(ctx: TxnContext): Vote | Promise<Vote>;
}

/** issuer_id of a row no issuer took (CARD_NOT_ACCEPTED): nothing was sent. */
export const NO_ISSUER = 'none';

const newId = () => randomBytes(16).toString('hex');

/** The issuer command of a request (pure). */
export function commandOf(req: RunRequest, stan: number, time: string, id: string): IssuerCommand {
  const { pan, entryMode, expiry, dynamicCode } = req.card;
  const card: CardRef = {
    pan,
    entryMode,
    ...(expiry !== undefined ? { expiry } : {}),
    ...(dynamicCode !== undefined ? { dynamicCode } : {}),
  };
  const base = { stan, time, id };
  switch (runnerKind(req.kind).command) {
    case 'authorize':
      return {
        ...base,
        kind: 'authorize',
        card,
        amountFen: req.amountFen,
        otherTenderFen: req.otherTenderFen,
      };
    case 'inquire':
      return { ...base, kind: 'inquire', card };
    case 'void':
      return { ...base, kind: 'void', origStan: req.origStan!, amountFen: req.amountFen };
    case 'refund':
      return {
        ...base,
        kind: 'refund',
        amountFen: req.amountFen,
        ...(req.origStan !== undefined ? { origStan: req.origStan } : { card: { pan, entryMode } }),
      };
    // Card life: the cash the customer paid is the row's other tender, recorded before this is sent.
    case 'activate':
    case 'topup':
      return {
        ...base,
        kind: runnerKind(req.kind).command as 'activate' | 'topup',
        card,
        amountFen: req.amountFen,
        cashFen: req.otherTenderFen,
        ...(req.cardLife?.transferFen ? { transferFen: req.cardLife.transferFen } : {}),
        ...(req.cardLife?.buyerId ? { buyerId: true } : {}),
      };
    case 'cashout':
      return { ...base, kind: 'cashout', card, amountFen: req.amountFen };
    case 'replace':
      if (!req.cardLife?.newCard) throw new TillError('INVALID_STATE', 'replace without a new card');
      return {
        ...base,
        kind: 'replace',
        card,
        newCard: req.cardLife.newCard,
        reason: req.cardLife.reason ?? 'lost',
      };
    case 'voidload':
      return { ...base, kind: 'voidload', origStan: req.origStan!, amountFen: req.amountFen };
    // Its PIN blocks are attached at send (withPinBlocks), never sealed.
    case 'password':
      return { ...base, kind: 'password', card };
  }
}

/** The command as sent: the sealed command plus the PIN blocks, for the kinds that carry them. */
export function withPinBlocks(cmd: IssuerCommand, p: PinBlocks | undefined): IssuerCommand {
  if (!p) return cmd;
  const pin = p.pinBlock !== undefined ? { pinBlock: p.pinBlock } : {};
  if (cmd.kind === 'authorize')
    return { ...cmd, ...pin, ...(p.password !== undefined ? { password: p.password } : {}) };
  if (cmd.kind === 'password')
    return { ...cmd, ...pin, ...(p.newPinBlock !== undefined ? { newPinBlock: p.newPinBlock } : {}) };
  return cmd;
}

/** The command as sent: the sealed one plus what rides at send only (PIN blocks, an override). */
export function asSent(cmd: IssuerCommand, req: Pick<RunRequest, 'pinBlocks' | 'override'>): IssuerCommand {
  const c = withPinBlocks(cmd, req.pinBlocks);
  return c.kind === 'authorize' && req.override ? { ...c, override: req.override } : c;
}

/** An unresolved finalize: the issuer answered, the row could not be written. */
interface Unresolved {
  issuerId: string;
  endpoint?: EndpointRole;
  /** The issuer approved a reversible kind: money moved and must be given back. */
  reverse: boolean;
}

export class TransactionRunner {
  private readonly unresolved = new Map<number, Unresolved>();
  /** The STAN being sent right now (the periodic check leaves it alone). */
  private inFlight: number | undefined;
  private readonly participants: Participant[];

  constructor(private readonly o: RunnerOptions) {
    this.participants = [
      { name: 'route', prepare: (c) => this.route(c) },
      { name: 'eligibility', prepare: (c) => this.eligibility(c) },
      { name: 'createPending', prepare: (c) => this.createPending(c) },
      { name: 'send', prepare: (c) => this.send(c) },
    ];
  }

  get router(): IssuerRouter {
    return this.o.router;
  }

  /** Runs one transaction to its final row. The caller holds the till lock. */
  async run(req: RunRequest): Promise<TxnRow> {
    const ctx: TxnContext = { req, kind: runnerKind(req.kind) };
    try {
      let vote: Vote = 'PREPARED';
      for (const p of this.participants) {
        vote = await p.prepare(ctx);
        if (vote === 'ABORTED') break;
      }
      try {
        return vote === 'PREPARED' ? this.commit(ctx) : this.abort(ctx);
      } catch (e) {
        // Typed refusals (a wrong override PIN at the offline decision, ALREADY_FINAL) stand as
        // they are; anything else after the exchange is a write that failed.
        if (e instanceof TillError || ctx.stan === undefined || !ctx.outcome) throw e;
        return this.finalizeFailed(ctx, e as Error);
      }
    } finally {
      this.inFlight = undefined;
    }
  }

  // ── participants ──────────────────────────────────────────────────────────────────────────

  /**
   * Which issuer entry takes the request, and whether it may: the one place the entry's card
   * ranges (their Luhn option) and its operations (config `operations`, issuer/operations.ts) are
   * checked. Refusals throw before anything is written, a STAN taken or a byte sent; the adapters'
   * own refusals at send time stay behind it as a defence.
   */
  private route(ctx: TxnContext): Vote {
    const r = ctx.req;
    const router = this.o.router;
    if (r.local) {
      // Decided locally (its advice goes to the original's issuer later): nothing to route or
      // send, but that issuer must take the kind. An entry no longer configured is not asked.
      const entry = router.entries().find((e) => e.id === r.issuerId);
      if (entry) this.assertTakes(entry, r);
      return 'PREPARED';
    }
    if (r.issuerId !== undefined) ctx.issuer = router.byId(r.issuerId);
    else {
      const d = router.decide(r.card.pan);
      if ('refused' in d && d.refused === 'CARD_NUMBER_INVALID')
        throw new TillError('CARD_NUMBER_INVALID', maskPan(r.card.pan));
      ctx.issuer = 'entry' in d ? d.entry : undefined;
    }
    if (!ctx.issuer) ctx.localDecline = 'CARD_NOT_ACCEPTED';
    else {
      this.assertTakes(ctx.issuer, r);
      ctx.localDecline = this.o.cardHold?.({ pan: r.card.pan, kind: r.kind, issuer: ctx.issuer });
    }
    return 'PREPARED';
  }

  private assertTakes(entry: IssuerEntry, r: Pick<RunRequest, 'kind' | 'origStan'>): void {
    const unlinked = r.kind === 'refund' && r.origStan === undefined;
    if (!takesOperation(entry, r.kind, unlinked))
      throw new TillError(
        'ISSUER_UNSUPPORTED',
        `issuer ${entry.id} does not take ${unlinked ? 'an unlinked refund' : r.kind} at this till`,
      );
  }

  /**
   * The route step's refusals alone, for a flow that has steps of its own before its run: a
   * cash-out asks the manager and the balance first, so it asks this before either. Throws as the
   * run would (CARD_NUMBER_INVALID, ISSUER_UNSUPPORTED); nothing is written. A card no range takes
   * passes: the run itself declines it CARD_NOT_ACCEPTED, journaled as always.
   */
  checkRoute(kind: TxnType, pan: string): void {
    const d = this.o.router.decide(pan);
    if ('refused' in d) {
      if (d.refused === 'CARD_NUMBER_INVALID') throw new TillError('CARD_NUMBER_INVALID', maskPan(pan));
      return;
    }
    this.assertTakes(d.entry, { kind, origStan: undefined });
  }

  private async eligibility(ctx: TxnContext): Promise<Vote> {
    await ctx.req.eligibility?.();
    // Decided locally after its eligibility: nothing to record or send here (abort runs it).
    return ctx.req.local ? 'ABORTED' : 'PREPARED';
  }

  private createPending(ctx: TxnContext): Vote {
    const r = ctx.req;
    const { stan, request } = this.o.store.createPending<IssuerCommand>({
      type: r.kind,
      amountFen: r.amountFen,
      otherTenderFen: r.otherTenderFen,
      masked: maskPan(r.card.pan),
      pan: r.card.pan,
      entryMode: r.card.entryMode,
      operatorId: r.operatorId,
      origStan: r.origStan,
      issuerId: ctx.issuer?.id ?? NO_ISSUER,
      buildRequest: (s) => {
        r.withPending?.(s);
        return commandOf(r, s, this.o.clock().toISOString(), newId());
      },
    });
    ctx.stan = stan;
    ctx.command = request;
    ctx.endpoint = 'primary'; // the row's default until the port says otherwise
    this.inFlight = stan;
    return 'PREPARED';
  }

  private async send(ctx: TxnContext): Promise<Vote> {
    if (ctx.localDecline) return 'ABORTED';
    const local = ctx.req.port;
    const out = await (local ?? ctx.issuer!.port).exchange(
      asSent(ctx.command!, ctx.req),
      ctx.issuer!.attempts,
      local
        ? undefined
        : {
            // Before the bytes leave for a host, the row names it: its reversal goes to that host only.
            onEndpoint: (e) => {
              if (e !== ctx.endpoint) this.o.store.noteEndpoint(ctx.stan!, e);
              ctx.endpoint = e;
            },
          },
    );
    ctx.outcome = out;
    // A local port (the chip) says nothing about the issuer link.
    if (!local)
      this.o.onLink?.(out.kind === 'answer', out.kind === 'answer' ? undefined : out.detail, ctx.issuer!.id);
    return out.kind === 'answer' ? 'PREPARED' : 'ABORTED';
  }

  // ── commit / abort ────────────────────────────────────────────────────────────────────────

  /** The issuer answered: the row, its journal record, the card's balance. */
  private commit(ctx: TxnContext): TxnRow {
    const stan = ctx.stan!;
    const out = ctx.outcome as Extract<ExchangeOutcome, { kind: 'answer' }>;
    const a = out.answer;
    ctx.req.onAnswer?.(a);
    // The last balance seen online is what offline approvals for this card are checked against.
    if (a.balanceFen !== undefined && this.o.offline)
      this.o.offline.noteBalance(ctx.req.card.pan, a.balanceFen);
    // A card whose password the issuer asks is never approved offline (no one could check it).
    if (
      this.o.offline &&
      (ctx.req.pinBlocks !== undefined || (a.result === 'declined' && a.code?.startsWith('PASSWORD_')))
    )
      this.o.offline.notePasswordCard(ctx.req.card.pan);
    const also = ctx.req.withAnswer;
    return this.o.store.finalize(
      stan,
      {
        status: a.result,
        balanceFen: a.balanceFen,
        declineCode: a.result === 'declined' ? (a.code ?? 'ISSUER_ERROR') : undefined,
        authCode: a.authCode,
        ...(a.chip ? { chip: a.chip } : {}),
      },
      undefined,
      also ? () => also(stan, a) : undefined,
    );
  }

  /** No answer to go by: decided locally, or declined with a queued Reverse. */
  private abort(ctx: TxnContext): TxnRow {
    const stan = ctx.stan!;
    const store = this.o.store;
    if (ctx.req.local) return ctx.req.local();
    if (ctx.localDecline) return store.finalize(stan, { status: 'declined', declineCode: ctx.localDecline });
    const out = ctx.outcome!;
    if (out.kind === 'not-sent') {
      // The issuer cannot have seen it: the offline policy of that issuer decides (its queue, its
      // limits, its hot-card list — src/offline-queue/lanes.ts), or it is declined.
      const offline = ctx.kind.offlineEligible ? ctx.req.offline : undefined;
      return (
        offline?.({ stan, time: ctx.command!.time, issuer: ctx.issuer! }) ??
        store.finalize(stan, { status: 'declined', declineCode: 'ISSUER_UNREACHABLE' })
      );
    }
    if (out.kind !== 'unknown') throw new Error('abort without a failure');
    this.o.log(
      `stan ${stan}: ${ctx.req.kind} outcome unknown after ${ctx.issuer!.attempts} attempts (${out.detail})${ctx.kind.reversible ? '; reversal queued' : ''}`,
    );
    const code: ErrorCode = out.failure === 'bad-signature' ? 'ISSUER_BAD_SIGNATURE' : 'ISSUER_UNREACHABLE';
    return store.finalize(
      stan,
      { status: 'declined', declineCode: code },
      ctx.kind.reversible ? this.reversalOf(stan, ctx.issuer!.id, ctx.endpoint) : undefined,
    );
  }

  /**
   * The exchange is over but its outcome could not be written (disk full, I/O error). Try at once to
   * write it declined with its Reverse; if even that fails, remember it for recoverStale(). Either
   * way the cashier must not charge again on the strength of an error screen.
   */
  private finalizeFailed(ctx: TxnContext, e: Error): never {
    const stan = ctx.stan!;
    const out = ctx.outcome!;
    // Money may have moved unless the issuer said declined or cannot have seen the command.
    const mayHaveMoved =
      out.kind === 'unknown' || (out.kind === 'answer' && out.answer.result === 'approved');
    const u: Unresolved = {
      issuerId: ctx.issuer!.id,
      endpoint: ctx.endpoint,
      reverse: mayHaveMoved && ctx.kind.reversible,
    };
    this.o.log(
      `stan ${stan}: ${out.kind === 'answer' ? `answered ${out.answer.result}` : out.kind} but not recorded: ${e.message}`,
    );
    this.unresolved.set(stan, u);
    this.resolve(stan, u);
    throw new TillError('OUTCOME_UNKNOWN', `stan ${stan}`, { cause: e });
  }

  private resolve(stan: number, u: Unresolved): boolean {
    try {
      this.o.store.finalize(
        stan,
        { status: 'declined', declineCode: 'OUTCOME_UNKNOWN' },
        u.reverse ? this.reversalOf(stan, u.issuerId, u.endpoint) : undefined,
      );
      this.o.log(`stan ${stan}: recorded declined${u.reverse ? ', reversal queued' : ''}`);
    } catch (e) {
      if (!(e instanceof TillError && e.code === 'ALREADY_FINAL')) {
        this.o.log(`stan ${stan}: still cannot be recorded: ${(e as Error).message}`);
        return false;
      }
    }
    this.unresolved.delete(stan);
    return true;
  }

  reversalOf(origStan: number, issuerId: string, endpoint?: EndpointRole): ReversalSpec {
    return {
      issuerId,
      ...(endpoint ? { endpoint } : {}),
      command: (revStan): ReverseCommand => ({
        kind: 'reverse',
        stan: revStan,
        origStan,
        time: this.o.clock().toISOString(),
        id: newId(),
      }),
    };
  }

  // ── recovery ──────────────────────────────────────────────────────────────────────────────

  /**
   * How long a row may stay pending while the app runs: every attempt's deadline of the slowest
   * issuer plus a margin for the local commit. Past it nothing is still sending it.
   */
  pendingBoundMs(): number {
    const worst = Math.max(...this.o.router.entries().map((e) => e.attempts * e.timeoutMs));
    return worst + (this.o.staleMarginMs ?? 30_000);
  }

  /** A pending row nobody is sending: declined, and reversed when its kind moves money. */
  recoverRow(row: TxnRow, why: string): void {
    // A chip row's outcome is on the card: its grey record decides it (chip-purchase.ts), never
    // a decline here — declining a debit the card did would lose it.
    if (runsOnChip(row.type)) return;
    // A kind the runner does not know is reversed: a Reverse of a STAN the issuer never saw is
    // answered and harmless, a forgotten debit is not.
    // A row no issuer took ('none': CARD_NOT_ACCEPTED) was never sent.
    const reversible = row.issuer_id !== NO_ISSUER && reversedWhenRecovered(row.type);
    try {
      this.o.store.finalize(
        row.stan,
        { status: 'declined', declineCode: 'ISSUER_UNREACHABLE' },
        reversible ? this.reversalOf(row.stan, row.issuer_id, row.endpoint) : undefined,
      );
    } catch (e) {
      if (e instanceof TillError && e.code === 'ALREADY_FINAL') return;
      throw e;
    }
    this.o.log(`recovered pending stan ${row.stan} (${row.type}) ${why}`);
  }

  /**
   * The periodic check (the app's background tick): finalizes that failed after an answer, then
   * pending rows older than pendingBoundMs(). Returns how many were resolved.
   */
  recoverStale(): number {
    let n = 0;
    for (const [stan, u] of [...this.unresolved]) if (this.resolve(stan, u)) n++;
    const cutoff = new Date(this.o.clock().getTime() - this.pendingBoundMs()).toISOString();
    for (const row of this.o.store.pendingBefore(cutoff)) {
      if (row.stan === this.inFlight || this.unresolved.has(row.stan) || runsOnChip(row.type)) continue;
      this.recoverRow(row, `(pending past ${this.pendingBoundMs()} ms)`);
      n++;
    }
    return n;
  }
}
