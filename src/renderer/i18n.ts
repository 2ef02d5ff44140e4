/**
 * Every word the screens show, in 简体中文 (default) and English. Error and decline words come from
 * src/shared/errors.ts so that the core and the screens can never disagree on a code's meaning.
 */
import { ERROR_WORDS, type ErrorCode } from '../shared/errors';
import { CORE_WORDS } from './i18n/core';
import { MANAGER_WORDS } from './i18n/manager';
import { TECH_WORDS } from './i18n/tech';
import { DISPUTE_WORDS } from './i18n/dispute';
import { OFFLINE_WORDS } from './i18n/offline';
import { COUNT_WORDS } from './i18n/count';
import { JOURNAL_WORDS } from './i18n/journal';
import { FORMAT_WORDS } from './i18n/format';
import { CARD_LIFE_WORDS } from './i18n/card-life';
import { CARD_BATCH_WORDS } from './i18n/card-batch';
import { CARD_MONEY_WORDS } from './i18n/card-money';
import { FILE_BATCH_WORDS } from './i18n/file-batch';
import { PASSWORD_WORDS } from './i18n/password';
import { CHIP_WORDS } from './i18n/chip';

export type Lang = 'zh' | 'en';

/**
 * All words, merged from one file per area (./i18n/<area>.ts). An area adds its file and one
 * spread here; a test checks every entry has both languages.
 */
export const WORDS = {
  ...CORE_WORDS,
  ...MANAGER_WORDS,
  ...TECH_WORDS,
  ...DISPUTE_WORDS,
  ...OFFLINE_WORDS,
  ...COUNT_WORDS,
  ...JOURNAL_WORDS,
  ...FORMAT_WORDS,
  ...CARD_LIFE_WORDS,
  ...CARD_BATCH_WORDS,
  ...CARD_MONEY_WORDS,
  ...FILE_BATCH_WORDS,
  ...PASSWORD_WORDS,
  ...CHIP_WORDS,
} as const;

export type WordKey = keyof typeof WORDS;

export function t(lang: Lang, key: WordKey, vars: Record<string, string> = {}): string {
  let s: string = WORDS[key][lang];
  for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, v);
  return s;
}

export function errorWords(lang: Lang, code: ErrorCode | string): string {
  const w = ERROR_WORDS[code as ErrorCode];
  return w ? w[lang] : code;
}
