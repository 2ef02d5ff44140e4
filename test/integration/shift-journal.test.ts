/**
 * Shift close verifies the journal (chain + signatures) since the last close, and an edit found
 * refuses the close (JOURNAL_CHECK_FAILED) until a manager acknowledges it with a PIN.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';

let t: TestApp;
const MANAGER = { operatorId: '2001', pin: '8888' };
afterEach(async () => {
  await t.close();
});

describe('journal check at close', () => {
  it('clean journal: verified incrementally, the second close checks only its own records', async () => {
    t = await startTestApp();
    await t.signIn('2001', '8888');
    await t.call('shift.open', { openingFloatFen: 0 });
    for (const a of [100, 200, 300])
      await t.call('sale.authorize', { cardToken: await t.card(demoCard('active').pan), amountFen: a });
    const z1 = (await t.call('shift.close', { countedFen: 0 })).report;
    expect(z1.journal).toMatchObject({ ok: true, checked: 3, lastSeq: 3, headSeq: 3 });
    expect(z1.journal!.headHash).toMatch(/^[0-9a-f]{64}$/);
    await t.call('shift.open', { openingFloatFen: 0 });
    await t.call('sale.authorize', { cardToken: await t.card(demoCard('active').pan), amountFen: 50 });
    const z2 = (await t.call('shift.close', { countedFen: 0 })).report;
    expect(z2.journal).toMatchObject({ ok: true, checked: 1, lastSeq: 4 });
  });

  it('an edited journal record refuses the close until a manager acknowledges; the Z says so; the audit log has both', async () => {
    t = await startTestApp();
    await t.signIn('2001', '8888');
    await t.call('shift.open', { openingFloatFen: 0 });
    for (const a of [1250, 200])
      await t.call('sale.authorize', { cardToken: await t.card(demoCard('active').pan), amountFen: a });
    // Someone with the file drops the append-only trigger and lowers an amount.
    t.app.db.exec('DROP TRIGGER journal_no_update');
    t.app.db
      .prepare(
        'UPDATE journal SET body = replace(body, \'"amountFen":1250\', \'"amountFen":1150\') WHERE seq = 1',
      )
      .run();
    const refused = await t.callError('shift.close', { countedFen: 0 });
    expect(refused.code).toBe('JOURNAL_CHECK_FAILED');
    expect(refused.detail).toMatch(/^seq 1: (signature|chain)/);
    expect((await t.call('shift.current', {}))?.status).toBe('open');
    // A wrong PIN does not acknowledge.
    expect(
      (await t.callError('shift.close', { countedFen: 0, journalAck: { ...MANAGER, pin: '0000' } })).code,
    ).toBe('BAD_PIN');
    const { report, doc } = await t.call('shift.close', { countedFen: 0, journalAck: MANAGER });
    expect(report.journal).toMatchObject({ ok: false, acknowledgedBy: '2001' });
    expect(report.journal!.problem).toMatch(/^seq 1: (signature|chain)/);
    expect(doc.lines.some((l) => l.type === 'pair' && l.right.includes('FAILED'))).toBe(true);
    const audit = await t.call('audit.list', { limit: 20 });
    expect(audit.find((a) => a.action === 'shift.close' && a.outcome === 'failed')).toBeTruthy();
    expect(audit.find((a) => a.action === 'journal.acknowledge')).toMatchObject({ approvedBy: '2001' });
  });

  it('a record edited after the last Z checkpoint is found by the incremental check, and stays found', async () => {
    t = await startTestApp();
    await t.signIn('2001', '8888');
    const sale = async (amountFen: number) =>
      t.call('sale.authorize', { cardToken: await t.card(demoCard('active').pan), amountFen });
    await t.call('shift.open', { openingFloatFen: 0 });
    await sale(100);
    await sale(200);
    const z1 = (await t.call('shift.close', { countedFen: 0 })).report;
    expect(z1.journal).toMatchObject({ ok: true, checked: 2, lastSeq: 2 });

    await t.call('shift.open', { openingFloatFen: 0 });
    await sale(1250);
    await sale(300);
    // Records 3 and 4 lie after the checkpoint (seq 2) the first Z stored; lower record 3's amount.
    t.app.db.exec('DROP TRIGGER journal_no_update');
    const edited = t.app.db
      .prepare(
        'UPDATE journal SET body = replace(body, \'"amountFen":1250\', \'"amountFen":1150\') WHERE seq = 3',
      )
      .run();
    expect(edited.changes).toBe(1);
    expect((await t.callError('shift.close', { countedFen: 0 })).code).toBe('JOURNAL_CHECK_FAILED');
    const z2 = (await t.call('shift.close', { countedFen: 0, journalAck: MANAGER })).report;
    // Checked from the checkpoint on: record 3 is the first read, and the first bad one.
    expect(z2.journal).toMatchObject({ ok: false, checked: 1, lastSeq: 2 });
    expect(z2.journal!.problem).toMatch(/^seq 3: signature/);

    // The failed close keeps the old checkpoint, so the next close checks record 3 again.
    await t.call('shift.open', { openingFloatFen: 0 });
    await sale(50);
    const z3 = (await t.call('shift.close', { countedFen: 0, journalAck: MANAGER })).report;
    expect(z3.journal).toMatchObject({ ok: false, lastSeq: 2 });
    expect(z3.journal!.problem).toMatch(/^seq 3: signature/);
  });
});
