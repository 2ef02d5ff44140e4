import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  encodeApdu,
  fromHex,
  getResponse,
  parseResponse,
  parseTlv,
  readBinarySfi,
  selectByAid,
  toHex,
} from '../../../src/drivers/ic/apdu';
import {
  DEMO_AID,
  GET_BALANCE_EP,
  encodeEf15,
  exchange,
  panFromSerial,
  parseBalance,
  parseEf15,
  readStoredValueCard,
  type Transmit,
} from '../../../src/drivers/ic/stored-value-app';
import { IcError } from '../../../src/drivers/ic/errors';
import {
  REMOVED,
  VirtualStoredValueCard,
  contactlessAtr,
  expiryDateFromYymm,
  type VirtualCardProfile,
} from '../../../src/drivers/ic/virtual-card';
import { classifyTransportError, entryModeForReader } from '../../../src/drivers/ic/pcsc-stack';
import { readerMatches } from '../../../src/drivers/ic/pcsc-reader';

const hex = (b: Uint8Array) => toHex(b);

describe('ISO/IEC 7816-4 APDU builders', () => {
  it('builds the three commands of the stored-value read exactly', () => {
    expect(hex(selectByAid(fromHex(DEMO_AID)))).toBe('00A4040008A00000033343540100');
    expect(hex(readBinarySfi(0x15, 0, 0x1e))).toBe('00B095001E');
    expect(hex(GET_BALANCE_EP)).toBe('805C000204');
    expect(hex(getResponse(0x10))).toBe('00C0000010');
  });
  it('encodes the four short cases and rejects out-of-range fields', () => {
    expect(hex(encodeApdu({ cla: 0, ins: 0x84, p1: 0, p2: 0 }))).toBe('00840000');
    expect(hex(encodeApdu({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 256 }))).toBe('0084000000');
    expect(hex(encodeApdu({ cla: 0, ins: 0xd6, p1: 0, p2: 0, data: Uint8Array.of(1, 2) }))).toBe(
      '00D60000020102',
    );
    expect(() => encodeApdu({ cla: 256, ins: 0, p1: 0, p2: 0 })).toThrow(RangeError);
    expect(() => encodeApdu({ cla: 0, ins: 0, p1: 0, p2: 0, le: 0 })).toThrow(RangeError);
    expect(() => selectByAid(Uint8Array.of(1, 2))).toThrow(RangeError);
  });
  it('splits responses; fewer than two bytes is no response', () => {
    expect(parseResponse(fromHex('01029000'))).toEqual({ data: Uint8Array.of(1, 2), sw: 0x9000 });
    expect(parseResponse(Uint8Array.of(0x90))).toBeUndefined();
  });
  it('BER-TLV parser: parses an FCI and never throws anything but RangeError on garbage', () => {
    const fci = fromHex('6F0F8408A000000333435401A503880101');
    expect(parseTlv(fci)[0]!.children![0]).toMatchObject({ tag: 0x84 });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        try {
          parseTlv(b);
        } catch (e) {
          expect(e).toBeInstanceOf(RangeError);
        }
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('EF15 and balance', () => {
  const ef = {
    issuerId: '4354494C4C000001',
    appType: 2,
    appVersion: 1,
    pan: '8888000012345674',
    startDate: '20240101',
    expiryDate: '20281231',
    issuerData: '0000',
  };
  it('lays out the 30-byte file: 20-digit BCD serial left-padded with zeros', () => {
    const b = encodeEf15(ef);
    expect(hex(b)).toBe(
      '4354494C4C000001' + '02' + '01' + '00008888000012345674' + '20240101' + '20281231' + '0000',
    );
    expect(parseEf15(b)).toEqual(ef);
  });
  it('round-trips any 16..19-digit card number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{15,18}$/), (pan) => {
        expect(parseEf15(encodeEf15({ ...ef, pan })).pan).toBe(pan);
      }),
    );
  });
  it('rejects short files, non-BCD serials and impossible dates as CARD_ERROR', () => {
    expect(() => parseEf15(new Uint8Array(10))).toThrow(IcError);
    const bad = encodeEf15(ef);
    bad[12] = 0xab;
    expect(() => parseEf15(bad)).toThrow(/BCD/);
    const badDate = encodeEf15({ ...ef, expiryDate: '20281331' });
    expect(() => parseEf15(badDate)).toThrow(/dates/);
  });
  it('keeps 16 digits minimum when stripping the padding', () => {
    expect(panFromSerial('00000000000000001234')).toBe('0000000000001234');
  });
  it('balance is 4 bytes big-endian unsigned fen', () => {
    expect(parseBalance(fromHex('0000303A'))).toBe(12_346);
    expect(parseBalance(fromHex('FFFFFFFF'))).toBe(4_294_967_295);
    expect(() => parseBalance(fromHex('0000'))).toThrow(IcError);
  });
  it('YYMM expiry → last day of that month', () => {
    expect(expiryDateFromYymm('2802')).toBe('20280229');
    expect(expiryDateFromYymm('2712')).toBe('20271231');
  });
});

function transmitTo(card: VirtualStoredValueCard): Transmit {
  return async (apdu) => {
    const r = card.respond(apdu);
    if (r === REMOVED) return new Uint8Array(0); // what vpcd/pcscd hand back after the card left
    return r;
  };
}
const profile = (extra: Partial<VirtualCardProfile> = {}): VirtualCardProfile => ({
  pan: '8888000012345674',
  expiryDate: '20281231',
  balanceFen: 9_999,
  ...extra,
});

describe('readStoredValueCard against the virtual card', () => {
  it('reads pan, YYMM expiry and balance', async () => {
    const r = await readStoredValueCard(transmitTo(new VirtualStoredValueCard(profile())));
    expect(r).toMatchObject({
      pan: '8888000012345674',
      expiry: '2812',
      balanceFen: 9_999,
      fciDfName: DEMO_AID,
    });
  });
  it('another application only → CARD_UNSUPPORTED (6A82)', async () => {
    await expect(
      readStoredValueCard(
        transmitTo(new VirtualStoredValueCard(profile({ failure: { kind: 'other-aid' } }))),
      ),
    ).rejects.toMatchObject({
      code: 'CARD_UNSUPPORTED',
      sw: 0x6a82,
    });
  });
  it('a card that knows no SELECT (6D00) → CARD_UNSUPPORTED', async () => {
    await expect(readStoredValueCard(async () => fromHex('6D00'))).rejects.toMatchObject({
      code: 'CARD_UNSUPPORTED',
    });
  });
  it.each(['select', 'read', 'balance'] as const)(
    'SW 6985 on %s → CARD_ERROR naming the SW',
    async (step) => {
      const card = new VirtualStoredValueCard(profile({ failure: { kind: 'sw', step, sw: 0x6985 } }));
      await expect(readStoredValueCard(transmitTo(card))).rejects.toMatchObject({
        code: 'CARD_ERROR',
        message: expect.stringContaining('6985'),
      });
    },
  );
  it('card leaves after SELECT → CARD_REMOVED', async () => {
    const card = new VirtualStoredValueCard(profile({ failure: { kind: 'remove', after: 'select' } }));
    await expect(readStoredValueCard(transmitTo(card))).rejects.toMatchObject({ code: 'CARD_REMOVED' });
  });
  it('handles T=0 61xx (GET RESPONSE) and 6Cxx (wrong Le)', async () => {
    const sent: string[] = [];
    const t: Transmit = async (apdu) => {
      sent.push(hex(apdu));
      if (hex(apdu) === '805C000200') return fromHex('6C04');
      if (hex(apdu) === '805C000204') return fromHex('6104');
      return fromHex('000001F49000');
    };
    expect(await exchange(t, fromHex('805C000200'), 'GET BALANCE')).toEqual(fromHex('000001F4'));
    expect(sent).toEqual(['805C000200', '805C000204', '00C0000004']);
  });
  it('random card answers never escape as anything but IcError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 4, maxLength: 4 }),
        async (answers) => {
          let i = 0;
          try {
            await readStoredValueCard(async () => answers[i++ % 4]!);
          } catch (e) {
            expect(e).toBeInstanceOf(IcError);
          }
        },
      ),
      { numRuns: 5_000 },
    );
  });
  it('the ATR is well formed (TCK)', () => {
    const atr = contactlessAtr();
    expect(atr.slice(1).reduce((a, b) => a ^ b, 0)).toBe(0);
  });
});

describe('PC/SC helpers', () => {
  it('tells contact from contactless reader slots by name', () => {
    expect(entryModeForReader('ACS ACR122U PICC Interface 00 00')).toBe('contactless');
    expect(entryModeForReader('ACS ACR1252 1S CL Reader [ACR1252 Dual Reader PICC] 00 00')).toBe(
      'contactless',
    );
    expect(entryModeForReader('Virtual PCD 00 00')).toBe('contactless');
    expect(
      entryModeForReader('Generic Smart Card Reader Interface [Smart Card Reader Interface] 00 00'),
    ).toBe('chip');
    expect(entryModeForReader('ACS ACR39U ICC Reader 00 00')).toBe('chip');
    expect(entryModeForReader('Gemalto PC Twin Reader (CCID) 00 00')).toBe('chip');
  });
  it('classifies PC/SC return codes', () => {
    expect(classifyTransportError('SCardTransmit error: Card was removed.(0x80100069)')).toBe('card');
    expect(classifyTransportError('SCardGetStatusChange error: RPC transport error.(0x80100013)')).toBe(
      'reader',
    );
    expect(classifyTransportError('No card or connection available.')).toBe('card');
    expect(classifyTransportError('weird')).toBe('other');
  });
  it('matches reader names: *, exact, or case-insensitive part', () => {
    expect(readerMatches('*', 'x')).toBe(true);
    expect(readerMatches('acr122', 'ACS ACR122U PICC Interface')).toBe(true);
    expect(readerMatches('Virtual PCD 00 01', 'Virtual PCD 00 00')).toBe(false);
  });
});
