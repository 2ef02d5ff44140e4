import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  formatMoney,
  formatYuan,
  parseYuan,
  keypadAppend,
  keypadBackspace,
  isFen,
  MAX_FEN,
} from '../../src/shared/money';

describe('money in integer fen', () => {
  it('formats fen as yuan with two decimals and grouping', () => {
    expect(formatMoney(1250)).toBe('¥12.50');
    expect(formatMoney(0)).toBe('¥0.00');
    expect(formatMoney(5)).toBe('¥0.05');
    expect(formatMoney(123456789)).toBe('¥1,234,567.89');
    // A negative figure (a card net owed to the issuer) puts its sign before the ¥, as voids print.
    expect(formatMoney(-4250)).toBe('-¥42.50');
    expect(formatMoney(-123456)).toBe('-¥1,234.56');
    expect(formatYuan(100000, { grouping: false })).toBe('1000.00');
  });

  it('parses typed yuan exactly, without floating point', () => {
    expect(parseYuan('12.5')).toBe(1250);
    expect(parseYuan('¥12.50')).toBe(1250);
    expect(parseYuan('0.1')).toBe(10);
    expect(parseYuan('1,234.56')).toBe(123456);
    // 0.1 + 0.2 style errors cannot happen: 19.99 is 1999 fen, not 1998.9999
    expect(parseYuan('19.99')).toBe(1999);
    expect(parseYuan('1.234')).toBeNull();
    expect(parseYuan('-1')).toBeNull();
    expect(parseYuan('abc')).toBeNull();
    expect(parseYuan('')).toBeNull();
  });

  it('round-trips every amount through format and parse', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: MAX_FEN }), (fen) => parseYuan(formatYuan(fen)) === fen));
  });

  it('shifts keypad digits in from the right like a cashier terminal', () => {
    let a = 0;
    for (const k of ['1', '2', '5', '0']) a = keypadAppend(a, k);
    expect(a).toBe(1250);
    expect(keypadAppend(12, '00')).toBe(1200);
    expect(keypadBackspace(1250)).toBe(125);
    expect(keypadAppend(a, 'x')).toBe(1250);
    expect(keypadAppend(MAX_FEN, '9')).toBe(MAX_FEN);
  });

  it('accepts only safe non-negative integers as fen', () => {
    expect(isFen(1)).toBe(true);
    expect(isFen(1.5)).toBe(false);
    expect(isFen(-1)).toBe(false);
    expect(isFen(NaN)).toBe(false);
    expect(isFen('1')).toBe(false);
  });
});
