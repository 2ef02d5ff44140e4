/**
 * The terminal's SQLite file (one per terminal, <data-dir>/terminal.db). Migrations append only.
 * Card numbers are never stored in clear: `pan_enc` and `request_enc` are SM4-sealed with the
 * terminal data key (src/main/keys); `masked` is what people see.
 */
import type { Migration } from './sqlite';

export const CORE_MIGRATIONS: Migration[] = [
  {
    id: 'core/001-initial',
    sql: `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  INSERT INTO meta (key, value) VALUES ('next_stan', '1');

  -- The working state of each transaction. 'pending' means a request may be at the issuer and
  -- the outcome is not final: recovery (src/main/terminal/recovery.ts) resolves it.
  CREATE TABLE txns (
    stan INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending','approved','declined','reversed')),
    amount_fen INTEGER NOT NULL,
    other_tender_fen INTEGER NOT NULL DEFAULT 0,
    balance_fen INTEGER,
    masked TEXT NOT NULL,
    pan_enc BLOB,
    entry_mode TEXT NOT NULL,
    decline_code TEXT,
    offline INTEGER NOT NULL DEFAULT 0,
    operator_id TEXT,
    orig_stan INTEGER,
    auth_code TEXT,
    request_enc BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX txns_by_status ON txns(status);

  -- Append-only, SM3-chained, SM2-signed record of every final outcome (DESIGN.md promise 5).
  CREATE TABLE journal (
    seq INTEGER PRIMARY KEY,
    stan INTEGER NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    sig BLOB NOT NULL,
    key_version INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
  CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;

  -- Reversals that must reach the issuer (a sale whose answer was lost). Deleted never: marked sent.
  CREATE TABLE reversals (
    stan INTEGER PRIMARY KEY,
    orig_stan INTEGER NOT NULL,
    request_enc BLOB NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    sent_at TEXT,
    created_at TEXT NOT NULL
  );

  CREATE TABLE operators (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('cashier','manager','technician')),
    pin_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL
  );
  `,
  },
  {
    // The issuer router (src/main/issuer/router.ts): every row names the issuer it went to. Rows
    // from before belong to the one issuer configured then, which the router calls 'default'.
    id: 'core/002-issuer-id',
    sql: `
  ALTER TABLE txns ADD COLUMN issuer_id TEXT NOT NULL DEFAULT 'default';
  ALTER TABLE reversals ADD COLUMN issuer_id TEXT NOT NULL DEFAULT 'default';
  `,
  },
];
