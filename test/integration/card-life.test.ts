/**
 * Card life (issue 12) on real parts: the issuer-sim over HTTP, a real SQLite file, the journal,
 * the shift's X/Z reports. Sell (activate) and top up, paid in cash on the terminal.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { docText, shortIssuerLink, startShiftApp, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { ActivateRequest, TopupRequest } from '../../src/shared/issuer-card-life';

const SHELF = demoCard('shelf1').pan;
const SHELF2 = demoCard('shelf2').pan;
const SHELF_ANON = demoCard('shelf-anon').pan;
const ANON_NEAR_CAP = demoCard('anon-near-cap').pan;
const ACTIVE = demoCard('active').pan;
const FLOAT = 10_000;
/** The buyer's ID (实名): a registered card is sold or topped up only with it. */
const BUYER = { kind: 'person' as const, name: '张三丰', idNumber: '110101199003071234' };
const ID = { buyer: BUYER };

let t: TestApp;
beforeEach(async () => {
  t = await startShiftApp(FLOAT, shortIssuerLink());
});
afterEach(async () => {
  await t.close();
});

const row = (stan: number) =>
  t.app.db
    .prepare('SELECT type, status, amount_fen, other_tender_fen, decline_code FROM txns WHERE stan = ?')
    .get(stan) as
    | {
        type: string;
        status: string;
        amount_fen: number;
        other_tender_fen: number;
        decline_code: string | null;
      }
    | undefined;
/**
 * What the till prints for a STAN (receipt.get: the preview, F4's print) and a reprint (重印 COPY)
 * say what the operation's own receipt said: its lines come from what is recorded, not the call.
 */
async function sameOnPaper(receipt: { stan: number; doc: Parameters<typeof docText>[0] }) {
  const printed = await t.call('receipt.get', { stan: receipt.stan });
  expect(docText(printed.doc)).toBe(docText(receipt.doc));
  const copy = t.app.terminal.receipt(receipt.stan, true).doc;
  expect(
    docText(copy)
      .split('\n')
      .filter((l) => l !== '** 重印 COPY **')
      .join('\n'),
  ).toBe(docText(receipt.doc));
}

describe('activate (售卡)', () => {
  it('sells a card once: cash recorded, card active with its value, journaled, receipt, drawer counts it', async () => {
    expect(t.issuerCard(SHELF).status).toBe('not_activated');
    const r = await t.call('card.activate', {
      cardToken: await t.card(SHELF),
      valueFen: 50_000,
      tenderFen: 60_000,
      ...ID,
    });
    expect(r.result).toMatchObject({
      type: 'activate',
      status: 'approved',
      amountFen: 50_000,
      balanceFen: 50_000,
    });
    expect(r).toMatchObject({ changeFen: 10_000, handBackFen: 0, capRemainingFen: 450_000 });
    expect(t.issuerCard(SHELF)).toMatchObject({ status: 'active', balance_fen: 50_000 });
    // The cash is part of the row (recorded in the pending row before the issuer was asked).
    expect(row(r.result.stan)).toMatchObject({ amount_fen: 50_000, other_tender_fen: 50_000 });
    const j = t.app.db.prepare("SELECT body FROM journal WHERE type = 'activate'").all() as Array<{
      body: string;
    }>;
    expect(j).toHaveLength(1);
    expect(JSON.parse(j[0].body)).toMatchObject({
      stan: r.result.stan,
      status: 'approved',
      amountFen: 50_000,
    });
    const text = docText(r.receipt.doc);
    expect(text).toContain('售卡 CARD SOLD');
    expect(text).toContain('**** 0090');
    expect(text).not.toContain(SHELF);
    expect(text).toContain('余额 BALANCE ¥500.00');
    expect(text).toContain('可充额度 CAP LEFT ¥4,500.00');
    expect(text).toContain('收现金 CASH TAKEN ¥500.00');
    expect(text).not.toContain('合计 TOTAL');
    await sameOnPaper(r.receipt);
    // The signed receipt QR, like a sale's: the dispute desk reads it back as a card sale.
    const qr = r.receipt.doc.lines.find((l) => l.type === 'qr');
    await t.signIn('2001', '8888');
    const v = await t.call('dispute.verifyReceipt', { text: qr && qr.type === 'qr' ? qr.data : '' });
    expect(v).toMatchObject({
      genuine: true,
      details: { type: 'activate', status: 'approved', amountFen: 50_000, last4: '0090' },
    });
    await t.signIn();
    const x = await t.xReport();
    expect(x.totals.cardsSold).toEqual({ count: 1, amountFen: 50_000, cashFen: 50_000 });
    expect(x.expectedCashFen).toBe(FLOAT + 50_000);
    // The sold card spends at once.
    const s = await t.call('sale.authorize', { cardToken: await t.card(SHELF), amountFen: 1250 });
    expect(s).toMatchObject({ status: 'approved', balanceFen: 48_750 });
  });

  it('the same request twice applies once at the issuer (idempotent by terminal + STAN)', async () => {
    const r = await t.call('card.activate', { cardToken: await t.card(SHELF), valueFen: 20_000, ...ID });
    expect(r.result.status).toBe('approved');
    // The sealed command of that STAN, sent again through the port: the stored answer, no second credit.
    const sealed = t.app.db
      .prepare('SELECT request_enc, issuer_id FROM txns WHERE stan = ?')
      .get(r.result.stan) as {
      request_enc: Buffer;
      issuer_id: string;
    };
    const cmd = t.app.terminal.opts.store.openCommand(sealed.request_enc);
    const again = await t.app.terminal.runner.router.byId(sealed.issuer_id).port.exchange(cmd, 1);
    expect(again).toMatchObject({ kind: 'answer', answer: { result: 'approved', balanceFen: 20_000 } });
    expect(t.issuerCard(SHELF).balance_fen).toBe(20_000);
    expect(t.app.issuerSim!.ledger.entries(SHELF)).toHaveLength(1);
    // A second activation of the now active card (a new STAN) is refused: top it up instead.
    const twice = await t.call('card.activate', { cardToken: await t.card(SHELF), valueFen: 20_000, ...ID });
    expect(twice).toMatchObject({
      result: { status: 'declined', declineCode: 'CARD_ALREADY_ACTIVE' },
      handBackFen: 20_000,
    });
    expect(docText(twice.receipt.doc)).toContain('请将现金退还顾客 Hand the cash back');
    await sameOnPaper(twice.receipt);
    expect(t.issuerCard(SHELF).balance_fen).toBe(20_000);
  });

  it('the cap broken by one fen is refused on both sides; exactly the cap is sold', async () => {
    // Till side: over the registered cap, refused before anything is written or sent.
    const before = (t.app.db.prepare('SELECT COUNT(*) AS n FROM txns').get() as { n: number }).n;
    const e = await t.callError('card.activate', {
      cardToken: await t.card(SHELF),
      valueFen: 500_001,
      ...ID,
    });
    expect(e.code).toBe('CARD_CAP_EXCEEDED');
    expect((t.app.db.prepare('SELECT COUNT(*) AS n FROM txns').get() as { n: number }).n).toBe(before);
    expect(t.issuerCard(SHELF).status).toBe('not_activated');
    // Issuer side: an anonymous card's cap is ¥1,000.00 — only the issuer knows the flag.
    const anon = await t.call('card.activate', { cardToken: await t.card(SHELF_ANON), valueFen: 100_001 });
    expect(anon).toMatchObject({
      result: { status: 'declined', declineCode: 'CARD_CAP_EXCEEDED' },
      handBackFen: 100_001,
    });
    expect(t.issuerCard(SHELF_ANON)).toMatchObject({ status: 'not_activated', balance_fen: 0 });
    const ok = await t.call('card.activate', { cardToken: await t.card(SHELF_ANON), valueFen: 100_000 });
    expect(ok).toMatchObject({ result: { status: 'approved', balanceFen: 100_000 }, capRemainingFen: 0 });
    const reg = await t.call('card.activate', { cardToken: await t.card(SHELF2), valueFen: 500_000, ...ID });
    expect(reg.result.status).toBe('approved');
    // The declined one's cash is not in the drawer.
    const x = await t.xReport();
    expect(x.expectedCashFen).toBe(FLOAT + 100_000 + 500_000);
  });

  it('a lost answer is declined, reversed at the issuer (card unsold again), and the drawer does not count it', async () => {
    t.app.issuerSim!.setFault('drop-response');
    const r = await t.call('card.activate', { cardToken: await t.card(SHELF), valueFen: 50_000, ...ID });
    t.app.issuerSim!.setFault('none');
    expect(r).toMatchObject({
      result: { status: 'declined', declineCode: 'ISSUER_UNREACHABLE' },
      handBackFen: 50_000,
    });
    expect(docText(r.receipt.doc)).toContain('请将现金退还顾客 Hand the cash back');
    // The issuer applied it (the answer was lost on the way back) until the reversal undoes it.
    expect(t.issuerCard(SHELF)).toMatchObject({ status: 'active', balance_fen: 50_000 });
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(row(r.result.stan)?.status).toBe('reversed');
    expect(t.issuerCard(SHELF)).toMatchObject({ status: 'not_activated', balance_fen: 0 });
    const x = await t.xReport();
    expect(x.totals.cardsSold).toEqual({ count: 0, amountFen: 0, cashFen: 0 });
    expect(x.expectedCashFen).toBe(FLOAT);
    // The card can be sold again afterwards.
    const again = await t.call('card.activate', { cardToken: await t.card(SHELF), valueFen: 50_000, ...ID });
    expect(again.result.status).toBe('approved');
  });

  it('a crash after the issuer activated, before the till recorded it: recovery reverses it, the card is unsold again', async () => {
    // What createPending + send do, then the process "dies" before finalize.
    const store = t.app.terminal.opts.store;
    const { stan, request } = store.createPending({
      type: 'activate',
      amountFen: 30_000,
      otherTenderFen: 30_000,
      masked: '888801******0090',
      pan: SHELF,
      entryMode: 'wedge',
      issuerId: 'default',
      buildRequest: (s) => ({
        kind: 'activate' as const,
        stan: s,
        time: new Date().toISOString(),
        id: 'ab'.repeat(16),
        card: { pan: SHELF, entryMode: 'wedge' },
        amountFen: 30_000,
        cashFen: 30_000,
        buyerId: true,
      }),
    });
    const sent = await t.app.terminal.runner.router.byId('default').port.exchange(request, 1);
    expect(sent).toMatchObject({ kind: 'answer', answer: { result: 'approved' } });
    expect(t.issuerCard(SHELF).status).toBe('active');
    expect(t.app.terminal.recoverPending()).toBe(1);
    expect(row(stan)?.status).toBe('declined');
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(row(stan)?.status).toBe('reversed');
    expect(t.issuerCard(SHELF)).toMatchObject({ status: 'not_activated', balance_fen: 0 });
    expect((await t.xReport()).expectedCashFen).toBe(FLOAT);
  });

  it('is online only: with the issuer cut nothing is approved, and the cash is handed back', async () => {
    t.app.terminal.runner.router.home.port.setCut(true);
    const r = await t.call('card.activate', { cardToken: await t.card(SHELF), valueFen: 10_000, ...ID });
    t.app.terminal.runner.router.home.port.setCut(false);
    expect(r).toMatchObject({
      result: { status: 'declined', declineCode: 'ISSUER_UNREACHABLE', offline: false },
      handBackFen: 10_000,
    });
    expect(t.issuerCard(SHELF).status).toBe('not_activated');
  });

  it('cash short of the value is refused before anything is written', async () => {
    const e = await t.callError('card.activate', {
      cardToken: await t.card(SHELF),
      valueFen: 10_000,
      tenderFen: 9_999,
      ...ID,
    });
    expect(e.code).toBe('TENDER_SHORT');
    expect(t.app.db.prepare("SELECT COUNT(*) AS n FROM txns WHERE type = 'activate'").get()).toEqual({
      n: 0,
    });
  });

  it('a negative or zero value never raises a balance (OSPOS): refused at the till and by the issuer', async () => {
    for (const valueFen of [-50_000, 0, 1.5]) {
      const up = await t.callError('card.topup', { cardToken: await t.card(ACTIVE), valueFen, ...ID });
      expect(up.code).toBe('BAD_REQUEST');
      const sold = await t.callError('card.activate', { cardToken: await t.card(SHELF), valueFen, ...ID });
      expect(sold.code).toBe('BAD_REQUEST');
    }
    expect(t.app.db.prepare('SELECT COUNT(*) AS n FROM txns').get()).toEqual({ n: 0 });
    // The issuer's schema refuses the same on the wire, whatever a terminal sends.
    const header = {
      terminalId: 'T0000001',
      merchantId: 'M000000000001',
      stan: 1,
      time: new Date().toISOString(),
      nonce: 'ab'.repeat(16),
    };
    const msg = (type: string, amountFen: number) => ({
      ...header,
      type,
      card: { pan: ACTIVE, entryMode: 'swipe' },
      amountFen,
      cashFen: Math.max(amountFen, 0),
    });
    for (const [type, S] of [
      ['activate', ActivateRequest],
      ['topup', TopupRequest],
    ] as const) {
      expect(S.safeParse(msg(type, 100)).success).toBe(true);
      for (const amountFen of [-50_000, 0]) expect(S.safeParse(msg(type, amountFen)).success).toBe(false);
    }
    expect(t.issuerCard(ACTIVE).balance_fen).toBe(100_000);
    expect(t.issuerCard(SHELF).status).toBe('not_activated');
  });
});

describe('top up (充值)', () => {
  it('adds value once; over an anonymous cap by one fen is refused; exactly to the cap is taken', async () => {
    const over = await t.call('card.topup', { cardToken: await t.card(ANON_NEAR_CAP), valueFen: 1_001 });
    expect(over).toMatchObject({
      result: { status: 'declined', declineCode: 'CARD_CAP_EXCEEDED' },
      handBackFen: 1_001,
    });
    expect(t.issuerCard(ANON_NEAR_CAP).balance_fen).toBe(99_000);
    const ok = await t.call('card.topup', { cardToken: await t.card(ANON_NEAR_CAP), valueFen: 1_000 });
    expect(ok).toMatchObject({
      result: { type: 'topup', status: 'approved', balanceFen: 100_000 },
      capRemainingFen: 0,
    });
    const reg = await t.call('card.topup', { cardToken: await t.card(ACTIVE), valueFen: 400_000, ...ID });
    expect(reg.result).toMatchObject({ status: 'approved', balanceFen: 500_000 });
    const regOver = await t.call('card.topup', { cardToken: await t.card(ACTIVE), valueFen: 1, ...ID });
    expect(regOver.result).toMatchObject({ status: 'declined', declineCode: 'CARD_CAP_EXCEEDED' });
    const x = await t.xReport();
    expect(x.totals.topups).toEqual({ count: 2, amountFen: 401_000, cashFen: 401_000 });
    expect(x.expectedCashFen).toBe(FLOAT + 401_000);
  });

  it('a card not activated yet cannot be topped up', async () => {
    const r = await t.call('card.topup', { cardToken: await t.card(SHELF), valueFen: 1_000, ...ID });
    expect(r.result).toMatchObject({ status: 'declined', declineCode: 'CARD_NOT_ACTIVATED' });
  });

  it('a lost answer is reversed (value taken back off the card) and the drawer figure is right', async () => {
    const before = t.issuerCard(ACTIVE).balance_fen;
    t.app.issuerSim!.setFault('drop-response');
    const r = await t.call('card.topup', { cardToken: await t.card(ACTIVE), valueFen: 30_000, ...ID });
    t.app.issuerSim!.setFault('none');
    expect(r).toMatchObject({ result: { status: 'declined' }, handBackFen: 30_000 });
    expect(t.issuerCard(ACTIVE).balance_fen).toBe(before + 30_000);
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(row(r.result.stan)?.status).toBe('reversed');
    expect(t.issuerCard(ACTIVE).balance_fen).toBe(before);
    const ok = await t.call('card.topup', { cardToken: await t.card(ACTIVE), valueFen: 5_000, ...ID });
    expect(ok.result.status).toBe('approved');
    const x = await t.xReport();
    expect(x.totals.topups).toEqual({ count: 1, amountFen: 5_000, cashFen: 5_000 });
    expect(x.expectedCashFen).toBe(FLOAT + 5_000);
  });
});

describe('the Z report and settlement', () => {
  it('Z shows cards sold and top-ups; the issuer totals them in the batch and it matches', async () => {
    await t.call('card.activate', { cardToken: await t.card(SHELF), valueFen: 50_000, ...ID });
    await t.call('card.topup', { cardToken: await t.card(SHELF), valueFen: 10_000, ...ID });
    await t.call('sale.authorize', { cardToken: await t.card(SHELF), amountFen: 1250 });
    await t.signIn('2001', '8888');
    const z = await t.call('shift.close', { countedFen: FLOAT + 60_000 });
    expect(z.report.totals.cardsSold).toEqual({ count: 1, amountFen: 50_000, cashFen: 50_000 });
    expect(z.report.totals.topups).toEqual({ count: 1, amountFen: 10_000, cashFen: 10_000 });
    expect(z.report.expectedCashFen).toBe(FLOAT + 60_000);
    expect(z.report.variance).toMatchObject({ expectedFen: FLOAT + 60_000, countedFen: FLOAT + 60_000 });
    const text = docText(z.doc);
    expect(text).toContain('售卡 CARDS SOLD ×1 ¥500.00');
    expect(text).toContain('充值 TOP-UPS ×1 ¥100.00');
    expect(z.report.settlement).toMatchObject({ status: 'settled' });
    expect(z.report.settlement!.issuerTotals).toMatchObject({
      saleCount: 1,
      saleFen: 1250,
      activateCount: 1,
      activateFen: 50_000,
      topupCount: 1,
      topupFen: 10_000,
    });
  });
});
