/**
 * The queue's status as the manager's screen, `queue.status` and `cardtill queue status` show it,
 * computed from the database alone (the CLI opens the file read-only).
 */
import type { Db } from '../shared/store/sqlite';
import type { QueueStatus, OfflineLimits, LinkState } from '../shared/contract';
import type { ErrorCode } from '../shared/errors';
import type { OfflineConfig } from './config';

/**
 * Unforwarded offline SALES that no queued void cancels: what the terminal is still owed by cards
 * the issuer has not yet debited (the total limit and the manager's "pending" figure). A queued
 * void advice is not money at risk; it only restores a sale's amount to the card.
 */
export const OPEN_SALES_WHERE = `forwarded_at IS NULL AND kind = 'sale'
  AND NOT EXISTS (SELECT 1 FROM offline_queue v WHERE v.kind = 'void' AND v.orig_stan = offline_queue.stan)`;

export function limitsOf(c: OfflineConfig): OfflineLimits {
  const {
    enabled,
    floorLimitFen,
    totalLimitFen,
    perCardDailyCount,
    perCardDailyFen,
    maxAgeMinutes,
    requireKnownBalance,
    velocityCount,
    velocityWindowSeconds,
    velocityBlockSeconds,
  } = c;
  return {
    enabled,
    floorLimitFen,
    totalLimitFen,
    perCardDailyCount,
    perCardDailyFen,
    maxAgeMinutes,
    requireKnownBalance,
    velocityCount,
    velocityWindowSeconds,
    velocityBlockSeconds,
  };
}

function isResolved(meta: Map<string, string>): boolean {
  const at = meta.get('last_error_at');
  if (!at) return false;
  const later = (k: string) => (meta.get(k) ?? '') >= at; // ISO 8601 UTC strings order as times
  return later('last_contact_at') || later('last_forward_at');
}

/** Read-only status from the database alone (the CLI opens the file read-only and calls this). */
export function queueStatus(
  db: Db,
  config: OfflineConfig,
  now: Date,
  live: { link?: LinkState; forwarding?: boolean } = {},
): QueueStatus {
  const meta = new Map(
    (db.prepare('SELECT key, value FROM offline_meta').all() as Array<{ key: string; value: string }>).map(
      (r) => [r.key, r.value],
    ),
  );
  const open = db
    .prepare(
      `SELECT COUNT(*) AS n, MIN(created_ms) AS oldestMs,
              (SELECT COALESCE(SUM(amount_fen), 0) FROM offline_queue WHERE ${OPEN_SALES_WHERE}) AS total
         FROM offline_queue WHERE forwarded_at IS NULL`,
    )
    .get() as {
    n: number;
    total: number;
    oldestMs: number | null;
  };
  const forwarded = (
    db.prepare('SELECT COUNT(*) AS n FROM offline_queue WHERE forwarded_at IS NOT NULL').get() as {
      n: number;
    }
  ).n;
  const rows = db
    .prepare(
      `SELECT e.*, COALESCE(q.kind, 'sale') AS kind FROM offline_exceptions e LEFT JOIN offline_queue q ON q.stan = e.stan
        ORDER BY (e.acknowledged_at IS NOT NULL), e.stan DESC LIMIT 200`,
    )
    .all() as Array<{
    stan: number;
    kind: 'sale' | 'void';
    code: string;
    amount_fen: number;
    masked: string;
    created_at: string;
    acknowledged_at: string | null;
    acknowledged_by: string | null;
  }>;
  const unacknowledged = (
    db.prepare('SELECT COUNT(*) AS n FROM offline_exceptions WHERE acknowledged_at IS NULL').get() as {
      n: number;
    }
  ).n;
  const hot = (db.prepare('SELECT COUNT(*) AS n FROM offline_hotcards').get() as { n: number }).n;
  return {
    count: open.n,
    totalFen: open.total,
    oldestAt: open.oldestMs === null ? null : new Date(open.oldestMs).toISOString(),
    oldestAgeSeconds:
      open.oldestMs === null ? null : Math.max(0, Math.floor((now.getTime() - open.oldestMs) / 1000)),
    forwardedCount: forwarded,
    link: live.link ?? (meta.get('link_state') as LinkState | undefined) ?? 'offline',
    lastError: meta.get('last_error') ?? null,
    lastErrorAt: meta.get('last_error_at') ?? null,
    // Passed: the issuer answered (link back, or an upload went through) after the error.
    lastErrorResolved: isResolved(meta),
    lastContactAt: meta.get('last_contact_at') ?? null,
    lastForwardAt: meta.get('last_forward_at') ?? null,
    nextProbeAt: meta.get('next_probe_at') ?? null,
    forwarding: live.forwarding ?? false,
    hotcards: { version: Number(meta.get('hotcards_version') ?? 0), count: hot },
    exceptions: rows.map((e) => ({
      stan: e.stan,
      kind: e.kind,
      code: e.code as ErrorCode,
      amountFen: e.amount_fen,
      masked: e.masked,
      time: e.created_at,
      acknowledgedAt: e.acknowledged_at,
      acknowledgedBy: e.acknowledged_by,
    })),
    unacknowledged,
    limits: limitsOf(config),
  };
}
