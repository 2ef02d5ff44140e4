/** Opens the terminal's database with its migrations. */
import path from 'node:path';
import { openDatabase, type Db } from './sqlite';
import { TERMINAL_MIGRATIONS } from './schema';

export function openTerminalDb(dataDir: string, opts: { readonly?: boolean } = {}): Db {
  return openDatabase(path.join(dataDir, 'terminal.db'), TERMINAL_MIGRATIONS, opts);
}

/** Takes the next STAN. Called inside the transaction that records the request, so it is never reused. */
export function takeStan(db: Db): number {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'next_stan'").get() as { value: string };
  const stan = Number(row.value);
  db.prepare("UPDATE meta SET value = ? WHERE key = 'next_stan'").run(String(stan + 1));
  return stan;
}
