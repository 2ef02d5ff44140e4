/**
 * Opens a SQLite file the way every durable store in CardTill needs it: WAL, synchronous=FULL
 * (a commit that returned is on disk, even across power loss — https://sqlite.org/pragma.html#pragma_synchronous),
 * foreign keys on, and a busy timeout so a second process (the CLI) waits instead of failing.
 *
 * Migrations are named: each area of the code (core, offline queue, shift, …) owns its own list,
 * and a migration runs once, recorded in `schema_migrations` by id — so areas can add tables
 * independently without fighting over one version number. Ids are never renamed or reused.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export type Db = Database.Database;

export interface Migration {
  /** "<area>/<nnn>-<what>", e.g. "core/001-initial". */
  id: string;
  sql: string;
}

export function openDatabase(
  file: string,
  migrations: readonly Migration[],
  opts: { readonly?: boolean } = {},
): Db {
  if (!opts.readonly) fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations);
  }
  return db;
}

function migrate(db: Db, migrations: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const done = new Set(
    (db.prepare('SELECT id FROM schema_migrations').all() as Array<{ id: string }>).map((r) => r.id),
  );
  const ids = new Set<string>();
  for (const m of migrations) {
    if (ids.has(m.id)) throw new Error(`duplicate migration id ${m.id}`);
    ids.add(m.id);
    if (done.has(m.id)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)').run(
        m.id,
        new Date().toISOString(),
      );
    })();
  }
}
