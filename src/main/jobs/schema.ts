/**
 * The job queue's own table (appended to TERMINAL_MIGRATIONS). A job's payload stays in its
 * kind's table, written in the same transaction as the business record (a reversal in
 * `reversals` with the declined sale, an advice in `offline_queue` with the offline approval):
 * this table holds only the scheduling state of work that failed at least once — attempts,
 * refusals, when to try again — and the dead letters, which are never deleted.
 */
import type { Migration } from '../../shared/store/sqlite';

export const JOBS_MIGRATIONS: Migration[] = [
  {
    id: 'jobs/001-jobs',
    sql: `
  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    -- The payload's key in its kind's table (a reversal's STAN, a shift id, a key version).
    ref TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting','dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    refusals INTEGER NOT NULL DEFAULT 0,
    next_at_ms INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    -- What the manager reads in the dead-letter list (masked: never a card number).
    summary TEXT NOT NULL DEFAULT '',
    stan INTEGER,
    amount_fen INTEGER,
    created_at TEXT NOT NULL,
    dead_at TEXT,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    UNIQUE (kind, ref)
  );
  CREATE TRIGGER jobs_dead_no_delete BEFORE DELETE ON jobs WHEN OLD.state = 'dead'
    BEGIN SELECT RAISE(ABORT, 'dead letters are never deleted'); END;
  CREATE TRIGGER jobs_dead_stays_dead BEFORE UPDATE OF state ON jobs WHEN OLD.state = 'dead'
    BEGIN SELECT RAISE(ABORT, 'a dead letter stays dead'); END;
`,
  },
];
