/**
 * The issuer-sim's card-state migration (issuer/021-card-life-states) rebuilds `cards` and
 * `entries` to widen the status CHECK (closed, replaced). On an existing ledger with cards and
 * entries, nothing may be lost, the entries must still point at their cards, and the new states
 * must be accepted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { openDatabase } from '../../src/shared/store/sqlite';
import { ISSUER_MIGRATIONS } from '../../src/issuer-sim/schema';

describe('issuer card states migration', () => {
  it('keeps every card and entry of an existing ledger and accepts closed / replaced', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'issuer-mig-'));
    const file = path.join(dir, 'issuer.db');
    try {
      const before = ISSUER_MIGRATIONS.filter((m) => m.id !== 'issuer/021-card-life-states');
      const old = openDatabase(file, before);
      old
        .prepare(
          "INSERT INTO cards (pan, status, balance_fen, expiry, updated_at, registered) VALUES (?, 'active', 700, '3012', 't', 0)",
        )
        .run('8888010000000017');
      old
        .prepare(
          "INSERT INTO entries (pan, terminal_id, stan, kind, delta_fen, balance_after, created_at) VALUES (?, 'T1', 5, 'sale', -300, 700, 't')",
        )
        .run('8888010000000017');
      expect(() =>
        old.prepare("UPDATE cards SET status = 'closed' WHERE pan = '8888010000000017'").run(),
      ).toThrow(/CHECK/);
      old.close();

      const db = openDatabase(file, ISSUER_MIGRATIONS);
      expect(db.prepare('SELECT pan, status, balance_fen, registered FROM cards').all()).toEqual([
        { pan: '8888010000000017', status: 'active', balance_fen: 700, registered: 0 },
      ]);
      expect(db.prepare('SELECT id, pan, stan, delta_fen FROM entries').all()).toEqual([
        { id: 1, pan: '8888010000000017', stan: 5, delta_fen: -300 },
      ]);
      db.prepare("UPDATE cards SET status = 'closed' WHERE pan = '8888010000000017'").run();
      db.prepare("UPDATE cards SET status = 'replaced' WHERE pan = '8888010000000017'").run();
      // The entries still reference the (rebuilt) cards table; the next entry id follows on.
      expect(() =>
        db
          .prepare(
            "INSERT INTO entries (pan, terminal_id, stan, kind, delta_fen, balance_after, created_at) VALUES ('0000', 'T1', 6, 'x', 1, 1, 't')",
          )
          .run(),
      ).toThrow(/FOREIGN KEY/);
      const r = db
        .prepare(
          "INSERT INTO entries (pan, terminal_id, stan, kind, delta_fen, balance_after, created_at) VALUES ('8888010000000017', 'T1', 6, 'x', 1, 1, 't')",
        )
        .run();
      expect(r.lastInsertRowid).toBe(2);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
