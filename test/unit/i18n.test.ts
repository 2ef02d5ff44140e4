import { describe, it, expect } from 'vitest';
import { WORDS, t, errorWords } from '../../src/renderer/i18n';
import { CORE_WORDS } from '../../src/renderer/i18n/core';
import { MANAGER_WORDS } from '../../src/renderer/i18n/manager';
import { TECH_WORDS } from '../../src/renderer/i18n/tech';
import { DISPUTE_WORDS } from '../../src/renderer/i18n/dispute';
import { OFFLINE_WORDS } from '../../src/renderer/i18n/offline';
import { COUNT_WORDS } from '../../src/renderer/i18n/count';
import { JOURNAL_WORDS } from '../../src/renderer/i18n/journal';
import { FORMAT_WORDS } from '../../src/renderer/i18n/format';
import { CARD_LIFE_WORDS } from '../../src/renderer/i18n/card-life';
import { CARD_BATCH_WORDS } from '../../src/renderer/i18n/card-batch';
import { CARD_MONEY_WORDS } from '../../src/renderer/i18n/card-money';
import { FILE_BATCH_WORDS } from '../../src/renderer/i18n/file-batch';
import { PASSWORD_WORDS } from '../../src/renderer/i18n/password';
import { CHIP_WORDS } from '../../src/renderer/i18n/chip';
import { DiscrepancyKind } from '../../src/shared/contract/manager';
import { QueueException } from '../../src/shared/contract/offline';

describe('i18n', () => {
  it('every word exists in 简体中文 and English', () => {
    for (const [key, w] of Object.entries(WORDS)) {
      expect(w.zh.trim().length, key).toBeGreaterThan(0);
      expect(w.en.trim().length, key).toBeGreaterThan(0);
    }
  });

  it('no two area files declare the same word key (a later spread would silently replace the first)', () => {
    const areas = {
      CORE_WORDS,
      MANAGER_WORDS,
      TECH_WORDS,
      DISPUTE_WORDS,
      OFFLINE_WORDS,
      COUNT_WORDS,
      JOURNAL_WORDS,
      FORMAT_WORDS,
      CARD_LIFE_WORDS,
      CARD_BATCH_WORDS,
      CARD_MONEY_WORDS,
      FILE_BATCH_WORDS,
      PASSWORD_WORDS,
      CHIP_WORDS,
    };
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const [area, words] of Object.entries(areas))
      for (const key of Object.keys(words)) {
        const first = seen.get(key);
        if (first) clashes.push(`${key}: ${first} and ${area}`);
        else seen.set(key, area);
      }
    expect(clashes).toEqual([]);
    expect(Object.keys(WORDS).length).toBe(seen.size);
  });

  it('every discrepancy kind and exception kind the manager can be shown has its words', () => {
    // ReportCard shows `kind_<kind>`, the queue screen `queueKind<Kind>`: a new kind without words
    // would show its key.
    const has = (key: string) => key in WORDS;
    expect(DiscrepancyKind.options.filter((k) => !has(`kind_${k}`))).toEqual([]);
    const kinds = QueueException.shape.kind.options as readonly string[];
    expect(kinds.filter((k) => !has(`queueKind${k[0]!.toUpperCase()}${k.slice(1)}`))).toEqual([]);
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
