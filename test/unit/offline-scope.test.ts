/** Whose store-and-forward rows a store reads (src/offline-queue/scope.ts): pure. */
import { describe, it, expect } from 'vitest';
import { HOME_SCOPE, inScope, issuerScope } from '../../src/offline-queue/scope';

describe('issuer scopes', () => {
  it('the home entry also owns rows from before issuer ids and keeps the meta keys as they were', () => {
    expect(issuerScope('acme', true)).toEqual({ issuerId: 'acme', ids: ['acme', 'default'], metaPrefix: '' });
    expect(issuerScope('default', true)).toEqual(HOME_SCOPE);
    expect(issuerScope('bank', false)).toEqual({
      issuerId: 'bank',
      ids: ['bank'],
      metaPrefix: 'issuer/bank/',
    });
    expect(inScope(issuerScope('acme', true))).toBe("issuer_id IN ('acme', 'default')");
    expect(inScope(issuerScope('bank', false), 'q.issuer_id')).toBe("q.issuer_id IN ('bank')");
  });

  it('an id that is not an issuer id never reaches SQL text', () => {
    expect(() => issuerScope("x') OR 1=1 --", false)).toThrow(/not an issuer id/);
    expect(() => inScope({ issuerId: 'a', ids: ["a'"], metaPrefix: '' })).toThrow(/not an issuer id/);
  });
});
