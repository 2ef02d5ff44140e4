import { describe, it, expect } from 'vitest';
import { WORDS, t, errorWords } from '../../src/renderer/i18n';

describe('i18n', () => {
  it('every word exists in 简体中文 and English', () => {
    for (const [key, w] of Object.entries(WORDS)) {
      expect(w.zh.trim().length, key).toBeGreaterThan(0);
      expect(w.en.trim().length, key).toBeGreaterThan(0);
    }
  });

  it('fills placeholders in both languages', () => {
    expect(t('zh', 'splitOffer', { card: '¥8.00', cash: '¥4.50' })).toBe(
      '分单支付：卡付 ¥8.00，其余 ¥4.50 收现金',
    );
    expect(t('en', 'splitOffer', { card: '¥8.00', cash: '¥4.50' })).toBe(
      'Split tender: card pays ¥8.00, ¥4.50 in cash',
    );
    for (const [key, w] of Object.entries(WORDS)) {
      const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(vars(w.zh), key).toEqual(vars(w.en));
    }
  });

  it('shows decline codes in plain words', () => {
    expect(errorWords('zh', 'CARD_LOST')).toContain('挂失');
    expect(errorWords('en', 'INSUFFICIENT_BALANCE')).toBe('Insufficient balance');
  });
});
