/**
 * Truncation and rollback on real parts (the app's SQLite file, the issuer-sim over HTTP, the real
 * CLI). Before: deleting the journal's tail, rewinding the close checkpoint in the same database,
 * or putting back an older copy of terminal.db all verified intact, and the rolled-back terminal
 * then declined customers DUPLICATE_STAN with no alert. Now:
 *   - `journal verify --head` names truncated-tail / rewound-checkpoint / older-database against
 *     the head file kept outside the database; the app blocks selling at start;
 *   - the database AND the head file put back together (an older pair) is caught by the issuer's
 *     acknowledged head at the next echo;
 *   - a DUPLICATE_STAN decline raises an ALERT and stops selling (TILL_BLOCKED_ROLLBACK, also
 *     across a restart) until the technician acknowledges.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, tempDir, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { readHeadFile } from '../../src/main/journal/head-file';

const run = promisify(execFile);
const CLI = path.resolve('bin/cardtill.mjs');
const ACTIVE = demoCard('active');

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args]);
    return { code: 0, out: r.stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: `${err.stdout}${err.stderr}` };
  }
}

const dirs: string[] = [];
let t: TestApp | undefined;
afterEach(async () => {
  await t?.app.close();
  t = undefined;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Starts the app on `dataDir` (kept across restarts: closed with app.close(), not t.close()). */
async function boot(dataDir: string, who: [string, string] = ['2001', '8888']): Promise<TestApp> {
  t = await startTestApp({ dataDir });
  await t.signIn(...who);
  return t;
}
async function stop(): Promise<void> {
  await t!.app.close();
  t = undefined;
}
const sale = async (amountFen: number) =>
  t!.call('sale.authorize', { cardToken: await t!.card(ACTIVE.pan), amountFen });

/** Plain SQL on the closed app's file, append-only triggers dropped first. */
function tamper(dataDir: string, sql: (db: Database.Database) => void): void {
  const db = new Database(path.join(dataDir, 'terminal.db'));
  db.exec(
    'DROP TRIGGER IF EXISTS journal_no_delete; DROP TRIGGER IF EXISTS journal_no_update; DROP TRIGGER IF EXISTS shifts_closed_frozen;',
  );
  sql(db);
  db.close();
}

function saveDb(dataDir: string, to: string, withHead = false): void {
  fs.mkdirSync(to, { recursive: true });
  for (const f of [
    'terminal.db',
    'terminal.db-wal',
    'terminal.db-shm',
    ...(withHead ? ['journal-head'] : []),
  ])
    if (fs.existsSync(path.join(dataDir, f))) fs.copyFileSync(path.join(dataDir, f), path.join(to, f));
}
/** Puts the saved files back (only those saved: an older database alone, or with its head file). */
function restoreDb(from: string, dataDir: string): void {
  for (const f of ['terminal.db-wal', 'terminal.db-shm']) fs.rmSync(path.join(dataDir, f), { force: true });
  for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(dataDir, f));
}

function newDir(): string {
  const d = tempDir('cardtill-rollback-');
  dirs.push(d);
  return d;
}

describe('journal head outside the database', () => {
  it('is written after each commit (0600) and follows the journal', async () => {
    const dir = newDir();
    await boot(dir);
    await sale(100);
    await sale(200);
    const h = readHeadFile(dir);
    const last = t!.app.db.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1').get() as {
      seq: number;
      hash: string;
    };
    expect(h).toMatchObject({ v: 1, seq: last.seq, hash: last.hash });
    expect(fs.statSync(path.join(dir, 'journal-head')).mode & 0o777).toBe(0o600);
    await stop();
    const ok = await cli(['journal', 'verify', '--head', '--data-dir', dir]);
    expect(ok.out).toContain('journal head ok');
    expect(ok.code).toBe(0);
  });

  it('tail deleted (record and row): plain verify is blind, --head names the truncated tail, the app blocks selling', async () => {
    const dir = newDir();
    await boot(dir);
    for (const a of [100, 200, 300]) await sale(a);
    await stop();
    tamper(dir, (db) => {
      const last = db.prepare('SELECT seq, stan FROM journal ORDER BY seq DESC LIMIT 1').get() as {
        seq: number;
        stan: number;
      };
      db.prepare('DELETE FROM journal WHERE seq = ?').run(last.seq);
      db.prepare('DELETE FROM txns WHERE stan = ?').run(last.stan);
    });
    expect((await cli(['journal', 'verify', '--data-dir', dir])).code).toBe(0); // the documented limit
    const r = await cli(['journal', 'verify', '--head', '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/journal head BROKEN: truncated-tail — journal records 3–3 are missing/);

    await boot(dir);
    const e = await t!.callError('sale.authorize', { cardToken: await t!.card(ACTIVE.pan), amountFen: 100 });
    expect(e.code).toBe('TILL_BLOCKED_ROLLBACK');
    expect(t!.app.log.recent(50).some((l) => l.includes('ALERT till blocked (journal-head)'))).toBe(true);
  });

  it('checkpoint rewound in the same database: --head names it', async () => {
    const dir = newDir();
    await boot(dir);
    await t!.call('shift.open', { openingFloatFen: 0 });
    await sale(100);
    await sale(200);
    const { report: z, doc } = await t!.call('shift.close', { countedFen: 0 });
    // The close's checkpoint and the settlement answer's signed head acknowledgement are outside the db.
    expect(readHeadFile(dir)).toMatchObject({
      checkpoint: { seq: z.journal!.lastSeq },
      issuerAck: { seq: z.journal!.headSeq, hash: z.journal!.headHash },
    });
    // The Z prints the head.
    expect(
      doc.lines.some(
        (l) => l.type === 'pair' && l.left.includes('HEAD') && l.right === `#${z.journal!.headSeq}`,
      ),
    ).toBe(true);
    await stop();
    tamper(dir, (db) => {
      const first = db.prepare('SELECT hash FROM journal WHERE seq = 1').get() as { hash: string };
      db.prepare('UPDATE shifts SET journal_seq = 1, journal_hash = ? WHERE id = ?').run(
        first.hash,
        z.shiftId,
      );
    });
    expect((await cli(['journal', 'verify', '--data-dir', dir])).code).toBe(0);
    const r = await cli(['journal', 'verify', '--head', '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /rewound-checkpoint — .*shift \d+ at record 1; the head file recorded shift \d+ at record 2/,
    );
  });

  it('an older copy of the database put back: --head names the older database; the app blocks selling', async () => {
    const dir = newDir();
    const saved = newDir();
    await boot(dir);
    await sale(100);
    await stop();
    saveDb(dir, saved);
    await boot(dir);
    await sale(200);
    await sale(300);
    await stop();
    restoreDb(saved, dir); // the database only: the head file stays as the newer one
    expect((await cli(['journal', 'verify', '--data-dir', dir])).code).toBe(0);
    const r = await cli(['journal', 'verify', '--head', '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/journal head BROKEN: older-database — the database is older than the head file/);
    await boot(dir);
    expect(
      (await t!.callError('sale.authorize', { cardToken: await t!.card(ACTIVE.pan), amountFen: 1 })).code,
    ).toBe('TILL_BLOCKED_ROLLBACK');
  });

  it('database and head file put back together: caught by the issuer’s acknowledged head at the next echo', async () => {
    const dir = newDir();
    const saved = newDir();
    await boot(dir);
    await sale(100);
    await stop();
    saveDb(dir, saved, true);
    await boot(dir, ['3001', '5555']);
    await t!.call('auth.signOut', {});
    await t!.signIn('2001', '8888');
    await sale(200);
    await sale(300);
    await t!.call('auth.signOut', {});
    await t!.signIn('3001', '5555');
    expect((await t!.call('tech.echo', {})).ok).toBe(true); // the issuer now holds head 3
    expect(readHeadFile(dir)).toMatchObject({ issuerAck: { seq: 3 } });
    await stop();
    restoreDb(saved, dir); // an older, consistent pair: nothing local can tell
    expect((await cli(['journal', 'verify', '--head', '--data-dir', dir])).code).toBe(0);

    await boot(dir, ['3001', '5555']);
    await t!.call('tech.echo', {});
    expect(
      t!.app.log
        .recent(50)
        .some((l) => /ALERT till blocked \(issuer-head\).*acknowledged journal record 3/.test(l)),
    ).toBe(true);
    const st = await t!.call('journal.status', {});
    expect(st.blocked).toMatchObject({ reason: 'issuer-head' });
    await t!.call('auth.signOut', {});
    await t!.signIn('2001', '8888');
    const e = await t!.callError('sale.authorize', { cardToken: await t!.card(ACTIVE.pan), amountFen: 1 });
    expect(e.code).toBe('TILL_BLOCKED_ROLLBACK');
  });

  it('a DUPLICATE_STAN decline raises an ALERT and stops selling, across a restart, until the technician acknowledges', async () => {
    const dir = newDir();
    const saved = newDir();
    await boot(dir);
    await sale(100);
    await stop();
    saveDb(dir, saved, true);
    await boot(dir);
    await sale(200);
    await stop();
    restoreDb(saved, dir);

    await boot(dir);
    const before = t!.issuerBalance(ACTIVE.pan);
    const r = await sale(500); // takes a STAN the issuer has already seen from this terminal
    expect(r).toMatchObject({ status: 'declined', declineCode: 'DUPLICATE_STAN' });
    expect(t!.issuerBalance(ACTIVE.pan)).toBe(before);
    expect(t!.app.log.recent(50).some((l) => l.includes('ALERT till blocked (duplicate-stan)'))).toBe(true);
    const e = await t!.callError('sale.authorize', { cardToken: await t!.card(ACTIVE.pan), amountFen: 500 });
    expect(e.code).toBe('TILL_BLOCKED_ROLLBACK');
    // A manager cannot lift it; it survives a restart.
    expect((await t!.callError('journal.acknowledgeBlock', { note: 'x' })).code).toBe('FORBIDDEN');
    await stop();
    await boot(dir, ['3001', '5555']);
    expect((await t!.call('journal.status', {})).blocked).toMatchObject({ reason: 'duplicate-stan' });
    const ack = await t!.call('journal.acknowledgeBlock', {
      note: 'restored from backup; STAN counter checked',
    });
    expect(ack.acknowledged).toMatchObject({ reason: 'duplicate-stan' });
    expect((await t!.call('journal.status', {})).blocked).toBeNull();
    await t!.call('auth.signOut', {});
    await t!.signIn('2001', '8888');
    const audit = await t!.call('audit.list', { limit: 20 });
    expect(audit.find((a) => a.action === 'till.unblock')).toBeTruthy();
    // Selling is allowed again: the next STAN is one the issuer has not seen.
    expect((await sale(500)).status).toBe('approved');
  });

  it('the issuer keeps the highest head it was told, signs it back, and never lowers or rewrites it', async () => {
    await boot(newDir(), ['3001', '5555']);
    const echo = (head: { seq: number; hash: string }) =>
      t!.app.link.send({
        type: 'echo',
        terminalId: t!.app.config.terminalId,
        merchantId: t!.app.config.merchantId,
        stan: 800000 + head.seq * 10 + Number(head.hash[0] === 'b'),
        time: new Date().toISOString(),
        nonce: randomBytes(16).toString('hex'),
        journalHead: head,
      });
    const A = 'a'.repeat(64);
    const B = 'b'.repeat(64);
    expect((await echo({ seq: 5, hash: A })).journalHeadAck).toMatchObject({ seq: 5, hash: A });
    expect((await echo({ seq: 3, hash: B })).journalHeadAck).toMatchObject({ seq: 5, hash: A }); // not lowered
    expect((await echo({ seq: 5, hash: B })).journalHeadAck).toMatchObject({ seq: 5, hash: A }); // first stands
    expect((await echo({ seq: 7, hash: B })).journalHeadAck).toMatchObject({ seq: 7, hash: B });
    // This terminal's own journal is empty: the ack it got back blocks it.
    expect((await t!.call('journal.status', {})).blocked).toMatchObject({ reason: 'issuer-head' });
  });

  it('an offline sale under a reused STAN: the advice batch answer carries DUPLICATE_STAN, which blocks too', async () => {
    const dir = newDir();
    const saved = newDir();
    const offlineBoot = async () => {
      t = await startTestApp({
        dataDir: dir,
        forwardMs: 3_600_000,
        config: {
          issuer: { enrolToken: 'demo-enrol-token', timeoutMs: 1500, attempts: 2 },
          offline: { velocityCount: 10 },
        } as never,
      });
      await t.app.ctx.offline.forwarder.idle();
      await t.signIn('2001', '8888');
      return t;
    };
    await offlineBoot();
    await t!.call('shift.open', { openingFloatFen: 0 });
    expect((await t!.call('balance.inquiry', { cardToken: await t!.card(ACTIVE.pan) })).status).toBe(
      'approved',
    );
    await stop();
    saveDb(dir, saved, true);
    await offlineBoot();
    expect((await sale(100)).status).toBe('approved'); // the issuer now knows this STAN
    await stop();
    restoreDb(saved, dir);

    await offlineBoot();
    t!.app.link.setCut(true);
    const off = await sale(100); // the same STAN again, approved offline
    expect(off).toMatchObject({ status: 'approved', offline: true });
    t!.app.link.setCut(false);
    await t!.call('queue.forward', {});
    await t!.app.ctx.offline.forwarder.idle();
    expect((await t!.call('journal.status', {})).blocked).toMatchObject({
      reason: 'duplicate-stan',
      stan: off.stan,
    });
    expect(
      (await t!.callError('sale.authorize', { cardToken: await t!.card(ACTIVE.pan), amountFen: 1 })).code,
    ).toBe('TILL_BLOCKED_ROLLBACK');
  });
});
