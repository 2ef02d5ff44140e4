/** The issuer-sim's own SQLite ledger: cards, enrolled terminals, requests by (terminal, stan), entries. */
import type { Migration } from '../shared/store/sqlite';
import { ISSUER_SETTLEMENT_MIGRATIONS } from './schema-settlement';
import { ISSUER_OFFLINE_MIGRATIONS } from './schema-offline';
import { ISSUER_HEAD_MIGRATIONS } from './journal-heads';
import { ISSUER_CARD_LIFE_MIGRATIONS } from './schema-card-life';
import { ISSUER_PASSWORD_MIGRATIONS } from './schema-password';
import { ISSUER_EPURSE_MIGRATIONS } from './schema-epurse';

export const ISSUER_MIGRATIONS: Migration[] = [
  {
    id: 'issuer/001-initial',
    sql: `
  CREATE TABLE cards (
    pan TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('active','lost','frozen','expired','not_activated')),
    balance_fen INTEGER NOT NULL CHECK (balance_fen >= 0),
    expiry TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE terminals (
    terminal_id TEXT NOT NULL,
    key_version INTEGER NOT NULL,
    merchant_id TEXT NOT NULL,
    public_key TEXT NOT NULL,
    enrolled_at TEXT NOT NULL,
    PRIMARY KEY (terminal_id, key_version)
  );
  -- One row per (terminal, stan): the idempotency record. The stored response is answered again
  -- to a retry of the same request; a different request under a used STAN is refused.
  CREATE TABLE requests (
    terminal_id TEXT NOT NULL,
    stan INTEGER NOT NULL,
    type TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    result TEXT NOT NULL,
    amount_fen INTEGER NOT NULL DEFAULT 0,
    pan TEXT,
    reversed INTEGER NOT NULL DEFAULT 0,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (terminal_id, stan)
  );
  -- Every balance movement. Sum of delta_fen per card = balance change since issue.
  CREATE TABLE entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pan TEXT NOT NULL REFERENCES cards(pan),
    terminal_id TEXT NOT NULL,
    stan INTEGER NOT NULL,
    kind TEXT NOT NULL,
    delta_fen INTEGER NOT NULL,
    balance_after INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX entries_by_terminal ON entries(terminal_id, stan);
  `,
  },
  ...ISSUER_OFFLINE_MIGRATIONS,
  ...ISSUER_SETTLEMENT_MIGRATIONS,
  ...ISSUER_HEAD_MIGRATIONS,
  ...ISSUER_CARD_LIFE_MIGRATIONS,
  ...ISSUER_PASSWORD_MIGRATIONS,
  ...ISSUER_EPURSE_MIGRATIONS,
];
