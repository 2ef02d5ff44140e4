/**
 * The issuer-sim's card-life tables (./handlers-card-life.ts): each card registered (记名) or not;
 * the card states of a card's whole life (not_activated → active → closed / replaced); and what
 * each cash-out, replacement and void of a load did, so its reverse can undo exactly that.
 */
import type { Migration } from '../shared/store/sqlite';
import { HOTCARD_TRIGGERS } from './schema-offline';

export const ISSUER_CARD_LIFE_MIGRATIONS: Migration[] = [
  {
    id: 'issuer/020-card-life',
    // Existing cards are registered: the larger cap, and no card loses value it already holds.
    sql: `ALTER TABLE cards ADD COLUMN registered INTEGER NOT NULL DEFAULT 1 CHECK (registered IN (0, 1));`,
  },
  {
    // SQLite cannot widen a CHECK in place: both tables are rebuilt (https://sqlite.org/lang_altertable.html
    // "making other kinds of table schema changes"). entries is rebuilt first, pointing at the new
    // cards table, so dropping the old one orphans nothing; RENAME then rewrites that reference to
    // "cards". The column lists are explicit: a later migration adding a column to cards must run
    // after this one (ISSUER_MIGRATIONS keeps this list before any such). A child table of cards
    // made before this ran (card_passwords in a ledger from the hour both existed apart) would
    // block the DROP: such a demo ledger must be made again (delete the sim's ledger file).
    id: 'issuer/021-card-life-states',
    sql: `
  CREATE TABLE cards_new (
    pan TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('active','lost','frozen','expired','not_activated','closed','replaced')),
    balance_fen INTEGER NOT NULL CHECK (balance_fen >= 0),
    expiry TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    registered INTEGER NOT NULL DEFAULT 1 CHECK (registered IN (0, 1))
  );
  INSERT INTO cards_new (pan, status, balance_fen, expiry, updated_at, registered)
    SELECT pan, status, balance_fen, expiry, updated_at, registered FROM cards;
  CREATE TABLE entries_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pan TEXT NOT NULL REFERENCES cards_new(pan),
    terminal_id TEXT NOT NULL,
    stan INTEGER NOT NULL,
    kind TEXT NOT NULL,
    delta_fen INTEGER NOT NULL,
    balance_after INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );
  INSERT INTO entries_new SELECT id, pan, terminal_id, stan, kind, delta_fen, balance_after, created_at FROM entries;
  DROP TABLE entries;
  DROP TABLE cards;
  ALTER TABLE cards_new RENAME TO cards;
  ALTER TABLE entries_new RENAME TO entries;
  CREATE INDEX entries_by_terminal ON entries(terminal_id, stan);
  -- What a cash-out, a replacement or a void of a load did (its reverse undoes exactly this).
  CREATE TABLE card_life_ops (
    terminal_id TEXT NOT NULL,
    stan INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('cashout','replace','voidload')),
    pan TEXT NOT NULL,
    new_pan TEXT,
    orig_stan INTEGER,
    amount_fen INTEGER NOT NULL,
    prior_status TEXT NOT NULL,
    reversed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (terminal_id, stan)
  );
  CREATE INDEX card_life_ops_by_orig ON card_life_ops(terminal_id, orig_stan);
  `,
  },
  {
    // 021 rebuilt `cards`, and SQLite dropped the hot-card triggers with the old table: the
    // versioned hot-card list stopped moving (test/integration/offline-sale.test.ts "hot-card
    // list"). Created again; a ledger that ran 021 without them logs hot-card changes from here on.
    id: 'issuer/022-hotcard-triggers-again',
    sql: HOTCARD_TRIGGERS,
  },
];
