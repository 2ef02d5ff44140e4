/**
 * The issuer-sim's store-and-forward tables. The hot-card list is versioned: triggers on `cards`
 * log every change of a card's "hot" state (lost or frozen) with a new version, so a terminal asks
 * for the delta since the version it holds (docs/issuer-protocol.md, "hotcards").
 */
import type { Migration } from '../shared/store/sqlite';

/**
 * The triggers that keep hotcard_log. A migration that rebuilds `cards` (SQLite drops a table's
 * triggers with it) creates them again from here (schema-card-life.ts, issuer/022).
 */
export const HOTCARD_TRIGGERS = `
  CREATE TRIGGER IF NOT EXISTS hotcard_on_insert AFTER INSERT ON cards WHEN NEW.status IN ('lost','frozen')
  BEGIN INSERT INTO hotcard_log (pan, action, created_at) VALUES (NEW.pan, 'add', NEW.updated_at); END;
  CREATE TRIGGER IF NOT EXISTS hotcard_on_update AFTER UPDATE OF status ON cards
    WHEN (OLD.status IN ('lost','frozen')) != (NEW.status IN ('lost','frozen'))
  BEGIN
    INSERT INTO hotcard_log (pan, action, created_at)
    VALUES (NEW.pan, CASE WHEN NEW.status IN ('lost','frozen') THEN 'add' ELSE 'remove' END, NEW.updated_at);
  END;`;

export const ISSUER_OFFLINE_MIGRATIONS: Migration[] = [
  {
    id: 'issuer/002-hotcards',
    sql: `
  CREATE TABLE hotcard_log (
    version INTEGER PRIMARY KEY AUTOINCREMENT,
    pan TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('add','remove')),
    created_at TEXT NOT NULL
  );
  ${HOTCARD_TRIGGERS}
  -- Cards that were already hot before this migration.
  INSERT INTO hotcard_log (pan, action, created_at) SELECT pan, 'add', updated_at FROM cards WHERE status IN ('lost','frozen');
  `,
  },
];
