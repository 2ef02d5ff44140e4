/**
 * E-purse and PSAM command bytes (checked against the layouts of ../shared/PBOC-EP.md, written out
 * in hex here) and the answer parsers' typed refusals.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/drivers/ic/apdu';
import * as c from '../../../src/drivers/ic/epurse/codec';
import { EpurseError } from '../../../src/drivers/ic/epurse/errors';

const TN = fromHex('000000000001');

function code(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(EpurseError);
    return (e as EpurseError).code;
  }
}

describe('card commands', () => {
  it('builds the byte layouts of the page', () => {
    expect(toHex(c.readPublicInfo())).toBe('00B095001E');
    expect(toHex(c.getBalance())).toBe('805C000204');
    expect(toHex(c.selectFileId(0x1001))).toBe('00A40000021001');
    expect(toHex(c.selectEpurse())).toBe('00A4040009A0000000038698070100');
    // key index 01 ‖ amount 150 ‖ terminal number, Le 0F
    expect(toHex(c.initializeForPurchase(1, 150, TN))).toBe('805001020B0100000096000000000001' + '0F');
    expect(
      toHex(
        c.debitForPurchase(fromHex('12345678'), fromHex('20251201'), fromHex('101500'), fromHex('341556CB')),
      ),
    ).toBe('805401000F' + '12345678' + '20251201' + '101500' + '341556CB' + '08');
    expect(toHex(c.getTransactionProve(0x06, 5))).toBe('805A000602000508');
    expect(toHex(c.initializeForLoad(1, 5000, TN))).toBe('805000020B010000138800000000000110');
    expect(toHex(c.creditForLoad(fromHex('20251201'), fromHex('101500'), fromHex('C658FE1B')))).toBe(
      '805200000B' + '20251201101500C658FE1B' + '04',
    );
    expect(toHex(c.readTxnRecord(1))).toBe('00B201C417');
  });

  it('parses the answers', () => {
    const init = c.parseInitPurchase(
      fromHex('000003E8' + '0005' + '000000' + '01' + '00' + '11223344' + '9000'),
    );
    expect(init).toMatchObject({ balanceFen: 1000, offlineSeq: 5, overdraftFen: 0, keyVersion: 1, algId: 0 });
    expect(toHex(init.random)).toBe('11223344');
    const d = c.parseDebit(fromHex('ED6F5112' + '93518CFE' + '9000'));
    expect([toHex(d.tac), toHex(d.mac2)]).toEqual(['ED6F5112', '93518CFE']);
    const p = c.parseProve(fromHex('93518CFE' + 'ED6F5112' + '9000'));
    expect([toHex(p.mac2), toHex(p.tac)]).toEqual(['93518CFE', 'ED6F5112']);
    const l = c.parseInitLoad(fromHex('000003E8' + '0003' + '01' + '00' + 'A1B2C3D4' + 'B19F27C1' + '9000'));
    expect(l).toMatchObject({ balanceFen: 1000, onlineSeq: 3, keyVersion: 1, algId: 0 });
    expect(toHex(l.mac1)).toBe('B19F27C1');
    expect(c.parseBalance(fromHex('000000969000'))).toBe(150);
    const file = c.encodePublicInfo({
      issuerId: '4354494C4C000001',
      appType: 2,
      appVersion: 1,
      appSerial: '00088880200000000010',
      startDate: '20240101',
      endDate: '20291231',
      issuerData: '0000',
    });
    const info = c.parsePublicInfo(Uint8Array.from([...file, 0x90, 0x00]));
    expect(info.appSerial).toBe('00088880200000000010');
    expect(toHex(info.serial8)).toBe('8880200000000010');
    const rec = {
      seq: 5,
      overdraftFen: 0,
      amountFen: 150,
      txnType: 6,
      terminalNumber: '000000000001',
      date: '20251201',
      time: '101500',
    };
    expect(c.parseTxnRecord(Uint8Array.from([...c.encodeTxnRecord(rec), 0x90, 0x00]))).toEqual(rec);
  });

  it('refuses status words and lengths with their own codes', () => {
    expect(code(() => c.parseInitPurchase(fromHex('9401')))).toBe('EP_INSUFFICIENT');
    expect(code(() => c.parseDebit(fromHex('9302')))).toBe('EP_MAC_INVALID');
    expect(code(() => c.parseDebit(fromHex('6985')))).toBe('EP_CONDITIONS');
    expect(code(() => c.parseProve(fromHex('9406')))).toBe('EP_NOT_PROVABLE');
    expect(code(() => c.parseDebit(fromHex('6A82')))).toBe('EP_STATUS');
    expect(code(() => c.parseDebit(fromHex('00112233445566779000')))).toBeUndefined();
    expect(code(() => c.parseDebit(fromHex('001122334455669000')))).toBe('EP_BAD_ANSWER');
    expect(code(() => c.parseDebit(fromHex('90')))).toBe('EP_BAD_ANSWER');
    expect(code(() => c.parseTerminalNumber(fromHex('0000000000019000')))).toBeUndefined();
    let sw: number | undefined;
    try {
      c.parseBalance(fromHex('6A81'));
    } catch (e) {
      sw = (e as EpurseError).sw;
    }
    expect(sw).toBe(0x6a81);
  });

  it('refuses bad inputs to the builders', () => {
    expect(code(() => c.initializeForPurchase(1, -1, TN))).toBe('EP_BAD_INPUT');
    expect(code(() => c.initializeForPurchase(1, 1, fromHex('00')))).toBe('EP_BAD_INPUT');
    expect(
      code(() =>
        c.debitForPurchase(fromHex('00'), fromHex('20251201'), fromHex('101500'), fromHex('00000000')),
      ),
    ).toBe('EP_BAD_INPUT');
    expect(code(() => c.getTransactionProve(6, 0x10000))).toBe('EP_BAD_INPUT');
  });
});

describe('PSAM commands', () => {
  it('builds SELECT, terminal number, MAC1, verify MAC2', () => {
    expect(toHex(c.selectPsam())).toBe('00A4040006BDA8C9E8B2BF00');
    expect(toHex(c.readTerminalNumber())).toBe('00B0960006');
    const mac1 = c.psamMac1({
      random: fromHex('11223344'),
      offlineSeq: 5,
      amountFen: 150,
      date: fromHex('20251201'),
      time: fromHex('101500'),
      keyVersion: 1,
      algId: 0,
      serial8: fromHex('8880200000000010'),
    });
    // random ‖ seq ‖ amount ‖ 06 ‖ date ‖ time ‖ key version ‖ alg ‖ serial: 4+2+4+1+4+3+1+1+8 = 28 = 0x1C
    expect(toHex(mac1)).toBe(
      '807000001C' +
        '11223344' +
        '0005' +
        '00000096' +
        '06' +
        '20251201101500' +
        '01' +
        '00' +
        '8880200000000010',
    );
    expect(toHex(c.psamGetResponse())).toBe('00C0000008');
    expect(toHex(c.psamVerifyMac2(fromHex('93518CFE')))).toBe('807200000493518CFE');
  });

  it('parses MAC1 with or without GET RESPONSE, and verify MAC2', () => {
    expect(c.parsePsamMac1(fromHex('6108'))).toEqual({ more: 8 });
    const r = c.parsePsamMac1(fromHex('12345678341556CB9000'));
    expect('mac1' in r && toHex(r.mac1)).toBe('341556CB');
    expect(c.parsePsamVerifyMac2(fromHex('9000'))).toBe(true);
    expect(code(() => c.parsePsamVerifyMac2(fromHex('9302')))).toBe('EP_MAC_INVALID');
    expect(code(() => c.parsePsamVerifyMac2(fromHex('009000')))).toBe('EP_BAD_ANSWER');
  });
});
