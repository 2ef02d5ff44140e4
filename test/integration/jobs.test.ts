/**
 * The persistent job queue (src/main/jobs) on real parts: the issuer-sim over HTTP on loopback,
 * a real SQLite file, the app's own composition. Reversals in order with a dead-letter list the
 * manager reads and acknowledges; a refused reversal is never journaled as approved; one upload
 * however many "forward now" callers; close() waits for the job in flight.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { startOfflineShift } from '../helpers/offline-shift';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { HANDLERS, registerHandler } from '../../src/issuer-sim/handlers';
import { openTerminalDb } from '../../src/main/store/terminal-db';
import type { IssuerLink } from '../../src/main/issuer/link';
import { execFileSync } from 'node:child_process';

const ACTIVE = demoCard('active').pan;
const opts = {
  forwardMs: 3_600_000,
  config: { issuer: { enrolToken: 'demo-enrol-token', timeoutMs: 1500, attempts: 1 } } as never,
};

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp(opts);
  await t.app.jobs.idle();
  await t.signIn();
});
afterEach(async () => {
  await t?.close();
});

const store = () => t.app.terminal.opts.store;
const journalTypes = () =>
  (t.app.db.prepare('SELECT body FROM journal ORDER BY seq').all() as Array<{ body: string }>).map(
    (r) => JSON.parse(r.body) as { type: string; status: string; stan: number; origStan?: number },
  );

async function asManager(): Promise<void> {
  await t.call('auth.signOut', {});
  await t.signIn('2001', '8888');
}

/** A sale whose answer is lost: the issuer debited the card, the terminal declines and queues a reversal. */
async function lostAnswerSale(amountFen: number): Promise<number> {
  t.app.issuerSim!.setFault('drop-response');
  const r = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen });
  t.app.issuerSim!.setFault('none');
  expect(r.status).toBe('declined');
  return r.stan;
}

/** A reversal the issuer refuses for good (400: no valid original in it), queued ahead of the others. */
function unreadableReversal(origStan: number): number {
  return t.app.db.transaction(() =>
    store().queueReversal(origStan, {
      issuerId: 'default',
      // The message names no valid original (origStan −1): the issuer-sim answers 400.
      command: (stan) => ({
        kind: 'reverse',
        stan,
        time: new Date().toISOString(),
        id: 'ab'.repeat(16),
        origStan: -1,
      }),
    }),
  )();
}

describe('job queue: reversals', () => {
  it('a reversal the issuer keeps refusing goes to the dead-letter list; the ones after it are sent', async () => {
    const sale = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 100 });
    const bad = unreadableReversal(sale.stan);
    const before = t.issuerBalance(ACTIVE);
    const lost = await lostAnswerSale(2345);
    expect(t.issuerBalance(ACTIVE)).toBe(before - 2345); // the issuer did debit it

    // In STAN order: the refused one first. Each refusal is counted; after the third it is dead.
    for (let i = 0; i < 3; i++) await t.app.jobs.drain('reversal');
    expect(t.issuerBalance(ACTIVE)).toBe(before); // the later reversal went through
    expect(t.app.db.prepare('SELECT sent_at FROM reversals WHERE orig_stan = ?').get(lost)).toMatchObject({
      sent_at: expect.any(String),
    });
    expect(await t.app.jobs.drain('reversal')).toBe(0); // nothing waits: the refused one is aside

    expect((await t.callError('jobs.deadLetters', {})).code).toBe('FORBIDDEN'); // not the cashier's
    await asManager();
    const dl = await t.call('jobs.deadLetters', {});
    expect(dl.unacknowledged).toBe(1);
    expect(dl.items).toEqual([
      expect.objectContaining({
        kind: 'reversal',
        ref: String(bad),
        stan: sale.stan,
        attempts: 3,
        acknowledgedAt: null,
      }),
    ]);
    expect(dl.items[0].lastError).toMatch(/400|BAD_REQUEST/);
    // Its row stays unsent, and nothing about it is journaled as approved.
    expect(t.app.db.prepare('SELECT sent_at FROM reversals WHERE stan = ?').get(bad)).toEqual({
      sent_at: null,
    });
    expect(journalTypes().filter((j) => j.type === 'reversal' && j.stan === bad)).toEqual([]);

    // `cardtill queue list` shows it too (read-only, while the terminal runs).
    const text = execFileSync(
      process.execPath,
      ['bin/cardtill.mjs', 'queue', 'list', '--data-dir', t.dataDir],
      {
        encoding: 'utf8',
      },
    );
    expect(text).toMatch(/Dead letters: 1（未确认 unacknowledged 1）/);
    expect(text).toContain('冲正 Reversal');
    expect(text).not.toContain(ACTIVE);

    // The manager acknowledges it; the row stays.
    const acked = await t.call('jobs.ackDeadLetter', { id: dl.items[0].id });
    expect(acked.unacknowledged).toBe(0);
    expect(acked.items[0]).toMatchObject({ acknowledgedBy: '2001', acknowledgedAt: expect.any(String) });
    expect((await t.callError('jobs.ackDeadLetter', { id: dl.items[0].id })).code).toBe('NOT_FOUND');
    expect(() => t.app.db.prepare('DELETE FROM jobs').run()).toThrow(/never deleted/);
  });

  it('an answer that refuses a reversal is not journaled as an approved reversal', async () => {
    const base = HANDLERS.reverse;
    const lost = await lostAnswerSale(1800);
    registerHandler('reverse', {
      ...base,
      handle: (ctx, m) =>
        (m as { origStan: number }).origStan === lost
          ? { result: 'declined', code: 'ISSUER_ERROR' }
          : base.handle(ctx, m),
    });
    try {
      expect(await t.app.jobs.drain('reversal')).toBe(0);
    } finally {
      HANDLERS.reverse = base;
    }
    expect(journalTypes().filter((j) => j.type === 'reversal')).toEqual([]);
    expect(t.app.db.prepare("SELECT COUNT(*) AS n FROM txns WHERE type = 'reversal'").get()).toEqual({
      n: 0,
    });
    expect(
      t.app.db.prepare('SELECT sent_at, last_error FROM reversals WHERE orig_stan = ?').get(lost),
    ).toEqual({
      sent_at: null,
      last_error: expect.stringContaining('ISSUER_ERROR'),
    });
    await asManager();
    expect((await t.call('jobs.deadLetters', {})).items).toEqual([
      expect.objectContaining({
        kind: 'reversal',
        stan: lost,
        amountFen: 1800,
        summary: expect.stringMatching(/^\d{6}\*+\d{4}$/),
      }),
    ]);
  });

  it('close() waits for the reversal in flight before it closes the database', async () => {
    const lost = await lostAnswerSale(990);
    const inFlight = t.app.jobs.run(['reversal'], true);
    await t.app.close(); // the data dir stays until afterEach
    await inFlight;
    const db = openTerminalDb(t.dataDir);
    try {
      expect(db.prepare('SELECT sent_at FROM reversals WHERE orig_stan = ?').get(lost)).toMatchObject({
        sent_at: expect.any(String),
      });
      expect(
        db.prepare("SELECT status FROM txns WHERE type = 'reversal' AND orig_stan = ?").get(lost),
      ).toEqual({
        status: 'approved',
      });
    } finally {
      db.close();
    }
  });
});

describe('job queue: advices', () => {
  it('two concurrent "forward now" callers start one upload', async () => {
    await t.call('balance.inquiry', { cardToken: await t.card(ACTIVE) });
    t.app.link.setCut(true);
    for (const fen of [300, 400])
      expect(
        await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: fen }),
      ).toMatchObject({
        status: 'approved',
        offline: true,
      });
    // Watch the real link: how many advice uploads are in flight at once.
    const link = t.app.link as IssuerLink;
    const send = link.send.bind(link);
    let inFlight = 0;
    let most = 0;
    let uploads = 0;
    link.send = async (msg) => {
      if (msg.type !== 'advice') return send(msg);
      uploads++;
      most = Math.max(most, ++inFlight);
      try {
        return await send(msg);
      } finally {
        inFlight--;
      }
    };
    const f = t.app.ctx.offline.forwarder;
    const tick = f.tick(); // a background tick in flight when the manager presses twice
    t.app.link.setCut(false);
    const [a, b] = await Promise.all([f.forwardNow(), f.forwardNow()]);
    await tick;
    expect(a.count).toBe(0);
    expect(b.count).toBe(0);
    expect(most).toBe(1);
    expect(uploads).toBe(1);
  });
});

describe('job queue: settlement', () => {
  it('a batch closed while the issuer was unreachable is settled by the job once it is back', async () => {
    await t.close();
    t = await startOfflineShift();
    expect((await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 500 })).status).toBe(
      'approved',
    );
    await asManager();
    t.app.link.setCut(true);
    const { report } = await t.call('shift.close', { countedFen: 10_000 });
    expect(report.settlement?.status).toBe('unreachable');
    expect(t.app.jobs.waitingCount('settlement')).toBe(1);
    expect(await t.app.jobs.drain('settlement')).toBe(1); // still cut: it waits, not dead
    expect((await t.call('jobs.deadLetters', {})).items).toEqual([]);

    t.app.link.setCut(false);
    expect(await t.app.jobs.drain('settlement')).toBe(0);
    expect(t.app.db.prepare('SELECT status FROM settlements ORDER BY id DESC LIMIT 1').get()).toEqual({
      status: 'settled',
    });
  });
});
