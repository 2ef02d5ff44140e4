/**
 * Fault test 3 (issue 4): every offline policy rule through a real terminal (issuer-sim over HTTP,
 * real SQLite, link cut), each broken by exactly one fen, one count or one millisecond — the limits
 * are the demo defaults of TerminalConfig.offline. The clock is the app's injectable clock.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import type { TxnResult } from '../../src/shared/contract';

const T0 = Date.UTC(2026, 5, 1, 2, 0, 0); // 10:00 in the store's day (UTC+8)
let now = T0;
let t: TestApp;

const pan = (i: number) => `88880100000030${String(i).padStart(2, '0')}`;
const MIN = 60_000;

beforeEach(async () => {
  now = T0;
  t = await startTestApp({
    clock: () => new Date(now),
    forwardMs: 3_600_000,
    config: { issuer: { enrolToken: 'demo-enrol-token', timeoutMs: 1500, attempts: 2 } } as never,
  });
  await t.app.ctx.offline.forwarder.idle();
});
afterEach(async () => {
  await t.close();
});

/** Creates the card at the issuer and lets this terminal see its balance online. */
async function card(i: number, balanceFen = 10_000_000): Promise<string> {
  t.app.issuerSim!.ledger.upsertCard({ pan: pan(i), status: 'active', balanceFen, expiry: '3012' });
  const cut = t.app.link.isCut();
  t.app.link.setCut(false);
  const r = await t.app.terminal.inquiry({
    cardToken: t.app.terminal.present({ pan: pan(i), entryMode: 'swipe' }).cardToken,
  });
  expect(r.balanceFen).toBe(balanceFen);
  t.app.link.setCut(cut);
  return pan(i);
}
/** An offline sale; the clock then moves 6 minutes so velocity does not interfere (unless asked). */
async function sell(p: string, amountFen: number, stepMs = 6 * MIN): Promise<TxnResult> {
  t.app.link.setCut(true);
  const r = await t.app.terminal.sale({
    cardToken: t.app.terminal.present({ pan: p, entryMode: 'swipe' }).cardToken,
    amountFen,
  });
  now += stepMs;
  return r;
}
const ok = (r: TxnResult) => expect(r).toMatchObject({ status: 'approved', offline: true });
const no = (r: TxnResult, code: string) =>
  expect(r).toMatchObject({ status: 'declined', declineCode: code, offline: false });

describe('offline policy at its edges (real terminal)', () => {
  it('floor limit ¥500.00: 50,000 fen approved, 50,001 declined', async () => {
    const a = await card(1);
    ok(await sell(a, 50_000));
    no(await sell(a, 50_001), 'OFFLINE_FLOOR_LIMIT');
  });

  it('cumulative unforwarded ¥5,000.00: reaching it approved, one fen past declined; forwarding frees it', async () => {
    const cards = [await card(1), await card(2), await card(3), await card(4), await card(5)];
    for (let i = 0; i < 9; i++) ok(await sell(cards[Math.floor(i / 2)], 50_000));
    ok(await sell(cards[4], 49_999));
    ok(await sell(cards[4], 1)); // total now exactly 500,000
    expect(t.app.ctx.offline.forwarder.status()).toMatchObject({ count: 11, totalFen: 500_000 });
    no(await sell(await card(6), 1), 'OFFLINE_TOTAL_LIMIT');
    t.app.link.setCut(false);
    expect((await t.app.ctx.offline.forwarder.forwardNow()).count).toBe(0);
    ok(await sell(await card(7), 1));
  });

  it('per-card count per day: the 3rd approved, the 4th declined, the next store day approved again', async () => {
    const a = await card(1);
    ok(await sell(a, 100));
    ok(await sell(a, 100));
    ok(await sell(a, 100));
    no(await sell(a, 100), 'OFFLINE_CARD_LIMIT');
    now = Date.UTC(2026, 5, 1, 16, 0, 0); // 00:00 of the next day in UTC+8
    ok(await sell(a, 100));
  });

  it('per-card amount per day ¥1,000.00: reaching it approved, one fen past declined', async () => {
    const a = await card(1);
    const b = await card(2);
    ok(await sell(a, 50_000));
    ok(await sell(a, 50_000));
    no(await sell(a, 1), 'OFFLINE_CARD_LIMIT'); // 3rd sale (count ok), 100,001 fen
    ok(await sell(b, 50_000));
    ok(await sell(b, 49_999));
    ok(await sell(b, 1)); // exactly 100,000
  });

  it('oldest unforwarded approval 24 h: at 24 h approved, one ms later refused until forwarded', async () => {
    const a = await card(1);
    const b = await card(2);
    const c = await card(3);
    ok(await sell(a, 100, 0));
    now = T0 + 24 * 60 * MIN;
    ok(await sell(b, 100, 1)); // exactly 24 h: still allowed; the clock moves 1 ms
    no(await sell(c, 100, 0), 'OFFLINE_TOO_OLD');
    t.app.link.setCut(false);
    expect((await t.app.ctx.offline.forwarder.forwardNow()).count).toBe(0);
    ok(await sell(c, 100));
  });

  it('hot card: a card not listed is approved; the same card once listed by the issuer is declined', async () => {
    const a = await card(1);
    ok(await sell(a, 100));
    t.app.issuerSim!.ledger.upsertCard({ pan: a, status: 'frozen', balanceFen: 10_000_000, expiry: '3012' });
    t.app.link.setCut(false);
    expect((await t.app.ctx.offline.forwarder.forwardNow()).hotcards.count).toBe(3); // demo lost + frozen, and this one
    no(await sell(a, 100), 'OFFLINE_HOT_CARD');
  });

  it('last-known balance: never seen declined; one fen over declined (with the balance); exactly the balance approved', async () => {
    t.app.issuerSim!.ledger.upsertCard({ pan: pan(9), status: 'active', balanceFen: 5000, expiry: '3012' });
    no(await sell(pan(9), 1), 'OFFLINE_BALANCE_UNKNOWN');
    const a = await card(1, 20_000);
    const over = await sell(a, 20_001);
    no(over, 'INSUFFICIENT_BALANCE');
    expect(over.balanceFen).toBe(20_000);
    ok(await sell(a, 15_000));
    no(await sell(a, 5001), 'INSUFFICIENT_BALANCE'); // 5,000 left as far as this terminal knows
    ok(await sell(a, 5000));
  });

  it('velocity: the 2nd presentation in 5 min approved, the 3rd blocked for 30 min; a presentation 5 min old does not count', async () => {
    const a = await card(1);
    ok(await sell(a, 100, MIN));
    ok(await sell(a, 100, MIN)); // 2 in the window
    no(await sell(a, 100, 0), 'OFFLINE_VELOCITY'); // 3rd: blocked until +30 min
    now += 30 * MIN - 1;
    no(await sell(a, 100, 0), 'OFFLINE_VELOCITY'); // still blocked, one ms before the end
    now += 1 + 10 * MIN; // the block is over
    ok(await sell(a, 100, 0));
    // The window's edge: a presentation exactly 5 minutes old no longer counts, one ms younger does.
    const b = await card(2);
    ok(await sell(b, 100, 5 * MIN - 1));
    ok(await sell(b, 100, 0));
    no(await sell(b, 100, 0), 'OFFLINE_VELOCITY');
    const c = await card(3);
    ok(await sell(c, 100, 5 * MIN - 1));
    ok(await sell(c, 100, 1));
    ok(await sell(c, 100, 0)); // the first is now exactly 5 min old: 2 in the window, not 3
  });
});
