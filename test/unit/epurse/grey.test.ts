/** The tearing decision table, one row per case (../shared/PBOC-EP.md "Rules from practice"). */
import { describe, expect, it } from 'vitest';
import { decideTear, type GreyRecord } from '../../../src/drivers/ic/epurse/grey';

const grey: GreyRecord = {
  kind: 'purchase',
  cardSerial: '00088880200000000010',
  seq: 5,
  balanceBeforeFen: 1000,
  amountFen: 150,
  terminalNumber: '000000000001',
  terminalSeq: '12345678',
  date: '20251201',
  time: '101500',
  algId: 0,
};
const same = grey.cardSerial;

describe('decideTear', () => {
  it.each([
    ['sequence +1, balance − amount → debited', { seq: 6, balanceFen: 850 }, { kind: 'done' }],
    ['unchanged → not debited', { seq: 5, balanceFen: 1000 }, { kind: 'not-done' }],
    [
      'sequence +2 → jumped (used elsewhere): manager',
      { seq: 7, balanceFen: 700 },
      { kind: 'exception', reason: 'sequence-jumped' },
    ],
    [
      'sequence went back → jumped',
      { seq: 4, balanceFen: 1000 },
      { kind: 'exception', reason: 'sequence-jumped' },
    ],
    [
      'sequence +1 but another amount → mismatch',
      { seq: 6, balanceFen: 900 },
      { kind: 'exception', reason: 'balance-mismatch' },
    ],
    [
      'sequence unchanged but balance moved → mismatch',
      { seq: 5, balanceFen: 999 },
      { kind: 'exception', reason: 'balance-mismatch' },
    ],
  ])('%s', (_name, seen, want) => {
    expect(decideTear(grey, { cardSerial: same, ...seen })).toEqual(want);
  });

  it('another card → refuse, whatever its counters say', () => {
    expect(decideTear(grey, { cardSerial: '00088880200000000011', seq: 6, balanceFen: 850 })).toEqual({
      kind: 'other-card',
    });
  });

  it('the 16-bit sequence wraps: FFFF → 0000 is +1', () => {
    expect(decideTear({ ...grey, seq: 0xffff }, { cardSerial: same, seq: 0, balanceFen: 850 })).toEqual({
      kind: 'done',
    });
  });

  it('a load: online sequence +1 and balance + amount → credited', () => {
    const load = { ...grey, kind: 'load' as const, seq: 3, amountFen: 5000 };
    expect(decideTear(load, { cardSerial: same, seq: 4, balanceFen: 6000 })).toEqual({ kind: 'done' });
    expect(decideTear(load, { cardSerial: same, seq: 3, balanceFen: 1000 })).toEqual({ kind: 'not-done' });
    expect(decideTear(load, { cardSerial: same, seq: 4, balanceFen: 1000 - 5000 })).toEqual({
      kind: 'exception',
      reason: 'balance-mismatch',
    });
  });
});
