import { describe, it, expect } from 'vitest';
import { methods, events, isMethodName, TxnResult } from '../../src/shared/contract';
import { Role } from '../../src/shared/contract/common';
import { ERROR_WORDS, ErrorCode } from '../../src/shared/errors';

describe('the contract', () => {
  it('every method checks its request strictly, types its response, and names known roles', () => {
    const roles = new Set(['public', ...Role.options]);
    for (const [name, spec] of Object.entries(methods)) {
      // A request schema that lost .strict() or accepts anything would let unknown fields through.
      expect(spec.req.safeParse({ __unexpected: 1 }).success, `${name} req takes unknown keys`).toBe(false);
      expect(spec.req.safeParse(42).success, `${name} req takes a number`).toBe(false);
      // A response schema of z.unknown()/z.any() would type nothing.
      expect(spec.res.safeParse(Symbol('not an answer')).success, `${name} res takes anything`).toBe(false);
      expect(spec.roles.length, name).toBeGreaterThan(0);
      for (const r of spec.roles) expect(roles.has(r), `${name}: role ${r}`).toBe(true);
    }
    expect(isMethodName('sale.authorize')).toBe(true);
    expect(isMethodName('__proto__')).toBe(false);
    expect(isMethodName('constructor')).toBe(false);
  });

  it('rejects money that is not integer fen', () => {
    const req = methods['sale.authorize'].req;
    expect(req.safeParse({ cardToken: 'a', amountFen: 1250 }).success).toBe(true);
    expect(req.safeParse({ cardToken: 'a', amountFen: 12.5 }).success).toBe(false);
    expect(req.safeParse({ cardToken: 'a', amountFen: -1 }).success).toBe(false);
    expect(req.safeParse({ cardToken: 'a', amountFen: 0 }).success).toBe(false);
    expect(req.safeParse({ cardToken: 'a', amountFen: '1250' }).success).toBe(false);
    expect(req.safeParse({ cardToken: 'a', amountFen: 1250, extra: 1 }).success).toBe(false);
  });

  it('a card number enters only as 12–19 digits', () => {
    const req = methods['card.enter'].req;
    expect(req.safeParse({ pan: '8888010000000017', entryMode: 'wedge' }).success).toBe(true);
    expect(req.safeParse({ pan: '8888 0100', entryMode: 'wedge' }).success).toBe(false);
    expect(req.safeParse({ pan: '8888010000000017', entryMode: 'swipe' }).success).toBe(false);
  });

  it('every error code has words in Chinese and English', () => {
    for (const code of ErrorCode.options) {
      expect(ERROR_WORDS[code].zh.length, code).toBeGreaterThan(0);
      expect(ERROR_WORDS[code].en.length, code).toBeGreaterThan(0);
      expect(ERROR_WORDS[code].zh, code).not.toBe(ERROR_WORDS[code].en);
    }
  });

  it('declares the events the UI listens to', () => {
    expect(Object.keys(events)).toEqual(
      expect.arrayContaining(['card.presented', 'txn.updated', 'session.changed', 'devices.changed']),
    );
    expect(
      TxnResult.safeParse({
        stan: 1,
        type: 'sale',
        status: 'approved',
        amountFen: 1,
        otherTenderFen: 0,
        masked: 'x',
        offline: false,
        time: 't',
      }).success,
    ).toBe(true);
  });
});
