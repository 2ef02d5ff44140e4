/**
 * Keys, MAC and PIN block of ISO8583-CUP.md against the page's vectors and against OpenSSL.
 * Derivations (run on this machine, OpenSSL 3.0):
 *   K = 0123456789ABCDEFFEDCBA9876543210, TMK = 00112233445566778899AABBCCDDEEFF
 *   PIK check  : head -c 8 /dev/zero | openssl enc -des-ede-ecb -K $K -nopad        → 08d7b4fb…
 *   MAK check  : head -c 8 /dev/zero | openssl enc -des-ede-ecb -K 0123456789ABCDEF0123456789ABCDEF -nopad
 *                (single DES = EDE with K1 = K2)                                     → d5d44ff7…
 *   SM4 check  : head -c 16 /dev/zero | openssl enc -sm4-ecb -K $K -nopad           → 2677f46b…
 *   K under TMK: <K bytes> | openssl enc -des-ede-ecb -K $TMK -nopad → 4cd648347c7c41f1691c586546c2cbe1
 *                <K bytes> | openssl enc -sm4-ecb -K $TMK -nopad     → b3e249a7b2d9c8d8d68b7911403da170
 *   PIN block  : PIN 123456, PAN 8888010000000017: 06123456FFFFFFFF XOR 0000801000000001
 *                = 0612B446FFFFFFFE; | openssl enc -des-ede-ecb -K $K -nopad → a6f936a77ba8af02
 *                SM4: 0612B446FFFFFFFE FFFFFFFFFFFFFFFF | openssl enc -sm4-ecb -K $K -nopad
 *                → 84e7c77d7d690c0fc8f25472788153f0
 *   MAC        : the page's worked numbers (74E8A642 / B89885D9), recomputed by hand with the
 *                algorithm over `openssl enc -des-ede-ecb` while writing this test.
 */
import { describe, expect, it } from 'vitest';
import {
  CUP_PROFILE as P,
  Iso8583Error,
  assertMac,
  decodeFrame,
  pinBlockFormat0,
  pinFromFormat0,
} from '../../../src/shared/iso8583';
import { KEYSET_3DES, KEYSET_SM4 } from '../../../src/main/issuer/iso8583/keysets';
import {
  encodeWithMac,
  frameMac,
  unwrapWorkingKeys,
  wrapWorkingKeys,
} from '../../../src/main/issuer/iso8583/working-keys';
import { OUR_SIGN_ON_ANSWER, PAGE_PURCHASE_3DES, PAGE_PURCHASE_SM4, hex } from './golden';

const K = hex('0123456789ABCDEFFEDCBA9876543210');
const TMK = hex('00112233445566778899AABBCCDDEEFF');
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('check values', () => {
  it("match the page's vector", () => {
    expect(toHex(KEYSET_3DES.pikCheck(K))).toBe('08d7b4fb');
    expect(toHex(KEYSET_3DES.makCheck(K))).toBe('d5d44ff7');
    expect(toHex(KEYSET_SM4.pikCheck(K))).toBe('2677f46b');
    expect(toHex(KEYSET_SM4.makCheck(K))).toBe('2677f46b');
  });
  it('the 3DES MAK check ignores bytes 9-16 of the MAK', () => {
    const other = K.slice();
    other.fill(0x55, 8);
    expect(KEYSET_3DES.makCheck(other)).toEqual(KEYSET_3DES.makCheck(K));
  });
});

describe('MAC', () => {
  it("reproduces the page's purchase MAC with both key sets, byte for byte", () => {
    for (const [ks, frame] of [
      [KEYSET_3DES, PAGE_PURCHASE_3DES],
      [KEYSET_SM4, PAGE_PURCHASE_SM4],
    ] as const) {
      const msg = decodeFrame(P, frame);
      expect(encodeWithMac(P, ks, K, msg)).toEqual(frame);
      expect(() => assertMac(frameMac(P, ks, K, frame), msg.fields[64])).not.toThrow();
    }
    expect(Buffer.from(frameMac(P, KEYSET_3DES, K, PAGE_PURCHASE_3DES)).toString('ascii')).toBe('74E8A642');
    expect(Buffer.from(frameMac(P, KEYSET_SM4, K, PAGE_PURCHASE_SM4)).toString('ascii')).toBe('B89885D9');
  });

  it('a changed amount or another MAK is BAD_MAC', () => {
    const changed = PAGE_PURCHASE_3DES.slice();
    changed[40] ^= 0x01; // inside field 4
    const msg = decodeFrame(P, changed);
    expect(() => assertMac(frameMac(P, KEYSET_3DES, K, changed), msg.fields[64])).toThrow(Iso8583Error);
    expect(() => assertMac(frameMac(P, KEYSET_3DES, TMK, PAGE_PURCHASE_3DES), msg.fields[64])).toThrow(
      /BAD_MAC/,
    );
    expect(() => assertMac(new Uint8Array(8), undefined)).toThrow(/BAD_MAC/);
  });
});

describe('working keys in field 62', () => {
  it('3DES: PIK and MAK under the TMK with their checks, as in our golden sign-on answer', () => {
    const f62 = wrapWorkingKeys(KEYSET_3DES, TMK, { pik: K, mak: K });
    expect(toHex(f62)).toBe(
      '4cd648347c7c41f1691c586546c2cbe1' + '08d7b4fb' + '4cd648347c7c41f1691c586546c2cbe1' + 'd5d44ff7',
    );
    expect(decodeFrame(P, OUR_SIGN_ON_ANSWER).fields[62]).toEqual(f62);
    expect(unwrapWorkingKeys(KEYSET_3DES, TMK, f62)).toEqual({ pik: K, mak: K });
  });

  it('SM4: the same layout with SM4-ECB', () => {
    const f62 = wrapWorkingKeys(KEYSET_SM4, TMK, { pik: K, mak: K });
    expect(toHex(f62)).toBe(
      'b3e249a7b2d9c8d8d68b7911403da170' + '2677f46b' + 'b3e249a7b2d9c8d8d68b7911403da170' + '2677f46b',
    );
    expect(unwrapWorkingKeys(KEYSET_SM4, TMK, f62)).toEqual({ pik: K, mak: K });
  });

  it('a wrong TMK or a changed check value is a failed sign-on (BAD_KEY_CHECK)', () => {
    const f62 = wrapWorkingKeys(KEYSET_3DES, TMK, { pik: K, mak: K });
    expect(() => unwrapWorkingKeys(KEYSET_3DES, K, f62)).toThrow(/BAD_KEY_CHECK/);
    const bad = f62.slice();
    bad[39] ^= 1;
    expect(() => unwrapWorkingKeys(KEYSET_3DES, TMK, bad)).toThrow(/BAD_KEY_CHECK/);
    expect(() => unwrapWorkingKeys(KEYSET_3DES, TMK, f62.subarray(0, 39))).toThrow(/BAD_KEY/);
  });
});

describe('PIN block, ANSI X9.8 format 0', () => {
  const PAN = '8888010000000017';
  it('builds the clear block and encrypts it under the PIK (3DES: 8 bytes; SM4: block + FF×8, 16 bytes)', () => {
    const clear = pinBlockFormat0('123456', PAN);
    expect(toHex(clear)).toBe('0612b446fffffffe');
    expect(toHex(KEYSET_3DES.encrypt(K, clear))).toBe('a6f936a77ba8af02');
    const sm4Block = Uint8Array.of(...clear, ...new Uint8Array(8).fill(0xff));
    expect(toHex(KEYSET_SM4.encrypt(K, sm4Block))).toBe('84e7c77d7d690c0fc8f25472788153f0');
  });
  it('reads the password back, and refuses a malformed block', () => {
    expect(pinFromFormat0(KEYSET_3DES.decrypt(K, hex('a6f936a77ba8af02')), PAN)).toBe('123456');
    expect(() => pinFromFormat0(hex('0612b446fffffff0'), PAN)).toThrow(/BAD_PIN_BLOCK/);
    expect(() => pinFromFormat0(new Uint8Array(8), PAN)).toThrow(/BAD_PIN_BLOCK/);
  });
});
