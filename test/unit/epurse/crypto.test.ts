/**
 * E-purse keys and cryptograms against vectors computed by hand, each block with the OpenSSL CLI
 * (not with the module under test):
 *   e() { printf "$2" | xxd -r -p | openssl enc -des-ede3 -nopad -K $1 | xxd -p; }   # 3DES, K1K2K1
 *   s() { printf "$2" | xxd -r -p | openssl enc -sm4-ecb  -nopad -K $1 | xxd -p; }   # SM4
 * Single DES under an 8-byte key k is `e kkk`. CBC steps XOR the previous block in by hand.
 *
 * Card 88880200000000010 → application serial 00088880200000000010 → S = 8880200000000010, ¬S = 777FDFFFFFFFFFEF.
 * Purchase: random 11223344, offline sequence 0005, terminal sequence 12345678, 150 fen (00000096),
 * terminal 000000000001, 2025-12-01 10:15:00. PBOC-EP.md's known-answer vector is reproduced.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/drivers/ic/apdu';
import {
  algFromId,
  bcdDateTime,
  cardSerial8,
  diversify,
  epMac,
  loadMac1,
  loadMac2,
  loadSessionKey,
  loadTac,
  purchaseMac1,
  purchaseMac2,
  purchaseSessionKey,
  purchaseTac,
  tacKey,
  type PurchaseFields,
} from '../../../src/drivers/ic/epurse/crypto';
import { isEpurseError } from '../../../src/drivers/ic/epurse/errors';

const MK_PURCHASE = fromHex('0123456789ABCDEFFEDCBA9876543210');
const MK_LOAD = fromHex('F0E1D2C3B4A5968778695A4B3C2D1E0F');
const MK_TAC = fromHex('00112233445566778899AABBCCDDEEFF');
const S = cardSerial8('88880200000000010');
const { date, time } = bcdDateTime({ y: 2025, mo: 12, d: 1, h: 10, mi: 15, s: 0 });
const fields: PurchaseFields = {
  amountFen: 150,
  terminalNumber: fromHex('000000000001'),
  terminalSeq: fromHex('12345678'),
  date,
  time,
};

describe('e-purse 3DES (algorithm 00)', () => {
  it('takes the rightmost 8 bytes of the zero-padded application serial', () => {
    expect(toHex(S)).toBe('8880200000000010');
    expect(toHex(date) + toHex(time)).toBe('20251201101500');
  });

  it('diversifies: DPK = e(MK,S) ‖ e(MK,¬S)', () => {
    // e 0123…3210 0123456789ABCDEF 8880200000000010 → f996c39f0d9195f8; with ¬S → 98d1c8d999f3d942
    expect(toHex(diversify('3des', MK_PURCHASE, S))).toBe('F996C39F0D9195F898D1C8D999F3D942');
    // e F0E1…1E0F F0E1D2C3B4A59687 … → 5149d2567a04e47b ‖ c210e308326d474c
    expect(toHex(diversify('3des', MK_LOAD, S))).toBe('5149D2567A04E47BC210E308326D474C');
    expect(toHex(diversify('3des', MK_TAC, S))).toBe('C9964E2AB3BFF719C951CDA9CA1CC733');
  });

  it('SESPK, MAC1, MAC2, TAC of the purchase', () => {
    const dpk = diversify('3des', MK_PURCHASE, S);
    // e DPK‖DPK-left 11223344 0005 5678 → c010cdecae396df6
    const ses = purchaseSessionKey('3des', dpk, fromHex('11223344'), 5, fields.terminalSeq);
    expect(toHex(ses)).toBe('C010CDECAE396DF6');
    // MAC1 blocks: e(0000009606000000)=58ec362d0eb60da7; ⊕ 0000012025120110 → e = 52e80168da34a256;
    // ⊕ 1500800000000000 → e = 341556cb2e814e39 → MAC1 341556CB
    expect(toHex(purchaseMac1('3des', ses, fields))).toBe('341556CB');
    // MAC2: e(00000096 80000000) = 93518cfe4f926d1c
    expect(toHex(purchaseMac2('3des', ses, 150))).toBe('93518CFE');
    // TAC key = c9964e2ab3bff719 ⊕ c951cda9ca1cc733 = 00c7838379a3302a; data 23 bytes, 3 blocks
    expect(toHex(tacKey('3des', diversify('3des', MK_TAC, S)))).toBe('00C7838379A3302A');
    expect(toHex(purchaseTac('3des', diversify('3des', MK_TAC, S), fields))).toBe('ED6F5112');
  });

  it('the load: SESLK, MAC1 (card), MAC2 (issuer), TAC', () => {
    // random A1B2C3D4, online sequence 3, balance 1000 (000003E8) + 5000 (00001388) = 6000 (00001770)
    const dlk = diversify('3des', MK_LOAD, S);
    const ses = loadSessionKey('3des', dlk, fromHex('A1B2C3D4'), 3);
    expect(toHex(ses)).toBe('EB402923D0CD52C1'); // e DLK‖DLK-left A1B2C3D400038000
    const tn = fields.terminalNumber;
    // e(000003e800001388) ⊕ 0200000000000180 → e → b19f27c1…
    expect(toHex(loadMac1('3des', ses, 1000, 5000, tn))).toBe('B19F27C1');
    // 0000138802000000 | 0000012025120110 | 1500800000000000 → c658fe1b…
    expect(toHex(loadMac2('3des', ses, 5000, tn, date, time))).toBe('C658FE1B');
    // key 00c7838379a3302a over 0000177000030000 | 1388020000000000 | 0120251201101500 | 8000…
    expect(toHex(loadTac('3des', diversify('3des', MK_TAC, S), 6000, 3, 5000, tn, date, time))).toBe(
      '942757CF',
    );
  });

  it('always pads: 8 bytes of data become two blocks', () => {
    const k = fromHex('C010CDECAE396DF6');
    expect(toHex(epMac('3des', k, fromHex('0000009606000000')))).not.toBe(
      toHex(epMac('3des', k, fromHex('00000096060000'))),
    );
  });
});

describe('e-purse SM4 (algorithm 04)', () => {
  it('diversifies, derives the session key and the MACs with 16-byte blocks', () => {
    // s MK 8880200000000010777FDFFFFFFFFFEF → 52bf2aa9…
    const dpk = diversify('sm4', MK_PURCHASE, S);
    expect(toHex(dpk)).toBe('52BF2AA9AD07F4255CE82E451CDC9D16');
    // s DPK 1122334400055678 8000000000000000 → a2f2ac28…
    const ses = purchaseSessionKey('sm4', dpk, fromHex('11223344'), 5, fields.terminalSeq);
    expect(toHex(ses)).toBe('A2F2AC289D63F541214E98909F6344A5');
    // s(00000096060000000000012025120110) = 6f742dc6…; ⊕ 1500 80 00… → s → aecbfde8…
    expect(toHex(purchaseMac1('sm4', ses, fields))).toBe('AECBFDE8');
    expect(toHex(purchaseMac2('sm4', ses, 150))).toBe('CA88509C'); // s(00000096 80 00…)
    // DTK = s(MK_TAC, S‖¬S) = 9df84cf6…, used as is: s(00000096 06 000000000001 12345678 20) = 207334cd…,
    // ⊕ 251201101500 80 00… → s → 2f40f885…
    expect(toHex(purchaseTac('sm4', diversify('sm4', MK_TAC, S), fields))).toBe('2F40F885');
  });
});

describe('typed refusals', () => {
  it('refuses an unknown algorithm id and malformed inputs with EpurseError', () => {
    expect(algFromId(0)).toBe('3des');
    expect(algFromId(4)).toBe('sm4');
    for (const f of [
      () => algFromId(1),
      () => diversify('3des', MK_PURCHASE, fromHex('00')),
      () => purchaseSessionKey('3des', MK_PURCHASE, fromHex('00'), 1, fields.terminalSeq),
      () => purchaseMac2('3des', fromHex('00'), 1),
      () => purchaseMac2('3des', fromHex('C010CDECAE396DF6'), -1),
      () => cardSerial8('12a'),
    ]) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(isEpurseError(err)).toBe(true);
    }
  });
});
