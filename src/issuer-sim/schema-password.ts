/**
 * The issuer-sim's cardholder passwords (./handlers-password.ts). One row per card that has a
 * password: never the password itself, only a salted scrypt hash; the wrong-try counter and the
 * lock live beside it, so they change in the same ledger transaction as the recorded answer.
 */
import type { Migration } from '../shared/store/sqlite';

export const ISSUER_PASSWORD_MIGRATIONS: Migration[] = [
  {
    id: 'issuer/030-card-passwords',
    sql: `
  CREATE TABLE card_passwords (
    pan TEXT PRIMARY KEY REFERENCES cards(pan),
    salt TEXT NOT NULL,
    hash TEXT NOT NULL,
    -- NULL: every sale needs the password; n: only a sale of more than n fen does.
    required_over_fen INTEGER CHECK (required_over_fen IS NULL OR required_over_fen >= 0),
    wrong_tries INTEGER NOT NULL DEFAULT 0 CHECK (wrong_tries >= 0),
    locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    updated_at TEXT NOT NULL
  );`,
  },
];
