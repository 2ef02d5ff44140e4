/**
 * A 0200 purchase with the cardholder password (26 / 52 / 53), golden frames written by hand:
 * the page's worked purchase (¥12.50 on 8888010000000017, STAN 7, batch 1, T0000001,
 * M000000000001, entry 021) with password 246810 under PIK = MAK = 0123456789ABCDEFFEDCBA9876543210.
 * Derivations (run on this machine, OpenSSL 3.0):
 *   format 0   : 06246810FFFFFFFF XOR 0000801000000001 (PAN field: 12 digits before the check digit)
 *                = 0624E800FFFFFFFE
 *   52 (3DES)  : 0624E800FFFFFFFE | openssl enc -des-ede-ecb -K $K -nopad             → 76A306544030529C
 *   52 (SM4)   : 0624E800FFFFFFFE FFFFFFFFFFFFFFFF | openssl enc -sm4-ecb -K $K -nopad
 *                → 94486274E59CABDFEAFA5C6466878D95
 *   64         : the page's MAC algorithm over `openssl enc -des-ede-ecb` (single DES as K1 = K2) /
 *                `-sm4-ecb`, the same script reproducing the page's 74E8A642 / B89885D9 first
 *                → 7161229E (3DES set), 90989981 (SM4 set)
 */
import { describe, expect, it } from 'vitest';
import {
  CUP_PROFILE as P,
  checkRequest,
  decodeFrame,
  makeHeader,
  makeTpdu,
  pinFromFormat0,
} from '../../../src/shared/iso8583';
import { KEYSETS, type KeySet } from '../../../src/main/issuer/iso8583/keysets';
import { encodeWithMac } from '../../../src/main/issuer/iso8583/working-keys';
import { buildOriginal, buildReversal } from '../../../src/main/issuer/iso8583/requests';
import { field52, passwordFields } from '../../../src/main/issuer/iso8583/pin-field';
import { frame, hex } from './golden';

const K = hex('0123456789ABCDEFFEDCBA9876543210');
const PAN = '8888010000000017';

const frameOf = (len: string, f52: string, f53: string, mac: string) =>
  frame(
    len,
    '6000010000', // TPDU 60, destination 0001, source 0000
    '603100000000', // header, processing requirement 0
    '0200', // MTI
    '702004C000C09811', // bitmap: 2 3 4 11 22 25 26 41 42 49 52 53 60 64
    '16 8888010000000017', // 2: LL 16 digits, PAN
    '000000', // 3: purchase
    '000000001250', // 4: ¥12.50 in fen
    '000007', // 11: STAN 7
    '0021', // 22: 021 — the third digit 1: the terminal can take a PIN (as without one)
    '00', // 25
    '06', // 26: PIN capture code 06 (6 digits), present exactly when 52 is
    '5430303030303031', // 41 "T0000001"
    '4D3030303030303030303030312020', // 42 "M000000000001  "
    '313536', // 49 "156"
    f52, // 52: raw block bytes, 8 (3DES) or 16 (SM4)
    f53, // 53: n16 BCD security control
    '0008 22000001', // 60: 60.1 22, batch 000001
    mac, // 64: 8 ASCII hex characters
  );

const GOLDEN = {
  // 102 bytes follow: the page's 85 + 26 (1) + 52 (8) + 53 (8).
  '3des': frameOf('0066', '76A306544030529C', '2600000000000000', '3731363132323945'), // "7161229E"
  // 110 bytes follow: the page's 85 + 26 (1) + 52 (16) + 53 (8).
  sm4: frameOf(
    '006E',
    '94486274E59CABDFEAFA5C6466878D95',
    '2400000000000000',
    '3930393839393831', // "90989981"
  ),
};

/** The request as the adapter puts it on the wire: the recorded fields, then 26/52/53, 41/42, the MAC. */
function wireFrame(ks: KeySet): Uint8Array {
  const built = buildOriginal(
    {
      kind: 'authorize',
      stan: 7,
      time: '2026-12-02T02:00:00Z',
      id: '00',
      card: { pan: PAN, entryMode: 'swipe' },
      amountFen: 1250,
      otherTenderFen: 0,
    },
    1,
    () => undefined,
  );
  if (!built.ok) throw new Error(built.detail);
  return encodeWithMac(P, ks, K, {
    tpdu: makeTpdu(P, 1, 0),
    header: makeHeader(P),
    mti: built.sent.mti,
    fields: {
      ...built.sent.fields,
      ...passwordFields(ks, K, '246810', PAN),
      41: 'T0000001',
      42: 'M000000000001',
    },
  });
}

describe.each(['3des', 'sm4'] as const)('a purchase with its password, %s key set', (name) => {
  const ks = KEYSETS[name];

  it('is the hand-built golden frame byte for byte, and a purchase the page accepts', () => {
    const golden = GOLDEN[name];
    expect(((golden[0]! << 8) | golden[1]!) + 2).toBe(golden.length); // the length prefix, counted
    expect(Buffer.from(wireFrame(ks)).toString('hex')).toBe(Buffer.from(golden).toString('hex'));
    expect(checkRequest(P, decodeFrame(P, golden, { keySet: name })).name).toBe('purchase');
  });

  it('52 opens under the PIK to the password, bound to the card', () => {
    const clear = ks.decrypt(K, field52(ks, K, '246810', PAN));
    expect(clear.length).toBe(ks.pinBlockBytes);
    if (name === 'sm4') expect([...clear.subarray(8)].every((b) => b === 0xff)).toBe(true);
    expect(pinFromFormat0(clear.subarray(0, 8), PAN)).toBe('246810');
    expect(() => pinFromFormat0(clear.subarray(0, 8), '8888010000000025')).toThrow();
  });

  it('the 0400 of that purchase carries no 26 / 52 / 53 (ISO8583-CUP.md "Messages": no 52/53)', () => {
    const sent = decodeFrame(P, GOLDEN[name], { keySet: name });
    const rev = buildReversal({ name: 'purchase', mti: '0200', fields: sent.fields });
    expect([26, 52, 53].filter((f) => rev[f] !== undefined)).toEqual([]);
    expect(rev[39]).toBe('98');
  });
});
