/**
 * Voids and refunds of offline-approved sales, on real parts: the issuer-sim over HTTP, a real
 * SQLite file, the journal, the queue and the forwarder. A void of a sale still in the queue is
 * queued behind it and applied by the issuer after it; once the sale is at the issuer, void and
 * refund go online like any sale's; a sale the issuer refused has nothing to give back.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { TestApp } from '../helpers/app';
import { startOfflineShift, seeOnline, offlineSale, MGR } from '../helpers/offline-shift';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import type { JournalRow } from '../../src/main/journal/journal';

const ACTIVE = demoCard('active').pan;
const GIFT = demoCard('gift').pan;

let t: TestApp;
beforeEach(async () => {
  t = await startOfflineShift();
});
afterEach(async () => {
  await t.close();
});

const forwarder = () => t.app.ctx.offline.forwarder;
const queueRows = () =>
  t.app.db
    .prepare(
      'SELECT stan, kind, orig_stan, amount_fen, forwarded_at, outcome, issuer_code FROM offline_queue ORDER BY stan',
    )
    .all() as Array<Record<string, unknown>>;
const journalOf = (stan: number) =>
  (t.app.db.prepare('SELECT * FROM journal ORDER BY seq').all() as JournalRow[])
    .map((r) => JSON.parse(r.body) as Record<string, unknown>)
    .filter((b) => b.stan === stan);
const receiptText = async (stan: number) =>
  (await t.call('receipt.get', { stan })).doc.lines
    .map((l) => (l.type === 'text' ? l.text : l.type === 'pair' ? `${l.left} ${l.right}` : ''))
    .join('\n');

describe('void of an offline sale still in the queue', () => {
  it('link down: final at once, journaled offline, queued behind its sale; the issuer applies both in order', async () => {
    const start = demoCard('active').balanceFen;
    await seeOnline(t, ACTIVE);
    t.app.link.setCut(true);
    const s = await offlineSale(t, ACTIVE, 1250);
    const v = await t.call('txn.void', { origStan: s.stan, override: MGR });
    expect(v.result).toMatchObject({ type: 'void', status: 'approved', offline: true, amountFen: 1250 });
    expect(v.result.stan).toBeGreaterThan(s.stan);
    expect(journalOf(v.result.stan)).toEqual([
      expect.objectContaining({
        type: 'void',
        status: 'approved',
        offline: true,
        origStan: s.stan,
        amountFen: 1250,
        operatorId: '1001',
      }),
    ]);
    expect(queueRows()).toEqual([
      expect.objectContaining({ stan: s.stan, kind: 'sale', orig_stan: null, forwarded_at: null }),
      expect.objectContaining({
        stan: v.result.stan,
        kind: 'void',
        orig_stan: s.stan,
        amount_fen: 1250,
        forwarded_at: null,
      }),
    ]);
    // Two advices wait, but a voided sale is no money at risk.
    expect(forwarder().status()).toMatchObject({ count: 2, totalFen: 0 });
    const text = await receiptText(v.result.stan);
    expect(text).toContain('撤销 VOID');
    expect(text).toContain('离线交易 OFFLINE');
    expect(t.issuerBalance(ACTIVE)).toBe(start); // nothing at the issuer yet
    // Once voided, neither a second void nor a refund of the sale is possible.
    expect((await t.callError('txn.void', { origStan: s.stan, override: MGR })).code).toBe('ALREADY_VOIDED');
    expect((await t.callError('txn.refund', { origStan: s.stan, amountFen: 100, override: MGR })).code).toBe(
      'ALREADY_VOIDED',
    );

    t.app.link.setCut(false);
    const after = await forwarder().forwardNow();
    expect(after).toMatchObject({ count: 0, forwardedCount: 2, unacknowledged: 0 });
    expect(t.issuerBalance(ACTIVE)).toBe(start);
    expect(t.app.issuerSim!.ledger.applied(t.app.config.terminalId).filter((x) => x.stan >= s.stan)).toEqual([
      { stan: s.stan, type: 'advice', result: 'approved', amountFen: 1250, reversed: false },
      { stan: v.result.stan, type: 'void', result: 'approved', amountFen: 1250, reversed: false },
    ]);
    expect(
      t.app
        .issuerSim!.ledger.entries(ACTIVE)
        .slice(-2)
        .map((e) => [e.kind, e.deltaFen]),
    ).toEqual([
      ['advice', -1250],
      ['void', 1250],
    ]);

    // The audit log names the cashier, the manager and the void's STAN.
    await t.signIn('2001', '8888');
    const audit = await t.call('audit.list', { limit: 50 });
    expect(audit.find((a) => a.action === 'txn.void')).toMatchObject({
      operatorId: '1001',
      approvedBy: '2001',
      stan: v.result.stan,
      outcome: 'ok',
    });
    // Settlement: the terminal's sale + void equal the issuer's advice + void advice.
    const { report: z } = await t.call('shift.close', { countedFen: 10_000 });
    expect(z.totals.sales).toMatchObject({ count: 1, amountFen: 1250 });
    expect(z.totals.voids).toMatchObject({ count: 1, amountFen: 1250 });
    expect(z.totals.netCardFen).toBe(0);
    expect(z.settlement).toMatchObject({ status: 'settled', discrepancies: [] });
    expect(z.settlement!.issuerTotals).toEqual(z.settlement!.terminalTotals);
    expect(z.settlement!.terminalTotals).toMatchObject({
      saleCount: 1,
      saleFen: 1250,
      voidCount: 1,
      voidFen: 1250,
    });
  });

  it('link up but the sale not yet forwarded: the void is still queued behind it, and the upload starts at once', async () => {
    await seeOnline(t, GIFT);
    t.app.link.setCut(true);
    const s = await offlineSale(t, GIFT, 3000);
    t.app.link.setCut(false);
    const v = await t.call('txn.void', { origStan: s.stan, override: MGR });
    expect(v.result).toMatchObject({ status: 'approved', offline: true });
    await forwarder().idle(); // the void kicked the forwarder: no manager action, no timer (1 h here)
    expect(queueRows().map((q) => [q.kind, q.outcome])).toEqual([
      ['sale', 'accepted'],
      ['void', 'accepted'],
    ]);
    expect(t.issuerBalance(GIFT)).toBe(demoCard('gift').balanceFen);
  });

  it('the sale refused by the issuer in the same upload: both land in the exceptions list, nothing moves', async () => {
    await seeOnline(t, GIFT);
    t.app.link.setCut(true);
    const s = await offlineSale(t, GIFT, 5000);
    const v = await t.call('txn.void', { origStan: s.stan, override: MGR });
    t.app.issuerSim!.ledger.upsertCard({ pan: GIFT, status: 'lost', balanceFen: 20_000, expiry: '3012' });
    t.app.link.setCut(false);
    const st = await forwarder().forwardNow();
    expect(st.exceptions.map((e) => [e.stan, e.kind, e.code])).toEqual([
      [v.result.stan, 'void', 'NOT_FOUND'],
      [s.stan, 'sale', 'CARD_LOST'],
    ]);
    expect(t.issuerBalance(GIFT)).toBe(20_000);
  });
});

describe('void and refund once the offline sale is at the issuer', () => {
  it('void goes online: the issuer finds the advice as the original and credits the card back', async () => {
    await seeOnline(t, ACTIVE);
    t.app.link.setCut(true);
    const s = await offlineSale(t, ACTIVE, 800);
    t.app.link.setCut(false);
    await forwarder().forwardNow();
    const before = t.issuerBalance(ACTIVE);
    const v = await t.call('txn.void', { origStan: s.stan, override: MGR });
    expect(v.result).toMatchObject({ status: 'approved', offline: false, balanceFen: before + 800 });
    expect(t.issuerBalance(ACTIVE)).toBe(before + 800);
    expect(queueRows()).toHaveLength(1); // nothing queued for an online void
  });

  it('refund waits for the sale to reach the issuer: refused while the link is down, forwarded first when it is up', async () => {
    await seeOnline(t, GIFT);
    t.app.link.setCut(true);
    const s = await offlineSale(t, GIFT, 6000);
    const refused = await t.callError('txn.refund', { origStan: s.stan, amountFen: 2000, override: MGR });
    expect(refused.code).toBe('REFUND_NEEDS_FORWARD');
    expect(t.app.db.prepare("SELECT COUNT(*) AS n FROM txns WHERE type = 'refund'").get()).toEqual({ n: 0 });
    t.app.link.setCut(false);
    // The refund uploads the queue itself, then refunds online against the advice.
    const r = await t.call('txn.refund', { origStan: s.stan, amountFen: 2000, override: MGR });
    expect(r.result).toMatchObject({ type: 'refund', status: 'approved', offline: false, amountFen: 2000 });
    expect(t.issuerBalance(GIFT)).toBe(demoCard('gift').balanceFen - 6000 + 2000);
    expect(queueRows()).toEqual([expect.objectContaining({ stan: s.stan, outcome: 'accepted' })]);
    // Never more than the original in total, checked at the terminal…
    expect((await t.callError('txn.refund', { origStan: s.stan, amountFen: 4001, override: MGR })).code).toBe(
      'AMOUNT_EXCEEDS_ORIGINAL',
    );
    // …and at the issuer, which now counts refunds against the advice.
    t.app.db.prepare("UPDATE txns SET status = 'declined' WHERE type = 'refund'").run();
    const over = await t.call('txn.refund', { origStan: s.stan, amountFen: 6000, override: MGR });
    expect(over.result).toMatchObject({ status: 'declined', declineCode: 'AMOUNT_EXCEEDS_ORIGINAL' });
  });

  it('a sale the issuer refused cannot be voided or refunded: it took nothing', async () => {
    await seeOnline(t, GIFT);
    t.app.link.setCut(true);
    const s = await offlineSale(t, GIFT, 5000);
    t.app.issuerSim!.ledger.upsertCard({ pan: GIFT, status: 'lost', balanceFen: 20_000, expiry: '3012' });
    t.app.link.setCut(false);
    await forwarder().forwardNow();
    expect((await t.callError('txn.void', { origStan: s.stan, override: MGR })).code).toBe(
      'OFFLINE_SALE_REFUSED',
    );
    expect((await t.callError('txn.refund', { origStan: s.stan, amountFen: 100, override: MGR })).code).toBe(
      'OFFLINE_SALE_REFUSED',
    );
    expect(t.issuerBalance(GIFT)).toBe(20_000);
  });
});

describe('limits see through voids', () => {
  it('a voided offline sale counts toward neither the card’s daily count nor the unforwarded total', async () => {
    await seeOnline(t, ACTIVE);
    t.app.link.setCut(true);
    const sales = [
      await offlineSale(t, ACTIVE, 100),
      await offlineSale(t, ACTIVE, 100),
      await offlineSale(t, ACTIVE, 100),
    ];
    const fourth = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 100 });
    expect(fourth).toMatchObject({ status: 'declined', declineCode: 'OFFLINE_CARD_LIMIT' });
    await t.call('txn.void', { origStan: sales[1].stan, override: MGR });
    expect(forwarder().status()).toMatchObject({ count: 4, totalFen: 200 });
    await offlineSale(t, ACTIVE, 100);
  });
});
