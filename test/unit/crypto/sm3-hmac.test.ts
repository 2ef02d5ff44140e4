import { createHash, createHmac, getHashes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, hmacSm3, HmacSm3, Sm3, sm3, toHex } from '../../../src/main/crypto/index';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const nodeHasSm3 = getHashes().includes('sm3');

describe('SM3 (GB/T 32905)', () => {
  it('standard vectors', () => {
    expect(toHex(sm3(ascii('abc')))).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(toHex(sm3(ascii('abcd'.repeat(16))))).toBe(
      'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
    );
  });

  it('empty input', () => {
    expect(toHex(sm3(new Uint8Array(0)))).toBe(
      '1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b',
    );
  });

  it.runIf(nodeHasSm3)(
    'matches OpenSSL (node:crypto) for every length 0..300 and across block boundaries',
    () => {
      for (let len = 0; len <= 300; len++) {
        const d = Uint8Array.from({ length: len }, (_, i) => (i * 31 + len) & 0xff);
        expect(toHex(sm3(d))).toBe(createHash('sm3').update(d).digest('hex'));
      }
    },
  );

  it('incremental == one-shot for any chunking', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.array(fc.nat(70), { maxLength: 12 }),
        (data, cuts) => {
          const h = new Sm3();
          let pos = 0;
          for (const c of cuts) {
            h.update(data.subarray(pos, pos + c));
            pos = Math.min(data.length, pos + c);
          }
          h.update(data.subarray(pos));
          expect(toHex(h.digest())).toBe(toHex(sm3(data)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses update/digest after digest', () => {
    const h = new Sm3().update(ascii('x'));
    h.digest();
    expect(() => h.digest()).toThrow();
    expect(() => h.update(ascii('y'))).toThrow();
  });
});

describe('HMAC-SM3', () => {
  // Cross-checked with: printf abc | openssl mac -digest SM3 -macopt hexkey:000102030405060708090a0b0c0d0e0f HMAC
  it('known values (OpenSSL 3 CLI)', () => {
    expect(toHex(hmacSm3(fromHex('000102030405060708090a0b0c0d0e0f'), ascii('abc')))).toBe(
      '83fd35b3ff6211428a38c070431ad42c23a86eaca25a5ea81a1ded4704a12c7c',
    );
    // printf abc | openssl dgst -sm3 -hmac key
    expect(toHex(hmacSm3(ascii('key'), ascii('abc')))).toBe(
      '28e63256e7c5a087b1f073265dc53092163f7b82729735d06f28f10af9d52393',
    );
  });

  it.runIf(nodeHasSm3)('matches node:crypto HMAC for random keys (incl. > 64 bytes) and data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 150 }), fc.uint8Array({ maxLength: 300 }), (key, data) => {
        expect(toHex(hmacSm3(key, data))).toBe(createHmac('sm3', key).update(data).digest('hex'));
        expect(toHex(new HmacSm3(key).update(data.subarray(0, 7)).update(data.subarray(7)).digest())).toBe(
          toHex(hmacSm3(key, data)),
        );
      }),
      { numRuns: 200 },
    );
  });
});
