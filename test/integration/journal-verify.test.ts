/**
 * Journal tampering on the real SQLite file, as an attacker with the disk would do it: drop the
 * append-only triggers, then change a byte, delete a record, or swap two. `cardtill journal verify`
 * (the real CLI, in a child process) must exit non-zero naming the first bad record; in-process
 * verification must name the same record for every byte of a record. Also: the worker-parallel
 * verifier agrees with the single-thread one, and key rotation keeps old records verifiable.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeJournalFixture, type JournalFixture } from '../helpers/journal-fixture';
import { verifyJournal } from '../../src/main/journal/verify';
import { verifyJournalParallel } from '../../src/main/journal/verify-parallel';
import { publicKeys } from '../../src/main/keys/terminal-keys';

const run = promisify(execFile);
const CLI = path.resolve('bin/cardtill.mjs');

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], { maxBuffer: 64 << 20 });
    return { code: 0, out: r.stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: `${err.stdout}${err.stderr}` };
  }
}

let f: JournalFixture;
const copies: string[] = [];

/** A copy of the fixture's data dir with `tamper` applied to its terminal.db, triggers dropped first. */
function tampered(tamper: (db: Database.Database) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-tamper-'));
  copies.push(dir);
  fs.cpSync(f.dataDir, dir, { recursive: true });
  const db = new Database(path.join(dir, 'terminal.db'));
  db.exec('DROP TRIGGER IF EXISTS journal_no_update; DROP TRIGGER IF EXISTS journal_no_delete;');
  tamper(db);
  db.close();
  return dir;
}

beforeAll(() => {
  f = makeJournalFixture(12, { rotateAt: 7 });
  f.db.pragma('wal_checkpoint(TRUNCATE)');
});
afterAll(() => {
  f.close();
  for (const d of copies) fs.rmSync(d, { recursive: true, force: true });
});

describe('journal verify', () => {
  it('an intact journal (two key versions) verifies: CLI exit 0, in-process ok', async () => {
    expect(verifyJournal(f.db, f.keys)).toEqual({ ok: true, count: 12 });
    expect(await verifyJournalParallel(f.db, f.keys, { minRecords: 0, batch: 3 })).toEqual({
      ok: true,
      count: 12,
    });
    const r = await cli(['journal', 'verify', '--data-dir', f.dataDir]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('journal intact: 12 records');
  });

  it('one changed byte in a body: the CLI names that record', async () => {
    const dir = tampered((db) =>
      db
        .prepare(`UPDATE journal SET body = replace(body, '"amountFen":', '"amountFen":9') WHERE seq = 5`)
        .run(),
    );
    const r = await cli(['journal', 'verify', '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/BROKEN at record 5: signature/);
  });

  it('a deleted record: the CLI names the gap', async () => {
    const dir = tampered((db) => db.prepare('DELETE FROM journal WHERE seq = 4').run());
    const r = await cli(['journal', 'verify', '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/BROKEN at record 4: gap — record 4 is missing/);
  });

  it('two records swapped: the CLI names the first of them', async () => {
    const dir = tampered((db) =>
      db.transaction(() => {
        db.prepare('UPDATE journal SET seq = -1 WHERE seq = 8').run();
        db.prepare('UPDATE journal SET seq = 8 WHERE seq = 9').run();
        db.prepare('UPDATE journal SET seq = 9 WHERE seq = -1').run();
      })(),
    );
    const r = await cli(['journal', 'verify', '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/BROKEN at record 8: order/);
  });

  it('every byte of every column of a record, changed, is found at that record', () => {
    const seq = 6;
    const orig = f.db.prepare('SELECT * FROM journal WHERE seq = ?').get(seq) as Record<string, unknown>;
    const dir = tampered(() => {});
    const db = new Database(path.join(dir, 'terminal.db'));
    const keys = f.keys; // same public keys; its verifier tables are cached across the checks
    const check = (col: string, value: unknown) => {
      db.prepare(`UPDATE journal SET ${col} = ? WHERE seq = ?`).run(value, seq);
      const r = verifyJournal(db, keys);
      db.prepare(`UPDATE journal SET ${col} = ? WHERE seq = ?`).run(orig[col], seq);
      expect(r.ok, `${col} changed`).toBe(false);
      if (!r.ok) expect(r.firstBad.seq, `${col}: ${r.firstBad.reason} ${r.firstBad.detail}`).toBe(seq);
    };
    const body = orig.body as string;
    for (let i = 0; i < body.length; i++) {
      const c = body.charCodeAt(i);
      check('body', body.slice(0, i) + String.fromCharCode(c === 0x30 ? 0x31 : c ^ 1) + body.slice(i + 1));
    }
    const sig = orig.sig as Buffer;
    for (let i = 0; i < sig.length; i++) {
      const s = Buffer.from(sig);
      s[i]! ^= 0x01;
      check('sig', s);
    }
    for (const col of ['hash', 'prev_hash', 'created_at']) {
      const v = orig[col] as string;
      for (let i = 0; i < v.length; i++)
        check(col, v.slice(0, i) + (v[i] === '0' ? '1' : '0') + v.slice(i + 1));
    }
    check('stan', (orig.stan as number) + 1);
    check('type', 'refund');
    check('key_version', (orig.key_version as number) + 1);
    expect(verifyJournal(db, keys)).toEqual({ ok: true, count: 12 });
    db.close();
  });

  it('deleting the first record, and a tail cut caught by a head checkpoint', () => {
    const dir = tampered((db) => db.prepare('DELETE FROM journal WHERE seq = 1').run());
    const db = new Database(path.join(dir, 'terminal.db'), { readonly: true });
    const r = verifyJournal(db, publicKeys(dir));
    expect(r.ok === false && r.firstBad).toMatchObject({ seq: 1, reason: 'gap' });
    db.close();
    const head = f.db.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1').get() as {
      seq: number;
      hash: string;
    };
    const dir2 = tampered((d) => d.prepare('DELETE FROM journal WHERE seq = 12').run());
    const db2 = new Database(path.join(dir2, 'terminal.db'), { readonly: true });
    expect(verifyJournal(db2, publicKeys(dir2)).ok).toBe(true); // a shorter chain is still a chain …
    const cut = verifyJournal(db2, publicKeys(dir2), { head });
    expect(cut.ok === false && cut.firstBad).toMatchObject({ seq: 12, reason: 'gap' }); // … unless the head is known
    db2.close();
  });
});

describe('parallel verification (worker_threads)', () => {
  it('agrees with the single-thread verifier on 3,000 records, intact and with two faults', async () => {
    const big = makeJournalFixture(3000, { rotateAt: 1000 });
    try {
      const opts = { minRecords: 0, batch: 100, workers: 2 };
      expect(await verifyJournalParallel(big.db, big.keys.publicKeys, opts)).toEqual({
        ok: true,
        count: 3000,
      });
      big.db.exec('DROP TRIGGER journal_no_update');
      const sig2000 = (big.db.prepare('SELECT sig FROM journal WHERE seq = 2001').get() as { sig: Buffer })
        .sig;
      big.db.prepare('UPDATE journal SET sig = ? WHERE seq = 2000').run(sig2000);
      big.db.prepare(`UPDATE journal SET hash = '${'ab'.repeat(32)}' WHERE seq = 2700`).run();
      const single = verifyJournal(big.db, big.keys.publicKeys);
      expect(single).toMatchObject({ ok: false, firstBad: { seq: 2000, reason: 'signature' } });
      expect(await verifyJournalParallel(big.db, big.keys.publicKeys, opts)).toEqual(single);
    } finally {
      big.close();
    }
    // 3,000 signed records made and verified three times: a few seconds on a quiet machine, more
    // than the default 30 s with the rest of the suite beside it. A deadline, not a timing.
  }, 120_000);
});
