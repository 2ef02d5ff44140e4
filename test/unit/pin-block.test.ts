/**
 * The PIN block (src/shared/pin-block.ts) against a vector computed by hand and with OpenSSL,
 * never with the code under test:
 *
 *   password 246810, PAN 8888010000000504 (the demo card "password"), PIN key
 *   0123456789ABCDEFFEDCBA9876543210 (ISO8583-CUP.md's test key)
 *
 * (the format 0 step is the ISO 8583 codec's, src/shared/iso8583/pin-block.ts; checked here again)
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
import { clearPinBlock, openSm4PinBlock, sm4PinBlock } from '../../src/shared/pin-block';
import { derivePinKey, sm4PinKey, unwrapPinKey, wrapPinKey } from '../../src/shared/pin-key';
import { fromHex, toHex } from '../../src/shared/crypto';
import { pinBlockOf } from '../../src/main/terminal/password';

const KEY = fromHex('0123456789ABCDEFFEDCBA9876543210');
const PAN = '8888010000000504';
const hex = (b: Uint8Array) => toHex(b).toUpperCase();

describe('PIN block, ANSI X9.8 format 0, SM4 set', () => {
  it('matches the hand-computed vector step by step', () => {
    expect(hex(clearPinBlock('246810', PAN))).toBe('0624E800FFFFFFAF');
    // The two fields on their own: a PAN of all zeros leaves the PIN field; a PIN field XOR
    // itself is zero, so the PAN field is what the block of the same PIN differs by.
    expect(hex(clearPinBlock('246810', '0000000000000000'))).toBe('06246810FFFFFFFF');
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
    const zeros = '0000000000000000'; // the PAN field is 0: the clear block is the PIN field
    expect(hex(clearPinBlock('0000', zeros))).toBe('040000FFFFFFFFFF');
    expect(hex(clearPinBlock('123456789012', zeros))).toBe('0C123456789012FF');
    expect(hex(clearPinBlock('012345', zeros))).toBe('06012345FFFFFFFF');
    for (const bad of ['123', '1234567890123', '12a456', '', '１２３４５６'])
      expect(() => clearPinBlock(bad, PAN), bad).toThrow(/4-12 digits/);
    // 13 digits → the 12 before the check digit are all but the last; 19 digits → the 12
    // rightmost before the check digit. Both give the PAN field 0000 1234 5678 9012:
    //   PIN field 04 00 00 FF FF FF FF FF  XOR  00 00 12 34 56 78 90 12  =  04 00 12 CB A9 87 6F ED
    expect(hex(clearPinBlock('0000', '1234567890123'))).toBe('040012CBA9876FED');
    expect(hex(clearPinBlock('0000', '6222021234567890123'))).toBe('040012CBA9876FED');
    expect(() => clearPinBlock('123456', '123456789012')).toThrow(/card number/);
    for (const pan of ['1234567890123', '6222021234567890123'])
      expect(openSm4PinBlock(sm4PinBlock('000000', pan, KEY), pan, KEY)).toBe('000000');
    expect(() => sm4PinBlock('123456', PAN, KEY.slice(0, 8))).toThrow(/16 bytes/);
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
