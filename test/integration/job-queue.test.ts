/**
 * The job queue (src/main/jobs/queue.ts) through its whole life on a real SQLite file, with a
 * kind declared here the way the real ones are: its payload in its own table, in lane order.
 * Retries counted, backoff respected, lanes kept in order, a dead job set aside so the next runs,
 * a payload that cannot be read moved aside at once, one run at a time.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../src/shared/store/sqlite';
import { JOBS_MIGRATIONS } from '../../src/main/jobs/schema';
import { JobQueue, JobFailure, type JobKind } from '../../src/main/jobs/queue';
import { retryDelayMs } from '../../src/main/jobs/retry';

let dir: string;
let db: Db;
let now = 1_000_000;
let queue: JobQueue;
const ran: string[] = [];
/** What each payload does when run: ok, or a failure class. */
let behaviour: Record<string, 'ok' | 'transient' | 'refused' | 'permanent'>;
let inFlight = 0;
let mostInFlight = 0;

const kind: JobKind<{ n: number }> = {
  kind: 'reversal',
  policy: { baseMs: 1000, maxMs: 8000, maxRefusals: 2 },
  pending: () =>
    (
      db.prepare('SELECT n, lane FROM work WHERE done = 0 ORDER BY n').all() as Array<{
        n: number;
        lane: string;
      }>
    ).map((r) => ({ ref: String(r.n), lane: r.lane, data: { n: r.n }, summary: `job ${r.n}` })),
  async run(job) {
    ran.push(job.ref);
    mostInFlight = Math.max(mostInFlight, ++inFlight);
    try {
      await new Promise((r) => setImmediate(r));
      const b = behaviour[job.ref] ?? 'ok';
      if (b !== 'ok') throw new JobFailure(b, `${b} ${job.ref}`);
      db.prepare('UPDATE work SET done = 1 WHERE n = ?').run(job.data.n);
    } finally {
      inFlight--;
    }
  },
  classify: () => 'transient',
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-jobq-'));
  db = openDatabase(path.join(dir, 'q.db'), [
    ...JOBS_MIGRATIONS,
    {
      id: 'test/001-work',
      sql: 'CREATE TABLE work (n INTEGER PRIMARY KEY, lane TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0)',
    },
  ]);
  for (const [n, lane] of [
    [1, 'a'],
    [2, 'a'],
    [3, 'b'],
    [4, 'a'],
  ] as const)
    db.prepare('INSERT INTO work (n, lane) VALUES (?, ?)').run(n, lane);
  queue = new JobQueue({ db, clock: () => new Date(now), log: () => {}, random: () => 1 });
  queue.register(kind);
  ran.length = 0;
  behaviour = {};
  inFlight = mostInFlight = 0;
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('job queue', () => {
  it('backoff with jitter doubles from base to the ceiling', () => {
    const p = { baseMs: 1000, maxMs: 8000, maxRefusals: 1 };
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(p, n, 1))).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(retryDelayMs(p, 3, 0)).toBe(2000); // jitter spans the upper half
  });

  it('a failing head holds its lane back (order), not the other lane; the backoff is kept until due', async () => {
    behaviour = { '1': 'transient' };
    await queue.run();
    expect(ran).toEqual(['1', '3']); // 2 and 4 wait behind 1 in lane a
    ran.length = 0;
    await queue.run(); // not due yet: nothing of lane a runs
    expect(ran).toEqual([]);
    now += 1000;
    behaviour = {};
    await queue.run();
    expect(ran).toEqual(['1', '2', '4']);
    expect(queue.waitingCount('reversal')).toBe(0);
    // A job that succeeds leaves no scheduling row behind.
    expect(db.prepare('SELECT COUNT(*) AS n FROM jobs').get()).toEqual({ n: 0 });
  });

  it('no answer is never dead-lettered; refusals are, after maxRefusals; the jobs behind then run', async () => {
    behaviour = { '1': 'transient' };
    for (let i = 0; i < 5; i++) await queue.run(['reversal'], true);
    expect(queue.deadLetters().items).toEqual([]);
    expect(db.prepare("SELECT attempts, refusals FROM jobs WHERE ref = '1'").get()).toEqual({
      attempts: 5,
      refusals: 0,
    });
    behaviour = { '1': 'refused' };
    ran.length = 0;
    await queue.run(['reversal'], true);
    expect(ran).toEqual(['1']); // one refusal: still waiting, still first (3 ran in the first round)
    ran.length = 0;
    await queue.run(['reversal'], true);
    expect(ran).toEqual(['1', '2', '4']); // the second refusal sets it aside, and the lane moves on
    const dl = queue.deadLetters();
    expect(dl.items).toEqual([
      expect.objectContaining({
        kind: 'reversal',
        ref: '1',
        attempts: 7,
        summary: 'job 1',
        lastError: 'refused 1',
      }),
    ]);
    expect(dl.unacknowledged).toBe(1);
    expect(dl.waiting.reversal).toBe(0); // its payload still says "not done", but it is a dead letter
    ran.length = 0;
    await queue.run(['reversal'], true);
    expect(ran).toEqual([]); // never retried
  });

  it('a permanent failure is a dead letter at once; acknowledged once; never deleted, never revived', async () => {
    behaviour = { '3': 'permanent' };
    await queue.run();
    const [x] = queue.deadLetters().items;
    expect(x).toMatchObject({ ref: '3', attempts: 1, acknowledgedAt: null });
    expect(queue.acknowledge(x.id, '2001')).toBe(true);
    expect(queue.acknowledge(x.id, '2001')).toBe(false);
    expect(queue.deadLetters()).toMatchObject({ unacknowledged: 0 });
    expect(() => db.prepare('DELETE FROM jobs WHERE id = ?').run(x.id)).toThrow(/never deleted/);
    expect(() => db.prepare("UPDATE jobs SET state = 'waiting' WHERE id = ?").run(x.id)).toThrow(
      /stays dead/,
    );
  });

  it('one run at a time: calls during a run fold into one follow-up run; stop() + idle() let the job in flight finish', async () => {
    const a = queue.run();
    const b = queue.run();
    const c = queue.run();
    expect(b).toBe(c);
    await Promise.all([a, b, c]);
    expect(mostInFlight).toBe(1);
    expect(ran).toEqual(['1', '2', '3', '4']); // the follow-up found nothing left
    db.prepare('UPDATE work SET done = 0').run();
    ran.length = 0;
    void queue.run();
    queue.stop();
    await queue.idle();
    expect(ran).toEqual(['1']); // the one in flight finished; nothing new started
    expect(db.prepare('SELECT done FROM work WHERE n = 1').get()).toEqual({ done: 1 });
  });
});
