/**
 * The shift's view of the offline store-and-forward queue (src/offline-queue, built by another
 * area). Close needs to know which offline approvals have not reached the issuer yet: a batch
 * cannot close while any are unsent unless the manager forces it, and forced ones are carried
 * into the next batch.
 *
 * HOOK: when the offline queue's store exists, app.ts passes an adapter here
 * (`ShiftService` option `offlineQueue`). Until then `NO_OFFLINE_QUEUE` answers "nothing unsent".
 */
export interface UnsentAdvice {
  /** The STAN of the offline-approved transaction (its row in txns). */
  stan: number;
  amountFen: number;
  time: string;
  /** The issuer the advice goes to: its batch carries it out ('default' before issuer ids). */
  issuerId?: string;
}

export interface OfflineQueueView {
  unsent(): UnsentAdvice[];
}

export const NO_OFFLINE_QUEUE: OfflineQueueView = { unsent: () => [] };

/**
 * Reads the offline queue's own table (src/offline-queue/schema.ts `offline_queue`: a row per
 * offline approval, `forwarded_at` set once the issuer has it). Before that area's migration has
 * run the table does not exist and nothing is unsent.
 */
export function offlineQueueFromDb(db: {
  prepare(sql: string): { get(...a: unknown[]): unknown; all(...a: unknown[]): unknown[] };
}): OfflineQueueView {
  let present: boolean | undefined;
  return {
    unsent() {
      present ??=
        db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'offline_queue'").get() !==
        undefined;
      if (!present) return [];
      return (
        db
          .prepare(
            'SELECT stan, amount_fen, created_at, issuer_id FROM offline_queue WHERE forwarded_at IS NULL ORDER BY stan',
          )
          .all() as Array<{ stan: number; amount_fen: number; created_at: string; issuer_id: string }>
      ).map((r) => ({ stan: r.stan, amountFen: r.amount_fen, time: r.created_at, issuerId: r.issuer_id }));
    },
  };
}
