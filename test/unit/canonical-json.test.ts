import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { canonicalize } from '../../src/shared/canonical-json';

describe('canonical JSON (the signed bytes)', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalize({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('is independent of key insertion order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.string(), fc.boolean())), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        return canonicalize(obj) === canonicalize(reversed);
      }),
    );
  });

  it('refuses floats and non-JSON values, so money cannot be ambiguous', () => {
    expect(() => canonicalize({ amount: 12.5 })).toThrow(TypeError);
    expect(() => canonicalize({ f: () => 1 })).toThrow(TypeError);
    expect(() => canonicalize(2 ** 60)).toThrow(TypeError);
  });

  it('escapes strings as JSON does, Chinese included', () => {
    expect(canonicalize({ name: '王"芳' })).toBe('{"name":"王\\"芳"}');
  });
});
