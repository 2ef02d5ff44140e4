/**
 * Which advices wait and which went through: the rows behind the manager's queue counts
 * (`queue.items`, the 离线队列 screen's two tables, `cardtill queue list`). Computed from the
 * database alone, like status.ts, so the CLI can read a read-only file while the terminal runs.
 *
 * The card is the txns row's `masked` (first 6 / last 4). The sealed advice (`advice_enc`, which
 * carries the card number) is never selected here: listing the queue must not need the data key.
 */
import type { Db } from '../shared/store/sqlite';
import type { OfflineTxnType } from '../shared/txn-kinds';
import {
  MAX_WAITING_ITEMS,
  MAX_FORWARDED_ITEMS,
  type QueueItems,
  type QueueItem,
  type ForwardedItem,
} from '../shared/contract/offline';
import type { ErrorCode } from '../shared/errors';
import { maskPansInText } from '../shared/card';

export interface QueueItemsOptions {
  /** Waiting advices to list, in STAN order (0 → none, at most MAX_WAITING_ITEMS). */
  waitingLimit?: number;
  /** Forwarded advices to list, newest first (0 → none, at most MAX_FORWARDED_ITEMS). */
  forwardedLimit?: number;
}

interface Row {
  stan: number;
  issuer_id: string;
  kind: OfflineTxnType;
  orig_stan: number | null;
  created_at: string;
  masked: string | null;
  amount_fen: number;
  attempts: number;
  last_error: string | null;
  override_by: string | null;
  forwarded_at: string | null;
  outcome: 'accepted' | 'rejected' | null;
  issuer_code: string | null;
}

// Named columns only: advice_enc stays out of every query in this file.
const SELECT = `SELECT q.stan, q.issuer_id, q.kind, q.orig_stan, q.created_at, t.masked, q.amount_fen, q.attempts,
       q.last_error, q.override_by, q.forwarded_at, q.outcome, q.issuer_code
  FROM offline_queue q LEFT JOIN txns t ON t.stan = q.stan`;

function clamp(n: number | undefined, max: number): number {
  if (n === undefined || !Number.isFinite(n)) return max;
  return Math.max(0, Math.min(max, Math.floor(n)));
}

function item(r: Row): QueueItem {
  return {
    stan: r.stan,
    issuerId: r.issuer_id,
    kind: r.kind,
    origStan: r.orig_stan,
    time: r.created_at,
    masked: r.masked ?? '',
    amountFen: r.amount_fen,
    attempts: r.attempts,
    // Link errors are library text: mask any number in them before a person reads it.
    lastError: r.last_error === null ? null : maskPansInText(r.last_error),
    overrideBy: r.override_by,
  };
}

/** The waiting advices in the order they will be sent, and the most recently forwarded ones. */
export function queueItems(db: Db, o: QueueItemsOptions = {}): QueueItems {
  const waitingLimit = clamp(o.waitingLimit, MAX_WAITING_ITEMS);
  const forwardedLimit = clamp(o.forwardedLimit, MAX_FORWARDED_ITEMS);
  // Both lists walk the offline_queue_open index (forwarded_at, stan).
  const waiting = db
    .prepare(`${SELECT} WHERE q.forwarded_at IS NULL ORDER BY q.stan LIMIT ?`)
    .all(waitingLimit) as Row[];
  const forwarded = db
    .prepare(`${SELECT} WHERE q.forwarded_at IS NOT NULL ORDER BY q.forwarded_at DESC, q.stan DESC LIMIT ?`)
    .all(forwardedLimit) as Row[];
  const count = (where: string) =>
    (db.prepare(`SELECT COUNT(*) AS n FROM offline_queue WHERE ${where}`).get() as { n: number }).n;
  const totals = { waiting: count('forwarded_at IS NULL'), forwarded: count('forwarded_at IS NOT NULL') };
  return {
    waiting: waiting.map(item),
    waitingTotal: totals.waiting,
    forwarded: forwarded.map((r): ForwardedItem => ({
      ...item(r),
      forwardedAt: r.forwarded_at ?? '',
      outcome: r.outcome ?? 'accepted',
      issuerCode: (r.issuer_code as ErrorCode | null) ?? null,
    })),
    forwardedTotal: totals.forwarded,
  };
}
