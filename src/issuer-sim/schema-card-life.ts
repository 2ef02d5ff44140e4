/** The issuer-sim's card-life columns (./handlers-card-life.ts): each card registered (记名) or not. */
import type { Migration } from '../shared/store/sqlite';

export const ISSUER_CARD_LIFE_MIGRATIONS: Migration[] = [
  {
    id: 'issuer/020-card-life',
    // Existing cards are registered: the larger cap, and no card loses value it already holds.
    sql: `ALTER TABLE cards ADD COLUMN registered INTEGER NOT NULL DEFAULT 1 CHECK (registered IN (0, 1));`,
  },
];
