/** Row access for shifts, counts, acknowledgements, batches and settlements (./schema.ts). */
import type { Db } from '../store/sqlite';
import type { SettlementInfo } from '../../shared/contract/manager';

export interface ShiftRow {
  id: number;
  status: 'open' | 'closed';
  opened_at: string;
  opened_by: string;
  opening_float_fen: number;
  from_stan: number;
  open_stan: number;
  closed_at: string | null;
  closed_by: string | null;
  to_stan: number | null;
  counted_fen: number | null;
  expected_cash_fen: number | null;
  variance_fen: number | null;
  z_json: string | null;
  journal_seq: number | null;
  journal_hash: string | null;
}

export interface BatchRow {
  batch_no: number;
  shift_id: number;
  from_stan: number;
  to_stan: number;
  carried_in: string;
  carried_out: string;
  forced: number;
  forced_by: string | null;
  totals: string;
  created_at: string;
  /** The issuer this batch settles with (src/main/issuer/router.ts); 'default' before issuer ids. */
  issuer_id: string;
}

export interface SettlementRow {
  id: number;
  batch_no: number;
  issuer_id: string;
  stan: number | null;
  status: SettlementInfo['status'];
  issuer_totals: string | null;
  discrepancies: string;
  attempted_at: string;
  issuer_code?: string | null;
}

export interface CountRow {
  counted_fen: number;
  denominations: string | null;
  counted_by: string;
  counted_at: string;
}

export class ShiftStore {
  constructor(readonly db: Db) {}

  open(): ShiftRow | undefined {
    return this.db.prepare("SELECT * FROM shifts WHERE status = 'open'").get() as ShiftRow | undefined;
  }
  get(id: number): ShiftRow | undefined {
    return this.db.prepare('SELECT * FROM shifts WHERE id = ?').get(id) as ShiftRow | undefined;
  }
  lastClosed(): ShiftRow | undefined {
    return this.db.prepare("SELECT * FROM shifts WHERE status = 'closed' ORDER BY id DESC LIMIT 1").get() as
      ShiftRow | undefined;
  }
  list(limit: number): ShiftRow[] {
    return this.db.prepare('SELECT * FROM shifts ORDER BY id DESC LIMIT ?').all(limit) as ShiftRow[];
  }
  nextStan(): number {
    return Number(
      (this.db.prepare("SELECT value FROM meta WHERE key = 'next_stan'").get() as { value: string }).value,
    );
  }
  /** The shift's latest blind count; `denominations` is the JSON breakdown or null (counted by total). */
  latestCount(shiftId: number): CountRow | undefined {
    return this.db
      .prepare(
        'SELECT counted_fen, denominations, counted_by, counted_at FROM shift_counts WHERE shift_id = ? ORDER BY id DESC LIMIT 1',
      )
      .get(shiftId) as CountRow | undefined;
  }
  addCount(shiftId: number, countedFen: number, denominations: unknown, by: string, at: string): void {
    this.db
      .prepare(
        'INSERT INTO shift_counts (shift_id, counted_fen, denominations, counted_by, counted_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(shiftId, countedFen, denominations ? JSON.stringify(denominations) : null, by, at);
  }
  ack(shiftId: number): { acked_by: string; acked_at: string; note: string | null } | undefined {
    return this.db
      .prepare('SELECT acked_by, acked_at, note FROM shift_acks WHERE shift_id = ?')
      .get(shiftId) as { acked_by: string; acked_at: string; note: string | null } | undefined;
  }
  /** The shift's home batch: its first (the only one on a single-issuer terminal). */
  batchOf(shiftId: number): BatchRow | undefined {
    return this.db
      .prepare('SELECT * FROM batches WHERE shift_id = ? ORDER BY batch_no LIMIT 1')
      .get(shiftId) as BatchRow | undefined;
  }
  /** Every batch of the shift, one per issuer, home first. */
  batchesOf(shiftId: number): BatchRow[] {
    return this.db
      .prepare('SELECT * FROM batches WHERE shift_id = ? ORDER BY batch_no')
      .all(shiftId) as BatchRow[];
  }
  lastBatch(): BatchRow | undefined {
    return this.db.prepare('SELECT * FROM batches ORDER BY batch_no DESC LIMIT 1').get() as
      BatchRow | undefined;
  }
  /** The newest batch of one issuer (its rows' ids; every batch when undefined). */
  lastBatchOf(issuerRows: readonly string[] | undefined): BatchRow | undefined {
    if (!issuerRows) return this.lastBatch();
    return this.db
      .prepare(
        `SELECT * FROM batches WHERE issuer_id IN (${issuerRows.map(() => '?').join(', ')}) ORDER BY batch_no DESC LIMIT 1`,
      )
      .get(...issuerRows) as BatchRow | undefined;
  }
  /** Whether one issuer has any row in the STAN range (a batch is made for it at close). */
  hasRows(fromStan: number, toStan: number, issuerRows: readonly string[]): boolean {
    return (
      this.db
        .prepare(
          `SELECT 1 FROM txns INDEXED BY txns_issuer_report WHERE issuer_id IN (${issuerRows.map(() => '?').join(', ')}) AND stan BETWEEN ? AND ? LIMIT 1`,
        )
        .get(...issuerRows, fromStan, toStan) !== undefined
    );
  }
  latestSettlement(batchNo: number): SettlementRow | undefined {
    return this.db
      .prepare('SELECT * FROM settlements WHERE batch_no = ? ORDER BY id DESC LIMIT 1')
      .get(batchNo) as SettlementRow | undefined;
  }
  zPrints(shiftId: number): number {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM z_prints WHERE shift_id = ?').get(shiftId) as { n: number }
    ).n;
  }
  addZPrint(shiftId: number, copy: boolean, by: string, approvedBy: string | undefined, at: string): void {
    this.db
      .prepare(
        'INSERT INTO z_prints (shift_id, copy, printed_by, approved_by, printed_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(shiftId, copy ? 1 : 0, by, approvedBy ?? null, at);
  }
  /** Closed shifts whose non-zero variance has no acknowledgement yet. */
  unacknowledged(): ShiftRow[] {
    return this.db
      .prepare(
        "SELECT s.* FROM shifts s LEFT JOIN shift_acks a ON a.shift_id = s.id WHERE s.status = 'closed' AND s.variance_fen != 0 AND a.shift_id IS NULL ORDER BY s.id",
      )
      .all() as ShiftRow[];
  }
  unsettledBatches(): number {
    return (
      this.db
        .prepare(
          `SELECT COUNT(*) AS n FROM batches b WHERE COALESCE((SELECT status FROM settlements s WHERE s.batch_no = b.batch_no ORDER BY id DESC LIMIT 1), 'unreachable') != 'settled'`,
        )
        .get() as { n: number }
    ).n;
  }
  /** Queued reversals of originals in the range (of one issuer's rows when given). */
  unsentReversalOrigs(
    fromStan: number,
    toStan: number,
    issuerRows?: readonly string[],
  ): Array<{ orig_stan: number; stan: number }> {
    const mine = issuerRows ? `AND issuer_id IN (${issuerRows.map(() => '?').join(', ')})` : '';
    return this.db
      .prepare(
        `SELECT orig_stan, stan FROM reversals WHERE sent_at IS NULL AND orig_stan BETWEEN ? AND ? ${mine}`,
      )
      .all(fromStan, toStan, ...(issuerRows ?? [])) as Array<{ orig_stan: number; stan: number }>;
  }
  unsentReversalCount(): number {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM reversals WHERE sent_at IS NULL').get() as { n: number }
    ).n;
  }
}
