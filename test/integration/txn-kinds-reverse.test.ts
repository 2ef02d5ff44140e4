/**
 * The issuer simulator's reverse follows the reversed request's kind (src/shared/txn-kinds.ts):
 * whatever the kind did to the card is undone — a sale's debit credited back, a void's or a
 * refund's credit debited back — on real parts (issuer-sim over HTTP, real SQLite, the terminal's
 * own reversal queue). Before kinds were data only `authorize` was credited back by the base
 * handler; a refund's lost answer is the case a per-kind list forgets.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, tempDir, type TestApp } from '../helpers/app';
import { IssuerLedger } from '../../src/issuer-sim/ledger';
import { demoCard } from '../../src/issuer-sim/demo-cards';

const ACTIVE = demoCard('active').pan;
const MGR = { operatorId: '2001', pin: '8888' };

let t: TestApp;

async function sale(amountFen: number) {
  return t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen });
}

describe('reverse undoes every money kind by its card direction', () => {
  beforeEach(async () => {
    t = await startTestApp({
      config: { issuer: { enrolToken: 'demo-enrol-token', timeoutMs: 1500, attempts: 2 } } as never,
    });
    await t.signIn('2001', '8888');
    await t.call('shift.open', { openingFloatFen: 10_000 });
    await t.signIn();
  });
  afterEach(async () => {
    await t.close();
  });

  it('a sale whose answer was lost is credited back', async () => {
    const before = t.issuerBalance(ACTIVE);
    t.app.issuerSim!.setFault('drop-response');
    const s = await sale(480);
    t.app.issuerSim!.setFault('none');
    expect(s).toMatchObject({ status: 'declined', declineCode: 'ISSUER_UNREACHABLE' });
    expect(t.issuerBalance(ACTIVE)).toBe(before - 480); // the issuer did apply it
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(t.issuerBalance(ACTIVE)).toBe(before);
  });

  it('a linked refund whose answer was lost is debited back, and the sale can be refunded again', async () => {
    const s = await sale(3000);
    const afterSale = t.issuerBalance(ACTIVE);
    t.app.issuerSim!.setFault('drop-response');
    const r = await t.call('txn.refund', { origStan: s.stan, amountFen: 1000, override: MGR });
    t.app.issuerSim!.setFault('none');
    expect(r.result).toMatchObject({ type: 'refund', status: 'declined', declineCode: 'ISSUER_UNREACHABLE' });
    expect(t.issuerBalance(ACTIVE)).toBe(afterSale + 1000); // credited at the issuer
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(t.issuerBalance(ACTIVE)).toBe(afterSale);
    // The reversed refund no longer counts against the sale at the issuer: the full amount is refundable.
    const again = await t.call('txn.refund', { origStan: s.stan, amountFen: 3000, override: MGR });
    expect(again.result).toMatchObject({ type: 'refund', status: 'approved', balanceFen: afterSale + 3000 });
  });

  it('an unlinked refund whose answer was lost is debited back', async () => {
    const before = t.issuerBalance(ACTIVE);
    t.app.issuerSim!.setFault('drop-response');
    const r = await t.call('txn.refund', { cardToken: await t.card(ACTIVE), amountFen: 700, override: MGR });
    t.app.issuerSim!.setFault('none');
    expect(r.result).toMatchObject({ status: 'declined' });
    expect(t.issuerBalance(ACTIVE)).toBe(before + 700);
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(t.issuerBalance(ACTIVE)).toBe(before);
  });

  it('an inquiry whose answer was lost queues no reversal (it moved nothing)', async () => {
    const before = t.issuerBalance(ACTIVE);
    t.app.issuerSim!.setFault('drop-response');
    const q = await t.call('balance.inquiry', { cardToken: await t.card(ACTIVE) });
    t.app.issuerSim!.setFault('none');
    expect(q).toMatchObject({ type: 'inquiry', status: 'declined' });
    expect(t.app.db.prepare('SELECT COUNT(*) AS n FROM reversals').get()).toEqual({ n: 0 });
    expect(t.issuerBalance(ACTIVE)).toBe(before);
  });
});

describe('a reversal that arrives before its original (issuer-sim ledger, real SQLite file)', () => {
  it('the late original of every reversible kind is ALREADY_REVERSED and not applied; an inquiry is not', () => {
    const ledger = new IssuerLedger(path.join(tempDir('cardtill-ledger-'), 'issuer.db'));
    try {
      const answer = (type: string, stan: number) => {
        ledger.tombstone('T0000001', stan);
        let decided = false;
        const { response } = ledger.idempotent(
          { terminalId: 'T0000001', stan, type, requestHash: `h${stan}` },
          () => {
            decided = true;
            return { result: 'approved' };
          },
          (d) => JSON.stringify(d),
        );
        return { decided, ...(JSON.parse(response) as { result: string; code?: string }) };
      };
      for (const [i, wire] of ['authorize', 'void', 'refund'].entries())
        expect(answer(wire, 10 + i), wire).toEqual({
          decided: false,
          result: 'declined',
          code: 'ALREADY_REVERSED',
        });
      // Nothing to reverse in an inquiry: the STAN is simply taken.
      expect(answer('inquiry', 20)).toEqual({ decided: false, result: 'declined', code: 'DUPLICATE_STAN' });
    } finally {
      ledger.close();
    }
  });
});
