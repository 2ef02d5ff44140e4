/**
 * Opens a SQLite file the way every durable store in CardTill needs it: WAL, synchronous=FULL
 * (a commit that returned is on disk, even across power loss — https://sqlite.org/pragma.html#pragma_synchronous),
 * foreign keys on, and a busy timeout so a second process (the CLI) waits instead of failing.
 * Migrations are ordered SQL scripts keyed by PRAGMA user_version.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

export type Db = Database.Database;

export function openDatabase(file: string, migrations: readonly string[], opts: { readonly?: boolean } = {}): Db {
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

function migrate(db: Db, migrations: readonly string[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
