/**
 * The batch activation's range rule (src/shared/contract/card-batch.ts): the screen previews with it
 * and the core sells with it, so both see the same cards.
 */
import { describe, it, expect } from 'vitest';
import { expandCardRange, batchCards, BATCH_MAX_CARDS } from '../../src/shared/contract/card-batch';
import { isLuhnValid } from '../../src/shared/card';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'no error';
};

describe('expandCardRange', () => {
  it('Luhn numbers: the bodies are consecutive, each gets its own check digit (across a carry)', () => {
    const r = expandCardRange('8888010000000991', '8888010000001015');
    expect(r).toEqual(['8888010000000991', '8888010000001007', '8888010000001015']);
    expect(r.every(isLuhnValid)).toBe(true);
  });

  it('numbers without check digits are consecutive as they are; one card is a range of one', () => {
    expect(expandCardRange('123456789010', '123456789012')).toEqual([
      '123456789010',
      '123456789011',
      '123456789012',
    ]);
    expect(expandCardRange('8888010000000017', '8888010000000017')).toEqual(['8888010000000017']);
  });

  it('keeps leading zeros and handles 19 digits beyond 2^53', () => {
    const r = expandCardRange('0000000000000000001', '0000000000000000003');
    expect(r).toEqual(['0000000000000000001', '0000000000000000002', '0000000000000000003']);
    const big = expandCardRange('9999999999999999990', '9999999999999999992');
    expect(big).toHaveLength(3);
    expect(big[2]).toBe('9999999999999999992');
  });

  it('refuses: different lengths, last before first, mixed check digits, more than the limit', () => {
    expect(code(() => expandCardRange('8888010000000017', '88880100000000025'))).toBe('CARD_RANGE_INVALID');
    expect(code(() => expandCardRange('8888010000000025', '8888010000000017'))).toBe('CARD_RANGE_INVALID');
    expect(code(() => expandCardRange('8888010000000017', '8888010000000018'))).toBe('CARD_RANGE_INVALID');
    // Exactly the limit passes, one more is refused.
    const body = (n: number) => `888801${String(n).padStart(9, '0')}`;
    const luhn = (b: string) => [...Array(10).keys()].map((d) => b + d).find(isLuhnValid)!;
    expect(expandCardRange(luhn(body(1)), luhn(body(BATCH_MAX_CARDS)))).toHaveLength(BATCH_MAX_CARDS);
    expect(code(() => expandCardRange(luhn(body(1)), luhn(body(BATCH_MAX_CARDS + 1))))).toBe(
      'CARD_BATCH_TOO_LARGE',
    );
  });
});

describe('batchCards', () => {
  it('a list as given, refusing a card twice', () => {
    expect(batchCards({ cards: ['8888010000000017', '8888010000000025'] })).toEqual([
      '8888010000000017',
      '8888010000000025',
    ]);
    expect(code(() => batchCards({ cards: ['8888010000000017', '8888010000000017'] }))).toBe(
      'CARD_BATCH_DUPLICATE',
    );
  });
});
