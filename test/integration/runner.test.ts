/**
 * The one transaction runner on real parts (the issuer-sim over HTTP, a real SQLite file): the
 * till's one lock, a finalize that fails after the issuer answered, pending rows recovered while
 * the app runs, finalize's guard, and the `reversed` status.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { TillError } from '../../src/shared/errors';
import type { TxnStore } from '../../src/main/terminal/txn-store';

const ACTIVE = demoCard('active').pan;
const GIFT = demoCard('gift').pan;
const MGR = { operatorId: '2001', pin: '8888' };

let t: TestApp;
let now = Date.parse('2026-12-01T10:00:00Z');
beforeEach(async () => {
  now = Date.parse('2026-12-01T10:00:00Z');
  t = await startTestApp({
    clock: () => new Date(now),
    config: { issuer: { enrolToken: 'demo-enrol-token', timeoutMs: 1500, attempts: 2 } } as never,
  });
  await t.signIn('2001', '8888');
  await t.call('shift.open', { openingFloatFen: 10_000 });
  await t.signIn();
});
afterEach(async () => {
  await t.close();
});

const store = () => (t.app.terminal.opts as { store: TxnStore }).store;
const row = (stan: number) =>
  t.app.db.prepare('SELECT status, decline_code FROM txns WHERE stan = ?').get(stan) as
    { status: string; decline_code: string | null } | undefined;
const journalCount = () => (t.app.db.prepare('SELECT COUNT(*) AS n FROM journal').get() as { n: number }).n;

/** Makes the next finalize fail as a full disk would: the UPDATE of a pending row is refused. */
function breakFinalize(): void {
  t.app.db.exec(`CREATE TRIGGER test_disk_full BEFORE UPDATE OF status ON txns WHEN old.status = 'pending'
    BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`);
}
const healDisk = () => t.app.db.exec('DROP TRIGGER test_disk_full');

describe('one till, one transaction', () => {
  it('a refund started while a sale runs is BUSY, and the sale completes', async () => {
    const first = await t.call('sale.authorize', { cardToken: await t.card(GIFT), amountFen: 300 });
    const giftAfter = t.issuerBalance(GIFT);
    const saleToken = await t.card(ACTIVE);
    const sale = t.app.terminal.sale({ cardToken: saleToken, amountFen: 500 }, '1001');
    const refund = t.app.ctx.voidRefund.refund(
      { origStan: first.stan, amountFen: 100, override: MGR },
      { id: '1001', role: 'cashier' },
    );
    await expect(refund).rejects.toMatchObject({ code: 'BUSY' });
    expect(await sale).toMatchObject({ status: 'approved' });
    expect(t.issuerBalance(GIFT)).toBe(giftAfter); // the refund moved nothing
  });
});

describe('a finalize that fails after the issuer answered', () => {
  it('ends in a durable reversal while the app runs; the cashier is told not to retry; debited once net', async () => {
    const before = t.issuerBalance(ACTIVE);
    breakFinalize();
    const err = await t.callError('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 1250 });
    expect(err.code).toBe('OUTCOME_UNKNOWN');
    expect(t.issuerBalance(ACTIVE)).toBe(before - 1250); // the issuer did debit
    const stan = (
      t.app.db.prepare("SELECT stan FROM txns WHERE status = 'pending'").get() as { stan: number }
    ).stan;
    // The disk has room again: the app's periodic check (no restart) records it and queues the reversal.
    healDisk();
    expect(t.app.terminal.recoverStale()).toBe(1);
    expect(row(stan)).toEqual({ status: 'declined', decline_code: 'OUTCOME_UNKNOWN' });
    // The cashier charges once more, as the customer still owes it.
    const again = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 1250 });
    expect(again.status).toBe('approved');
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(t.issuerBalance(ACTIVE)).toBe(before - 1250); // once, net
    expect(row(stan)?.status).toBe('reversed');
  });

  it('is recorded declined with its reversal at once when that write succeeds', async () => {
    const before = t.issuerBalance(ACTIVE);
    // Only the approved outcome cannot be written (its row is the larger write, say); the runner's
    // own fallback — declined, reversal queued — can.
    t.app.db.exec(`CREATE TRIGGER test_no_approve BEFORE UPDATE OF status ON txns
      WHEN old.status = 'pending' AND new.status = 'approved'
      BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;`);
    const err = await t.callError('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 700 });
    expect(err.code).toBe('OUTCOME_UNKNOWN');
    t.app.db.exec('DROP TRIGGER test_no_approve');
    expect(t.app.db.prepare("SELECT COUNT(*) AS n FROM txns WHERE status = 'pending'").get()).toEqual({
      n: 0,
    });
    expect(t.app.db.prepare('SELECT COUNT(*) AS n FROM reversals WHERE sent_at IS NULL').get()).toEqual({
      n: 1,
    });
    expect(t.app.terminal.recoverStale()).toBe(0); // nothing left for the periodic check
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(t.issuerBalance(ACTIVE)).toBe(before);
  });

  it('a row left pending past the bound is recovered by the periodic check, not only at start', async () => {
    const { stan } = store().createPending({
      type: 'sale',
      amountFen: 300,
      otherTenderFen: 0,
      masked: 'x',
      pan: ACTIVE,
      entryMode: 'wedge',
      buildRequest: (s) => ({
        kind: 'authorize',
        stan: s,
        time: new Date(now).toISOString(),
        id: 'ab'.repeat(16),
      }),
    });
    expect(t.app.terminal.recoverStale()).toBe(0); // young: it may still be on its way
    now += t.app.terminal.runner.pendingBoundMs() + 1;
    expect(t.app.terminal.recoverStale()).toBe(1);
    expect(row(stan)).toEqual({ status: 'declined', decline_code: 'ISSUER_UNREACHABLE' });
    expect(await t.app.jobs.drain('reversal')).toBe(0);
  });
});

describe('finalize', () => {
  it('refuses a second finalize of the same row: ALREADY_FINAL, nothing journaled twice', async () => {
    const s = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 100 });
    const n = journalCount();
    let caught: unknown;
    try {
      store().finalize(s.stan, { status: 'declined', declineCode: 'ISSUER_ERROR' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TillError);
    expect((caught as TillError).code).toBe('ALREADY_FINAL');
    expect(journalCount()).toBe(n);
    expect(row(s.stan)).toEqual({ status: 'approved', decline_code: null });
  });
});

describe('the reversed status', () => {
  it('a lost answer, once its reversal is acknowledged, leaves the sale reversed — journaled, on the receipt', async () => {
    t.app.issuerSim!.setFault('drop-response');
    const r = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 1250 });
    expect(r).toMatchObject({ status: 'declined', declineCode: 'ISSUER_UNREACHABLE' });
    t.app.issuerSim!.setFault('none');
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(row(r.stan)?.status).toBe('reversed');
    const last = t.app.db
      .prepare('SELECT body FROM journal WHERE stan = ? ORDER BY seq DESC LIMIT 1')
      .get(r.stan) as { body: string };
    expect(JSON.parse(last.body)).toMatchObject({ stan: r.stan, status: 'reversed' });
    const text = t.app.terminal
      .receipt(r.stan)
      .doc.lines.map((l) => (l.type === 'pair' ? `${l.left} ${l.right}` : l.type === 'text' ? l.text : ''))
      .join('\n');
    expect(text).toContain('已冲正 REVERSED');
  });

  it('a reversal of a STAN the issuer never applied leaves the row declined', async () => {
    t.app.issuerSim!.setFault('drop-response');
    // An inquiry moves no money: declined, never reversed.
    const q = await t.call('balance.inquiry', { cardToken: await t.card(ACTIVE) });
    t.app.issuerSim!.setFault('none');
    expect(q.status).toBe('declined');
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(row(q.stan)?.status).toBe('declined');
  });
});
