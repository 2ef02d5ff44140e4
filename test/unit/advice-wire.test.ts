/**
 * The advice item on the wire (src/shared/issuer-protocol-offline.ts): a sale advice (with or
 * without `kind`, so advices queued before voids existed still parse) or a void advice naming the
 * offline sale it voids. Anything else is refused before the issuer applies a fen.
 */
import { describe, it, expect } from 'vitest';
import { AdviceItem, AdviceRequest } from '../../src/shared/issuer-protocol-offline';

const base = {
  stan: 12,
  time: '2026-11-22T06:00:00.000Z',
  card: { pan: '8888010000000017', entryMode: 'swipe' },
  amountFen: 1250,
  otherTenderFen: 0,
};

describe('AdviceItem', () => {
  it('accepts a sale advice written before void advices existed, and an explicit one', () => {
    expect(AdviceItem.parse(base)).toEqual(base);
    expect(AdviceItem.parse({ ...base, kind: 'sale' }).kind).toBe('sale');
  });

  it('accepts a void advice that names its sale', () => {
    expect(AdviceItem.parse({ ...base, stan: 13, kind: 'void', origStan: 12 })).toMatchObject({
      kind: 'void',
      origStan: 12,
    });
  });

  it.each([
    ['a void without its sale', { ...base, kind: 'void' }],
    ['a sale naming an original', { ...base, origStan: 11 }],
    ['an explicit sale naming an original', { ...base, kind: 'sale', origStan: 11 }],
    ['another kind', { ...base, kind: 'refund', origStan: 11 }],
    ['an origStan of 0', { ...base, kind: 'void', origStan: 0 }],
    ['an unknown key', { ...base, kind: 'void', origStan: 11, reason: 'x' }],
  ])('refuses %s', (_name, item) => {
    expect(AdviceItem.safeParse(item).success).toBe(false);
  });

  it('a batch with one bad item is refused whole', () => {
    const header = {
      type: 'advice',
      terminalId: 'T1',
      merchantId: 'M1',
      stan: 20,
      time: base.time,
      nonce: '0'.repeat(32),
    };
    expect(
      AdviceRequest.safeParse({
        ...header,
        advices: [base, { ...base, stan: 13, kind: 'void', origStan: 12 }],
      }).success,
    ).toBe(true);
    expect(
      AdviceRequest.safeParse({ ...header, advices: [base, { ...base, stan: 13, kind: 'void' }] }).success,
    ).toBe(false);
  });
});
