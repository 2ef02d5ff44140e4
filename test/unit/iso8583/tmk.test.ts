/** The TMK sealed at rest: checked against its check value on entry, bound to its issuer entry. */
import { describe, expect, it } from 'vitest';
import { openTmk, sealTmk } from '../../../src/main/issuer/iso8583/tmk';
import { KEYSET_3DES, KEYSET_SM4 } from '../../../src/main/issuer/iso8583/keysets';

const DATA_KEY = new Uint8Array(32).fill(7);
const TMK = '0123456789ABCDEFFEDCBA9876543210';

describe('TMK at rest', () => {
  it('seals after the check value matches and opens only for its issuer entry', () => {
    // Check values of this key: 3DES 08D7B4FB, SM4 2677F46B (ISO8583-CUP.md "Keys").
    const sealed = sealTmk(DATA_KEY, 'cup', KEYSET_3DES, TMK, '08D7B4FB');
    expect(sealed).not.toContain(TMK.toLowerCase());
    expect(
      Buffer.from(openTmk(DATA_KEY, 'cup', sealed))
        .toString('hex')
        .toUpperCase(),
    ).toBe(TMK);
    expect(() => openTmk(DATA_KEY, 'other', sealed)).toThrow(
      expect.objectContaining({ code: 'AUTH_FAILED' }),
    );
    expect(() => openTmk(new Uint8Array(32), 'cup', sealed)).toThrow(
      expect.objectContaining({ code: 'AUTH_FAILED' }),
    );
    expect(sealTmk(DATA_KEY, 'cup', KEYSET_SM4, TMK, '2677f46b')).toMatch(/^[0-9a-f]+$/);
  });
  it('refuses a typo (check value) and a key of the wrong size', () => {
    expect(() => sealTmk(DATA_KEY, 'cup', KEYSET_3DES, TMK, '08D7B4FC')).toThrow(/BAD_KEY_CHECK/);
    expect(() => sealTmk(DATA_KEY, 'cup', KEYSET_3DES, TMK.slice(2), '08D7B4FB')).toThrow(/BAD_KEY/);
  });
});
