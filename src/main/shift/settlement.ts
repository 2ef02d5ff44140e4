/**
 * Settlement of a closed batch with the issuer (docs/issuer-protocol.md "settle"): the terminal
 * sends its batch totals; the issuer answers with its own totals for this terminal and batch, and
 * its transactions when they differ. Matched → settled. Not matched → a per-transaction
 * comparison (./reconcile.ts) becomes the discrepancy report. Every attempt is appended to
 * `settlements`; the newest is the batch's state.
 *
 * The exchange is a `Settle` command through the issuer port of the batch's issuer (the router's
 * entry named by `batches.issuer_id`): the adapter owns the wire message, its retransmission and
 * its trace numbers, and answers in domain terms — so an ISO 8583 adapter settles the same way.
 *
 * One batch per issuer per shift: with more than one issuer entry, a batch's totals and items are
 * that issuer's rows of the shift's STAN range only (`rowsOf`), so each issuer is sent, and
 * reconciled against, exactly what it authorised. With one entry every row is its own (no filter,
 * the same queries as before issuers).
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../store/sqlite';
import type { IssuerRouter } from '../issuer/router';
import type { SettleCommand } from '../issuer/port';
import { takeStan } from '../store/terminal-db';
import { addTo, totalsEqual, totalsOf, type BatchTotals } from '../../shared/issuer-settlement';
import type { SettlementInfo } from '../../shared/contract/manager';
import { reconcile, DISCREPANCY_ACTIONS, type Discrepancy, type TerminalItem } from './reconcile';
import type { BatchRow } from './shift-store';
import { assertKnownTypes } from './totals';
import { TXN_KINDS, kindOf, type KindTable } from '../../shared/txn-kinds';
import { ShiftStore } from './shift-store';
import { offlineQueueFromDb, type OfflineQueueView } from './offline-hook';
import type { ChipClearingItem } from '../../shared/issuer-epurse';
import { issuerFilter } from './issuer-totals';
import { DEFAULT_ISSUER_ID } from '../config/config';

export interface SettlerOptions {
  db: Db;
  /** The issuers: a batch settles with the entry its row names (attempts are that entry's). */
  router: Pick<IssuerRouter, 'home' | 'byId' | 'entries'>;
  clock: () => Date;
  /** What is still in the offline queue (default: the offline queue's own table in `db`). */
  offlineQueue?: OfflineQueueView;
  /** The kinds table; the real one except in tests that declare an extra kind. */
  kinds?: KindTable;
  /** Where an answer that is not a settlement is explained (the event log). */
  log?: (line: string) => void;
  /** The batch's chip purchases and loads with their TACs, uploaded for clearing (terminal/chip-clearing.ts). */
  chipItems?: (b: BatchRow, rows: readonly string[] | undefined) => ChipClearingItem[];
}

/** An issuer entry a shift's close may make a batch for. */
export interface BatchIssuer {
  id: string;
  name: string;
  /** The `issuer_id`s of its rows; undefined: every row (the terminal has one issuer entry). */
  rows: readonly string[] | undefined;
}

export interface Settler {
  /** The issuers a batch closed now may settle with, home first (written on its `batches` row). */
  batchIssuers(): BatchIssuer[];
  /** The `issuer_id`s of an issuer's rows (undefined: every row, with one issuer entry). */
  rowsOf(issuerId: string): readonly string[] | undefined;
  settle(batch: BatchRow): Promise<SettlementInfo>;
  /** The latest settlement of the shift's home batch (the only one with one issuer). */
  info(shiftId: number): SettlementInfo | null;
  /** The latest settlement of one batch. */
  batchInfo(batch: BatchRow): SettlementInfo | null;
}

interface ItemRow {
  stan: number;
  type: string;
  amount_fen: number;
  updated_at: string;
}

type BatchRange = Pick<BatchRow, 'from_stan' | 'to_stan' | 'carried_in' | 'carried_out'>;

/** `type IN (?, ?, …)` over the kinds that settle with the issuer, and its parameters. */
function settledTypes(kinds: KindTable): { sql: string; params: string[] } {
  const params = kinds.inSettlement().map((k) => k.type);
  return { sql: `type IN (${params.map(() => '?').join(', ')})`, params };
}

/** The settlement bucket of a row's type; UNKNOWN_TXN_KIND for a type no kind declares. */
function bucketOf(type: string, kinds: KindTable): string | null {
  return kindOf(type, kinds).settlement;
}

/**
 * The batch's approved money rows (kinds with a settlement bucket): range minus carried-out, plus
 * carried-in. Each item's `type` is its settlement bucket — what the issuer answers per transaction.
 */
export function batchItems(
  db: Db,
  b: BatchRange,
  kinds: KindTable = TXN_KINDS,
  issuerRows?: readonly string[],
): TerminalItem[] {
  assertKnownTypes(db, b.from_stan, b.to_stan, kinds);
  const out = new Set(JSON.parse(b.carried_out) as number[]);
  const types = settledTypes(kinds);
  const mine = issuerFilter(issuerRows);
  const rows = db
    .prepare(
      `SELECT stan, type, amount_fen, updated_at FROM txns WHERE stan BETWEEN ? AND ? AND status = 'approved' AND ${types.sql} ${mine.sql}`,
    )
    .all(b.from_stan, b.to_stan, ...types.params, ...mine.params) as ItemRow[];
  const carried = JSON.parse(b.carried_in) as number[];
  const get = db.prepare(
    "SELECT stan, type, amount_fen, updated_at FROM txns WHERE stan = ? AND status = 'approved'",
  );
  for (const s of carried) {
    const r = get.get(s) as ItemRow | undefined;
    if (r) rows.push(r);
  }
  const items: TerminalItem[] = [];
  for (const r of rows) {
    const bucket = bucketOf(r.type, kinds);
    if (bucket && !out.has(r.stan))
      items.push({ stan: r.stan, type: bucket, amountFen: r.amount_fen, time: r.updated_at });
  }
  return items;
}

/**
 * The batch's totals in SQL (one range pass), adjusted by carried-out and carried-in STANs; with
 * `issuerRows`, of that issuer's rows only.
 */
export function batchTotals(
  db: Db,
  b: BatchRange,
  kinds: KindTable = TXN_KINDS,
  issuerRows?: readonly string[],
): BatchTotals {
  assertKnownTypes(db, b.from_stan, b.to_stan, kinds);
  const types = settledTypes(kinds);
  const mine = issuerFilter(issuerRows);
  // Index-only range scans of txns_report (src/main/shift/schema.ts), like the X/Z totals; one
  // issuer's of txns_issuer_report, the same index with the issuer in front.
  const rows = db
    .prepare(
      `SELECT type, COUNT(*) AS n, SUM(amount_fen) AS fen FROM txns INDEXED BY ${issuerRows ? 'txns_issuer_report' : 'txns_report'}
        WHERE ${types.sql} AND status = 'approved' AND offline IN (0, 1) AND stan BETWEEN ? AND ? ${mine.sql} GROUP BY type`,
    )
    .all(...types.params, b.from_stan, b.to_stan, ...mine.params) as Array<{
    type: string;
    n: number;
    fen: number;
  }>;
  // Every bucket of the table at zero (totalsOf of nothing), so a bucket added later starts counted.
  const t: BatchTotals = totalsOf([], kinds.settlementBuckets);
  for (const r of rows) {
    const k = bucketOf(r.type, kinds);
    if (k) addTo(t, k, r.n, r.fen);
  }
  const get = db.prepare("SELECT stan, type, amount_fen FROM txns WHERE stan = ? AND status = 'approved'");
  const adjust = (stans: number[], sign: 1 | -1, inRange: boolean) => {
    for (const s of stans) {
      if ((s >= b.from_stan && s <= b.to_stan) !== inRange) continue;
      const x = get.get(s) as { type: string; amount_fen: number } | undefined;
      const k = x ? bucketOf(x.type, kinds) : null;
      if (x && k) addTo(t, k, sign, sign * x.amount_fen);
    }
  };
  adjust(JSON.parse(b.carried_out) as number[], -1, true);
  adjust(JSON.parse(b.carried_in) as number[], 1, false);
  return t;
}

export function createSettler(o: SettlerOptions): Settler {
  const store = new ShiftStore(o.db);
  const kinds = o.kinds ?? TXN_KINDS;
  const single = () => o.router.entries().length === 1;
  // The home entry also owns rows from before issuer ids ('default', the one issuer then).
  const rowsOf = (issuerId: string): readonly string[] | undefined => {
    if (single()) return undefined;
    const e = o.router.byId(issuerId);
    return e === o.router.home ? [...new Set([e.id, DEFAULT_ISSUER_ID])] : [e.id];
  };

  const offline = o.offlineQueue ?? offlineQueueFromDb(o.db);

  /**
   * STANs of this batch not at the issuer *now*: carried-out advices still unsent, declined sales
   * whose reversal is still queued. Asked live every time, so a settlement read after the queue
   * drained never still says "in the offline queue" (one truth per shift).
   */
  function stillQueued(b: BatchRow): Set<number> {
    const unsent = new Set(offline.unsent().map((u) => u.stan));
    const out = new Set((JSON.parse(b.carried_out) as number[]).filter((s) => unsent.has(s)));
    for (const rv of store.unsentReversalOrigs(b.from_stan, b.to_stan, rowsOf(b.issuer_id)))
      out.add(rv.orig_stan);
    return out;
  }

  /**
   * What is in this batch but not at the issuer yet: forced offline advices still unsent, queued
   * reversals — of the kinds that settle only, each named by its settlement bucket as the issuer
   * and batchItems name it (a load void is `loadvoid`). A queued reversal of a kind that does not
   * settle (a password change) is no discrepancy of the batch: neither side counts it.
   */
  function queued(b: BatchRow): Array<{ stan: number; type: string; amountFen: number; time: string }> {
    const q: Array<{ stan: number; type: string; amountFen: number; time: string }> = [];
    const get = o.db.prepare('SELECT stan, type, amount_fen, updated_at FROM txns WHERE stan = ?');
    const live = stillQueued(b);
    for (const s of (JSON.parse(b.carried_out) as number[]).filter((x) => live.has(x))) {
      const r = get.get(s) as ItemRow | undefined;
      const bucket = r ? bucketOf(r.type, kinds) : 'sale';
      if (bucket) q.push({ stan: s, type: bucket, amountFen: r?.amount_fen ?? 0, time: r?.updated_at ?? '' });
    }
    for (const rv of store.unsentReversalOrigs(b.from_stan, b.to_stan, rowsOf(b.issuer_id))) {
      const r = get.get(rv.orig_stan) as ItemRow | undefined;
      const bucket = r ? bucketOf(r.type, kinds) : null;
      if (r && bucket) q.push({ stan: r.stan, type: bucket, amountFen: r.amount_fen, time: r.updated_at });
    }
    return q;
  }

  function record(
    b: BatchRow,
    issuerId: string,
    stan: number,
    status: SettlementInfo['status'],
    issuerTotals: BatchTotals | null,
    discrepancies: Discrepancy[],
    issuerCode: string | null = null,
  ): SettlementInfo {
    const at = o.clock().toISOString();
    o.db
      .prepare(
        'INSERT INTO settlements (batch_no, issuer_id, stan, status, issuer_totals, discrepancies, attempted_at, issuer_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        b.batch_no,
        issuerId,
        stan,
        status,
        issuerTotals ? JSON.stringify(issuerTotals) : null,
        JSON.stringify(discrepancies),
        at,
        issuerCode,
      );
    return toInfo(b, {
      status,
      issuer_totals: issuerTotals ? JSON.stringify(issuerTotals) : null,
      discrepancies: JSON.stringify(discrepancies),
      attempted_at: at,
      issuer_code: issuerCode,
    });
  }

  function toInfo(
    b: BatchRow,
    s: {
      status: SettlementInfo['status'];
      issuer_totals: string | null;
      discrepancies: string;
      attempted_at: string;
      issuer_code?: string | null;
    },
  ): SettlementInfo {
    const live = stillQueued(b);
    const carriedOut = JSON.parse(b.carried_out) as number[];
    return {
      batchNo: b.batch_no,
      issuerId: b.issuer_id,
      status: s.status,
      forced: b.forced === 1,
      carriedIn: JSON.parse(b.carried_in) as number[],
      carriedOut,
      carriedOutUnsent: carriedOut.filter((x) => live.has(x)),
      terminalTotals: batchTotals(o.db, b, kinds, rowsOf(b.issuer_id)),
      issuerTotals: s.issuer_totals ? (JSON.parse(s.issuer_totals) as BatchTotals) : null,
      // A settled batch has no discrepancy: what it carried out is listed as carried out, not as one.
      // "In the offline queue" is checked now, not as it was at the attempt.
      discrepancies: (JSON.parse(s.discrepancies) as Discrepancy[]).filter(
        (d) => s.status !== 'settled' && (d.kind !== 'in_offline_queue' || live.has(d.stan)),
      ),
      attemptedAt: s.attempted_at,
      issuerCode: s.issuer_code ?? null,
    };
  }

  const batchInfo = (b: BatchRow): SettlementInfo | null => {
    const s = store.latestSettlement(b.batch_no);
    return s ? toInfo(b, s) : null;
  };

  return {
    info(shiftId) {
      const b = store.batchOf(shiftId);
      return b ? batchInfo(b) : null;
    },
    batchInfo,
    rowsOf,
    batchIssuers: () => o.router.entries().map((e) => ({ id: e.id, name: e.name, rows: rowsOf(e.id) })),
    async settle(b) {
      const issuer = o.router.byId(b.issuer_id);
      const rows = rowsOf(b.issuer_id);
      const totals = batchTotals(o.db, b, kinds, rows);
      const q = queued(b);
      const chip = o.chipItems?.(b, rows) ?? [];
      const command: SettleCommand = o.db.transaction(() => ({
        kind: 'settle' as const,
        stan: takeStan(o.db),
        time: o.clock().toISOString(),
        id: randomBytes(16).toString('hex'),
        batchNo: b.batch_no,
        fromStan: b.from_stan,
        toStan: b.to_stan,
        carriedStans: JSON.parse(b.carried_in) as number[],
        excludedStans: JSON.parse(b.carried_out) as number[],
        totals,
        ...(chip.length > 0 ? { chip } : {}),
      }))();
      const rec = (
        status: SettlementInfo['status'],
        issuerTotals: BatchTotals | null,
        discrepancies: Discrepancy[],
        issuerCode?: string,
      ) => record(b, issuer.id, command.stan, status, issuerTotals, discrepancies, issuerCode);
      const out = await issuer.port.exchange(command, issuer.attempts);
      // Not reached, or no trustworthy answer: the issuer may not know the batch yet.
      if (out.kind !== 'answer') return rec('unreachable', null, q.map(queuedDiscrepancy));
      const answer = out.answer;
      // Not sent because the host still owes answers (iso8583-cup: a 0410 or 0230 first): not
      // settled yet, and retried like an unreached batch (the settlement job) — with the code and
      // what is unanswered, so the manager sees why.
      if (answer.unanswered?.length) {
        // An unsent reversal is listed once, as unanswered (the terminal's queue has it too).
        const owed = new Set(answer.unanswered.map((u) => u.stan));
        return rec(
          'unreachable',
          null,
          [
            ...q.filter((x) => !owed.has(x.stan)).map(queuedDiscrepancy),
            ...unansweredDiscrepancies(o.db, answer.unanswered),
          ],
          answer.code ?? 'ISSUER_ERROR',
        );
      }
      // Reached and refused: the manager sees the issuer's code, not "not reached".
      if (answer.result !== 'approved')
        return rec('refused', null, q.map(queuedDiscrepancy), answer.code ?? 'ISSUER_ERROR');
      const ans = answer.settlement;
      if (!ans) {
        o.log?.(
          `settlement of batch ${b.batch_no} with ${issuer.id}: the issuer's answer is not a settlement (${answer.malformed ?? 'none in the answer'})`,
        );
        return rec('bad_answer', null, q.map(queuedDiscrepancy));
      }
      // What chip clearing found (a bad TAC, a gap in a card's sequence, a duplicate) keeps the
      // batch unmatched: the manager sees each one with what to do.
      const chipFound = chipDiscrepancies(chip, ans.chip?.discrepancies ?? []);
      // Matched: settled, with no discrepancy — advices it carried out are in `carriedOut`.
      if (ans.matched && totalsEqual(ans.totals, totals) && chipFound.length === 0)
        return rec('settled', ans.totals, []);
      return rec('unmatched', ans.totals, [
        ...(ans.matched ? [] : reconcile(batchItems(o.db, b, kinds, rows), ans.txns ?? [], q)),
        ...chipFound,
      ]);
    },
  };
}

function chipDiscrepancies(
  sent: readonly ChipClearingItem[],
  found: ReadonlyArray<{ stan: number; kind: 'chip_bad_tac' | 'chip_sequence_gap' | 'chip_duplicate' }>,
): Discrepancy[] {
  const byStan = new Map(sent.map((c) => [c.stan, c]));
  return found.map((f) => {
    const c = byStan.get(f.stan);
    const fen = c ? c.amountFen : null;
    return {
      kind: f.kind,
      stan: f.stan,
      type: c?.kind === 'load' ? 'chip_load' : 'chip_purchase',
      terminalFen: fen,
      issuerFen: f.kind === 'chip_sequence_gap' ? fen : null,
      time: '',
      action: DISCREPANCY_ACTIONS[f.kind],
    };
  });
}

/** What the adapter still waits on the host for (iso8583-cup: a settlement only once nothing is owed). */
function unansweredDiscrepancies(db: Db, owed: ReadonlyArray<{ stan: number }>): Discrepancy[] {
  const row = db.prepare('SELECT type, amount_fen, updated_at FROM txns WHERE stan = ?');
  return owed.map(({ stan }) => {
    const r = row.get(stan) as { type: string; amount_fen: number; updated_at: string } | undefined;
    return {
      kind: 'unanswered_at_issuer',
      stan,
      type: r?.type ?? 'unknown',
      terminalFen: r?.amount_fen ?? null,
      issuerFen: null,
      time: r?.updated_at ?? '',
      action: DISCREPANCY_ACTIONS.unanswered_at_issuer,
    };
  });
}

function queuedDiscrepancy(q: { stan: number; type: string; amountFen: number; time: string }): Discrepancy {
  return {
    kind: 'in_offline_queue',
    stan: q.stan,
    type: q.type,
    terminalFen: q.amountFen,
    issuerFen: null,
    time: q.time,
    action: DISCREPANCY_ACTIONS.in_offline_queue,
  };
}
