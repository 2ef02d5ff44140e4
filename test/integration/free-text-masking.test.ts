/**
 * A card number typed into a free-text field is stored and shown masked (src/shared/free-text.ts):
 * an operator's name (listed by the public `auth.operators`), a variance note, audit details —
 * checked through the real dispatcher and in the SQLite file's rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';

const PAN = '6222021234567890';
const SPACED = '6222 0212 3456 7891';
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  await t.signIn('2001', '8888');
});
afterAll(async () => {
  await t.close();
});

/** Every text cell of a table, joined: where a clear number would show. */
function tableText(table: string): string {
  return JSON.stringify(t.app.db.prepare(`SELECT * FROM ${table}`).all());
}
const clear = (s: string) => s.includes(PAN) || s.includes(SPACED) || s.includes(SPACED.replace(/ /g, ''));

describe('free text is masked', () => {
  it('an operator named with a card number is stored and listed masked, even to the public list', async () => {
    const a = await t.call('operators.add', { id: '4001', name: PAN, role: 'cashier', pin: '4321' });
    expect(a.name).toBe('622202******7890');
    const b = await t.call('operators.add', {
      id: '4002',
      name: `小王 ${SPACED}`,
      role: 'cashier',
      pin: '4321',
    });
    expect(b.name).toBe('小王 6222 02** **** 7891');
    const listed = await t.call('auth.operators', {});
    expect(listed.map((o) => o.name)).toEqual(
      expect.arrayContaining(['622202******7890', '小王 6222 02** **** 7891']),
    );
    expect(clear(JSON.stringify(listed))).toBe(false);
    expect(clear(tableText('operators'))).toBe(false);
  });

  it('a variance note with a card number is stored masked, and the audit detail too', async () => {
    await t.call('shift.open', { openingFloatFen: 10_000 });
    const { report } = await t.call('shift.close', { countedFen: 30_000 });
    expect(report.variance?.needsAck).toBe(true);
    await t.call('shift.acknowledge', { shiftId: report.shiftId, note: `找到顾客的卡 ${SPACED}，已交还` });
    expect(tableText('shift_acks')).toContain('6222 02** **** 7891');
    expect(clear(tableText('shift_acks'))).toBe(false);
    expect(clear(tableText('audit_log'))).toBe(false);
    expect(clear(JSON.stringify(await t.call('audit.list', { limit: 100 })))).toBe(false);
  });
});
