import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CryptoError, openSm4, sealSm4, toHex } from '../../../src/main/crypto/index';

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof CryptoError ? e.code : 'not a CryptoError';
  }
  return undefined;
}

const master = new Uint8Array(randomBytes(32));
const aad = new TextEncoder().encode('card:6228');

describe('sealSm4 / openSm4', () => {
  it('round trips any plaintext and aad (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.option(fc.uint8Array({ maxLength: 40 }), { nil: undefined }),
        (plain, a) => {
          const sealed = sealSm4(master, plain, a);
          expect(sealed[0]).toBe(1);
          expect(sealed.length).toBe(1 + 16 + (Math.floor(plain.length / 16) + 1) * 16 + 32);
          expect(toHex(openSm4(master, sealed, a))).toBe(toHex(plain));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('fresh IV each time', () => {
    const p = new Uint8Array(10);
    expect(toHex(sealSm4(master, p))).not.toBe(toHex(sealSm4(master, p)));
  });

  it('flipping any bit of any region (version, iv, ciphertext, tag) fails with AUTH_FAILED', () => {
    const plain = new TextEncoder().encode('6228480000000000001 exp 2912');
    const sealed = sealSm4(master, plain, aad);
    const regions = {
      version: [0],
      iv: [1, 8, 16],
      ct: [17, 30, sealed.length - 33],
      tag: [sealed.length - 32, sealed.length - 1],
    };
    for (const [, idxs] of Object.entries(regions)) {
      for (const i of idxs) {
        for (let bit = 0; bit < 8; bit++) {
          const t = sealed.slice();
          t[i]! ^= 1 << bit;
          expect(code(() => openSm4(master, t, aad))).toBe('AUTH_FAILED');
        }
      }
    }
    // Every single byte position, one flip each.
    for (let i = 0; i < sealed.length; i++) {
      const t = sealed.slice();
      t[i]! ^= 0x80;
      expect(code(() => openSm4(master, t, aad))).toBe('AUTH_FAILED');
    }
  });

  it('wrong aad, missing aad, wrong key, truncation, extension → AUTH_FAILED', () => {
    const sealed = sealSm4(master, new Uint8Array(5), aad);
    expect(code(() => openSm4(master, sealed, new TextEncoder().encode('card:6229')))).toBe('AUTH_FAILED');
    expect(code(() => openSm4(master, sealed))).toBe('AUTH_FAILED');
    expect(code(() => openSm4(new Uint8Array(randomBytes(32)), sealed, aad))).toBe('AUTH_FAILED');
    expect(code(() => openSm4(master, sealed.subarray(0, sealed.length - 1), aad))).toBe('AUTH_FAILED');
    expect(code(() => openSm4(master, sealed.subarray(0, 16), aad))).toBe('AUTH_FAILED');
    const longer = new Uint8Array(sealed.length + 16);
    longer.set(sealed);
    expect(code(() => openSm4(master, longer, aad))).toBe('AUTH_FAILED');
    // Moving aad bytes into the ciphertext boundary is not a valid forgery either.
    expect(code(() => openSm4(master, new Uint8Array(0), aad))).toBe('AUTH_FAILED');
  });

  it('master key must be 32 bytes → BAD_KEY', () => {
    expect(code(() => sealSm4(new Uint8Array(16), new Uint8Array(1)))).toBe('BAD_KEY');
    expect(code(() => openSm4(new Uint8Array(33), new Uint8Array(65)))).toBe('BAD_KEY');
  });
});
