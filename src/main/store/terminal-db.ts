/**
 * Opens the terminal's database with every area's migrations. An area that owns tables adds its
 * list here (ids "<area>/<nnn>-…"); order within the array is the order they first run.
 */
import path from 'node:path';
import { openDatabase, type Db, type Migration } from './sqlite';
import { CORE_MIGRATIONS } from './schema';
import { AUDIT_MIGRATIONS } from '../audit/schema';
import { SHIFT_MIGRATIONS } from '../shift/schema';
import { OFFLINE_MIGRATIONS } from '../../offline-queue/schema';
import { JOBS_MIGRATIONS } from '../jobs/schema';
import { JOURNAL_MIGRATIONS } from '../journal/schema';
import { CARD_LIFE_MIGRATIONS } from '../terminal/card-buyer';
import { CARD_RECEIPT_MIGRATIONS } from '../terminal/card-receipt';
import { ISO8583_MIGRATIONS } from '../issuer/iso8583/store';
import { FILE_BATCH_MIGRATIONS } from '../issuer/file-batch/schema';
import { GREY_MIGRATIONS } from '../terminal/grey-store';
import { FAILOVER_MIGRATIONS } from '../issuer/failover-schema';

export const TERMINAL_MIGRATIONS: Migration[] = [
  ...CORE_MIGRATIONS,
  ...AUDIT_MIGRATIONS,
  ...SHIFT_MIGRATIONS,
  ...OFFLINE_MIGRATIONS,
  ...JOBS_MIGRATIONS,
  ...JOURNAL_MIGRATIONS,
  ...CARD_LIFE_MIGRATIONS,
  ...CARD_RECEIPT_MIGRATIONS,
  ...ISO8583_MIGRATIONS,
  ...FILE_BATCH_MIGRATIONS,
  ...GREY_MIGRATIONS,
  ...FAILOVER_MIGRATIONS,
];

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
