/**
 * Card life, the other end (issue 12) on real parts — the issuer-sim over HTTP, a real SQLite
 * file, the journal, the X report's drawer: cash-out (退卡), replace (换卡), the void of a card sale
 * or top-up, and the rules (buyer's ID sealed, non-cash thresholds, never a card for a card).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { docText, shortIssuerLink, startShiftApp, startTestApp, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { receiptCode } from '../../src/shared/receipt-code';

const GIFT = demoCard('gift').pan; // registered, active, ¥200.00
const ACTIVE = demoCard('active').pan; // registered, active, ¥1,000.00
const LOST = demoCard('lost').pan; // registered, lost, ¥500.00
const ANON_SMALL = demoCard('anon-small').pan; // anonymous, ¥50.00
const ANON_BIG = demoCard('anon-near-cap').pan; // anonymous, ¥990.00
const SHELF = demoCard('shelf1').pan;
const SHELF3 = demoCard('shelf3').pan;
const FLOAT = 100_000;
const MANAGER = { operatorId: '2001', pin: '8888' };
const BUYER = { kind: 'person' as const, name: '欧阳锋', idNumber: '440301198807154321' };

let t: TestApp;
beforeEach(async () => {
  t = await startShiftApp(FLOAT, shortIssuerLink());
});
afterEach(async () => {
  await t.close();
});

const status = (stan: number) =>
  (t.app.db.prepare('SELECT status FROM txns WHERE stan = ?').get(stan) as { status: string }).status;
const count = (sql: string) => (t.app.db.prepare(sql).get() as { n: number }).n;

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

const expectedCash = async () => (await t.xReport()).expectedCashFen;

/** The sealed command of a STAN sent again through its issuer port (what a retry after a crash does). */
async function resend(stan: number) {
  const r = t.app.db.prepare('SELECT request_enc, issuer_id FROM txns WHERE stan = ?').get(stan) as {
    request_enc: Buffer;
    issuer_id: string;
  };
  const cmd = t.app.terminal.opts.store.openCommand(r.request_enc);
  return t.app.terminal.runner.router.byId(r.issuer_id).port.exchange(cmd, 1);
}

describe('cash-out (退卡)', () => {
  it('pays a registered card out once: card closed, drawer down by the payout, journaled, receipt', async () => {
    const e = await t.callError('card.cashout', {
      cardToken: await t.card(GIFT),
      override: { operatorId: '1001', pin: '1234' },
    });
    expect(e.code).toBe('FORBIDDEN');
    const r = await t.call('card.cashout', { cardToken: await t.card(GIFT), override: MANAGER });
    expect(r.result).toMatchObject({ type: 'cashout', status: 'approved', amountFen: 20_000, balanceFen: 0 });
    expect(r.payoutFen).toBe(20_000);
    expect(t.issuerCard(GIFT)).toMatchObject({ status: 'closed', balance_fen: 0 });
    expect(await expectedCash()).toBe(FLOAT - 20_000);
    const body = docText(r.receipt!.doc);
    expect(body).toContain('退卡 CASH-OUT');
    expect(body).toContain('**** 0074');
    expect(body).not.toContain(GIFT);
    expect(body).toContain('付现金 CASH PAID ¥200.00');
    expect(body).toMatch(/授权人 APPROVED BY .*2001/);
    expect(body).toContain('卡已注销 Card closed');
    await sameOnPaper(r.receipt!);
    expect(r.receipt!.doc.lines.some((l) => l.type === 'qr')).toBe(true);
    expect(count("SELECT COUNT(*) AS n FROM journal WHERE type = 'cashout'")).toBe(1);
    // The same request again (its sealed command through the port): the stored answer, debited once.
    const again = await resend(r.result.stan);
    expect(again).toMatchObject({ kind: 'answer', answer: { result: 'approved', balanceFen: 0 } });
    expect(t.app.issuerSim!.ledger.entries(GIFT).filter((x) => x.kind === 'cashout')).toHaveLength(1);
    // A closed card is refused from now on, in its own words.
    const s = await t.call('sale.authorize', { cardToken: await t.card(GIFT), amountFen: 100 });
    expect(s).toMatchObject({ status: 'declined', declineCode: 'CARD_CLOSED' });
  });

  it('an anonymous card: under the small balance it is paid out, over it refused before anything moves', async () => {
    const big = await t.callError('card.cashout', { cardToken: await t.card(ANON_BIG), override: MANAGER });
    expect(big.code).toBe('CASHOUT_NOT_ALLOWED');
    expect(t.issuerCard(ANON_BIG)).toMatchObject({ status: 'active', balance_fen: 99_000 });
    expect(count("SELECT COUNT(*) AS n FROM txns WHERE type = 'cashout'")).toBe(0);
    const small = await t.call('card.cashout', { cardToken: await t.card(ANON_SMALL), override: MANAGER });
    expect(small).toMatchObject({ result: { status: 'approved' }, payoutFen: 5_000 });
    expect(await expectedCash()).toBe(FLOAT - 5_000);
  });

  it('a lost answer is declined and reversed: the card is open again with its balance, nothing paid out', async () => {
    t.app.issuerSim!.setFault('drop-response:cashout');
    const r = await t.call('card.cashout', { cardToken: await t.card(ACTIVE), override: MANAGER });
    t.app.issuerSim!.setFault('none');
    expect(r).toMatchObject({
      result: { status: 'declined', declineCode: 'ISSUER_UNREACHABLE' },
      payoutFen: 0,
    });
    expect(docText(r.receipt!.doc)).toContain('未付现金 Nothing paid out');
    // The issuer applied it (the answer was lost on the way back) until the reversal undoes it.
    expect(t.issuerCard(ACTIVE)).toMatchObject({ status: 'closed', balance_fen: 0 });
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(status(r.result.stan)).toBe('reversed');
    expect(t.issuerCard(ACTIVE)).toMatchObject({ status: 'active', balance_fen: 100_000 });
    expect(await expectedCash()).toBe(FLOAT);
  });

  it('is online only: with the issuer cut nothing is paid out', async () => {
    t.app.terminal.runner.router.home.port.setCut(true);
    const r = await t.call('card.cashout', { cardToken: await t.card(GIFT), override: MANAGER });
    t.app.terminal.runner.router.home.port.setCut(false);
    expect(r).toMatchObject({ result: { status: 'declined', offline: false }, payoutFen: 0 });
    expect(t.issuerCard(GIFT).status).toBe('active');
    expect(await expectedCash()).toBe(FLOAT);
  });
});

describe('replace (换卡)', () => {
  it('moves a lost registered card’s whole balance to a new card in one message, once', async () => {
    const r = await t.call('card.replace', {
      oldCardNumber: LOST,
      cardToken: await t.card(SHELF3),
      reason: 'lost',
      override: MANAGER,
    });
    expect(r.result).toMatchObject({ type: 'replace', status: 'approved', amountFen: 0, balanceFen: 50_000 });
    expect(r).toMatchObject({ movedFen: 50_000, newMasked: '888801******0140' });
    expect(t.issuerCard(LOST)).toMatchObject({ status: 'replaced', balance_fen: 0 });
    expect(t.issuerCard(SHELF3)).toMatchObject({ status: 'active', balance_fen: 50_000, registered: 1 });
    const body = docText(r.receipt.doc);
    expect(body).toContain('换卡 CARD REPLACED');
    expect(body).toContain('新卡 NEW CARD 888801******0140');
    expect(body).toContain('转入 MOVED ¥500.00');
    expect(body).toContain('原因 REASON 挂失 LOST');
    // The new card is registered: what its ¥5,000.00 cap still allows after what moved.
    expect(body).toContain('可充额度 CAP LEFT ¥4,500.00');
    await sameOnPaper(r.receipt);
    expect(body).not.toContain(LOST);
    // One issuer message: one request at the issuer; sent again, the stored answer.
    expect(t.app.issuerSim!.ledger.applied('T0000001').filter((a) => a.type === 'replace')).toHaveLength(1);
    await resend(r.result.stan);
    expect(t.issuerCard(SHELF3).balance_fen).toBe(50_000);
    // No money came in or went out of the drawer.
    expect(await expectedCash()).toBe(FLOAT);
    // The new card spends; the old one is refused.
    const s = await t.call('sale.authorize', { cardToken: await t.card(SHELF3), amountFen: 1250 });
    expect(s).toMatchObject({ status: 'approved', balanceFen: 48_750 });
  });

  it('refuses an anonymous card, an active new card, and the same card twice', async () => {
    const anon = await t.call('card.replace', {
      oldCardNumber: ANON_SMALL,
      cardToken: await t.card(SHELF3),
      reason: 'damaged',
      override: MANAGER,
    });
    expect(anon.result).toMatchObject({ status: 'declined', declineCode: 'REPLACE_NOT_ALLOWED' });
    const onto = await t.call('card.replace', {
      oldCardNumber: GIFT,
      cardToken: await t.card(ACTIVE),
      reason: 'damaged',
      override: MANAGER,
    });
    expect(onto.result).toMatchObject({ status: 'declined', declineCode: 'REPLACE_NOT_ALLOWED' });
    const same = await t.callError('card.replace', {
      oldCardNumber: GIFT,
      cardToken: await t.card(GIFT),
      reason: 'damaged',
      override: MANAGER,
    });
    expect(same.code).toBe('REPLACE_NOT_ALLOWED');
    expect(t.issuerCard(GIFT)).toMatchObject({ status: 'active', balance_fen: 20_000 });
  });

  it('a lost answer is reversed: the balance is back on the old card, the new one unsold again', async () => {
    t.app.issuerSim!.setFault('drop-response:replace');
    const r = await t.call('card.replace', {
      oldCardNumber: GIFT,
      cardToken: await t.card(SHELF3),
      reason: 'damaged',
      override: MANAGER,
    });
    t.app.issuerSim!.setFault('none');
    expect(r.result.status).toBe('declined');
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(status(r.result.stan)).toBe('reversed');
    expect(t.issuerCard(GIFT)).toMatchObject({ status: 'active', balance_fen: 20_000 });
    expect(t.issuerCard(SHELF3)).toMatchObject({ status: 'not_activated', balance_fen: 0 });
  });
});

describe('void of a card sale or top-up', () => {
  it('voids an activation: value off the card, card unsold again, the cash back out of the drawer', async () => {
    const sold = await t.call('card.activate', {
      cardToken: await t.card(SHELF),
      valueFen: 30_000,
      buyer: BUYER,
    });
    expect(sold.result.status).toBe('approved');
    expect(await expectedCash()).toBe(FLOAT + 30_000);
    const v = await t.call('txn.void', { origStan: sold.result.stan, override: MANAGER });
    expect(v.result).toMatchObject({
      type: 'void_load',
      status: 'approved',
      amountFen: 30_000,
      origStan: sold.result.stan,
    });
    expect(t.issuerCard(SHELF)).toMatchObject({ status: 'not_activated', balance_fen: 0 });
    expect(await expectedCash()).toBe(FLOAT);
    const body = docText(v.receipt!.doc);
    expect(body).toContain('撤销售卡/充值 VOID CARD LOAD');
    expect(body).toContain('退现金 CASH BACK ¥300.00');
    // Once: the same request again is answered from the record, the value taken off once; a second
    // void (a new STAN) is refused.
    const again = await resend(v.result.stan);
    expect(again).toMatchObject({ kind: 'answer', answer: { result: 'approved', balanceFen: 0 } });
    expect(t.app.issuerSim!.ledger.entries(SHELF).filter((x) => x.kind === 'voidload')).toHaveLength(1);
    const twice = await t.callError('txn.void', { origStan: sold.result.stan, override: MANAGER });
    expect(twice.code).toBe('ALREADY_VOIDED');
  });

  it('only within the open, unsettled batch: a card sale of a settled batch is not voided, its value stays', async () => {
    const sold = await t.call('card.activate', {
      cardToken: await t.card(SHELF),
      valueFen: 30_000,
      buyer: BUYER,
    });
    await t.signIn('2001', '8888');
    const z = await t.call('shift.close', { countedFen: FLOAT + 30_000 });
    expect(z.report.settlement).toMatchObject({ status: 'settled' });
    // With no shift open, and in the next shift: the settled batch's card sale is out of reach.
    for (const open of [false, true]) {
      if (open) await t.call('shift.open', { openingFloatFen: FLOAT });
      await t.signIn();
      const e = await t.callError('txn.void', { origStan: sold.result.stan, override: MANAGER });
      expect(e.code).toBe('VOID_NOT_ALLOWED');
      await t.signIn('2001', '8888');
    }
    expect(t.issuerCard(SHELF)).toMatchObject({ status: 'active', balance_fen: 30_000 });
    expect(count("SELECT COUNT(*) AS n FROM txns WHERE type = 'void_load'")).toBe(0);
  });

  it('refuses the void of an activation after part of it was spent, saying what remains', async () => {
    const sold = await t.call('card.activate', {
      cardToken: await t.card(SHELF),
      valueFen: 30_000,
      buyer: BUYER,
    });
    await t.call('sale.authorize', { cardToken: await t.card(SHELF), amountFen: 1_250 });
    const v = await t.call('txn.void', { origStan: sold.result.stan, override: MANAGER });
    expect(v.result).toMatchObject({
      type: 'void_load',
      status: 'declined',
      declineCode: 'VOID_VALUE_SPENT',
      balanceFen: 28_750,
    });
    expect(t.issuerCard(SHELF)).toMatchObject({ status: 'active', balance_fen: 28_750 });
    // The refused void's receipt says so, and promises no cash back.
    const body = docText(v.receipt!.doc);
    expect(body).toContain('拒绝 DECLINED');
    expect(body).not.toContain('退现金 CASH BACK');
    // The drawer keeps the card sale's cash; nothing went back out.
    expect(await expectedCash()).toBe(FLOAT + 30_000);
  });

  it('voids a top-up; a lost answer on the void is reversed and the value is back on the card', async () => {
    const up = await t.call('card.topup', {
      cardToken: await t.card(ACTIVE),
      valueFen: 10_000,
      buyer: BUYER,
    });
    expect(up.result.status).toBe('approved');
    t.app.issuerSim!.setFault('drop-response:voidload');
    const lost = await t.call('txn.void', { origStan: up.result.stan, override: MANAGER });
    t.app.issuerSim!.setFault('none');
    expect(lost.result.status).toBe('declined');
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(t.issuerCard(ACTIVE).balance_fen).toBe(110_000);
    expect(await expectedCash()).toBe(FLOAT + 10_000);
    const v = await t.call('txn.void', { origStan: up.result.stan, override: MANAGER });
    expect(v.result).toMatchObject({ status: 'approved', balanceFen: 100_000 });
    expect(await expectedCash()).toBe(FLOAT);
  });
});

describe('the rules', () => {
  it('a registered card needs the buyer’s ID: refused without, sealed with the row with it, never in clear on disk', async () => {
    const without = await t.call('card.activate', { cardToken: await t.card(SHELF), valueFen: 10_000 });
    expect(without).toMatchObject({
      result: { status: 'declined', declineCode: 'BUYER_ID_REQUIRED' },
      handBackFen: 10_000,
    });
    const r = await t.call('card.activate', {
      cardToken: await t.card(SHELF),
      valueFen: 10_000,
      buyer: BUYER,
    });
    expect(r).toMatchObject({
      result: { status: 'approved' },
      buyer: { name: '欧**', idNumber: '440***********4321' },
    });
    expect(docText(r.receipt.doc)).toContain('购卡人 BUYER 欧** 440***********4321');
    // Exported in clear to a manager only; the export is audited.
    const denied = await t.callError('card.buyers', {});
    expect(denied.code).toBe('FORBIDDEN');
    await t.signIn('2001', '8888');
    const out = await t.call('card.buyers', {});
    expect(out.rows).toEqual([
      expect.objectContaining({
        stan: r.result.stan,
        name: BUYER.name,
        idNumber: BUYER.idNumber,
        paidBy: 'cash',
      }),
    ]);
    // No file of the data dir holds the name or the ID number in clear (db and its WAL, journal, logs).
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of fs.readdirSync(d, { withFileTypes: true }))
        if (f.isDirectory()) walk(path.join(d, f.name));
        else files.push(path.join(d, f.name));
    };
    walk(t.dataDir);
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) {
      const bytes = fs.readFileSync(f);
      for (const secret of [BUYER.idNumber, BUYER.name])
        expect(bytes.includes(Buffer.from(secret, 'utf8')), `${path.basename(f)} holds ${secret}`).toBe(
          false,
        );
    }
  });

  it('an organisation’s ¥5,000.00 is not paid in cash; a bank transfer is taken, its reference kept, the drawer untouched', async () => {
    const org = { kind: 'organisation' as const, name: '某某科技有限公司', idNumber: '91440300MA5ABCDE12' };
    const cash = await t.callError('card.activate', {
      cardToken: await t.card(SHELF),
      valueFen: 500_000,
      buyer: org,
    });
    expect(cash.code).toBe('CASH_NOT_ALLOWED');
    const noRef = await t.callError('card.activate', {
      cardToken: await t.card(SHELF),
      valueFen: 500_000,
      buyer: org,
      tender: 'bank_transfer',
    });
    expect(noRef.code).toBe('TRANSFER_REF_REQUIRED');
    expect(count('SELECT COUNT(*) AS n FROM txns')).toBe(0);
    const r = await t.call('card.activate', {
      cardToken: await t.card(SHELF),
      valueFen: 500_000,
      buyer: org,
      tender: 'bank_transfer',
      transferRef: 'CMB20261201-0042',
    });
    expect(r).toMatchObject({
      result: { status: 'approved', otherTenderFen: 0 },
      changeFen: 0,
      handBackFen: 0,
    });
    expect(docText(r.receipt.doc)).toContain('转账流水 REF CMB20261201-0042');
    expect(docText(r.receipt.doc)).toMatch(/购卡人 BUYER 某\*+ 914\*+DE12/);
    await sameOnPaper(r.receipt);
    expect(await expectedCash()).toBe(FLOAT);
    // Just under the threshold, an organisation may pay cash.
    const under = await t.call('card.topup', {
      cardToken: await t.card(ACTIVE),
      valueFen: 400_000 - 1,
      buyer: org,
    });
    expect(under.result.status).toBe('approved');
  });

  it('a stored-value card never pays for another', async () => {
    const e = await t.callError('card.topup', {
      cardToken: await t.card(ACTIVE),
      valueFen: 1_000,
      buyer: BUYER,
      tender: 'stored_value',
    });
    expect(e.code).toBe('CARD_TENDER_NOT_ALLOWED');
  });

  it('the rules in force are shown, and the configured figures apply', async () => {
    expect(await t.call('card.rules', {})).toEqual({
      registeredCapFen: 500_000,
      anonymousCapFen: 100_000,
      anonymousIdFromFen: 1_000_000,
      organisationNoCashFromFen: 500_000,
      personNoCashFromFen: 5_000_000,
      anonymousCashoutMaxFen: 10_000,
    });
    await t.close();
    // A store that cashes anonymous cards out only up to ¥10.00: the ¥50.00 card is refused.
    t = await startTestApp({ config: { cardRules: { anonymousCashoutMaxFen: 1_000 } } as never });
    await t.signIn();
    expect(await t.call('card.rules', {})).toMatchObject({ anonymousCashoutMaxFen: 1_000 });
    const e = await t.callError('card.cashout', { cardToken: await t.card(ANON_SMALL), override: MANAGER });
    expect(e.code).toBe('CASHOUT_NOT_ALLOWED');
  });
});

describe('the receipt verification code at the issuer', () => {
  it('a card sale, top-up, cash-out or load void read out with its code: the issuer checks its own amount, as a sale’s', async () => {
    const sold = await t.call('card.activate', {
      cardToken: await t.card(SHELF),
      valueFen: 30_000,
      buyer: BUYER,
    });
    const up = await t.call('card.topup', {
      cardToken: await t.card(ACTIVE),
      valueFen: 10_000,
      buyer: BUYER,
    });
    const out = await t.call('card.cashout', { cardToken: await t.card(GIFT), override: MANAGER });
    const v = await t.call('txn.void', { origStan: up.result.stan, override: MANAGER });
    const key = t.app.keys.receiptKey!;
    for (const stan of [sold.result.stan, up.result.stan, out.result.stan, v.result.stan]) {
      const row = t.app.db
        .prepare('SELECT type, status, amount_fen, balance_fen, updated_at FROM txns WHERE stan = ?')
        .get(stan) as {
        type: string;
        status: string;
        amount_fen: number;
        balance_fen: number | null;
        updated_at: string;
      };
      const fields = {
        terminalId: t.app.config.terminalId,
        stan,
        type: row.type,
        status: row.status,
        amountFen: row.amount_fen,
        balanceFen: row.balance_fen,
        time: row.updated_at,
      };
      const check = async (f: typeof fields) => {
        const res = await fetch(`${t.app.issuerSim!.url}/admin/receipt-check`, {
          method: 'POST',
          body: JSON.stringify({ ...f, code: receiptCode(key, f) }),
        });
        return ((await res.json()) as { valid: boolean }).valid;
      };
      expect(await check(fields)).toBe(true);
      // A valid code over another amount (a receipt made from a row edited on the till's disk):
      // the issuer knows what it loaded, paid out or took back.
      expect(await check({ ...fields, amountFen: fields.amountFen + 100 })).toBe(false);
    }
  });
});

describe('settlement', () => {
  it('the issuer totals cash-outs, replacements and load voids in the batch, and it matches', async () => {
    const sold = await t.call('card.activate', {
      cardToken: await t.card(SHELF),
      valueFen: 30_000,
      buyer: BUYER,
    });
    await t.call('txn.void', { origStan: sold.result.stan, override: MANAGER });
    await t.call('card.cashout', { cardToken: await t.card(GIFT), override: MANAGER });
    await t.call('card.replace', {
      oldCardNumber: LOST,
      cardToken: await t.card(SHELF3),
      reason: 'lost',
      override: MANAGER,
    });
    await t.signIn('2001', '8888');
    const z = await t.call('shift.close', { countedFen: FLOAT - 20_000 });
    expect(z.report.expectedCashFen).toBe(FLOAT - 20_000);
    expect(z.report.settlement).toMatchObject({ status: 'settled' });
    expect(z.report.settlement!.issuerTotals).toMatchObject({
      activateCount: 1,
      activateFen: 30_000,
      loadvoidCount: 1,
      loadvoidFen: 30_000,
      cashoutCount: 1,
      cashoutFen: 20_000,
      replaceCount: 1,
      replaceFen: 0,
    });
  });

  it('the four discrepancy kinds apply to card sales, top-ups, cash-outs and load voids; a queued reversal of a password change is none', async () => {
    const tid = t.app.config.terminalId;
    const issuerDb = t.app.issuerSim!.ledger.db;
    const sold = await t.call('card.activate', {
      cardToken: await t.card(SHELF),
      valueFen: 30_000,
      buyer: BUYER,
    });
    const up = await t.call('card.topup', {
      cardToken: await t.card(ACTIVE),
      valueFen: 10_000,
      buyer: BUYER,
    });
    const out = await t.call('card.cashout', { cardToken: await t.card(GIFT), override: MANAGER });
    // A top-up the till declined (over the anonymous cap) that the issuer's ledger says it approved.
    const over = await t.call('card.topup', { cardToken: await t.card(ANON_BIG), valueFen: 2_000 });
    expect(over.result).toMatchObject({ status: 'declined', declineCode: 'CARD_CAP_EXCEEDED' });
    // A void of the top-up whose answer is lost, and a password change whose answer is lost: both
    // reversals stay queued (their answers are lost too) when the shift closes.
    t.app.issuerSim!.setFault('drop-response:voidload');
    const lostVoid = await t.call('txn.void', { origStan: up.result.stan, override: MANAGER });
    t.app.issuerSim!.setFault('drop-response:password');
    const lostPwd = await t.call('card.setPassword', {
      cardToken: await t.card(demoCard('password').pan),
      oldPassword: '246810',
      newPassword: '975310',
      confirmPassword: '975310',
    });
    t.app.issuerSim!.setFault('drop-response:reverse');
    expect(lostVoid.result.status).toBe('declined');
    expect(lostPwd).toMatchObject({ type: 'password', status: 'declined' });
    // The issuer's ledger, altered as life does it: a card sale lost, a cash-out's amount changed,
    // the declined top-up recorded approved.
    issuerDb.prepare('DELETE FROM requests WHERE terminal_id = ? AND stan = ?').run(tid, sold.result.stan);
    issuerDb
      .prepare('UPDATE requests SET amount_fen = 19000 WHERE terminal_id = ? AND stan = ?')
      .run(tid, out.result.stan);
    issuerDb
      .prepare(
        "UPDATE requests SET result = 'approved', amount_fen = 2000 WHERE terminal_id = ? AND stan = ?",
      )
      .run(tid, over.result.stan);
    await t.signIn('2001', '8888');
    const z = await t.call('shift.close', { countedFen: FLOAT + 30_000 + 10_000 - 20_000 });
    t.app.issuerSim!.setFault('none');
    expect(z.report.settlement!.status).toBe('unmatched');
    const found = z.report.settlement!.discrepancies.map((d) => ({
      kind: d.kind,
      stan: d.stan,
      type: d.type,
      terminalFen: d.terminalFen,
      issuerFen: d.issuerFen,
    }));
    expect(found).toEqual([
      {
        kind: 'missing_at_issuer',
        stan: sold.result.stan,
        type: 'activate',
        terminalFen: 30_000,
        issuerFen: null,
      },
      {
        kind: 'amount_differs',
        stan: out.result.stan,
        type: 'cashout',
        terminalFen: 20_000,
        issuerFen: 19_000,
      },
      {
        kind: 'missing_at_terminal',
        stan: over.result.stan,
        type: 'topup',
        terminalFen: null,
        issuerFen: 2_000,
      },
      // Named by its settlement bucket, as the issuer names it (not the row's kind `void_load`).
      {
        kind: 'in_offline_queue',
        stan: lostVoid.result.stan,
        type: 'loadvoid',
        terminalFen: 10_000,
        issuerFen: 10_000,
      },
    ]);
    // The Z prints each one's type in words, Chinese first, as the receipts title the kinds.
    const z2 = docText(z.doc);
    expect(z2).toContain('  售卡 CARD SOLD');
    expect(z2).toContain('  退卡 CASH-OUT');
    expect(z2).toContain('  充值 TOP-UP');
    expect(z2).toContain('  撤销售卡/充值 VOID CARD LOAD');
    expect(z2).not.toMatch(/^ {2}(activate|cashout|topup|loadvoid)\b/m);
  });
});
