/**
 * Paying on the chip at the till (issue 14) on real parts: the whole core with a real SQLite file,
 * the dispatcher, the demo's simulated IC reader holding a virtual PBOC e-purse card and the
 * simulated PSAM (demo-only keys). The card is torn at DEBIT and presented again: counted once,
 * journal and card agree.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import type { CardSummary } from '../../src/shared/contract';
import { purchaseTacValid } from '../../src/drivers/ic/epurse/issuer-side';
import { DEMO_ISSUER_KEYS } from '../../src/drivers/ic/epurse/demo-keys';
import { cardSerial8 } from '../../src/drivers/ic/epurse/crypto';
import { chipShadow } from '../../src/issuer-sim/handlers-epurse';

const EP = '8888020000000010';
const OTHER = '8888020000000028';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
  await t.signIn('2001', '8888');
  await t.call('shift.open', { openingFloatFen: 0 });
  await t.signIn();
});
afterEach(async () => {
  await t.close();
});

/** Taps the e-purse card on the simulated reader; resolves with what the till was presented. */
async function tap(
  pan: string,
  o: { balanceFen?: number; tearAt?: 'debit' | 'credit' } = {},
): Promise<CardSummary & { chipBalanceFen?: number }> {
  const presented = new Promise<CardSummary>((r) => t.app.terminal.once('card.presented', r));
  await t.call('devices.simulate', {
    deviceId: 'sim-ic',
    input: { action: 'tap', pan, epurse: true, balanceFen: o.balanceFen ?? 10_000, ...o },
  });
  return presented;
}

const row = (stan: number) =>
  t.app.db
    .prepare('SELECT type, status, amount_fen, balance_fen, decline_code FROM txns WHERE stan = ?')
    .get(stan) as {
    type: string;
    status: string;
    amount_fen: number;
    balance_fen: number | null;
    decline_code: string | null;
  };
const journalOf = (stan: number) =>
  (
    t.app.db.prepare('SELECT body FROM journal WHERE stan = ? ORDER BY seq').all(stan) as { body: string }[]
  ).map((r) => JSON.parse(r.body) as Record<string, unknown> & { chip?: Record<string, unknown> });

describe('a sale paid on the chip', () => {
  it('debits the chip with the PSAM: approved, new chip balance, journaled with its TAC, never sent to the issuer', async () => {
    const c = await tap(EP, { balanceFen: 10_000 });
    const r = await t.call('sale.authorize', { cardToken: c.cardToken, amountFen: 1_500 });
    expect(r).toMatchObject({
      type: 'chip_purchase',
      status: 'approved',
      amountFen: 1_500,
      balanceFen: 8_500,
    });
    const j = journalOf(r.stan);
    expect(j).toHaveLength(1);
    expect(j[0]!.chip).toMatchObject({
      kind: 'purchase',
      seq: 0,
      balanceAfterFen: 8_500,
      terminalNumber: '000000000001',
      proved: false,
    });
    const chip = j[0]!.chip as { tac: string; terminalSeq: string; date: string; time: string };
    // The issuer's check at clearing: the TAC verifies under the (demo) issuer keys.
    expect(
      purchaseTacValid(DEMO_ISSUER_KEYS, {
        serial8: cardSerial8(EP),
        alg: '3des',
        amountFen: 1_500,
        terminalNumber: '000000000001',
        terminalSeq: chip.terminalSeq,
        date: chip.date,
        time: chip.time,
        tac: chip.tac,
      }),
    ).toBe(true);
    // The card shows the new balance when tapped again; the issuer never saw the sale.
    expect((await tap(EP)).cardToken).toBeTruthy();
    expect(t.app.issuerSim!.ledger.card(EP)).toBeUndefined();
    // The PSAM's counter is on the technician's screen.
    const psam = (await t.call('devices.list', {})).find((d) => d.id === 'sim-psam');
    expect(psam).toMatchObject({ kind: 'psam', state: 'connected' });
    expect(psam!.detail).toBe(
      'PSAM 终端号 00 00 00 00 00 01 · 交易序号 1 / PSAM terminal no. 00 00 00 00 00 01 · counter 1',
    );
  });

  it('insufficient chip balance: declined with the chip balance, then split tender pays what the chip holds', async () => {
    const c = await tap(EP, { balanceFen: 500 });
    const r = await t.call('sale.authorize', { cardToken: c.cardToken, amountFen: 1_500 });
    expect(r).toMatchObject({
      type: 'chip_purchase',
      status: 'declined',
      declineCode: 'INSUFFICIENT_BALANCE',
      balanceFen: 500,
    });
    const split = await t.call('sale.authorize', {
      cardToken: c.cardToken,
      amountFen: 500,
      otherTenderFen: 1_000,
    });
    expect(split).toMatchObject({ status: 'approved', amountFen: 500, otherTenderFen: 1_000, balanceFen: 0 });
  });
});

describe('tearing (闪卡): the card leaves after DEBIT was sent', () => {
  it('stays pending; the same card presented again is proved done and counted once', async () => {
    const c = await tap(EP, { balanceFen: 10_000, tearAt: 'debit' });
    const e = await t.callError('sale.authorize', { cardToken: c.cardToken, amountFen: 2_000 });
    expect(e.code).toBe('CHIP_TORN');
    const stan = Number(/stan (\d+)/.exec(e.detail ?? '')![1]);
    expect(row(stan)).toMatchObject({ type: 'chip_purchase', status: 'pending' });
    expect(journalOf(stan)).toHaveLength(0);
    expect(await t.call('chip.exceptions', {}).catch(() => null)).toBeNull(); // cashier: not theirs
    // Recovery (the background tick, a restart) never declines a chip row: declining would lose it.
    expect(t.app.terminal.recoverPending()).toBe(1);
    expect(row(stan).status).toBe('pending');

    // A new sale on the torn card is refused until it is settled.
    const again = await tap(EP);
    const refused = await t.call('sale.authorize', { cardToken: again.cardToken, amountFen: 100 });
    expect(refused).toMatchObject({ status: 'declined', declineCode: 'CHIP_GREY_PENDING' });

    const back = await tap(EP);
    const settled = await t.call('chip.resolve', { cardToken: back.cardToken, stan });
    expect(settled).toMatchObject({ stan, type: 'chip_purchase', status: 'approved', balanceFen: 8_000 });
    const j = journalOf(stan);
    expect(j).toHaveLength(1);
    expect(j[0]!.chip).toMatchObject({ seq: 0, balanceAfterFen: 8_000, proved: true });
    // Counted once: the next purchase sees the card debited once, sequence 1.
    const next = await tap(EP);
    const r2 = await t.call('sale.authorize', { cardToken: next.cardToken, amountFen: 1_000 });
    expect(r2).toMatchObject({ status: 'approved', balanceFen: 7_000 });
    expect(journalOf(r2.stan)[0]!.chip).toMatchObject({ seq: 1 });
    // Resolving again finds nothing open.
    const none = await tap(EP);
    expect((await t.callError('chip.resolve', { cardToken: none.cardToken })).code).toBe('NOT_FOUND');
  });

  it('another card presented is refused and changes nothing; the grey record waits on the manager’s list', async () => {
    const c = await tap(EP, { balanceFen: 10_000, tearAt: 'debit' });
    const e = await t.callError('sale.authorize', { cardToken: c.cardToken, amountFen: 2_000 });
    const stan = Number(/stan (\d+)/.exec(e.detail ?? '')![1]);
    const wrong = await tap(OTHER, { balanceFen: 3_000 });
    expect((await t.callError('chip.resolve', { cardToken: wrong.cardToken, stan })).code).toBe(
      'CHIP_CARD_CHANGED',
    );
    expect(row(stan).status).toBe('pending');
    await t.signIn('2001', '8888');
    expect(await t.call('chip.exceptions', {})).toEqual([
      expect.objectContaining({ stan, kind: 'purchase', state: 'grey', amountFen: 2_000 }),
    ]);
  });

  it('the customer never comes back: the pending row blocks the Z until the manager stops waiting', async () => {
    const c = await tap(EP, { balanceFen: 10_000, tearAt: 'debit' });
    const e = await t.callError('sale.authorize', { cardToken: c.cardToken, amountFen: 2_000 });
    const stan = Number(/stan (\d+)/.exec(e.detail ?? '')![1]);
    await t.signIn('2001', '8888');
    expect((await t.callError('shift.close', { countedFen: 0 })).code).toBe('BUSY');
    const r = await t.call('chip.abandon', { stan });
    expect(r).toMatchObject({ stan, status: 'declined', declineCode: 'CHIP_EXCEPTION' });
    expect(await t.call('chip.exceptions', {})).toEqual([
      expect.objectContaining({ stan, state: 'exception', reason: 'card-never-returned' }),
    ]);
    const z = await t.call('shift.close', { countedFen: 0 });
    expect(z.report.totals.pending.count).toBe(0);
  });

  it('a card pulled away before DEBIT was sent is declined: nothing moved, the sale can be paid again', async () => {
    const c = await tap(EP, { balanceFen: 10_000 });
    await t.call('devices.simulate', { deviceId: 'sim-ic', input: { action: 'remove' } });
    const e = await t.callError('sale.authorize', { cardToken: c.cardToken, amountFen: 2_000 });
    expect(e.code).toBe('NO_CARD');
    const back = await tap(EP);
    const r = await t.call('sale.authorize', { cardToken: back.cardToken, amountFen: 2_000 });
    expect(r).toMatchObject({ status: 'approved', balanceFen: 8_000 });
  });
});

describe('clearing: the batch uploads each chip transaction with its TAC', () => {
  const closeShift = async () => {
    await t.signIn('2001', '8888');
    return t.call('shift.close', { countedFen: 0 });
  };
  const shadow = () => chipShadow({ ledger: t.app.issuerSim!.ledger }, EP.padStart(20, '0'));

  it('torn and proved, then paid again: Z shows chip purchases apart; the issuer verifies both TACs and its shadow agrees with the card', async () => {
    const c = await tap(EP, { balanceFen: 10_000, tearAt: 'debit' });
    const e = await t.callError('sale.authorize', { cardToken: c.cardToken, amountFen: 2_000 });
    const stan = Number(/stan (\d+)/.exec(e.detail ?? '')![1]);
    await t.call('chip.resolve', { cardToken: (await tap(EP)).cardToken, stan });
    const r2 = await t.call('sale.authorize', { cardToken: (await tap(EP)).cardToken, amountFen: 1_000 });
    expect(r2.balanceFen).toBe(7_000);
    const z = await closeShift();
    expect(z.report.totals.byKind?.chip_purchase).toMatchObject({ count: 2, amountFen: 3_000 });
    expect(z.report.totals.sales.count).toBe(0); // not a host sale
    const text = z.doc.lines
      .map((l) => ('left' in l ? `${l.left} ${l.right}` : 'text' in l ? l.text : ''))
      .join('\n');
    expect(text).toContain('芯片消费 CHIP PURCHASES ×2 ¥30.00');
    expect(z.report.settlement).toMatchObject({ status: 'settled', discrepancies: [] });
    // The issuer's shadow: the card's balance and next sequence, as the card has them.
    expect(shadow()).toMatchObject({ balance_fen: 7_000, next_offline_seq: 2 });
    const cleared = t.app
      .issuerSim!.ledger.db.prepare('SELECT stan, seq, result FROM epurse_cleared ORDER BY stan')
      .all();
    expect(cleared).toEqual([
      { stan, seq: 0, result: 'cleared' },
      { stan: r2.stan, seq: 1, result: 'cleared' },
    ]);
  });

  it('a TAC the issuer cannot verify is a discrepancy with what to do, and is not applied to the shadow', async () => {
    const r = await t.call('sale.authorize', { cardToken: (await tap(EP)).cardToken, amountFen: 1_000 });
    // As an emulator that made up its TAC would look to the issuer.
    t.app.db.prepare("UPDATE chip_txns SET tac = '00000000' WHERE stan = ?").run(r.stan);
    const z = await closeShift();
    expect(z.report.settlement).toMatchObject({ status: 'unmatched' });
    expect(z.report.settlement!.discrepancies).toEqual([
      expect.objectContaining({
        kind: 'chip_bad_tac',
        stan: r.stan,
        type: 'chip_purchase',
        terminalFen: 1_000,
      }),
    ]);
    expect(shadow()).toBeUndefined();
  });
});

describe('load (圈存): the top-up of an e-purse card, online, paid in cash', () => {
  it('the issuer checks MAC1 and answers MAC2; the card is credited, journaled with its TAC, cleared in the batch', async () => {
    const r = await t.call('card.topup', {
      cardToken: (await tap(EP, { balanceFen: 10_000 })).cardToken,
      valueFen: 5_000,
      tenderFen: 6_000,
    });
    expect(r.result).toMatchObject({
      type: 'chip_load',
      status: 'approved',
      amountFen: 5_000,
      otherTenderFen: 5_000,
      balanceFen: 15_000,
    });
    expect(r).toMatchObject({ changeFen: 1_000, handBackFen: 0 });
    expect(journalOf(r.result.stan)[0]!.chip).toMatchObject({
      kind: 'load',
      seq: 0,
      balanceAfterFen: 15_000,
    });
    // The chip now pays with the loaded value.
    const s = await t.call('sale.authorize', { cardToken: (await tap(EP)).cardToken, amountFen: 14_000 });
    expect(s).toMatchObject({ status: 'approved', balanceFen: 1_000 });
    await t.signIn('2001', '8888');
    const z = await t.call('shift.close', { countedFen: 5_000 });
    expect(z.report.settlement).toMatchObject({ status: 'settled' });
    expect(z.report.expectedCashFen).toBe(5_000);
    expect(chipShadow({ ledger: t.app.issuerSim!.ledger }, EP.padStart(20, '0'))).toMatchObject({
      balance_fen: 1_000,
      next_offline_seq: 1,
      next_online_seq: 1,
    });
  });

  it('with the link cut nothing is loaded and the cash is handed back', async () => {
    await t.call('link.set', { cut: true });
    const r = await t.call('card.topup', {
      cardToken: (await tap(EP, { balanceFen: 10_000 })).cardToken,
      valueFen: 5_000,
    });
    expect(r.result).toMatchObject({
      type: 'chip_load',
      status: 'declined',
      declineCode: 'ISSUER_UNREACHABLE',
    });
    expect(r.handBackFen).toBe(5_000);
    await t.call('link.set', { cut: false });
    const s = await t.call('sale.authorize', { cardToken: (await tap(EP)).cardToken, amountFen: 10_000 });
    expect(s).toMatchObject({ status: 'approved', balanceFen: 0 });
  });

  it('torn at CREDIT: pending until the card is back, then counted once', async () => {
    const c = await tap(EP, { balanceFen: 10_000, tearAt: 'credit' });
    const e = await t.callError('card.topup', { cardToken: c.cardToken, valueFen: 5_000 });
    expect(e.code).toBe('CHIP_TORN');
    const stan = Number(/stan (\d+)/.exec(e.detail ?? '')![1]);
    expect(row(stan)).toMatchObject({ type: 'chip_load', status: 'pending' });
    const settled = await t.call('chip.resolve', { cardToken: (await tap(EP)).cardToken, stan });
    expect(settled).toMatchObject({ type: 'chip_load', status: 'approved', balanceFen: 15_000 });
    expect(journalOf(stan)[0]!.chip).toMatchObject({ kind: 'load', proved: true });
  });
});

describe('after a crash (the app restarted on the same data)', () => {
  async function tornThenRestart(edit?: (stan: number) => void): Promise<number> {
    const c = await tap(EP, { balanceFen: 10_000, tearAt: 'debit' });
    const e = await t.callError('sale.authorize', { cardToken: c.cardToken, amountFen: 2_000 });
    const stan = Number(/stan (\d+)/.exec(e.detail ?? '')![1]);
    edit?.(stan);
    await t.app.close();
    t = await startTestApp({ dataDir: t.dataDir });
    return stan;
  }

  it('an open grey record keeps its row pending (never declined by recovery) and on the manager’s list', async () => {
    const stan = await tornThenRestart();
    expect(row(stan)).toMatchObject({ status: 'pending' });
    await t.signIn('2001', '8888');
    expect((await t.call('chip.exceptions', {})).map((x) => [x.stan, x.state])).toEqual([[stan, 'grey']]);
  });

  it('killed after the card’s proof was recorded but before the row: approved from the grey record at start', async () => {
    const stan = await tornThenRestart((s) =>
      t.app.db
        .prepare("UPDATE chip_txns SET state = 'done', tac = 'ED6F5112', proved = 1 WHERE stan = ?")
        .run(s),
    );
    expect(row(stan)).toMatchObject({ status: 'approved', balance_fen: 8_000 });
    expect(journalOf(stan)[0]!.chip).toMatchObject({ tac: 'ED6F5112', balanceAfterFen: 8_000 });
  });

  it('killed before the grey record was written (so before DEBIT): declined at start, nothing moved', async () => {
    const stan = await tornThenRestart((s) =>
      t.app.db.prepare('DELETE FROM chip_txns WHERE stan = ?').run(s),
    );
    expect(row(stan)).toMatchObject({ status: 'declined', decline_code: 'CHIP_ERROR' });
  });
});
