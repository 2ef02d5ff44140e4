import { describe, it, expect } from 'vitest';
import { isLuhnValid, luhnCheckDigit, maskPan, maskPansInText, last4 } from '../../src/shared/card';

describe('card numbers', () => {
  it('computes and checks the Luhn digit (ISO/IEC 7812-1)', () => {
    expect(luhnCheckDigit('888801000000001')).toBe(7);
    expect(isLuhnValid('8888010000000017')).toBe(true);
    expect(isLuhnValid('8888010000000018')).toBe(false);
    expect(isLuhnValid('4111111111111111')).toBe(true);
  });

  it('masks to first 6 / last 4 at most', () => {
    expect(maskPan('8888010000000017')).toBe('888801******0017');
    expect(maskPan('8888010000000017').replace(/\*/g, '')).toHaveLength(10);
    expect(last4('8888010000000017')).toBe('0017');
  });

  it('masks every card-like number in free text', () => {
    const line = 'swipe 8888010000000017 then 6222020200112233445 ok 12345';
    const masked = maskPansInText(line);
    expect(masked).not.toContain('8888010000000017');
    expect(masked).not.toContain('6222020200112233445');
    expect(masked).toContain('888801******0017');
    expect(masked).toContain('12345');
  });
});
