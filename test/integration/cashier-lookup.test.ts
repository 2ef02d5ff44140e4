/**
 * The cashier's side of issue 11 through a real terminal (issuer-sim over HTTP, real SQLite):
 * void/refund receipts name the original STAN and the approving manager; declines and inquiries
 * carry no signature line; results carry origStan; the shift's receipts are found by STAN, card
 * last 4 or time; re-presenting a card after a floor-limit decline does not trip velocity, and a
 * velocity decline can say until when the card is blocked (#13, #15).
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import type { ReceiptDoc } from '../../src/shared/receipt-doc';

const MGR = { operatorId: '2001', pin: '8888' };
const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);
let now = T0;
let t: TestApp;

const text = (doc: ReceiptDoc) =>
  doc.lines
    .map((l) => (l.type === 'text' ? l.text : l.type === 'pair' ? `${l.left} ${l.right}` : ''))
    .join('\n');

beforeEach(async () => {
  now = T0;
  t = await startTestApp({ clock: () => new Date(now), forwardMs: 3_600_000 });
  await t.signIn();
});
afterEach(async () => {
  await t.close();
});

async function sale(pan: string, amountFen: number) {
  return t.call('sale.authorize', { cardToken: await t.card(pan), amountFen });
}

describe('cashier receipts and lookups (real terminal)', () => {
  it('void and refund receipts show the original STAN and who approved; results carry origStan', async () => {
    const s = await sale(demoCard('active').pan, 1250);
    const v = await t.call('txn.void', { origStan: s.stan, override: MGR });
    expect(v.result).toMatchObject({ status: 'approved', type: 'void', origStan: s.stan });
    const vDoc = (await t.call('receipt.get', { stan: v.result.stan })).doc;
    expect(text(vDoc)).toContain(`原流水号 ORIG STAN ${String(s.stan).padStart(6, '0')}`);
    expect(text(vDoc)).toContain('授权人 APPROVED BY 李店长 (2001)');
    expect(text(vDoc)).not.toContain('持卡人签名');

    const s2 = await sale(demoCard('active').pan, 3000);
    const r = await t.call('txn.refund', { origStan: s2.stan, amountFen: 1000, override: MGR });
    const rDoc = (await t.call('receipt.get', { stan: r.result.stan })).doc;
    expect(text(rDoc)).toContain(`原流水号 ORIG STAN ${String(s2.stan).padStart(6, '0')}`);
    expect(text(rDoc)).toContain('授权人 APPROVED BY 李店长 (2001)');
    // A plain sale names no approver and no original.
    const sDoc = (await t.call('receipt.get', { stan: s2.stan })).doc;
    expect(text(sDoc)).not.toContain('APPROVED BY');
    expect(text(sDoc)).toContain('持卡人签名');
    const recent = await t.call('txn.recent', { limit: 10 });
    expect(recent.find((x) => x.stan === v.result.stan)?.origStan).toBe(s.stan);
  });

  it('decline and inquiry receipts print no signature line', async () => {
    const d = await sale(demoCard('lost').pan, 500);
    expect(d.status).toBe('declined');
    expect(text((await t.call('receipt.get', { stan: d.stan })).doc)).not.toContain('持卡人签名');
    const q = await t.call('balance.inquiry', { cardToken: await t.card(demoCard('gift').pan) });
    expect(text((await t.call('receipt.get', { stan: q.stan })).doc)).not.toContain('持卡人签名');
  });

  it('finds the receipts by STAN, card last 4 and time', async () => {
    const a = await sale(demoCard('active').pan, 100);
    now += 4 * 60_000; // within the idle sign-out (5 min)
    const b = await sale(demoCard('gift').pan, 200);
    const c = await sale(demoCard('active').pan, 300);
    expect((await t.call('txn.search', { stan: b.stan, limit: 50 })).map((x) => x.stan)).toEqual([b.stan]);
    expect((await t.call('txn.search', { last4: '0017', limit: 50 })).map((x) => x.stan)).toEqual([
      c.stan,
      a.stan,
    ]);
    const from = new Date(T0).toISOString();
    const to = new Date(T0 + 2 * 60_000).toISOString();
    expect((await t.call('txn.search', { from, to, limit: 50 })).map((x) => x.stan)).toEqual([a.stan]);
    expect(await t.call('txn.search', { last4: '9999', limit: 50 })).toEqual([]);
    expect((await t.callError('txn.search', { last4: '12', limit: 5 } as never)).code).toBe('BAD_REQUEST');
  });

  it('an idle sign-out takes the presented card with it', async () => {
    // Idle after 60 s, well inside the card's 120 s hold, so only the sign-out can clear it.
    await t.close();
    t = await startTestApp({
      clock: () => new Date(now),
      forwardMs: 3_600_000,
      config: { auth: { maxPinAttempts: 5, lockSeconds: 300, idleSignOutSeconds: 60 } } as never,
    });
    await t.signIn();
    await t.card(demoCard('active').pan);
    expect(await t.call('card.current', {})).not.toBeNull();
    now += 61_000;
    expect((await t.call('session.info', {})).operator).toBeNull();
    await t.signIn();
    expect(await t.call('card.current', {})).toBeNull();
  });

  it('floor-limit declines do not count toward velocity; a velocity decline says until when', async () => {
    const pan = demoCard('active').pan;
    await t.call('balance.inquiry', { cardToken: await t.card(pan) }); // balance seen online
    t.app.link.setCut(true);
    // Three presentations over the ¥500 floor, each refused for the store's limit only.
    for (let i = 0; i < 3; i++) expect((await sale(pan, 60_000)).declineCode).toBe('OFFLINE_FLOOR_LIMIT');
    // The cashier then keys the right amount: approved offline, not blocked for velocity.
    expect(await sale(pan, 1_000)).toMatchObject({ status: 'approved', offline: true });
    expect(await sale(pan, 1_000)).toMatchObject({ status: 'approved', offline: true });
    // The 3rd real use within 5 minutes trips velocity; the card's block end is there to show.
    const token = await t.card(pan);
    const v = await t.call('sale.authorize', { cardToken: token, amountFen: 1_000 });
    expect(v.declineCode).toBe('OFFLINE_VELOCITY');
    const block = await t.call('card.offlineBlock', { cardToken: token });
    expect(block.blockedUntil).toBe(new Date(T0 + 30 * 60_000).toISOString());
  });
});
