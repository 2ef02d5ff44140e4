/**
 * Settlement as a job: a closed shift's batch the issuer could not be reached for (latest
 * settlement `unreachable`) is sent again with backoff until it is settled or unmatched — both are
 * answers, and an unmatched batch is the manager's reconciliation work, not a retry. The payload
 * is the frozen `batches` row (src/main/shift/schema.ts); the manager's 重新结算 still works.
 * One batch per issuer per shift, and one lane per issuer: batches of one issuer settle in order,
 * and an issuer that is down never holds back another's settlement.
 */
import type { Db } from '../../shared/store/sqlite';
import type { ShiftService } from '../shift/shift-service';
import type { BatchRow } from '../shift/shift-store';
import { JobFailure, type JobKind } from './queue';
import type { RetryPolicy } from './retry';

export const SETTLEMENT_POLICY: RetryPolicy = { baseMs: 30_000, maxMs: 30 * 60_000, maxRefusals: 5 };

export function settlementKind(p: { db: Db; shifts: () => ShiftService | undefined }): JobKind<{
  batchNo: number;
}> {
  return {
    kind: 'settlement',
    policy: SETTLEMENT_POLICY,
    pending() {
      const rows = p.db
        .prepare(
          `SELECT b.shift_id AS shiftId, b.batch_no AS batchNo, b.issuer_id AS issuerId,
                  b.batch_no = (SELECT MIN(f.batch_no) FROM batches f WHERE f.shift_id = b.shift_id) AS home
             FROM batches b
            WHERE (SELECT s.status FROM settlements s WHERE s.batch_no = b.batch_no ORDER BY s.id DESC LIMIT 1) = 'unreachable'
            ORDER BY b.batch_no`,
        )
        .all() as Array<{ shiftId: number; batchNo: number; issuerId: string; home: number }>;
      return rows.map((r) => ({
        // The home batch keeps the ref a shift's one batch always had (its retry state carries over).
        ref: r.home ? String(r.shiftId) : `${r.shiftId}@${r.issuerId}`,
        lane: r.home ? 'settlement' : `settlement:${r.issuerId}`,
        data: { batchNo: r.batchNo },
        summary: String(r.batchNo),
      }));
    },
    async run(job) {
      const shifts = p.shifts();
      if (!shifts) throw new JobFailure('transient', 'shift service not ready');
      const batch = p.db.prepare('SELECT * FROM batches WHERE batch_no = ?').get(job.data.batchNo) as
        BatchRow | undefined;
      if (!batch) throw new JobFailure('permanent', `batch ${job.data.batchNo} not found`);
      const info = await shifts.settleBatch(batch);
      if (info.status === 'unreachable')
        throw new JobFailure('transient', `issuer ${batch.issuer_id} unreachable for settlement`);
    },
    classify: () => 'refused',
  };
}
