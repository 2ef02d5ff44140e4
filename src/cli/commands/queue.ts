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
import type { CliCommand } from '../command';

export const queueStatusCommand: CliCommand = {
  name: 'queue status',
  summary: 'print the offline queue (count, total, oldest, link, last error, exceptions, limits) as JSON',
  async run(ctx) {
    if (!fs.existsSync(path.join(ctx.dataDir, 'terminal.db'))) {
      process.stderr.write(`cardtill queue status: no terminal database in ${ctx.dataDir}\n`);
      return 2;
    }
    const { config } = loadConfig(ctx.config);
    const db = openTerminalDb(ctx.dataDir, { readonly: true });
    try {
      const hasQueue = db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'offline_queue'")
        .get();
      if (!hasQueue) {
        process.stderr.write(
          'cardtill queue status: this database has no offline queue yet (start the terminal once)\n',
        );
        return 2;
      }
      process.stdout.write(
        `${JSON.stringify(queueStatus(db, OfflineConfig.parse(config.offline ?? {}), new Date()), null, 2)}\n`,
      );
      return 0;
    } finally {
      db.close();
    }
  },
};
