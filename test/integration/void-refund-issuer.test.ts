/**
 * Void and refund on real parts: the issuer-sim over HTTP, a real SQLite file, the journal,
 * manager overrides, the audit log.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';

const ACTIVE = demoCard('active').pan;
const GIFT = demoCard('gift').pan;
const MGR = { operatorId: '2001', pin: '8888' };

let t: TestApp;
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

async function sale(pan: string, amountFen: number, otherTenderFen?: number) {
  return t.call('sale.authorize', {
    cardToken: await t.card(pan),
    amountFen,
    ...(otherTenderFen ? { otherTenderFen } : {}),
  });
}

describe('void', () => {
  it('voids a sale of the open shift with an override: balance restored, void receipt, journaled, audited', async () => {
    const before = t.issuerBalance(ACTIVE);
    const s = await sale(ACTIVE, 1250);
    expect(t.issuerBalance(ACTIVE)).toBe(before - 1250);
    const v = await t.call('txn.void', { origStan: s.stan, override: MGR });
    expect(v.result).toMatchObject({ type: 'void', status: 'approved', amountFen: 1250, balanceFen: before });
    expect(t.issuerBalance(ACTIVE)).toBe(before);
    const text = v
      .receipt!.doc.lines.map((l) =>
        l.type === 'text' ? l.text : l.type === 'pair' ? `${l.left} ${l.right}` : '',
      )
      .join('\n');
    expect(text).toContain('撤销 VOID');
    expect(text).toContain('**** 0017');
    const journal = t.app.db.prepare("SELECT body FROM journal WHERE type = 'void'").all() as Array<{
      body: string;
    }>;
    expect(journal).toHaveLength(1);
    expect(JSON.parse(journal[0].body)).toMatchObject({
      origStan: s.stan,
      amountFen: 1250,
      status: 'approved',
      operatorId: '1001',
    });
    const audit = await (async () => {
      await t.signIn('2001', '8888');
      return t.call('audit.list', { limit: 50 });
    })();
    expect(audit.find((a) => a.action === 'txn.void')).toMatchObject({
      operatorId: '1001',
      approvedBy: '2001',
      stan: v.result.stan,
      outcome: 'ok',
    });
    expect(audit.find((a) => a.action === 'override.void')).toMatchObject({
      approvedBy: '2001',
      stan: s.stan,
    });
  });

  it('needs a manager PIN: none, a cashier PIN and a wrong PIN are all refused and nothing moves', async () => {
    const s = await sale(ACTIVE, 500);
    const bal = t.issuerBalance(ACTIVE);
    expect(
      (await t.callError('txn.void', { origStan: s.stan, override: { operatorId: '1001', pin: '1234' } }))
        .code,
    ).toBe('FORBIDDEN');
    expect(
      (await t.callError('txn.void', { origStan: s.stan, override: { operatorId: '2001', pin: '0000' } }))
        .code,
    ).toBe('BAD_PIN');
    expect((await t.callError('txn.void', { origStan: s.stan } as never)).code).toBe('BAD_REQUEST');
    expect(t.issuerBalance(ACTIVE)).toBe(bal);
  });

  it('a sale is voided once: the second void is refused by the terminal', async () => {
    const s = await sale(ACTIVE, 700);
    await t.call('txn.void', { origStan: s.stan, override: MGR });
    expect((await t.callError('txn.void', { origStan: s.stan, override: MGR })).code).toBe('ALREADY_VOIDED');
    expect(t.app.issuerSim!.ledger.entries(ACTIVE).filter((e) => e.kind === 'void')).toHaveLength(1);
  });

  it('the issuer refuses a second void of the same sale under another STAN (idempotent per original)', async () => {
    const s = await sale(ACTIVE, 300);
    await t.call('txn.void', { origStan: s.stan, override: MGR });
    // Erase the terminal's memory of the void (as if its row were lost) and void again.
    t.app.db.prepare("UPDATE txns SET status = 'declined' WHERE type = 'void'").run();
    const again = await t.call('txn.void', { origStan: s.stan, override: MGR });
    expect(again.result).toMatchObject({ status: 'declined', declineCode: 'ALREADY_REVERSED' });
    expect(t.app.issuerSim!.ledger.entries(ACTIVE).filter((e) => e.kind === 'void')).toHaveLength(1);
  });

  it('a sale of a closed, settled batch cannot be voided: refund instead', async () => {
    const s = await sale(ACTIVE, 900);
    await t.signIn('2001', '8888');
    await t.call('shift.close', { countedFen: 10_000 });
    await t.call('shift.open', { openingFloatFen: 10_000 });
    expect((await t.callError('txn.void', { origStan: s.stan, override: MGR })).code).toBe(
      'VOID_NOT_ALLOWED',
    );
    const r = await t.call('txn.refund', { origStan: s.stan, amountFen: 900, override: MGR });
    expect(r.result.status).toBe('approved');
  });
});

describe('refund', () => {
  it('partial refunds against a STAN up to the original, never more in total', async () => {
    const before = t.issuerBalance(GIFT);
    const s = await sale(GIFT, 5000);
    const r1 = await t.call('txn.refund', { origStan: s.stan, amountFen: 2000, override: MGR });
    expect(r1.result).toMatchObject({
      type: 'refund',
      status: 'approved',
      amountFen: 2000,
      balanceFen: before - 3000,
    });
    const over = await t.callError('txn.refund', { origStan: s.stan, amountFen: 3001, override: MGR });
    expect(over.code).toBe('AMOUNT_EXCEEDS_ORIGINAL');
    const r2 = await t.call('txn.refund', { origStan: s.stan, amountFen: 3000, override: MGR });
    expect(r2.result.status).toBe('approved');
    expect(t.issuerBalance(GIFT)).toBe(before);
    expect((await t.callError('txn.refund', { origStan: s.stan, amountFen: 1, override: MGR })).code).toBe(
      'AMOUNT_EXCEEDS_ORIGINAL',
    );
  });

  it('the issuer also refuses a refund over what is left (a terminal that forgot its refunds)', async () => {
    const s = await sale(GIFT, 1000);
    await t.call('txn.refund', { origStan: s.stan, amountFen: 1000, override: MGR });
    t.app.db.prepare("UPDATE txns SET status = 'declined' WHERE type = 'refund'").run();
    const again = await t.call('txn.refund', { origStan: s.stan, amountFen: 1000, override: MGR });
    expect(again.result).toMatchObject({ status: 'declined', declineCode: 'AMOUNT_EXCEEDS_ORIGINAL' });
  });

  it('unlinked refund credits a presented card, with an override', async () => {
    const before = t.issuerBalance(ACTIVE);
    const r = await t.call('txn.refund', { cardToken: await t.card(ACTIVE), amountFen: 888, override: MGR });
    expect(r.result).toMatchObject({ type: 'refund', status: 'approved', balanceFen: before + 888 });
    expect(t.issuerBalance(ACTIVE)).toBe(before + 888);
    expect(
      (
        await t.callError('txn.refund', {
          cardToken: await t.card(ACTIVE),
          amountFen: 1,
          override: { operatorId: '1001', pin: '1234' },
        })
      ).code,
    ).toBe('FORBIDDEN');
  });

  it('an unreachable issuer declines the refund and moves nothing', async () => {
    const s = await sale(ACTIVE, 400);
    const bal = t.issuerBalance(ACTIVE);
    t.app.link.setCut(true);
    const r = await t.call('txn.refund', { origStan: s.stan, amountFen: 400, override: MGR });
    expect(r.result).toMatchObject({ status: 'declined', declineCode: 'ISSUER_UNREACHABLE' });
    t.app.link.setCut(false);
    expect(t.issuerBalance(ACTIVE)).toBe(bal);
  });

  it('a lost answer to a void is reversed by the background loop: the card ends where it was after the sale', async () => {
    const s = await sale(ACTIVE, 650);
    const afterSale = t.issuerBalance(ACTIVE);
    t.app.issuerSim!.setFault('drop-response');
    const v = await t.call('txn.void', { origStan: s.stan, override: MGR });
    t.app.issuerSim!.setFault('none');
    expect(v.result).toMatchObject({ status: 'declined', declineCode: 'ISSUER_UNREACHABLE' });
    expect(t.issuerBalance(ACTIVE)).toBe(afterSale + 650); // the issuer did apply it
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(t.issuerBalance(ACTIVE)).toBe(afterSale);
  });
});
