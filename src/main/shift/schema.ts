/**
 * Shift, blind-count, batch and settlement tables.
 *
 * A shift owns a contiguous STAN range: STANs are taken in one SQLite transaction and never
 * reused (src/main/store/terminal-db.ts), so "the transactions of shift N" is
 * `stan BETWEEN from_stan AND to_stan` — a range scan of the txns primary key, which keeps X and Z
 * reports fast at 100,000 transactions (bench/reports.bench.ts) without a shift column on txns.
 * A shift's range starts right after the previous shift's close, so a transaction made while no
 * shift was open is never lost: it lands in the next shift (and its report flags it).
 *
 * Closed shifts, blind counts, acknowledgements, batches and settlements cannot be changed
 * (triggers), and none younger than five years can be deleted (README "Retention and archiving").
 */
import type { Migration } from '../store/sqlite';
import { FIVE_YEARS_AGO_SQL } from '../audit/schema';

const keep5y = (table: string, col: string) =>
  `CREATE TRIGGER ${table}_keep_5y BEFORE DELETE ON ${table} WHEN old.${col} > ${FIVE_YEARS_AGO_SQL}
     BEGIN SELECT RAISE(ABORT, '${table} rows are kept at least 5 years'); END;`;
const noUpdate = (table: string) =>
  `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;`;

export const SHIFT_MIGRATIONS: Migration[] = [
  {
    id: 'shift/001-shifts-batches',
    sql: `
  CREATE TABLE shifts (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('open','closed')),
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    opening_float_fen INTEGER NOT NULL CHECK (opening_float_fen >= 0),
    from_stan INTEGER NOT NULL,
    open_stan INTEGER NOT NULL,
    closed_at TEXT,
    closed_by TEXT,
    to_stan INTEGER,
    counted_fen INTEGER,
    expected_cash_fen INTEGER,
    variance_fen INTEGER,
    z_json TEXT,
    journal_seq INTEGER,
    journal_hash TEXT
  );
  -- At most one open shift per terminal.
  CREATE UNIQUE INDEX shifts_one_open ON shifts(status) WHERE status = 'open';
  CREATE TRIGGER shifts_closed_frozen BEFORE UPDATE ON shifts WHEN old.status = 'closed'
    BEGIN SELECT RAISE(ABORT, 'a closed shift cannot be changed'); END;
  CREATE TRIGGER shifts_keep_open BEFORE DELETE ON shifts WHEN old.closed_at IS NULL
    BEGIN SELECT RAISE(ABORT, 'an open shift cannot be deleted'); END;
  ${keep5y('shifts', 'closed_at')}

  -- Blind counts: the drawer as counted, appended (a recount before close adds a row).
  CREATE TABLE shift_counts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    shift_id INTEGER NOT NULL REFERENCES shifts(id),
    counted_fen INTEGER NOT NULL CHECK (counted_fen >= 0),
    denominations TEXT,
    counted_by TEXT NOT NULL,
    counted_at TEXT NOT NULL
  );
  ${noUpdate('shift_counts')}
  ${keep5y('shift_counts', 'counted_at')}

  -- The manager's acknowledgement of a closed shift's variance.
  CREATE TABLE shift_acks (
    shift_id INTEGER PRIMARY KEY REFERENCES shifts(id),
    acked_by TEXT NOT NULL,
    acked_at TEXT NOT NULL,
    note TEXT
  );
  ${noUpdate('shift_acks')}
  ${keep5y('shift_acks', 'acked_at')}

  -- Z report prints: the first is the original, every later one a COPY (with a manager override).
  CREATE TABLE z_prints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    shift_id INTEGER NOT NULL REFERENCES shifts(id),
    copy INTEGER NOT NULL,
    printed_by TEXT NOT NULL,
    approved_by TEXT,
    printed_at TEXT NOT NULL
  );
  ${noUpdate('z_prints')}
  ${keep5y('z_prints', 'printed_at')}

  -- One batch per closed shift: the STAN range sent to the issuer for settlement.
  -- carried_in: offline STANs of earlier batches closed by force while still unsent;
  -- carried_out: this batch's unsent offline STANs, settled with the next batch.
  CREATE TABLE batches (
    batch_no INTEGER PRIMARY KEY,
    shift_id INTEGER NOT NULL UNIQUE REFERENCES shifts(id),
    from_stan INTEGER NOT NULL,
    to_stan INTEGER NOT NULL,
    carried_in TEXT NOT NULL,
    carried_out TEXT NOT NULL,
    forced INTEGER NOT NULL DEFAULT 0,
    forced_by TEXT,
    totals TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  ${noUpdate('batches')}
  ${keep5y('batches', 'created_at')}

  -- Every settlement attempt of a batch and its outcome; the newest one is the batch's state.
  CREATE TABLE settlements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_no INTEGER NOT NULL REFERENCES batches(batch_no),
    stan INTEGER,
    status TEXT NOT NULL CHECK (status IN ('settled','unmatched','unreachable')),
    issuer_totals TEXT,
    discrepancies TEXT NOT NULL,
    attempted_at TEXT NOT NULL
  );
  CREATE INDEX settlements_by_batch ON settlements(batch_no, id);
  ${noUpdate('settlements')}
  ${keep5y('settlements', 'attempted_at')}

  -- Void and refund look up "what happened to this original" by orig_stan.
  CREATE INDEX IF NOT EXISTS txns_by_orig ON txns(orig_stan);
  `,
  },
  {
    // "Today at a glance" finds the first STAN of the day by time, then sums the STAN range.
    id: 'shift/002-txns-by-time',
    sql: 'CREATE INDEX IF NOT EXISTS txns_by_created ON txns(created_at);',
  },
  {
    // The report index: every X/Z figure is an index-only range scan of (type, status, offline)
    // over the shift's STAN range — no table reads, no sort (src/main/shift/totals.ts).
    id: 'shift/003-report-index',
    sql: 'CREATE INDEX IF NOT EXISTS txns_report ON txns(type, status, offline, stan, amount_fen, other_tender_fen);',
  },
  {
    // A settlement the issuer answered with a refusal, or with an answer that does not parse, is
    // not "unreachable" (it was recorded so before): 'refused' keeps the issuer's code, 'bad_answer'
    // says the issuer answered but not with a settlement. SQLite cannot widen a CHECK in place, so
    // the append-only table is rebuilt once, rows and ids unchanged, triggers re-created.
    id: 'shift/004-settlement-refused',
    sql: `
  DROP TRIGGER settlements_no_update;
  DROP TRIGGER settlements_keep_5y;
  CREATE TABLE settlements_v2 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_no INTEGER NOT NULL REFERENCES batches(batch_no),
    stan INTEGER,
    status TEXT NOT NULL CHECK (status IN ('settled','unmatched','unreachable','refused','bad_answer')),
    issuer_totals TEXT,
    discrepancies TEXT NOT NULL,
    attempted_at TEXT NOT NULL,
    issuer_code TEXT
  );
  INSERT INTO settlements_v2 (id, batch_no, stan, status, issuer_totals, discrepancies, attempted_at)
    SELECT id, batch_no, stan, status, issuer_totals, discrepancies, attempted_at FROM settlements;
  DROP TABLE settlements;
  ALTER TABLE settlements_v2 RENAME TO settlements;
  CREATE INDEX settlements_by_batch ON settlements(batch_no, id);
  ${noUpdate('settlements')}
  ${keep5y('settlements', 'attempted_at')}
  `,
  },
  {
    // A batch and its settlements are with one issuer (src/main/issuer/router.ts). Existing rows
    // belong to the one issuer configured then: 'default'. (ADD COLUMN rewrites no row, so the
    // append-only triggers are not fired.)
    id: 'shift/005-issuer-id',
    sql: `
  ALTER TABLE batches ADD COLUMN issuer_id TEXT NOT NULL DEFAULT 'default';
  ALTER TABLE settlements ADD COLUMN issuer_id TEXT NOT NULL DEFAULT 'default';
  `,
  },
  {
    // One batch per issuer per shift (src/main/shift/shift-service.ts close): the batch key is
    // (shift, issuer), no longer the shift alone. SQLite cannot drop a UNIQUE in place, so the
    // append-only table is rebuilt once, rows and numbers unchanged, triggers re-created. The
    // settlements' references to batch_no are checked at commit (defer_foreign_keys), once the
    // rows are back. Plus the report index with the issuer first, so a per-issuer figure is an
    // index-only range scan like the till's (src/main/shift/issuer-totals.ts).
    id: 'shift/006-batches-per-shift-and-issuer-id',
    sql: `
  PRAGMA defer_foreign_keys = ON;
  CREATE TEMP TABLE batches_copy AS SELECT * FROM batches;
  DROP TRIGGER batches_no_update;
  DROP TRIGGER batches_keep_5y;
  DROP TABLE batches;
  CREATE TABLE batches (
    batch_no INTEGER PRIMARY KEY,
    shift_id INTEGER NOT NULL REFERENCES shifts(id),
    from_stan INTEGER NOT NULL,
    to_stan INTEGER NOT NULL,
    carried_in TEXT NOT NULL,
    carried_out TEXT NOT NULL,
    forced INTEGER NOT NULL DEFAULT 0,
    forced_by TEXT,
    totals TEXT NOT NULL,
    created_at TEXT NOT NULL,
    issuer_id TEXT NOT NULL DEFAULT 'default',
    UNIQUE (shift_id, issuer_id)
  );
  INSERT INTO batches (batch_no, shift_id, from_stan, to_stan, carried_in, carried_out, forced, forced_by, totals, created_at, issuer_id)
    SELECT batch_no, shift_id, from_stan, to_stan, carried_in, carried_out, forced, forced_by, totals, created_at, issuer_id FROM batches_copy;
  DROP TABLE batches_copy;
  ${noUpdate('batches')}
  ${keep5y('batches', 'created_at')}
  CREATE INDEX IF NOT EXISTS txns_issuer_report ON txns(issuer_id, type, status, offline, stan, amount_fen, other_tender_fen);
  `,
  },
];
