/**
 * Shift close and settlement (对账) against the real issuer-sim over HTTP: a clean settlement, then
 * one injected discrepancy of each kind — missing at the issuer, missing at the terminal, amount
 * differs, still in the offline queue — each reported with its kind and the manager's next step.
 * Discrepancies are injected the way they happen in life: a record lost or altered in the issuer's
 * own ledger, an advice that never left the till.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';

const ACTIVE = demoCard('active').pan;
const GIFT = demoCard('gift').pan;
const LOST = demoCard('lost').pan;
const MGR = { operatorId: '2001', pin: '8888' };

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({
    config: { issuer: { enrolToken: 'demo-enrol-token', timeoutMs: 1500, attempts: 2 } } as never,
    forwardMs: 3_600_000,
  });
  await t.signIn('2001', '8888');
  await t.call('shift.open', { openingFloatFen: 20_000 });
  await t.signIn();
});
afterEach(async () => {
  await t.close();
});

const sale = async (pan: string, amountFen: number, otherTenderFen?: number) =>
  t.call('sale.authorize', {
    cardToken: await t.card(pan),
    amountFen,
    ...(otherTenderFen ? { otherTenderFen } : {}),
  });
const issuerDb = () => t.app.issuerSim!.ledger.db;
const tid = () => t.app.config.terminalId;

/** A typical shift: sales (one split), a void, a partial refund, an inquiry, a decline. */
async function typicalShift() {
  const s1 = await sale(ACTIVE, 1250);
  const s2 = await sale(GIFT, 3000, 500);
  const s3 = await sale(ACTIVE, 700);
  await t.call('txn.void', { origStan: s3.stan, override: MGR });
  await t.call('txn.refund', { origStan: s2.stan, amountFen: 1000, override: MGR });
  await t.call('balance.inquiry', { cardToken: await t.card(GIFT) });
  const d = await sale(LOST, 100);
  expect(d.status).toBe('declined');
  return { s1, s2, s3 };
}

async function closeAsManager(countedFen: number, force?: typeof MGR) {
  await t.signIn('2001', '8888');
  return t.call('shift.close', { countedFen, ...(force ? { force } : {}) });
}

describe('clean settlement', () => {
  it('totals, variance and settlement all agree; the batch is settled', async () => {
    await typicalShift();
    // Blind count by the cashier: the answer says nothing about the expected figure.
    const counted = await t.call('shift.count', { countedFen: 20_400 });
    expect(Object.keys(counted).sort()).toEqual(['countedAt', 'recorded']);
    const current = await t.call('shift.current', {});
    expect(current).toMatchObject({ counted: true, varianceFen: null, netCardFen: null });
    await t.signIn('2001', '8888');
    const { report: z, doc } = await t.call('shift.close', {});
    expect(z.kind).toBe('Z');
    expect(z.totals.sales).toEqual({ count: 3, amountFen: 4950, cashFen: 500 });
    expect(z.totals.voids).toEqual({ count: 1, amountFen: 700, cashFen: 0 });
    expect(z.totals.refunds).toEqual({ count: 1, amountFen: 1000 });
    expect(z.totals.inquiries.count).toBe(1);
    expect(z.totals.declined).toEqual({ count: 1, byCode: { CARD_LOST: 1 } });
    expect(z.totals.netCardFen).toBe(4950 - 700 - 1000);
    expect(z.expectedCashFen).toBe(20_500);
    expect(z.variance).toMatchObject({
      expectedFen: 20_500,
      countedFen: 20_400,
      varianceFen: -100,
      status: 'short',
      needsAck: true,
    });
    expect(z.journal).toMatchObject({ ok: true });
    expect(z.journal!.checked).toBeGreaterThanOrEqual(7);
    expect(z.settlement).toMatchObject({ batchNo: 1, status: 'settled', discrepancies: [] });
    expect(z.settlement!.issuerTotals).toEqual(z.settlement!.terminalTotals);
    expect(z.settlement!.terminalTotals).toEqual({
      saleCount: 3,
      saleFen: 4950,
      voidCount: 1,
      voidFen: 700,
      refundCount: 1,
      refundFen: 1000,
      activateCount: 0,
      activateFen: 0,
      topupCount: 0,
      topupFen: 0,
      cashoutCount: 0,
      cashoutFen: 0,
      replaceCount: 0,
      replaceFen: 0,
      loadvoidCount: 0,
      loadvoidFen: 0,
    });
    const text = doc.lines
      .map((l) => (l.type === 'text' ? l.text : l.type === 'pair' ? `${l.left} ${l.right}` : ''))
      .join('\n');
    expect(text).toContain('Z 结班报表 Z REPORT');
    expect(text).toContain('-¥1.00');
    expect(text).toContain('已平 SETTLED');
  });

  it('the next shift cannot open until the variance is acknowledged; a closed shift cannot be changed', async () => {
    await sale(ACTIVE, 100, 100);
    const { report } = await closeAsManager(20_000); // ¥1.00 short
    expect((await t.callError('shift.open', { openingFloatFen: 20_000 })).code).toBe(
      'VARIANCE_NOT_ACKNOWLEDGED',
    );
    await t.call('shift.acknowledge', { shiftId: report.shiftId });
    await t.call('shift.open', { openingFloatFen: 20_000 });
    expect(() =>
      t.app.db.prepare('UPDATE shifts SET counted_fen = 1 WHERE id = ?').run(report.shiftId),
    ).toThrow(/closed shift cannot be changed/);
    expect(() => t.app.db.prepare('DELETE FROM shifts WHERE id = ?').run(report.shiftId)).toThrow(/5 years/);
    expect(() => t.app.db.prepare('DELETE FROM audit_log').run()).toThrow(/5 years/);
    expect(() => t.app.db.prepare('UPDATE batches SET to_stan = 0').run()).toThrow(/append-only/);
    expect(() => t.app.db.prepare('DELETE FROM settlements').run()).toThrow(/5 years/);
  });

  it('close needs a blind count; a cashier cannot close or see reports', async () => {
    await t.signIn('2001', '8888');
    expect((await t.callError('shift.close', {})).code).toBe('COUNT_REQUIRED');
    await t.signIn();
    expect((await t.callError('shift.close', { countedFen: 1 })).code).toBe('FORBIDDEN');
    expect((await t.callError('report.x', {})).code).toBe('FORBIDDEN');
    expect((await t.callError('audit.list', { limit: 5 })).code).toBe('FORBIDDEN');
  });

  it('Z reprint needs an override and is marked as a copy', async () => {
    await sale(ACTIVE, 100);
    const { report } = await closeAsManager(20_100);
    const first = await t.call('report.print', { kind: 'Z', shiftId: report.shiftId });
    expect(first).toMatchObject({ printed: true, copy: false });
    expect((await t.callError('report.print', { kind: 'Z', shiftId: report.shiftId })).code).toBe(
      'OVERRIDE_REQUIRED',
    );
    const again = await t.call('report.print', { kind: 'Z', shiftId: report.shiftId, override: MGR });
    expect(again).toMatchObject({ printed: true, copy: true });
    const z = await t.call('report.z', { shiftId: report.shiftId });
    expect(z.copy).toBe(true);
    expect(z.doc.lines.filter((l) => l.type === 'text' && l.text.includes('副本 COPY'))).toHaveLength(2);
    const audit = await t.call('audit.list', { limit: 100 });
    expect(audit.find((a) => a.action === 'report.z.reprint')).toMatchObject({
      approvedBy: '2001',
      shiftId: report.shiftId,
    });
  });
});

describe('exports', () => {
  it('X and Z as CSV and PDF, and the audit log, through the API', async () => {
    await typicalShift();
    await t.signIn('2001', '8888');
    const xcsv = await t.call('report.export', { kind: 'X', format: 'csv' });
    expect(xcsv).toMatchObject({
      mime: 'text/csv;charset=utf-8',
      filename: expect.stringMatching(/-X-1\.csv$/),
    });
    expect(Buffer.from(xcsv.base64, 'base64').toString('utf8')).toContain('type,refund,1,1000,10.00');
    const { report } = await t.call('shift.close', { countedFen: 20_500 });
    const zpdf = await t.call('report.export', { kind: 'Z', shiftId: report.shiftId, format: 'pdf' });
    const pdf = Buffer.from(zpdf.base64, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/FontFile2/);
    const audit = await t.call('audit.export', { format: 'csv' });
    const lines = Buffer.from(audit.base64, 'base64').toString('utf8').trim().split('\r\n');
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.some((l) => l.includes('txn.void') && l.includes('2001'))).toBe(true);
    expect(lines.join('\n')).not.toContain(ACTIVE); // card numbers never in the audit log
  });
});

describe('discrepancies, one of each kind', () => {
  it('missing at the issuer: the issuer lost a sale', async () => {
    const { s1 } = await typicalShift();
    issuerDb().prepare('DELETE FROM requests WHERE terminal_id = ? AND stan = ?').run(tid(), s1.stan);
    const { report } = await closeAsManager(20_500);
    expect(report.settlement!.status).toBe('unmatched');
    expect(report.settlement!.discrepancies).toEqual([
      expect.objectContaining({
        kind: 'missing_at_issuer',
        stan: s1.stan,
        type: 'sale',
        terminalFen: 1250,
        issuerFen: null,
        action: expect.objectContaining({ zh: expect.stringContaining('补登') }),
      }),
    ]);
  });

  it('missing at the terminal: the issuer approved a sale the till recorded as declined', async () => {
    await typicalShift();
    const declined = await sale(LOST, 4321);
    expect(declined.status).toBe('declined');
    // The issuer's ledger says approved (as if its answer to the till had been a different one).
    issuerDb()
      .prepare(
        "UPDATE requests SET result = 'approved', amount_fen = 4321 WHERE terminal_id = ? AND stan = ?",
      )
      .run(tid(), declined.stan);
    const { report } = await closeAsManager(20_500);
    expect(report.settlement!.status).toBe('unmatched');
    expect(report.settlement!.discrepancies).toEqual([
      expect.objectContaining({
        kind: 'missing_at_terminal',
        stan: declined.stan,
        type: 'sale',
        terminalFen: null,
        issuerFen: 4321,
        action: expect.objectContaining({ en: expect.stringContaining('reverse') }),
      }),
    ]);
  });

  it('amount differs', async () => {
    const { s1 } = await typicalShift();
    issuerDb()
      .prepare('UPDATE requests SET amount_fen = 1350 WHERE terminal_id = ? AND stan = ?')
      .run(tid(), s1.stan);
    const { report } = await closeAsManager(20_500);
    expect(report.settlement!.status).toBe('unmatched');
    expect(report.settlement!.issuerTotals!.saleFen).toBe(4950 + 100);
    expect(report.settlement!.discrepancies).toEqual([
      expect.objectContaining({ kind: 'amount_differs', stan: s1.stan, terminalFen: 1250, issuerFen: 1350 }),
    ]);
  });

  it('still in the offline queue: close refused until forced; forced, it carries into the next batch and settles there', async () => {
    await sale(ACTIVE, 1000); // online: the balance becomes known for offline approval
    t.app.ctx.offline.forwarder.stop(); // hold the advice in the queue
    t.app.link.setCut(true);
    const off = await sale(ACTIVE, 2000);
    expect(off).toMatchObject({ status: 'approved', offline: true });
    t.app.link.setCut(false);
    await t.signIn('2001', '8888');
    expect((await t.callError('shift.close', { countedFen: 20_000 })).code).toBe('BATCH_HAS_UNSENT');
    expect(
      (await t.callError('shift.close', { countedFen: 20_000, force: { operatorId: '1001', pin: '1234' } }))
        .code,
    ).toBe('FORBIDDEN');
    const { report } = await t.call('shift.close', { countedFen: 20_000, force: MGR });
    expect(report.settlement).toMatchObject({ status: 'settled', forced: true, carriedOut: [off.stan] });
    expect(report.settlement!.terminalTotals).toMatchObject({ saleCount: 1, saleFen: 1000 });
    // Settled is settled: no discrepancy table; the advice is carried out, and still unsent.
    expect(report.settlement!.discrepancies).toEqual([]);
    expect(report.settlement!.carriedOutUnsent).toEqual([off.stan]);
    // Next batch: the advice goes out, and settles with batch 2 (carried in).
    await t.call('shift.open', { openingFloatFen: 20_000 });
    await forwardQueue();
    await sale(GIFT, 300);
    const second = await t.call('shift.close', { countedFen: 20_000 });
    expect(second.report.settlement).toMatchObject({
      batchNo: 2,
      status: 'settled',
      carriedIn: [off.stan],
      discrepancies: [],
    });
    expect(second.report.settlement!.terminalTotals).toMatchObject({ saleCount: 2, saleFen: 2300 });
  });
});

describe('one truth per shift (issue 11 item 18)', () => {
  it('forced close with the link cut, queue forwarded, settled again: no stale "still in the offline queue", the audit agrees', async () => {
    await sale(ACTIVE, 1000);
    t.app.ctx.offline.forwarder.stop();
    t.app.link.setCut(true);
    const off = await sale(ACTIVE, 2000);
    expect(off).toMatchObject({ status: 'approved', offline: true });
    const { report } = await closeAsManager(20_000, MGR);
    expect(report.settlement).toMatchObject({ status: 'unreachable', carriedOutUnsent: [off.stan] });
    expect(report.settlement!.discrepancies).toEqual([
      expect.objectContaining({ kind: 'in_offline_queue', stan: off.stan }),
    ]);
    t.app.link.setCut(false);
    await forwardQueue();
    // Read again before settling: the advice has reached the issuer, so it is no longer "in the queue".
    const before = await t.call('report.z', { shiftId: report.shiftId });
    expect(before.report.settlement!.discrepancies).toEqual([]);
    expect(before.report.settlement!.carriedOutUnsent).toEqual([]);
    const again = await t.call('shift.settle', { shiftId: report.shiftId });
    expect(again).toMatchObject({
      status: 'settled',
      discrepancies: [],
      carriedOut: [off.stan],
      carriedOutUnsent: [],
    });
    const last = t.app.ctx.audit.list({ limit: 50 }).find((a) => a.action === 'batch.settle')!;
    expect(last.detail).toBe('batch 1: settled, 0 discrepancies, 1 carried to next batch');
    // And the shift list says the same as the Z.
    const row = (await t.call('shift.list', { limit: 10 })).find((x) => x.id === report.shiftId)!;
    expect(row.settlement).toBe('settled');
  });
});

/** Sends the held advice with the offline area's own forwarding (a fresh forwarder run). */
async function forwardQueue(): Promise<void> {
  const f = t.app.ctx.offline.forwarder as unknown as { stopped: boolean; forwardNow(): Promise<unknown> };
  f.stopped = false;
  await f.forwardNow();
  f.stopped = true;
  const unsent = t.app.db
    .prepare('SELECT COUNT(*) AS n FROM offline_queue WHERE forwarded_at IS NULL')
    .get() as { n: number };
  expect(unsent.n).toBe(0);
}

describe('settlement the issuer answers but does not accept', () => {
  it('a signed refusal is "refused" with the issuer code, an answer that is not a settlement is "bad_answer"; neither is "unreachable", and a retry settles', async () => {
    await sale(ACTIVE, 1250);
    await t.call('shift.count', { countedFen: 20_000 });
    t.app.issuerSim!.setFault('refuse-settle');
    const { report: z, doc } = await closeAsManager(20_000);
    expect(z.settlement).toMatchObject({ status: 'refused', issuerCode: 'ISSUER_ERROR' });
    const text = doc.lines
      .map((l) => (l.type === 'text' ? l.text : l.type === 'pair' ? `${l.left} ${l.right}` : ''))
      .join('\n');
    expect(text).toContain('发卡方拒绝 REFUSED');
    expect(text).not.toContain('UNREACHABLE');

    t.app.issuerSim!.setFault('bad-settlement');
    const shiftId = z.shiftId;
    const again = await t.call('shift.settle', { shiftId });
    expect(again).toMatchObject({ status: 'bad_answer', issuerCode: null });

    t.app.issuerSim!.setFault('none');
    const settled = await t.call('shift.settle', { shiftId });
    expect(settled.status).toBe('settled');
    // Every attempt is kept, each with what really happened.
    const rows = t.app.db.prepare('SELECT status, issuer_code FROM settlements ORDER BY id').all();
    expect(rows).toEqual([
      { status: 'refused', issuer_code: 'ISSUER_ERROR' },
      { status: 'bad_answer', issuer_code: null },
      { status: 'settled', issuer_code: null },
    ]);
  });
});
