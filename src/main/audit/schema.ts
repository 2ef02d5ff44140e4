/**
 * The audit log's table. Append-only: UPDATE always aborts; DELETE aborts for any entry younger
 * than five years (China's prepaid-card rules ask records to be kept that long — README
 * "Retention and archiving"), so only archived, older entries can ever be pruned.
 */
import type { Migration } from '../store/sqlite';

/** ISO-8601 "now minus five years" in the same format the app writes (…T…Z), so text compares work. */
export const FIVE_YEARS_AGO_SQL = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-5 years')";

export const AUDIT_MIGRATIONS: Migration[] = [
  {
    id: 'audit/001-audit-log',
    sql: `
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    operator_id TEXT,
    operator_role TEXT,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok','denied','failed')),
    stan INTEGER,
    shift_id INTEGER,
    approved_by TEXT,
    detail TEXT
  );
  CREATE INDEX audit_by_at ON audit_log(at);
  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
  CREATE TRIGGER audit_keep_5y BEFORE DELETE ON audit_log WHEN old.at > ${FIVE_YEARS_AGO_SQL}
    BEGIN SELECT RAISE(ABORT, 'audit entries are kept at least 5 years'); END;
  `,
  },
];
