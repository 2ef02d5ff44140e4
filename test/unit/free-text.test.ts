/** Card-number-shaped text in free-text fields is masked (src/shared/free-text.ts). */
import { describe, expect, it } from 'vitest';
import { freeText, maskCardNumbersInText } from '../../src/shared/free-text';

describe('maskCardNumbersInText', () => {
  it.each([
    ['6222021234567890', '622202******7890'],
    ['王 6222 0212 3456 7890 芳', '王 6222 02** **** 7890 芳'],
    ['6222-0212-3456-7890-123', '6222-02**-****-***0-123'],
    ['８８８８０１２３４５６７００１７', '８８８８０１******００１７'],
    ['note 888801234567890017.', 'note 888801********0017.'],
  ])('%s → %s', (text, masked) => {
    const out = maskCardNumbersInText(text);
    expect(out).toBe(masked);
    expect(out).toHaveLength(text.length);
  });

  it.each([
    '王芳',
    'counted ¥300 200 100 50',
    'shift 12 float 50000 counted 49950',
    '2026-12-01 21:45',
    'ring 010 6234 5678', // 11 digits: a phone number, not a card
  ])('leaves %s alone', (text) => {
    expect(maskCardNumbersInText(text)).toBe(text);
  });

  it('freeText masks and still bounds the length', () => {
    expect(freeText({ max: 40 }).parse('6222021234567890')).toBe('622202******7890');
    expect(freeText({ min: 1, max: 40 }).safeParse('').success).toBe(false);
    expect(freeText({ max: 3 }).safeParse('abcd').success).toBe(false);
  });
});
