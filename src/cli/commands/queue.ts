/**
 * `cardtill queue status` — the offline queue as the manager's screen shows it (count, total,
 * oldest age, link state as the forwarder last recorded it, last error, hot-card list, exceptions,
 * limits in force), as JSON. Read-only: safe while the terminal runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openTerminalDb } from '../../main/store/terminal-db';
import { issuerEntries, loadConfig, type TerminalConfig } from '../../main/config/config';
import { OfflineConfig } from '../../offline-queue/config';
import { tillQueueStatus, type IssuerQueueSource } from '../../offline-queue/status';
import { issuerScope } from '../../offline-queue/scope';
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

/** Each configured issuer entry's queue, as the app's lanes see it (src/offline-queue/lanes.ts). */
export function queueSources(config: TerminalConfig): IssuerQueueSource[] {
  const base = OfflineConfig.parse(config.offline ?? {});
  return issuerEntries(config, { url: '', publicKey: '' }).map((e, i) => ({
    scope: issuerScope(e.id, i === 0),
    name: e.name,
    protocol: e.protocol,
    config: OfflineConfig.parse({ ...base, ...(e.offline ?? {}) }),
  }));
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
        `${JSON.stringify(tillQueueStatus(db, queueSources(config), new Date()), null, 2)}\n`,
      );
      return 0;
    } finally {
      db.close();
    }
  },
};
