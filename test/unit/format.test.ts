/**
 * The screens' one time formatter and enum words (src/renderer/format.ts): the store's zone, not
 * the machine's (a UTC clock put the lock-out time 8 hours off in Shanghai), each language's own
 * date order, never a raw ISO stamp.
 */
import { describe, it, expect } from 'vitest';
import {
  formatTime,
  errorDetail,
  linkErrorWords,
  linkErrorIsOther,
  entryModeWord,
  txnKindWord,
  deviceEventWords,
} from '../../src/renderer/format';

const NOON_UTC = '2026-12-01T04:05:06.000Z'; // 12:05:06 in Shanghai

describe('times in the store zone and the language format', () => {
  it('Asia/Shanghai by default, whatever the process zone', () => {
    expect(formatTime(NOON_UTC, 'zh')).toBe('2026年12月1日 12:05:06');
    expect(formatTime(NOON_UTC, 'en')).toBe('1 Dec 2026, 12:05:06');
    expect(formatTime(NOON_UTC, 'zh', 'Asia/Shanghai', 'time')).toBe('12:05:06');
    expect(formatTime(Date.parse(NOON_UTC), 'en', 'Europe/London', 'time')).toBe('04:05:06');
    expect(formatTime(NOON_UTC, 'en', 'Asia/Shanghai', 'date')).toBe('1 Dec 2026');
  });

  it('an unknown zone falls back to the default; an unparsable time is shown as given', () => {
    expect(formatTime(NOON_UTC, 'zh', 'Mars/Olympus', 'time')).toBe('12:05:06');
    expect(formatTime('not a time', 'zh')).toBe('not a time');
  });

  it('the lock-out detail in words and store time', () => {
    expect(errorDetail('zh', 'OPERATOR_LOCKED', `until ${NOON_UTC}`)).toBe('12:05:06 前不能再试');
    expect(errorDetail('en', 'OPERATOR_LOCKED', `until ${NOON_UTC}`)).toBe('try again after 12:05:06');
    expect(errorDetail('zh', 'INTERNAL', `at ${NOON_UTC} x`)).toBe('at 2026年12月1日 12:05:06 x');
    expect(errorDetail('zh', 'BAD_PIN', undefined)).toBe('');
    expect(errorDetail('zh', 'BAD_PIN', '2 attempts left')).toBe('还可再试 2 次');
  });
});

describe('enum words', () => {
  it('entry modes, kinds and device events', () => {
    expect(entryModeWord('zh', 'contactless')).toBe('挥卡');
    expect(txnKindWord('zh', 'void')).toBe('撤销');
    expect(txnKindWord('zh', 'top-up-not-yet-known')).toBe('top-up-not-yet-known');
    expect(deviceEventWords('zh', { type: 'card', entryMode: 'swipe', masked: '888801******0017' })).toBe(
      '读到卡 888801******0017（刷卡）',
    );
    expect(deviceEventWords('zh', { type: 'error', code: 'SWIPE_UNREADABLE' })).toBe('错误：请重新刷卡');
  });

  it('link errors', () => {
    expect(linkErrorWords('zh', 'issuer link is cut')).toBe('发卡系统连接已断开');
    expect(linkErrorWords('zh', 'connect ECONNREFUSED 127.0.0.1:1')).toBe('发卡系统拒绝连接');
    expect(linkErrorIsOther('socket hang up')).toBe(true);
    expect(linkErrorWords('en', 'socket hang up')).toBe('Talking to the issuer failed');
  });
});
