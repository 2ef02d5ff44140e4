/**
 * Blind count by denomination (点钞) through the real API, a real SQLite file and the real
 * issuer-sim over HTTP: the cashier counts the drawer note by note, the answer never carries the
 * expected figure, the manager closes with the cashier's count, and the Z report shows
 * variance = counted − expected with the breakdown. A breakdown that does not add up, or lists a
 * value twice, is a typed error and records nothing.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';

const ACTIVE = demoCard('active').pan;
const FLOAT = 30_000; // ¥300.00
const CASH = 2_000; // the cash part of one split sale: expected drawer = ¥320.00
const EXPECTED = FLOAT + CASH;
// 3×¥100 + 1×¥20 + 1×5角 = ¥320.50: ¥0.50 over.
const BY_NOTE = [
  { valueFen: 10_000, count: 3 },
  { valueFen: 5_000, count: 0 },
  { valueFen: 2_000, count: 1 },
  { valueFen: 50, count: 1 },
];
const COUNTED = 32_050;

let t: TestApp;
const countRows = () => (t.app.db.prepare('SELECT COUNT(*) AS n FROM shift_counts').get() as { n: number }).n;

beforeEach(async () => {
  t = await startTestApp({
    config: { issuer: { enrolToken: 'demo-enrol-token', timeoutMs: 1500, attempts: 2 } } as never,
    forwardMs: 3_600_000,
  });
  await t.signIn('2001', '8888');
  await t.call('shift.open', { openingFloatFen: FLOAT });
  await t.signIn();
  const s = await t.call('sale.authorize', {
    cardToken: await t.card(ACTIVE),
    amountFen: 1_250,
    otherTenderFen: CASH,
  });
  expect(s.status).toBe('approved');
});
afterEach(async () => {
  await t.close();
});

describe('blind count by denomination', () => {
  it("the cashier's count is used by the close: variance = counted − expected, breakdown on the Z", async () => {
    const answer = await t.call('shift.count', { countedFen: COUNTED, denominations: BY_NOTE });
    // Blind: the answer is "recorded" and when — no expected figure, no variance.
    expect(Object.keys(answer).sort()).toEqual(['countedAt', 'recorded']);
    expect(JSON.stringify(answer)).not.toContain(String(EXPECTED));

    // The cashier may learn that a count is in, not its figures.
    const mine = await t.call('shift.countInfo', {});
    expect(mine).toEqual({
      countedBy: '1001',
      countedAt: answer.countedAt,
      countedFen: null,
      denominations: null,
    });
    expect(await t.call('shift.current', {})).toMatchObject({ counted: true, varianceFen: null });

    await t.signIn('2001', '8888');
    const info = await t.call('shift.countInfo', {});
    expect(info).toMatchObject({ countedBy: '1001', countedFen: COUNTED });
    expect(info?.denominations).toEqual([
      { valueFen: 10_000, count: 3 },
      { valueFen: 2_000, count: 1 },
      { valueFen: 50, count: 1 },
    ]);

    const { report: z, doc } = await t.call('shift.close', {});
    expect(z.expectedCashFen).toBe(EXPECTED);
    expect(z.variance).toMatchObject({
      expectedFen: EXPECTED,
      countedFen: COUNTED,
      varianceFen: COUNTED - EXPECTED,
      status: 'over',
      needsAck: true,
    });
    expect(z.variance?.denominations).toEqual(info?.denominations);
    const lines = doc.lines.flatMap((l) => (l.type === 'pair' ? [`${l.left} ${l.right}`] : []));
    expect(lines).toEqual(
      expect.arrayContaining([
        '  ¥100 ×3 ¥300.00',
        '  ¥20 ×1 ¥20.00',
        '  ¥0.50 ×1 ¥0.50',
        '差异 长款 OVER +¥0.50',
      ]),
    );
    // The frozen Z keeps the breakdown; the CSV export carries it too.
    expect((await t.call('report.z', { shiftId: z.shiftId })).report.variance?.denominations).toHaveLength(3);
    const csv = Buffer.from(
      (await t.call('report.export', { kind: 'Z', shiftId: z.shiftId, format: 'csv' })).base64,
      'base64',
    ).toString('utf8');
    expect(csv).toContain('drawer_count,¥100,3,30000,300.00');
    expect(csv).toContain('drawer,counted,,32050,320.50');
    const audit = await t.call('audit.list', { limit: 50 });
    expect(audit.find((a) => a.action === 'shift.count')).toMatchObject({
      operatorId: '1001',
      detail: 'blind count by 1001 by denomination',
    });
  });

  it('a breakdown that does not add up is DENOMINATION_SUM_MISMATCH and records nothing', async () => {
    const e = await t.callError('shift.count', { countedFen: COUNTED + 100, denominations: BY_NOTE });
    expect(e.code).toBe('DENOMINATION_SUM_MISMATCH');
    expect(e.message).toBe('The counted notes and coins do not add up to the total');
    expect(e.detail).toContain(String(COUNTED));
    expect(countRows()).toBe(0);
    expect(await t.call('shift.countInfo', {})).toBeNull();
    expect(await t.call('shift.current', {})).toMatchObject({ counted: false });
    await t.signIn('2001', '8888');
    expect((await t.callError('shift.close', {})).code).toBe('COUNT_REQUIRED');
  });

  it('a value listed twice is DUPLICATE_DENOMINATION and records nothing', async () => {
    const e = await t.callError('shift.count', {
      countedFen: 30_000,
      denominations: [
        { valueFen: 10_000, count: 1 },
        { valueFen: 10_000, count: 2 },
      ],
    });
    expect(e.code).toBe('DUPLICATE_DENOMINATION');
    expect(countRows()).toBe(0);
  });

  it('rows that are not integer fen never reach the core', async () => {
    const e = await t.callError('shift.count', {
      countedFen: 50,
      denominations: [{ valueFen: 0.5, count: 100 }],
    });
    expect(e.code).toBe('BAD_REQUEST');
    expect(countRows()).toBe(0);
  });

  it("a manager's recount replaces the cashier's; a count by total has no breakdown", async () => {
    await t.call('shift.count', { countedFen: COUNTED, denominations: BY_NOTE });
    await t.signIn('2001', '8888');
    await t.call('shift.count', { countedFen: EXPECTED });
    expect(await t.call('shift.countInfo', {})).toMatchObject({
      countedBy: '2001',
      countedFen: EXPECTED,
      denominations: null,
    });
    const { report: z } = await t.call('shift.close', {});
    expect(z.variance).toMatchObject({ countedFen: EXPECTED, varianceFen: 0, status: 'balanced' });
    expect(z.variance?.denominations).toBeUndefined();
    expect(countRows()).toBe(2); // counts are appended, never overwritten
    expect(await t.call('shift.countInfo', {})).toBeNull(); // no shift open any more
  });
});
