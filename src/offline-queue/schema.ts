/**
 * The terminal's store-and-forward tables (appended to TERMINAL_MIGRATIONS). Cards are named by
 * `card_key` = HMAC-SM3(key derived from the data key, PAN): the same card always gets the same
 * key, but the key reveals nothing of the number (no clear PAN on disk — DESIGN.md "Money, cards").
 * Queue rows and exceptions are never deleted: forwarded rows are marked, exceptions acknowledged.
 */
import type { Migration } from '../shared/store/sqlite';

export const OFFLINE_MIGRATIONS: Migration[] = [
  {
    id: 'offline/001-queue',
    sql: `
  -- One row per offline approval, written in the same transaction as its txns row and journal
  -- record. advice_enc is the exact advice item (SM4-sealed, it carries the card number): every
  -- upload resends the same bytes, so the issuer's per-advice idempotency holds.
  CREATE TABLE offline_queue (
    stan INTEGER PRIMARY KEY,
    card_key TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    day TEXT NOT NULL,
    advice_enc BLOB NOT NULL,
    override_by TEXT,
    created_at TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    forwarded_at TEXT,
    outcome TEXT CHECK (outcome IN ('accepted','rejected')),
    issuer_code TEXT
  );
  CREATE INDEX offline_queue_open ON offline_queue(forwarded_at, stan);
  CREATE INDEX offline_queue_card_day ON offline_queue(card_key, day);
  CREATE TRIGGER offline_queue_no_delete BEFORE DELETE ON offline_queue BEGIN SELECT RAISE(ABORT, 'offline queue rows are never deleted'); END;

  -- Advices the issuer refused for good. The manager must acknowledge each; nothing is dropped.
  CREATE TABLE offline_exceptions (
    stan INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    masked TEXT NOT NULL,
    created_at TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT
  );
  CREATE TRIGGER offline_exceptions_no_delete BEFORE DELETE ON offline_exceptions BEGIN SELECT RAISE(ABORT, 'exceptions are never deleted'); END;

  CREATE TABLE offline_hotcards (card_key TEXT PRIMARY KEY);
  -- Last balance this terminal saw online, less its offline approvals since.
  CREATE TABLE offline_balances (card_key TEXT PRIMARY KEY, balance_fen INTEGER NOT NULL, seen_at TEXT NOT NULL);
  CREATE TABLE offline_presentations (card_key TEXT NOT NULL, at_ms INTEGER NOT NULL);
  CREATE INDEX offline_presentations_by_card ON offline_presentations(card_key, at_ms);
  CREATE TABLE offline_blocks (card_key TEXT PRIMARY KEY, until_ms INTEGER NOT NULL);
  -- hotcards_version, link_state, last_error, last_contact_at, last_forward_at
  CREATE TABLE offline_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  },
  {
    // A void of an offline sale whose advice has not reached the issuer yet is queued as an advice
    // of its own (kind 'void', orig_stan = the sale), after the sale's advice in STAN order.
    id: 'offline/002-void-advices',
    sql: `
  ALTER TABLE offline_queue ADD COLUMN kind TEXT NOT NULL DEFAULT 'sale' CHECK (kind IN ('sale','void'));
  ALTER TABLE offline_queue ADD COLUMN orig_stan INTEGER;
  CREATE UNIQUE INDEX offline_queue_one_void ON offline_queue(orig_stan) WHERE kind = 'void';
  `,
  },
  {
    // Which issuer an advice goes to, and whose hot-card list a card is on (src/main/issuer/router.ts).
    // Existing rows belong to the one issuer configured then: 'default'.
    id: 'offline/003-issuer-id',
    sql: `
  ALTER TABLE offline_queue ADD COLUMN issuer_id TEXT NOT NULL DEFAULT 'default';
  ALTER TABLE offline_hotcards ADD COLUMN issuer_id TEXT NOT NULL DEFAULT 'default';
  `,
  },
  {
    // Each issuer has its own hot-card list (src/offline-queue/scope.ts): a card may be on two
    // issuers' lists, so the key is (issuer, card). The small table is rebuilt once, rows kept.
    id: 'offline/004-hotcards-keyed-by-issuer-id',
    sql: `
  CREATE TABLE offline_hotcards_v2 (
    issuer_id TEXT NOT NULL DEFAULT 'default',
    card_key TEXT NOT NULL,
    PRIMARY KEY (issuer_id, card_key)
  );
  INSERT INTO offline_hotcards_v2 (issuer_id, card_key) SELECT issuer_id, card_key FROM offline_hotcards;
  DROP TABLE offline_hotcards;
  ALTER TABLE offline_hotcards_v2 RENAME TO offline_hotcards;
  CREATE INDEX offline_hotcards_by_card ON offline_hotcards(card_key);
  `,
  },
  {
    // Cards whose password the issuer asked at this till (keyed like offline_balances, no PAN):
    // the offline policy refuses them (OFFLINE_PASSWORD_CARD, src/offline-queue/policy.ts).
    id: 'offline/005-password-cards',
    sql: `CREATE TABLE offline_password_cards (card_key TEXT PRIMARY KEY, seen_at TEXT NOT NULL);`,
  },
];
