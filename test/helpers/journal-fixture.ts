/**
 * A terminal data directory with a journal of N real records (signed with a real sealed terminal
 * key, chained, card numbers SM4-sealed), written straight through appendJournal — for journal
 * verification tests and bench/journal.bench.ts, where running N sales would only add time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTerminalDb } from '../../src/main/store/terminal-db';
import {
  loadOrCreateTerminalKeys,
  rotateTerminalKey,
  type TerminalKeys,
} from '../../src/main/keys/terminal-keys';
import type { KeySecret } from '../../src/main/keys/secret';
import { appendJournal } from '../../src/main/journal/journal';
import { sealSm4 } from '../../src/main/crypto';
import type { Db } from '../../src/main/store/sqlite';

export const FIXTURE_SECRET: KeySecret = { kind: 'passphrase', secret: 'journal-fixture-passphrase' };

export interface JournalFixture {
  dataDir: string;
  db: Db;
  keys: TerminalKeys;
  close(): void;
}

/** `rotateAt`: after that many records, rotate the key and continue with the new version. */
export function makeJournalFixture(
  n: number,
  o: { rotateAt?: number; terminalId?: string } = {},
): JournalFixture {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-journal-'));
  let keys = loadOrCreateTerminalKeys(dataDir, FIXTURE_SECRET);
  const db = openTerminalDb(dataDir);
  const t0 = Date.parse('2026-11-22T08:00:00Z');
  // Each record has its txns row, saying the same (journal verify checks every row against it).
  const row = db.prepare(
    `INSERT INTO txns (stan, type, status, amount_fen, other_tender_fen, balance_fen, masked, pan_enc, entry_mode, offline, operator_id, created_at, updated_at)
     VALUES (@stan, @type, @status, @amountFen, @otherTenderFen, @balanceFen, @masked, @panEnc, 'wedge', @offline, @operatorId, @time, @time)`,
  );
  const add = (from: number, to: number) =>
    db.transaction(() => {
      for (let i = from; i < to; i++) {
        const pan = `8888010000${String(i).padStart(6, '0')}`;
        const b = appendJournal(db, keys, {
          stan: i + 1,
          type: i % 7 === 3 ? 'inquiry' : 'sale',
          status: i % 11 === 5 ? 'declined' : 'approved',
          amountFen: 100 + ((i * 37) % 50_000),
          otherTenderFen: 0,
          balanceFen: 100_000 - i,
          masked: `888801******${pan.slice(-4)}`,
          panEnc: Buffer.from(
            sealSm4(keys.dataKey, new TextEncoder().encode(pan), new TextEncoder().encode('cardtill:pan:v1')),
          ).toString('base64'),
          offline: i % 13 === 0,
          operatorId: '1001',
          time: new Date(t0 + i * 17_000).toISOString(),
          terminalId: o.terminalId ?? 'T0000001',
        });
        row.run({
          ...b,
          balanceFen: b.balanceFen ?? null,
          panEnc: b.panEnc ? Buffer.from(b.panEnc, 'base64') : null,
          offline: b.offline ? 1 : 0,
          operatorId: b.operatorId ?? null,
        });
      }
      db.prepare("UPDATE meta SET value = ? WHERE key = 'next_stan'").run(String(to + 1));
    })();
  if (o.rotateAt !== undefined && o.rotateAt < n) {
    add(0, o.rotateAt);
    rotateTerminalKey(dataDir, FIXTURE_SECRET);
    keys = loadOrCreateTerminalKeys(dataDir, FIXTURE_SECRET);
    add(o.rotateAt, n);
  } else add(0, n);
  return {
    dataDir,
    db,
    keys,
    close() {
      db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
