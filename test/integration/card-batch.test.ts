/**
 * Batch activation (批量售卡, issue 12) on real parts: the issuer-sim over HTTP, a real SQLite file,
 * the signed journal, the X report. Each card its own activation through the one runner; a card
 * failing in the middle is shown failed and not paid for.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { docText, shortIssuerLink, startShiftApp, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';

const FLOAT = 10_000;
const shelf = (n: number) => demoCard(`batch${String(n).padStart(2, '0')}`).pan;

let t: TestApp;
beforeEach(async () => {
  t = await startShiftApp(FLOAT, shortIssuerLink());
});
afterEach(async () => {
  await t.close();
});

const activateRows = () =>
  t.app.db
    .prepare(
      "SELECT stan, status, amount_fen, other_tender_fen FROM txns WHERE type = 'activate' ORDER BY stan",
    )
    .all() as Array<{ stan: number; status: string; amount_fen: number; other_tender_fen: number }>;

describe('batch activation (批量售卡)', () => {
  it('5 cards of a range, the middle one already active: 4 activated, paid for 4, the customer copy lists all 5', async () => {
    // The middle card was sold earlier today, alone.
    const earlier = await t.call('card.activate', { cardToken: await t.card(shelf(3)), valueFen: 5_000 });
    expect(earlier.result.status).toBe('approved');

    const r = await t.call('card.batchActivate', {
      range: { from: shelf(1), to: shelf(5) },
      valueFen: 10_000,
      tenderFen: 60_000,
    });
    expect(r.items.map((i) => [i.masked.slice(-4), i.status, i.declineCode ?? null])).toEqual([
      [shelf(1).slice(-4), 'approved', null],
      [shelf(2).slice(-4), 'approved', null],
      [shelf(3).slice(-4), 'declined', 'CARD_ALREADY_ACTIVE'],
      [shelf(4).slice(-4), 'approved', null],
      [shelf(5).slice(-4), 'approved', null],
    ]);
    expect(r).toMatchObject({
      activatedCount: 4,
      paidFen: 40_000,
      requestedFen: 50_000,
      tenderFen: 60_000,
      changeFen: 10_000,
      handBackFen: 10_000,
      giveBackFen: 20_000,
    });
    // Each card its own STAN and message, applied once at the issuer.
    const stans = r.items.map((i) => i.stan!);
    expect(new Set(stans).size).toBe(5);
    for (const n of [1, 2, 4, 5]) {
      expect(t.issuerCard(shelf(n))).toMatchObject({ status: 'active', balance_fen: 10_000 });
      expect(t.app.issuerSim!.ledger.entries(shelf(n))).toHaveLength(1);
    }
    expect(t.issuerCard(shelf(3)).balance_fen).toBe(5_000);
    // Every card's row holds its own cash; only the approved ones count.
    const rows = activateRows().filter((x) => stans.includes(x.stan));
    expect(rows.map((x) => [x.status, x.amount_fen, x.other_tender_fen])).toEqual([
      ['approved', 10_000, 10_000],
      ['approved', 10_000, 10_000],
      ['declined', 10_000, 10_000],
      ['approved', 10_000, 10_000],
      ['approved', 10_000, 10_000],
    ]);
    // Journaled like a single activation.
    const journaled = t.app.db
      .prepare(`SELECT stan FROM journal WHERE type = 'activate' AND stan IN (${stans.join(',')})`)
      .all();
    expect(journaled).toHaveLength(5);

    // The customer copy: every card, masked, its STAN and outcome; only the activated paid for.
    const copy = docText(r.receipt.doc);
    expect(copy).toContain('批量售卡 BATCH CARD SALE');
    for (const n of [1, 2, 3, 4, 5]) {
      expect(copy).toContain(`**** ${shelf(n).slice(-4)}`);
      expect(copy).not.toContain(shelf(n));
    }
    expect(copy).toContain('未激活 FAILED CARD_ALREADY_ACTIVE');
    expect(copy.match(/已激活 ACTIVATED/g)).toHaveLength(4);
    expect(copy).toContain('卡数 CARDS 4/5');
    expect(copy).toContain('实收 PAID ¥400.00');
    expect(copy).toContain('收现金 CASH TAKEN ¥600.00');
    expect(copy).toContain('退还 GIVEN BACK ¥200.00');
    // "Each card has its own receipt by STAN": with its balance and what its cap still allows
    // (anonymous ¥1,000.00 − ¥100.00), as a single card sale's.
    const own = docText((await t.call('receipt.get', { stan: stans[0] })).doc);
    expect(own).toContain('售卡 CARD SOLD');
    expect(own).toContain('余额 BALANCE ¥100.00');
    expect(own).toContain('可充额度 CAP LEFT ¥900.00');

    // X: 5 cards sold (the earlier one and 4 of the batch), the drawer holds what was paid.
    const x = await t.xReport();
    expect(x.totals.cardsSold).toEqual({ count: 5, amountFen: 45_000, cashFen: 45_000 });
    expect(x.expectedCashFen).toBe(FLOAT + 5_000 + 40_000);
    // The sold cards spend.
    const s = await t.call('sale.authorize', { cardToken: await t.card(shelf(4)), amountFen: 1_250 });
    expect(s).toMatchObject({ status: 'approved', balanceFen: 8_750 });

    // The customer copy is laid out from the signed journal: a row edited on disk is refused.
    t.app.db.prepare('UPDATE txns SET amount_fen = 1 WHERE stan = ?').run(stans[1]);
    const edited = await t.callError('card.batchPrint', { stans, tenderFen: 60_000, notSent: 0 });
    expect(edited.code).toBe('JOURNAL_MISMATCH');
  });

  it('scanned numbers in any order; the link down: the first declined, the rest not sent, nothing paid', async () => {
    t.app.terminal.runner.router.home.port.setCut(true);
    const r = await t.call('card.batchActivate', { cards: [shelf(7), shelf(6), shelf(9)], valueFen: 2_000 });
    t.app.terminal.runner.router.home.port.setCut(false);
    expect(r.items.map((i) => [i.status, i.declineCode ?? null])).toEqual([
      ['declined', 'ISSUER_UNREACHABLE'],
      ['not_sent', null],
      ['not_sent', null],
    ]);
    expect(r).toMatchObject({ activatedCount: 0, paidFen: 0, handBackFen: 6_000, giveBackFen: 6_000 });
    expect(activateRows()).toHaveLength(1);
    expect(docText(r.receipt.doc)).toContain('未发送 NOT SENT 2');
    for (const n of [6, 7, 9]) expect(t.issuerCard(shelf(n)).status).toBe('not_activated');
    expect((await t.xReport()).expectedCashFen).toBe(FLOAT);
  });

  it('cards read one by one are held in the core (masked to the screen) and sold as the batch', async () => {
    const hold = async (pan: string) => t.call('card.batchHold', { cardToken: await t.card(pan) });
    expect((await hold(shelf(10))).masked).toEqual(['888801******' + shelf(10).slice(-4)]);
    await hold(shelf(11));
    // The same card again is refused; the list is unchanged.
    const again = await t.callError('card.batchHold', { cardToken: await t.card(shelf(11)) });
    expect(again.code).toBe('CARD_BATCH_DUPLICATE');
    await hold(shelf(12));
    // Taken out again by its place in the list.
    expect((await t.call('card.batchRelease', { index: 1 })).masked.map((m) => m.slice(-4))).toEqual([
      shelf(10).slice(-4),
      shelf(12).slice(-4),
    ]);
    const r = await t.call('card.batchActivate', { held: true, valueFen: 3_000 });
    expect(r.items.map((i) => i.status)).toEqual(['approved', 'approved']);
    expect(r).toMatchObject({ activatedCount: 2, paidFen: 6_000, giveBackFen: 0 });
    expect(t.issuerCard(shelf(11)).status).toBe('not_activated');
    // Sold: the batch is empty again, and an empty batch is refused.
    expect((await t.call('card.batchHeld', {})).masked).toEqual([]);
    expect((await t.callError('card.batchActivate', { held: true, valueFen: 3_000 })).code).toBe('NO_CARD');
  });

  it('refused for the whole batch before anything is written: short cash, a card twice, a bad range, too many', async () => {
    const refused = async (req: Parameters<typeof t.callError<'card.batchActivate'>>[1], code: string) =>
      expect((await t.callError('card.batchActivate', req)).code).toBe(code);
    await refused({ cards: [shelf(1), shelf(2)], valueFen: 1_000, tenderFen: 1_999 }, 'TENDER_SHORT');
    await refused({ cards: [shelf(1), shelf(1)], valueFen: 1_000 }, 'CARD_BATCH_DUPLICATE');
    await refused({ range: { from: shelf(5), to: shelf(1) }, valueFen: 1_000 }, 'CARD_RANGE_INVALID');
    // One end with its check digit, the other without: not the same kind of number.
    await refused(
      { range: { from: shelf(1), to: '8888010000009999' }, valueFen: 1_000 },
      'CARD_RANGE_INVALID',
    );
    await refused(
      { range: { from: '8888010000000017', to: '8888010000099993' }, valueFen: 1_000 },
      'CARD_BATCH_TOO_LARGE',
    );
    await refused({ cards: [shelf(1)], valueFen: 500_001 }, 'CARD_CAP_EXCEEDED');
    // The prepaid-card rules for the whole order (here in cash, no buyer's ID given): ¥10,000.00
    // of anonymous cards at once needs the ID — one fen under passes that rule (and is only short of cash).
    await refused({ cards: [shelf(1), shelf(2)], valueFen: 500_000 }, 'BUYER_ID_REQUIRED');
    await refused({ cards: [shelf(1), shelf(2)], valueFen: 499_999, tenderFen: 1 }, 'TENDER_SHORT');
    expect(activateRows()).toHaveLength(0);
  });
});

describe('batch activation with the buyer block and a bank transfer (the rules on the whole order)', () => {
  const PERSON = { kind: 'person' as const, name: '张三丰', idNumber: '110101199003071234' };
  const ORG = { kind: 'organisation' as const, name: '某某科技有限公司', idNumber: '91440300MA5ABCDE12' };
  const buyerRows = (stans: number[]) =>
    t.app.db
      .prepare(
        `SELECT stan, buyer_kind, name_masked, id_masked, id_enc IS NOT NULL AS sealed, paid_by, transfer_ref
           FROM card_buyers WHERE stan IN (${stans.join(',')}) ORDER BY stan`,
      )
      .all() as Array<Record<string, unknown>>;

  it('¥10,000.00 of anonymous cards: refused whole without the ID; with it all 10 sold, each STAN its sealed buyer', async () => {
    const order = { range: { from: shelf(1), to: shelf(10) }, valueFen: 100_000 };
    expect((await t.callError('card.batchActivate', order)).code).toBe('BUYER_ID_REQUIRED');
    expect((await t.callError('card.batchActivate', { ...order, buyer: { kind: 'person' } })).code).toBe(
      'BUYER_ID_REQUIRED',
    );
    expect(activateRows()).toHaveLength(0);

    const r = await t.call('card.batchActivate', { ...order, buyer: PERSON });
    expect(r).toMatchObject({
      activatedCount: 10,
      paidFen: 1_000_000,
      paidBy: 'cash',
      giveBackFen: 0,
      transferRefundFen: 0,
      buyer: { name: '张**', idNumber: '110***********1234' },
    });
    const stans = r.items.map((i) => i.stan!);
    // Each card's own STAN carries the buyer, sealed (the clear ID nowhere in the row).
    expect(buyerRows(stans)).toEqual(
      stans.map((stan) => ({
        stan,
        buyer_kind: 'person',
        name_masked: '张**',
        id_masked: '110***********1234',
        sealed: 1,
        paid_by: 'cash',
        transfer_ref: null,
      })),
    );
    // The seals open, for a manager's export, to the ID given — bound to each STAN.
    await t.signIn('2001', '8888');
    const out = await t.call('card.buyers', { fromStan: stans[0], toStan: stans[9] });
    await t.signIn();
    expect(out.rows.map((x) => [x.stan, x.name, x.idNumber, x.paidBy])).toEqual(
      stans.map((s) => [s, PERSON.name, PERSON.idNumber, 'cash']),
    );
    const copy = docText(r.receipt.doc);
    expect(copy).toContain('购卡人 BUYER 张** 110***********1234');
    expect(copy).toContain('收现金 CASH TAKEN ¥10,000.00');
    expect(copy).not.toContain(PERSON.idNumber);
    expect((await t.xReport()).expectedCashFen).toBe(FLOAT + 1_000_000);
  });

  it('¥5,000.00 for an organisation: no cash; by bank transfer its reference with every card, the drawer unchanged, the Z right', async () => {
    // The middle card was sold earlier, alone, for cash: it fails in the batch and is not paid for.
    const earlier = await t.call('card.activate', { cardToken: await t.card(shelf(3)), valueFen: 5_000 });
    expect(earlier.result.status).toBe('approved');
    const order = { range: { from: shelf(1), to: shelf(5) }, valueFen: 100_000, buyer: ORG };
    expect((await t.callError('card.batchActivate', order)).code).toBe('CASH_NOT_ALLOWED');
    expect((await t.callError('card.batchActivate', { ...order, tender: 'bank_transfer' })).code).toBe(
      'TRANSFER_REF_REQUIRED',
    );
    expect(activateRows()).toHaveLength(1);

    const r = await t.call('card.batchActivate', {
      ...order,
      tender: 'bank_transfer',
      transferRef: 'CMB20261202-0007',
      // Cash handed over means nothing for a transfer: nothing goes into or out of the drawer.
      tenderFen: 900_000,
    });
    expect(r.items.map((i) => i.status)).toEqual([
      'approved',
      'approved',
      'declined',
      'approved',
      'approved',
    ]);
    expect(r).toMatchObject({
      activatedCount: 4,
      paidFen: 400_000,
      requestedFen: 500_000,
      paidBy: 'bank_transfer',
      tenderFen: 500_000,
      changeFen: 0,
      handBackFen: 0,
      giveBackFen: 0,
      transferRefundFen: 100_000,
      transferRef: 'CMB20261202-0007',
      buyer: { name: '某*******', idNumber: '914***********DE12' },
    });
    const stans = r.items.map((i) => i.stan!);
    // Recorded as a single sale by transfer records it: no cash in the row, the reference by STAN.
    expect(
      activateRows()
        .filter((x) => stans.includes(x.stan))
        .map((x) => x.other_tender_fen),
    ).toEqual([0, 0, 0, 0, 0]);
    expect(buyerRows(stans).map((b) => [b.buyer_kind, b.paid_by, b.transfer_ref])).toEqual(
      stans.map(() => ['organisation', 'bank_transfer', 'CMB20261202-0007']),
    );
    const copy = docText(r.receipt.doc);
    // Laid out from the rows and their card_buyers records, as a reprint by STAN (card.batchPrint) is.
    expect(copy).toContain('银行转账 TRANSFER ¥5,000.00');
    expect(copy).toContain('转账流水 REF CMB20261202-0007');
    expect(copy).toContain('转账待退 TRANSFER TO REFUND ¥1,000.00');
    expect(copy).toContain('购卡人 BUYER 某******* 914***********DE12');
    expect(copy).not.toContain('CASH TAKEN');

    // Z: 5 cards sold (the earlier one's ¥50.00 in cash, the batch's ¥4,000.00 by transfer); the
    // drawer holds only the cash.
    await t.signIn('2001', '8888');
    const z = await t.call('shift.close', { countedFen: FLOAT + 5_000 });
    expect(z.report.totals.cardsSold).toEqual({ count: 5, amountFen: 405_000, cashFen: 5_000 });
    expect(z.report.expectedCashFen).toBe(FLOAT + 5_000);
    expect(z.report.variance).toMatchObject({ status: 'balanced', varianceFen: 0 });
    const ztext = docText(z.doc);
    expect(ztext).toContain('售卡 CARDS SOLD ×5 ¥4,050.00');
    expect(ztext).toContain('售卡 CARD SOLD +¥50.00');
    expect(z.report.settlement).toMatchObject({ status: 'settled' });
    expect(z.report.settlement!.issuerTotals).toMatchObject({ activateCount: 5, activateFen: 405_000 });
  });
});
