/** The issuer-sim's tables for void, refund and settle (./handlers-settlement.ts). */
import type { Migration } from '../shared/store/sqlite';

export const ISSUER_SETTLEMENT_MIGRATIONS: Migration[] = [
  {
    id: 'issuer/010-void-refund-settle',
    sql: `
  -- Which original a void or refund applies to (refunds of one sale never exceed it in total).
  CREATE TABLE linked_ops (
    terminal_id TEXT NOT NULL,
    stan INTEGER NOT NULL,
    orig_stan INTEGER,
    kind TEXT NOT NULL CHECK (kind IN ('void','refund')),
    amount_fen INTEGER NOT NULL,
    reversed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (terminal_id, stan)
  );
  CREATE INDEX linked_ops_by_orig ON linked_ops(terminal_id, orig_stan);
  -- Every settle received, and whether the totals matched.
  CREATE TABLE settled_batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    terminal_id TEXT NOT NULL,
    batch_no INTEGER NOT NULL,
    stan INTEGER NOT NULL,
    matched INTEGER NOT NULL,
    totals TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  `,
  },
];
