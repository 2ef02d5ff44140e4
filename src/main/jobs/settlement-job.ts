/**
 * Settlement as a job: a closed shift whose batch the issuer could not be reached for (latest
 * settlement `unreachable`) is sent again with backoff until it is settled or unmatched — both are
 * answers, and an unmatched batch is the manager's reconciliation work, not a retry. The payload
 * is the frozen `batches` row (src/main/shift/schema.ts); the manager's 重新结算 still works.
 */
import type { Db } from '../../shared/store/sqlite';
import type { ShiftService } from '../shift/shift-service';
import { JobFailure, type JobKind } from './queue';
import type { RetryPolicy } from './retry';

export const SETTLEMENT_POLICY: RetryPolicy = { baseMs: 30_000, maxMs: 30 * 60_000, maxRefusals: 5 };

export function settlementKind(p: { db: Db; shifts: () => ShiftService | undefined }): JobKind<{
  shiftId: number;
}> {
  return {
    kind: 'settlement',
    policy: SETTLEMENT_POLICY,
    pending() {
      const rows = p.db
        .prepare(
          `SELECT b.shift_id AS shiftId, b.batch_no AS batchNo FROM batches b
            WHERE (SELECT s.status FROM settlements s WHERE s.batch_no = b.batch_no ORDER BY s.id DESC LIMIT 1) = 'unreachable'
            ORDER BY b.batch_no`,
        )
        .all() as Array<{ shiftId: number; batchNo: number }>;
      return rows.map((r) => ({
        ref: String(r.shiftId),
        lane: 'settlement', // batches settle in order
        data: { shiftId: r.shiftId },
        summary: String(r.batchNo),
      }));
    },
    async run(job) {
      const shifts = p.shifts();
      if (!shifts) throw new JobFailure('transient', 'shift service not ready');
      const info = await shifts.settle(job.data.shiftId);
      if (info.status === 'unreachable')
        throw new JobFailure('transient', 'issuer unreachable for settlement');
    },
    classify: () => 'refused',
  };
}
