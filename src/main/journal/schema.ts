/**
 * The journal area's own migrations (the table itself is core/001). The index finds a STAN's
 * records, which receipts, the dispute desk, reports and `journal verify` read to check a `txns`
 * row against what was signed (./row-record.ts).
 */
import type { Migration } from '../store/sqlite';

export const JOURNAL_MIGRATIONS: Migration[] = [
  {
    id: 'journal/001-by-stan',
    sql: 'CREATE INDEX IF NOT EXISTS journal_by_stan ON journal(stan, seq);',
  },
];
