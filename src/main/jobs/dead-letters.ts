/**
 * Reads the dead-letter list from the database alone, so `cardtill queue list` shows it from a
 * read-only file while the terminal runs (and a data dir that never ran the jobs migration has
 * none).
 */
import type { Db } from '../../shared/store/sqlite';
import type { DeadLetter, JobKindName } from '../../shared/contract/jobs';

interface DeadRow {
  id: number;
  kind: JobKindName;
  ref: string;
  attempts: number;
  last_error: string | null;
  summary: string;
  stan: number | null;
  amount_fen: number | null;
  dead_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
}

export function readDeadLetters(db: Db, limit = 200): { items: DeadLetter[]; unacknowledged: number } {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'jobs'").get();
  if (!has) return { items: [], unacknowledged: 0 };
  const rows = db
    .prepare("SELECT * FROM jobs WHERE state = 'dead' ORDER BY id DESC LIMIT ?")
    .all(limit) as DeadRow[];
  const { n } = db
    .prepare("SELECT COUNT(*) AS n FROM jobs WHERE state = 'dead' AND acknowledged_at IS NULL")
    .get() as { n: number };
  return {
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      stan: r.stan,
      ref: r.ref,
      amountFen: r.amount_fen,
      summary: r.summary,
      lastError: r.last_error,
      attempts: r.attempts,
      deadAt: r.dead_at ?? '',
      acknowledgedAt: r.acknowledged_at,
      acknowledgedBy: r.acknowledged_by,
    })),
    unacknowledged: n,
  };
}
