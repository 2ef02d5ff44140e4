/**
 * The queue's status as the manager's screen, `queue.status` and `cardtill queue status` show it,
 * computed from the database alone (the CLI opens the file read-only).
 */
import type { Db } from '../shared/store/sqlite';
import type {
  QueueStatus,
  QueueStatusBase,
  IssuerQueueStatus,
  OfflineLimits,
  LinkState,
} from '../shared/contract';
import { inScope, type IssuerScope } from './scope';
import type { ErrorCode } from '../shared/errors';
import type { OfflineConfig } from './config';

/**
 * Unforwarded offline SALES that no queued void cancels: what the terminal is still owed by cards
 * the issuer has not yet debited (the total limit and the manager's "pending" figure). A queued
 * void advice is not money at risk; it only restores a sale's amount to the card.
 */
export const OPEN_SALES_WHERE = `forwarded_at IS NULL AND kind = 'sale'
  AND NOT EXISTS (SELECT 1 FROM offline_queue v WHERE v.kind = 'void' AND v.orig_stan = offline_queue.stan)`;

/** OPEN_SALES_WHERE of one issuer's queue (all issuers' without a scope). */
export function openSalesWhere(scope?: IssuerScope): string {
  return scope ? `${OPEN_SALES_WHERE} AND ${inScope(scope)}` : OPEN_SALES_WHERE;
}

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

/**
 * Read-only status from the database alone (the CLI opens the file read-only and calls this): one
 * issuer entry's with a scope (its rows, its `offline_meta` keys), every issuer's rows without
 * (with the home entry's forwarder state).
 */
export function queueStatus(
  db: Db,
  config: OfflineConfig,
  now: Date,
  live: { link?: LinkState; forwarding?: boolean } = {},
  scope?: IssuerScope,
): QueueStatusBase {
  const prefix = scope?.metaPrefix ?? '';
  const meta = new Map(
    (db.prepare('SELECT key, value FROM offline_meta').all() as Array<{ key: string; value: string }>)
      .filter((r) => r.key.startsWith(prefix) && (prefix !== '' || !r.key.startsWith('issuer/')))
      .map((r) => [r.key.slice(prefix.length), r.value]),
  );
  const mine = scope ? `AND ${inScope(scope)}` : '';
  // An exception has a queue row (a refused advice) or only its till row (a refund the issuer
  // refused after its lost answer: iso8583-cup, file-batch).
  const mineQ = scope ? `AND ${inScope(scope, 'COALESCE(q.issuer_id, t.issuer_id)')}` : '';
  const open = db
    .prepare(
      `SELECT COUNT(*) AS n, MIN(created_ms) AS oldestMs,
              (SELECT COALESCE(SUM(amount_fen), 0) FROM offline_queue WHERE ${openSalesWhere(scope)}) AS total
         FROM offline_queue WHERE forwarded_at IS NULL ${mine}`,
    )
    .get() as {
    n: number;
    total: number;
    oldestMs: number | null;
  };
  const forwarded = (
    db.prepare(`SELECT COUNT(*) AS n FROM offline_queue WHERE forwarded_at IS NOT NULL ${mine}`).get() as {
      n: number;
    }
  ).n;
  const rows = db
    .prepare(
      `SELECT e.*, COALESCE(q.kind, CASE t.type WHEN 'refund' THEN 'refund' ELSE 'sale' END) AS kind
         FROM offline_exceptions e LEFT JOIN offline_queue q ON q.stan = e.stan LEFT JOIN txns t ON t.stan = e.stan
        WHERE 1 ${mineQ} ORDER BY (e.acknowledged_at IS NOT NULL), e.stan DESC LIMIT 200`,
    )
    .all() as Array<{
    stan: number;
    kind: 'sale' | 'void' | 'refund';
    code: string;
    amount_fen: number;
    masked: string;
    created_at: string;
    acknowledged_at: string | null;
    acknowledged_by: string | null;
  }>;
  const unacknowledged = (
    db
      .prepare(
        `SELECT COUNT(*) AS n FROM offline_exceptions e LEFT JOIN offline_queue q ON q.stan = e.stan LEFT JOIN txns t ON t.stan = e.stan WHERE e.acknowledged_at IS NULL ${mineQ}`,
      )
      .get() as {
      n: number;
    }
  ).n;
  const hot = (
    db.prepare(`SELECT COUNT(*) AS n FROM offline_hotcards WHERE 1 ${mine}`).get() as { n: number }
  ).n;
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

/** One issuer entry as the till's status lists it (src/offline-queue/lanes.ts builds these). */
export interface IssuerQueueSource {
  scope: IssuerScope;
  name: string;
  protocol: string;
  config: OfflineConfig;
  live?: { link?: LinkState; forwarding?: boolean };
}

const LINK_RANK: Record<LinkState, number> = { online: 0, offline: 1, cut: 2 };

/**
 * The till's queue: every issuer's rows summed, the home issuer's forwarder state, limits and
 * hot-card version, the worst issuer's link — and each issuer's own status, home first. With one
 * issuer the top level is exactly that issuer's status.
 */
export function tillQueueStatus(db: Db, issuers: readonly IssuerQueueSource[], now: Date): QueueStatus {
  const list: IssuerQueueStatus[] = issuers.map((i, n) => ({
    ...queueStatus(db, i.config, now, i.live, i.scope),
    issuerId: i.scope.issuerId,
    name: i.name,
    protocol: i.protocol,
    home: n === 0,
  }));
  const home = issuers[0]!;
  const all = queueStatus(db, home.config, now, home.live);
  const worst = list.reduce<LinkState>(
    (w, i) => (LINK_RANK[i.link] > LINK_RANK[w] ? i.link : w),
    list[0]?.link ?? all.link,
  );
  return { ...all, link: worst, forwarding: list.some((i) => i.forwarding), issuers: list };
}
