/**
 * The terminal's tables for file-batch issuers (appended to TERMINAL_MIGRATIONS). Cards are named
 * by `card_key` = HMAC-SM3 of the PAN under a key derived from the data key, as in the offline
 * queue: the files' clear card numbers never reach the disk of the terminal. A transaction file's
 * bytes are kept SM4-sealed (`content_enc`) so a file lost before it reached the directory is
 * written again byte for byte, never rebuilt differently.
 */
import type { Migration } from '../../../shared/store/sqlite';

export const FILE_BATCH_MIGRATIONS: Migration[] = [
  {
    id: 'filebatch/001-files',
    sql: `
  -- Every inbound file taken into use (its header; never its card numbers).
  CREATE TABLE filebatch_imports (
    id INTEGER PRIMARY KEY,
    issuer_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('hotlist','balances')),
    version INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    sha TEXT NOT NULL,
    created_at TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    -- balances: the highest transaction file of this terminal the snapshot includes
    reflects_seq INTEGER NOT NULL DEFAULT 0,
    cards INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (issuer_id, kind, version)
  );
  CREATE TABLE filebatch_hotcards (issuer_id TEXT NOT NULL, card_key TEXT NOT NULL, PRIMARY KEY (issuer_id, card_key));
  CREATE TABLE filebatch_balances (issuer_id TEXT NOT NULL, card_key TEXT NOT NULL, balance_fen INTEGER NOT NULL,
    PRIMARY KEY (issuer_id, card_key));

  -- Inbound files refused (unsigned, badly signed, older, stale): the manager sees each once.
  CREATE TABLE filebatch_refusals (
    id INTEGER PRIMARY KEY,
    issuer_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (issuer_id, file_name, sha)
  );
  CREATE TRIGGER filebatch_refusals_no_delete BEFORE DELETE ON filebatch_refusals
    BEGIN SELECT RAISE(ABORT, 'refusals are never deleted'); END;

  -- The adapter's local decisions, one per approved STAN: what the policy and the balance read.
  -- A decision counts only while its txns row is approved (a finalize that failed does not spend).
  CREATE TABLE filebatch_decisions (
    stan INTEGER PRIMARY KEY,
    issuer_id TEXT NOT NULL,
    card_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('sale','void','refund')),
    orig_stan INTEGER,
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    day TEXT NOT NULL,
    created_ms INTEGER NOT NULL
  );
  CREATE INDEX filebatch_decisions_card ON filebatch_decisions(issuer_id, card_key);
  CREATE TABLE filebatch_presentations (issuer_id TEXT NOT NULL, card_key TEXT NOT NULL, at_ms INTEGER NOT NULL);
  CREATE INDEX filebatch_presentations_card ON filebatch_presentations(issuer_id, card_key, at_ms);
  CREATE TABLE filebatch_blocks (issuer_id TEXT NOT NULL, card_key TEXT NOT NULL, until_ms INTEGER NOT NULL,
    PRIMARY KEY (issuer_id, card_key));

  -- Outbound transaction files: sequence numbered per issuer, never rewritten, never deleted.
  CREATE TABLE filebatch_files (
    issuer_id TEXT NOT NULL,
    seq INTEGER NOT NULL CHECK (seq > 0),
    file_name TEXT NOT NULL,
    day TEXT NOT NULL,
    created_at TEXT NOT NULL,
    rows INTEGER NOT NULL,
    sha TEXT NOT NULL,
    content_enc BLOB NOT NULL,
    written_at TEXT,
    acked_at TEXT,
    ack_file TEXT,
    PRIMARY KEY (issuer_id, seq)
  );
  CREATE TRIGGER filebatch_files_no_delete BEFORE DELETE ON filebatch_files
    BEGIN SELECT RAISE(ABORT, 'transaction files are never deleted'); END;
  CREATE TRIGGER filebatch_files_frozen BEFORE UPDATE OF issuer_id, seq, file_name, rows, sha, content_enc ON filebatch_files
    BEGIN SELECT RAISE(ABORT, 'a transaction file is never rewritten'); END;
  -- Which file each STAN went out in: the primary key makes "a row is in exactly one file" a constraint.
  CREATE TABLE filebatch_file_rows (
    stan INTEGER PRIMARY KEY,
    issuer_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    outcome TEXT CHECK (outcome IN ('accepted','refused')),
    code TEXT
  );
  CREATE INDEX filebatch_file_rows_seq ON filebatch_file_rows(issuer_id, seq);
  CREATE TRIGGER filebatch_file_rows_no_delete BEFORE DELETE ON filebatch_file_rows
    BEGIN SELECT RAISE(ABORT, 'file rows are never deleted'); END;
  CREATE TRIGGER filebatch_file_rows_frozen BEFORE UPDATE OF stan, issuer_id, seq ON filebatch_file_rows
    BEGIN SELECT RAISE(ABORT, 'a row stays in its file'); END;
  `,
  },
  {
    // The manager whose override allowed a sale over the entry's limits (the adapter's Authorize),
    // as offline_queue.override_by keeps it for an online issuer's offline sale.
    id: 'filebatch/002-override',
    sql: `ALTER TABLE filebatch_decisions ADD COLUMN override_by TEXT;`,
  },
];
