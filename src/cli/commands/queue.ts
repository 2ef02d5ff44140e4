/**
 * `cardtill queue status` — the offline queue as the manager's screen shows it (count, total,
 * oldest age, link state as the forwarder last recorded it, last error, hot-card list, exceptions,
 * limits in force), as JSON. Read-only: safe while the terminal runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openTerminalDb } from '../../main/store/terminal-db';
import { loadConfig } from '../../main/config/config';
import { OfflineConfig } from '../../offline-queue/config';
import { queueStatus } from '../../offline-queue/status';
import type { Db } from '../../main/store/sqlite';
import type { CliCommand, CliContext } from '../command';

/**
 * Opens the data directory's terminal database read-only for a `queue …` command, or says why not
 * (no database, or one that never ran the offline migrations) and returns the exit code.
 */
export function openQueueDb(ctx: CliContext, command: string): Db | number {
  if (!fs.existsSync(path.join(ctx.dataDir, 'terminal.db'))) {
    process.stderr.write(`cardtill ${command}: no terminal database in ${ctx.dataDir}\n`);
    return 2;
  }
  const db = openTerminalDb(ctx.dataDir, { readonly: true });
  const hasQueue = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'offline_queue'")
    .get();
  if (!hasQueue) {
    db.close();
    process.stderr.write(
      `cardtill ${command}: this database has no offline queue yet (start the terminal once)\n`,
    );
    return 2;
  }
  return db;
}

export const queueStatusCommand: CliCommand = {
  name: 'queue status',
  summary: 'print the offline queue (count, total, oldest, link, last error, exceptions, limits) as JSON',
  async run(ctx) {
    const db = openQueueDb(ctx, 'queue status');
    if (typeof db === 'number') return db;
    try {
      const { config } = loadConfig(ctx.config);
      process.stdout.write(
        `${JSON.stringify(queueStatus(db, OfflineConfig.parse(config.offline ?? {}), new Date()), null, 2)}\n`,
      );
      return 0;
    } finally {
      db.close();
    }
  },
};
