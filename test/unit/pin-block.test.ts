/**
 * The PIN block (src/shared/pin-block.ts) against a vector computed by hand and with OpenSSL,
 * never with the code under test:
 *
 *   password 246810, PAN 8888010000000504 (the demo card "password"), PIN key
 *   0123456789ABCDEFFEDCBA9876543210 (ISO8583-CUP.md's test key)
 *
 *   PIN field   0 6 2 4 6 8 1 0 F F F F F F F F            = 06 24 68 10 FF FF FF FF
 *   PAN field   0000 + 12 rightmost digits before the check digit 4:
 *               888801000000050|4 → 801000000050          = 00 00 80 10 00 00 00 50
 *   XOR         06^00 24^00 68^80 10^10 FF^00 FF^00 FF^00 FF^50
 *                                                          = 06 24 E8 00 FF FF FF AF
 *   SM4 input   0624E800FFFFFFAF ‖ FFFFFFFFFFFFFFFF
 *   SM4-ECB     echo -n 0624E800FFFFFFAFFFFFFFFFFFFFFFFF | xxd -r -p \
 *                 | openssl enc -sm4-ecb -nopad -K 0123456789ABCDEFFEDCBA9876543210 | xxd -p -u
 *               = A668EA0D45BE720B6169192423F51360          (OpenSSL 3.0)
 */
import { describe, expect, it } from 'vitest';
import { clearPinBlock, openSm4PinBlock, panField, pinField, sm4PinBlock } from '../../src/shared/pin-block';
import { derivePinKey, sm4PinKey, unwrapPinKey, wrapPinKey } from '../../src/shared/pin-key';
import { fromHex, toHex } from '../../src/shared/crypto';
import { pinBlockOf } from '../../src/main/terminal/password';

const KEY = fromHex('0123456789ABCDEFFEDCBA9876543210');
const PAN = '8888010000000504';
const hex = (b: Uint8Array) => toHex(b).toUpperCase();

describe('PIN block, ANSI X9.8 format 0, SM4 set', () => {
  it('matches the hand-computed vector step by step', () => {
    expect(hex(pinField('246810'))).toBe('06246810FFFFFFFF');
    expect(hex(panField(PAN))).toBe('0000801000000050');
    expect(hex(clearPinBlock('246810', PAN))).toBe('0624E800FFFFFFAF');
    expect(hex(sm4PinBlock('246810', PAN, KEY))).toBe('A668EA0D45BE720B6169192423F51360');
    expect(pinBlockOf(PAN, '246810', KEY)).toBe('A668EA0D45BE720B6169192423F51360');
  });

  it('opens back to the password only for the same card and key', () => {
    const block = sm4PinBlock('246810', PAN, KEY);
    expect(openSm4PinBlock(block, PAN, KEY)).toBe('246810');
    // Bound to the card number: another PAN reads another (or no) password.
    expect(openSm4PinBlock(block, '8888010000000512', KEY)).not.toBe('246810');
    const other = fromHex('00112233445566778899AABBCCDDEEFF');
    expect(openSm4PinBlock(block, PAN, other)).toBeNull();
    // A flipped byte breaks the block (the FF trailer or the nibbles): a malformed block.
    for (let i = 0; i < 16; i++) {
      const bad = block.slice();
      bad[i]! ^= 0x01;
      expect(openSm4PinBlock(bad, PAN, KEY)).not.toBe('246810');
    }
    expect(openSm4PinBlock(block.slice(0, 8), PAN, KEY)).toBeNull();
  });

  it('format edges: PIN length 4–12, leading zeros kept, PAN of 13 and 19 digits', () => {
    expect(hex(pinField('0000'))).toBe('040000FFFFFFFFFF');
    expect(hex(pinField('123456789012'))).toBe('0C123456789012FF');
    expect(hex(pinField('012345'))).toBe('06012345FFFFFFFF');
    for (const bad of ['123', '1234567890123', '12a456', '', '１２３４５６'])
      expect(() => pinField(bad), bad).toThrow(/4 to 12 digits/);
    // 13 digits: the 12 before the check digit are all of them but the last.
    expect(hex(panField('1234567890123'))).toBe('0000123456789012');
    // 19 digits: the 12 rightmost before the check digit.
    expect(hex(panField('6222021234567890123'))).toBe('0000123456789012');
    expect(() => panField('123456789012')).toThrow(/13 to 19/);
    for (const pan of ['1234567890123', '6222021234567890123'])
      expect(openSm4PinBlock(sm4PinBlock('000000', pan, KEY), pan, KEY)).toBe('000000');
  });

  it('the till takes 6 digits only, and needs the PIN key', () => {
    expect(() => pinBlockOf(PAN, '12345', KEY)).toThrow(/PASSWORD_FORMAT/);
    expect(() => pinBlockOf(PAN, '1234567', KEY)).toThrow(/PASSWORD_FORMAT/);
    expect(() => pinBlockOf(PAN, '123456', undefined)).toThrow(/PIN_KEY_MISSING/);
  });

  it('the PIN key travels sealed under the enrolment token, bound to the terminal', () => {
    const k = derivePinKey(new Uint8Array(32).fill(7), 'T0000001');
    expect(k.length).toBe(32); // sealed at rest like K_r; the SM4 key is its first half
    expect(sm4PinKey(k)).toEqual(k.slice(0, 16));
    expect(derivePinKey(new Uint8Array(32).fill(7), 'T0000002')).not.toEqual(k);
    const wrapped = wrapPinKey(k, 'token', 'T0000001');
    expect(unwrapPinKey(wrapped, 'token', 'T0000001')).toEqual(k);
    expect(() => unwrapPinKey(wrapped, 'other', 'T0000001')).toThrow();
    expect(() => unwrapPinKey(wrapped, 'token', 'T0000002')).toThrow();
  });
});
