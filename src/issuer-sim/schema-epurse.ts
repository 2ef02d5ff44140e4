/** The issuer-sim's tables for chip clearing (PBOC e-purse, ./handlers-epurse.ts). */
import type { Migration } from '../shared/store/sqlite';

export const ISSUER_EPURSE_MIGRATIONS: Migration[] = [
  {
    id: 'issuer/020-epurse-clearing',
    sql: `
  -- The issuer's shadow of each e-purse card: its chip balance and the next sequences it expects,
  -- as learnt from the TAC-verified transactions terminals upload.
  CREATE TABLE epurse_shadow (
    card_serial TEXT PRIMARY KEY,
    balance_fen INTEGER NOT NULL,
    next_offline_seq INTEGER NOT NULL,
    next_online_seq INTEGER NOT NULL,
    updated_at TEXT NOT NULL
  );
  -- Every uploaded chip transaction once per (terminal, STAN), with what clearing decided.
  CREATE TABLE epurse_cleared (
    terminal_id TEXT NOT NULL,
    stan INTEGER NOT NULL,
    card_serial TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('purchase','load')),
    seq INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL,
    tac TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('cleared','chip_bad_tac','chip_sequence_gap','chip_duplicate')),
    expected_seq INTEGER,
    created_at TEXT NOT NULL,
    PRIMARY KEY (terminal_id, stan)
  );
  CREATE INDEX epurse_cleared_by_card ON epurse_cleared(card_serial, kind, seq);
  `,
  },
];
