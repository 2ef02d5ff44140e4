/**
 * The shift's life: open with a counted float → sell → X report at any time → blind count →
 * close (journal verified, Z frozen, one batch per issuer sent to that issuer for settlement) → the manager sees
 * the variance and acknowledges it → the next shift may open. A closed shift cannot be changed
 * (SQLite triggers, ./schema.ts); its Z report is reprinted as a COPY with a manager override.
 */
import type { Db } from '../store/sqlite';
import { TillError } from '../../shared/errors';
import type {
  IssuerReportPart,
  ShiftReport,
  ShiftSummary,
  SettlementInfo,
} from '../../shared/contract/manager';
import { ShiftStore, type ShiftRow, type CountRow, type BatchRow } from './shift-store';
import { issuerShiftTotals } from './issuer-totals';
import { shiftTotals, expectedCash, type ShiftTotals } from './totals';
import { TXN_KINDS } from '../../shared/txn-kinds';
import { assessVariance, ackProblem, DEFAULT_VARIANCE_POLICY, type VariancePolicy } from './variance';
import { checkAtClose, headForReport, rowsProblem, type JournalCheck } from './journal-check';
import { keeperOf } from '../journal/head-keeper';
import type { JournalKeys } from '../journal/verify';
import { NO_OFFLINE_QUEUE, type OfflineQueueView, type UnsentAdvice } from './offline-hook';
import { DEFAULT_ISSUER_ID } from '../config/config';
import type { AuditLog } from '../audit/audit-log';
import type { Settler } from './settlement';
import { denominationProblem, normalizeDenominations, type Denomination } from '../../shared/denominations';

export interface ShiftServiceOptions {
  db: Db;
  terminalId: string;
  merchantId: string;
  merchantName: string;
  clock: () => Date;
  audit: AuditLog;
  /** The terminal's journal keys (every key version it has had). */
  journalKeys: JournalKeys;
  settler: Settler;
  offlineQueue?: OfflineQueueView;
  variancePolicy?: VariancePolicy;
  log?: (line: string) => void;
  /** The store's time zone (config `timeZone`): the reports' sales by hour are on its clock. */
  timeZone?: string;
}

type Who = { id: string; role: string };

/** The recorded breakdown of a count, for the report's variance section (absent when counted by total). */
function breakdownOf(c: CountRow): { denominations?: Denomination[] } {
  return c.denominations ? { denominations: JSON.parse(c.denominations) as Denomination[] } : {};
}

export class ShiftService {
  readonly store: ShiftStore;
  private closing = false;
  constructor(readonly o: ShiftServiceOptions) {
    this.store = new ShiftStore(o.db);
  }

  private totals(fromStan: number, toStan: number): ShiftTotals {
    return shiftTotals(this.o.db, fromStan, toStan, TXN_KINDS, this.o.timeZone);
  }

  private get offline(): OfflineQueueView {
    return this.o.offlineQueue ?? NO_OFFLINE_QUEUE;
  }
  private now(): string {
    return this.o.clock().toISOString();
  }

  current(): ShiftRow | undefined {
    return this.store.open();
  }

  /** True while a close is running: voids of the closing batch are refused meanwhile. */
  isClosing(): boolean {
    return this.closing;
  }

  /** First STAN not yet part of a closed batch: voids are allowed from here on. */
  unsettledFromStan(): number {
    return (this.store.lastClosed()?.to_stan ?? 0) + 1;
  }

  open(by: Who, openingFloatFen: number): ShiftSummary {
    if (this.store.open()) throw new TillError('SHIFT_ALREADY_OPEN');
    const pendingAck = this.store.unacknowledged()[0];
    if (pendingAck) throw new TillError('VARIANCE_NOT_ACKNOWLEDGED', `shift ${pendingAck.id}`);
    const id = this.o.db.transaction(() => {
      const fromStan = this.unsettledFromStan();
      const r = this.o.db
        .prepare(
          "INSERT INTO shifts (status, opened_at, opened_by, opening_float_fen, from_stan, open_stan) VALUES ('open', ?, ?, ?, ?, ?)",
        )
        .run(this.now(), by.id, openingFloatFen, fromStan, this.store.nextStan());
      return Number(r.lastInsertRowid);
    })();
    this.o.audit.record({ action: 'shift.open', shiftId: id, detail: `float ${openingFloatFen}` });
    return this.summary(this.store.get(id)!, true);
  }

  /**
   * Blind count: records the figure and says nothing about what was expected. A breakdown by
   * denomination must add up to the total and list each value once, or nothing is recorded.
   */
  count(
    by: Who,
    countedFen: number,
    denominations?: ReadonlyArray<Denomination>,
  ): { recorded: true; countedAt: string } {
    const s = this.store.open();
    if (!s) throw new TillError('SHIFT_NOT_OPEN');
    let breakdown: Denomination[] | null = null;
    if (denominations) {
      const problem = denominationProblem(countedFen, denominations);
      if (problem) throw new TillError(problem.code, problem.detail);
      breakdown = normalizeDenominations(denominations);
    }
    const at = this.now();
    this.store.addCount(s.id, countedFen, breakdown, by.id, at);
    this.o.audit.record({
      action: 'shift.count',
      shiftId: s.id,
      detail: `blind count by ${by.id}${breakdown ? ' by denomination' : ''}`,
    });
    return { recorded: true, countedAt: at };
  }

  /** Who counted the open shift last and when; the figures only for a manager. */
  countInfo(manager: boolean): {
    countedBy: string;
    countedAt: string;
    countedFen: number | null;
    denominations: Denomination[] | null;
  } | null {
    const s = this.store.open();
    const c = s && this.store.latestCount(s.id);
    if (!c) return null;
    return {
      countedBy: c.counted_by,
      countedAt: c.counted_at,
      countedFen: manager ? c.counted_fen : null,
      denominations: manager ? (breakdownOf(c).denominations ?? null) : null,
    };
  }

  /** The X report: the open shift so far (or, with none open, everything since the last close). */
  xReport(): ShiftReport {
    const s = this.store.open();
    const toStan = this.store.nextStan() - 1;
    if (!s) {
      const from = this.unsettledFromStan();
      return this.build(
        'X',
        {
          id: 0,
          opened_at: this.now(),
          opened_by: '',
          opening_float_fen: 0,
          from_stan: from,
          open_stan: from,
          closed_at: null,
          closed_by: null,
        },
        toStan,
        null,
        this.xJournal(from, toStan),
      );
    }
    const count = this.store.latestCount(s.id);
    const totals = this.totals(s.from_stan, toStan);
    const variance = count
      ? {
          ...assessVariance(expectedCash(s.opening_float_fen, totals), count.counted_fen, this.policy),
          ...breakdownOf(count),
        }
      : null;
    return this.build('X', s, toStan, variance, this.xJournal(s.from_stan, toStan), totals);
  }

  /**
   * The X is folded from `txns` rows: it names the first row that differs from its signed journal
   * record (null when all agree — the full check runs at close).
   */
  private xJournal(fromStan: number, toStan: number): ShiftReport['journal'] {
    const p = rowsProblem(this.o.db, fromStan, toStan);
    return p ? { ok: false, checked: 0, lastSeq: 0, problem: `stan ${p.seq}: ${p.detail}` } : null;
  }

  private get policy(): VariancePolicy {
    return this.o.variancePolicy ?? DEFAULT_VARIANCE_POLICY;
  }

  private build(
    kind: 'X' | 'Z',
    s: Pick<
      ShiftRow,
      | 'id'
      | 'opened_at'
      | 'opened_by'
      | 'opening_float_fen'
      | 'from_stan'
      | 'open_stan'
      | 'closed_at'
      | 'closed_by'
    >,
    toStan: number,
    variance: ShiftReport['variance'],
    journal: ShiftReport['journal'],
    totals: ShiftTotals = this.totals(s.from_stan, toStan),
  ): ShiftReport {
    const beforeOpen =
      s.open_stan > s.from_stan
        ? (
            this.o.db
              .prepare('SELECT COUNT(*) AS n FROM txns WHERE stan BETWEEN ? AND ?')
              .get(s.from_stan, Math.min(toStan, s.open_stan - 1)) as { n: number }
          ).n
        : 0;
    return {
      kind,
      shiftId: s.id,
      terminalId: this.o.terminalId,
      merchantId: this.o.merchantId,
      merchantName: this.o.merchantName,
      openedAt: s.opened_at,
      openedBy: s.opened_by,
      closedAt: s.closed_at,
      closedBy: s.closed_by,
      fromStan: s.from_stan,
      toStan,
      openingFloatFen: s.opening_float_fen,
      totals,
      expectedCashFen: expectedCash(s.opening_float_fen, totals),
      variance,
      queue: {
        offlineUnsent: this.offline.unsent().length,
        reversalsUnsent: this.store.unsentReversalCount(),
      },
      exceptions: {
        beforeOpen,
        declined: totals.declined.count,
        pending: totals.pending.count,
        reversals: totals.reversals.count,
      },
      journal,
      settlement: null,
      ...this.issuerParts(s.from_stan, toStan),
      generatedAt: this.now(),
    };
  }

  /**
   * Each issuer's part of the report (same fold, that issuer's rows), home first — only on a
   * terminal with more than one issuer entry: a single-issuer report is what it always was.
   */
  private issuerParts(
    fromStan: number,
    toStan: number,
    batches: ReadonlyMap<string, number> = new Map(),
  ): { issuers?: IssuerReportPart[] } {
    const list = this.o.settler.batchIssuers();
    if (list.length < 2) return {};
    return {
      issuers: list.map((i) => ({
        issuerId: i.id,
        name: i.name,
        batchNo: batches.get(i.id) ?? null,
        totals: issuerShiftTotals(this.o.db, fromStan, toStan, i.rows ?? [i.id]),
        settlement: null,
      })),
    };
  }

  /**
   * Close: blind count (given here or recorded before), unsent offline advices refused unless
   * forced, journal verified since the last close (records, the shift's rows against them, the
   * head kept outside the database — ./journal-check.ts), Z frozen, batch recorded, then settled
   * with the issuer (a failure to reach it leaves the batch "unreachable", retried by shift.settle).
   * A failed journal check refuses the close (JOURNAL_CHECK_FAILED) until a manager acknowledges
   * it (`journalAckBy`, from a manager PIN override); the Z then prints FAILED and who acknowledged.
   */
  async close(
    by: Who,
    req: { countedFen?: number; forcedBy?: string; journalAckBy?: string },
  ): Promise<ShiftReport> {
    const s = this.store.open();
    if (!s) throw new TillError('SHIFT_NOT_OPEN');
    if (this.closing) throw new TillError('BUSY');
    if (req.countedFen === undefined && !this.store.latestCount(s.id)) throw new TillError('COUNT_REQUIRED');
    this.closing = true;
    try {
      const unsent = this.offline.unsent().filter((u) => u.stan >= s.from_stan);
      if (unsent.length > 0 && !req.forcedBy)
        throw new TillError('BATCH_HAS_UNSENT', `${unsent.length} offline advice(s) unsent`);
      const prev = this.store.lastClosed();
      const journal: JournalCheck = checkAtClose(
        this.o.db,
        this.o.journalKeys,
        prev?.journal_seq ? { seq: prev.journal_seq, hash: prev.journal_hash! } : undefined,
        { fromStan: s.from_stan, toStan: this.store.nextStan() - 1 },
      );
      const problemText = journal.problem
        ? `seq ${journal.problem.seq}: ${journal.problem.what} (${journal.problem.detail})`
        : '';
      if (!journal.ok) {
        this.o.log?.(
          `ALERT journal check failed at seq ${journal.problem?.seq} (${journal.problem?.what}) during shift ${s.id} close`,
        );
        if (!req.journalAckBy) {
          this.o.audit.record({
            action: 'shift.close',
            shiftId: s.id,
            outcome: 'failed',
            detail: `journal FAILED ${problemText}: close refused until a manager acknowledges`,
          });
          throw new TillError('JOURNAL_CHECK_FAILED', problemText);
        }
        this.o.audit.record({
          action: 'journal.acknowledge',
          shiftId: s.id,
          approvedBy: req.journalAckBy,
          detail: `failed journal check acknowledged at close: ${problemText}`,
        });
      }
      const at = this.now();
      const report = this.o.db.transaction(() => {
        const toStan = this.store.nextStan() - 1;
        const pending = (
          this.o.db
            .prepare("SELECT COUNT(*) AS n FROM txns WHERE status = 'pending' AND stan BETWEEN ? AND ?")
            .get(s.from_stan, toStan) as { n: number }
        ).n;
        if (pending > 0) throw new TillError('BUSY', `${pending} transaction(s) still in progress`);
        if (req.countedFen !== undefined) this.store.addCount(s.id, req.countedFen, null, by.id, at);
        const latest = this.store.latestCount(s.id)!;
        const counted = latest.counted_fen;
        const totals = this.totals(s.from_stan, toStan);
        const variance = {
          ...assessVariance(expectedCash(s.opening_float_fen, totals), counted, this.policy),
          ...breakdownOf(latest),
        };
        const z = this.build(
          'Z',
          { ...s, closed_at: at, closed_by: by.id },
          toStan,
          variance,
          {
            ok: journal.ok,
            checked: journal.checked,
            lastSeq: journal.lastSeq,
            ...(journal.problem ? { problem: problemText } : {}),
            ...headForReport(this.o.db),
            ...(!journal.ok && req.journalAckBy ? { acknowledgedBy: req.journalAckBy } : {}),
          },
          totals,
        );
        // One batch per issuer (home first): the home issuer's always (a shift with nothing still
        // settles its zeros, as with one issuer), another's when it has rows in the range or
        // advices carried in or out. Each carries in its own previous batch's unsent advices.
        let batchNo = this.store.lastBatch()?.batch_no ?? 0;
        const batchOfIssuer = new Map<string, number>();
        this.o.settler.batchIssuers().forEach((iss, i) => {
          const rows = iss.rows;
          const mine = (u: UnsentAdvice) => !rows || rows.includes(u.issuerId ?? DEFAULT_ISSUER_ID);
          const last = this.store.lastBatchOf(rows);
          const carriedIn: number[] = last ? (JSON.parse(last.carried_out) as number[]) : [];
          const carriedOut = unsent.filter(mine).map((u) => u.stan);
          if (
            i > 0 &&
            rows &&
            !carriedIn.length &&
            !carriedOut.length &&
            !this.store.hasRows(s.from_stan, toStan, rows)
          )
            return;
          batchNo++;
          batchOfIssuer.set(iss.id, batchNo);
          this.o.db
            .prepare(
              'INSERT INTO batches (batch_no, issuer_id, shift_id, from_stan, to_stan, carried_in, carried_out, forced, forced_by, totals, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            )
            .run(
              batchNo,
              iss.id,
              s.id,
              s.from_stan,
              toStan,
              JSON.stringify(carriedIn),
              JSON.stringify(carriedOut),
              req.forcedBy ? 1 : 0,
              req.forcedBy ?? null,
              '{}',
              at,
            );
        });
        Object.assign(z, this.issuerParts(s.from_stan, toStan, batchOfIssuer));
        this.o.db
          .prepare(
            `UPDATE shifts SET status = 'closed', closed_at = ?, closed_by = ?, to_stan = ?, counted_fen = ?, expected_cash_fen = ?, variance_fen = ?, z_json = ?, journal_seq = ?, journal_hash = ? WHERE id = ? AND status = 'open'`,
          )
          .run(
            at,
            by.id,
            toStan,
            counted,
            variance.expectedFen,
            variance.varianceFen,
            JSON.stringify(z),
            journal.ok ? journal.lastSeq : (prev?.journal_seq ?? null),
            journal.ok ? journal.lastHash : (prev?.journal_hash ?? null),
            s.id,
          );
        return z;
      })();
      // The checkpoint also goes outside the database: rewinding it in the shifts table is found.
      if (journal.ok) keeperOf(this.o.db)?.setCheckpoint(s.id, journal.lastSeq, journal.lastHash);
      this.o.audit.record({
        action: 'shift.close',
        shiftId: s.id,
        outcome: journal.ok ? 'ok' : 'failed',
        approvedBy: req.forcedBy,
        detail: `variance ${report.variance?.varianceFen ?? 0}; journal ${journal.ok ? 'ok' : `FAILED ${report.journal?.problem}`}${req.forcedBy ? `; forced with ${unsent.length} unsent` : ''}`,
      });
      await this.settle(s.id);
      return this.zReport(s.id);
    } finally {
      this.closing = false;
    }
  }

  /**
   * Sends (or re-sends) the batches of a closed shift for settlement — every issuer's, or the one
   * given — and records each outcome. Answers with the home batch's settlement (the given issuer's).
   */
  async settle(shiftId: number, issuerId?: string): Promise<SettlementInfo> {
    const batches = this.store
      .batchesOf(shiftId)
      .filter((b) => issuerId === undefined || b.issuer_id === issuerId);
    if (!batches.length)
      throw new TillError(
        'SHIFT_NOT_OPEN',
        `shift ${shiftId} has no batch${issuerId ? ` for ${issuerId}` : ''}`,
      );
    this.checkRows(batches[0]!);
    // One issuer down never holds another's settlement back: they go at once.
    const infos = await Promise.all(batches.map((b) => this.settleBatch(b, true)));
    return infos[0]!;
  }

  /**
   * The batch's totals are folded from its rows: they must still say what was signed, unless a
   * manager acknowledged the failed check at close (then the issuer's reconciliation shows it).
   */
  private checkRows(batch: BatchRow): void {
    const zJson = this.store.get(batch.shift_id)?.z_json;
    const acked = zJson ? !!(JSON.parse(zJson) as ShiftReport).journal?.acknowledgedBy : false;
    const rows = acked ? undefined : rowsProblem(this.o.db, batch.from_stan, batch.to_stan);
    if (rows) throw new TillError('JOURNAL_CHECK_FAILED', `stan ${rows.seq}: ${rows.detail}`);
  }

  /** One batch to its issuer (the settlement job retries one issuer's without the others'). */
  async settleBatch(batch: BatchRow, checked = false): Promise<SettlementInfo> {
    if (!checked) this.checkRows(batch);
    const info = await this.o.settler.settle(batch);
    const several = this.o.settler.batchIssuers().length > 1;
    this.o.audit.record({
      action: 'batch.settle',
      shiftId: batch.shift_id,
      outcome: info.status === 'settled' ? 'ok' : 'failed',
      detail: `batch ${batch.batch_no}${several ? ` (${batch.issuer_id})` : ''}: ${info.status}, ${info.discrepancies.length} discrepancies${info.carriedOut.length ? `, ${info.carriedOut.length} carried to next batch` : ''}`,
    });
    return info;
  }

  acknowledge(by: Who, shiftId: number, note?: string): void {
    const s = this.store.get(shiftId);
    if (!s || s.status !== 'closed')
      throw new TillError('INVALID_STATE', 'only a closed shift has a variance to acknowledge');
    if (this.store.ack(shiftId)) return; // once is enough: repeated clicks are harmless
    const v = assessVariance(s.expected_cash_fen ?? 0, s.counted_fen ?? 0, this.policy);
    const problem = ackProblem(v, note);
    if (problem) throw new TillError('VARIANCE_NOTE_REQUIRED', problem);
    this.o.db
      .prepare('INSERT INTO shift_acks (shift_id, acked_by, acked_at, note) VALUES (?, ?, ?, ?)')
      .run(shiftId, by.id, this.now(), note ?? null);
    this.o.audit.record({
      action: 'shift.acknowledge',
      shiftId,
      detail: `variance ${v.varianceFen}${note ? `: ${note}` : ''}`,
    });
  }

  /** The frozen Z report of a closed shift, with its latest settlement. */
  zReport(shiftId: number): ShiftReport {
    const s = this.store.get(shiftId);
    if (!s || s.status !== 'closed' || !s.z_json) throw new TillError('NOT_FOUND', `closed shift ${shiftId}`);
    const z = JSON.parse(s.z_json) as ShiftReport;
    if (!z.issuers) return { ...z, settlement: this.o.settler.info(shiftId) };
    // Each issuer's part with its batch's latest settlement (read now: a retry may have settled it).
    const batches = new Map(this.store.batchesOf(shiftId).map((b) => [b.batch_no, b]));
    const issuers = z.issuers.map((p) => {
      const b = p.batchNo !== null ? batches.get(p.batchNo) : undefined;
      return { ...p, settlement: b ? this.o.settler.batchInfo(b) : null };
    });
    return { ...z, settlement: this.o.settler.info(shiftId), issuers };
  }

  summary(s: ShiftRow, manager: boolean): ShiftSummary {
    const z = s.z_json ? (JSON.parse(s.z_json) as ShiftReport) : null;
    return {
      id: s.id,
      status: s.status,
      openedAt: s.opened_at,
      openedBy: s.opened_by,
      openingFloatFen: s.opening_float_fen,
      closedAt: s.closed_at,
      closedBy: s.closed_by,
      counted: s.counted_fen !== null || !!this.store.latestCount(s.id),
      varianceFen: manager ? s.variance_fen : null,
      acknowledged: s.variance_fen === 0 || !!this.store.ack(s.id),
      settlement: manager ? this.settlementStatus(s.id) : null,
      netCardFen: manager && z ? z.totals.netCardFen : null,
    };
  }

  /** 'settled' when every batch of the shift is; else the first batch's status that is not. */
  private settlementStatus(shiftId: number): ShiftSummary['settlement'] {
    const infos = this.store.batchesOf(shiftId).map((b) => this.o.settler.batchInfo(b));
    if (!infos.length) return null;
    const open = infos.find((i) => i?.status !== 'settled');
    return open === undefined ? 'settled' : (open?.status ?? null);
  }

  list(limit: number): ShiftSummary[] {
    return this.store.list(limit).map((s) => this.summary(s, true));
  }
}
