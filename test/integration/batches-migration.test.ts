/**
 * Migration shift/006 on a data dir from before one batch per issuer: the batches table is
 * rebuilt (unique by shift and issuer) with its rows, numbers and settlements' references kept,
 * and stays append-only; a second issuer's batch of the same shift can then be written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it, expect } from 'vitest';
import { openDatabase } from '../../src/main/store/sqlite';
import { TERMINAL_MIGRATIONS } from '../../src/main/store/terminal-db';

it('rebuilds batches per shift and issuer, rows and settlements kept, still append-only', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-batches-mig-'));
  const file = path.join(dir, 'terminal.db');
  const old = openDatabase(
    file,
    TERMINAL_MIGRATIONS.filter((m) => m.id !== 'shift/006-batches-per-shift-and-issuer-id'),
  );
  old
    .prepare(
      "INSERT INTO shifts (id, status, opened_at, opened_by, opening_float_fen, from_stan, open_stan) VALUES (1, 'open', '2026-01-01', '2001', 0, 1, 1)",
    )
    .run();
  old
    .prepare(
      "INSERT INTO batches (batch_no, shift_id, from_stan, to_stan, carried_in, carried_out, totals, created_at) VALUES (1, 1, 1, 5, '[]', '[7]', '{}', '2026-01-01')",
    )
    .run();
  old
    .prepare(
      "INSERT INTO settlements (batch_no, stan, status, discrepancies, attempted_at) VALUES (1, 6, 'settled', '[]', '2026-01-01')",
    )
    .run();
  // Before: a second batch of the same shift is refused.
  expect(() =>
    old
      .prepare(
        "INSERT INTO batches (batch_no, shift_id, from_stan, to_stan, carried_in, carried_out, totals, created_at, issuer_id) VALUES (2, 1, 1, 5, '[]', '[]', '{}', '2026-01-01', 'b')",
      )
      .run(),
  ).toThrow(/UNIQUE/);
  old.close();

  const db = openDatabase(file, TERMINAL_MIGRATIONS);
  expect(db.prepare('SELECT batch_no, shift_id, carried_out, issuer_id FROM batches').all()).toEqual([
    { batch_no: 1, shift_id: 1, carried_out: '[7]', issuer_id: 'default' },
  ]);
  db.prepare(
    "INSERT INTO batches (batch_no, shift_id, from_stan, to_stan, carried_in, carried_out, totals, created_at, issuer_id) VALUES (2, 1, 1, 5, '[]', '[]', '{}', '2026-01-01', 'b')",
  ).run();
  expect(() =>
    db
      .prepare(
        "INSERT INTO batches (batch_no, shift_id, from_stan, to_stan, carried_in, carried_out, totals, created_at, issuer_id) VALUES (3, 1, 1, 5, '[]', '[]', '{}', '2026-01-01', 'b')",
      )
      .run(),
  ).toThrow(/UNIQUE/); // one batch per issuer per shift
  expect(() => db.prepare("UPDATE batches SET totals = 'x'").run()).toThrow(/append-only/);
  expect(db.pragma('foreign_key_check')).toEqual([]);
  expect(db.prepare('SELECT batch_no, status FROM settlements').all()).toEqual([
    { batch_no: 1, status: 'settled' },
  ]);
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
