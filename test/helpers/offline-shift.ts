/**
 * The setting of the store-and-forward tests on real parts: a terminal (real SQLite file, the
 * embedded issuer-sim over HTTP) with a shift opened by the manager and the cashier signed in, the
 * forwarder's timer out of the way (1 h) so each test forwards when it says so, and what those
 * tests do over and over: learn a card's balance online, sell offline.
 */
import { expect } from 'vitest';
import { startTestApp, type TestApp } from './app';

/** The demo manager's PIN, as an override. */
export const MGR = { operatorId: '2001', pin: '8888' };

export async function startOfflineShift(): Promise<TestApp> {
  const t = await startTestApp({
    forwardMs: 3_600_000,
    config: {
      issuer: { enrolToken: 'demo-enrol-token', timeoutMs: 1500, attempts: 2 },
      // Several presentations of one card per test: keep the velocity rule out of the way.
      offline: { velocityCount: 10 },
    } as never,
  });
  await t.app.ctx.offline.forwarder.idle();
  await t.signIn('2001', '8888');
  await t.call('shift.open', { openingFloatFen: 10_000 });
  await t.signIn();
  return t;
}

/** An online balance inquiry: the terminal learns the card's balance (offline approval needs it). */
export async function seeOnline(t: TestApp, pan: string): Promise<void> {
  expect((await t.call('balance.inquiry', { cardToken: await t.card(pan) })).status).toBe('approved');
}

/** A sale that must be approved offline (the link is cut by the caller). */
export async function offlineSale(t: TestApp, pan: string, amountFen: number) {
  const r = await t.call('sale.authorize', { cardToken: await t.card(pan), amountFen });
  expect(r).toMatchObject({ status: 'approved', offline: true });
  return r;
}
