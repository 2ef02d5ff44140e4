/**
 * The issuer-sim's cardholder passwords (./handlers-password.ts). One row per card that has a
 * password: never the password itself, only a salted scrypt hash; the wrong-try counter and the
 * lock live beside it, so they change in the same ledger transaction as the recorded answer.
 *
 * password_ops: what each approved set/change replaced, by (terminal, STAN), so the reverse of
 * that STAN can put it back — the terminal's reversal names only the STAN and never carries a
 * password or block. Hashes only, like card_passwords.
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
  {
    // No foreign key: a later rebuild of cards or card_passwords (like 021's) must not be blocked
    // by this child table, and the record of a set stays when its reverse removes the password.
    id: 'issuer/031-password-ops',
    sql: `
  CREATE TABLE password_ops (
    terminal_id TEXT NOT NULL,
    stan INTEGER NOT NULL,
    pan TEXT NOT NULL,
    -- NULL salt and hash: the card had no password before (a set); its reverse removes it again.
    prior_salt TEXT,
    prior_hash TEXT,
    prior_wrong_tries INTEGER NOT NULL CHECK (prior_wrong_tries >= 0),
    prior_locked INTEGER NOT NULL CHECK (prior_locked IN (0, 1)),
    -- The hash this STAN set: the reverse puts the prior one back only while this is still current.
    new_hash TEXT NOT NULL,
    reversed INTEGER NOT NULL DEFAULT 0 CHECK (reversed IN (0, 1)),
    created_at TEXT NOT NULL,
    PRIMARY KEY (terminal_id, stan),
    CHECK ((prior_salt IS NULL) = (prior_hash IS NULL))
  );`,
  },
];
