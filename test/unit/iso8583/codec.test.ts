/**
 * The CUP profile codec against hand-built golden frames (golden.ts): every frame decodes to the
 * fields the page describes and encodes back byte for byte; messages are identified and their
 * field lists checked; each kind of malformed frame gets its own typed error.
 */
import { describe, expect, it } from 'vitest';
import {
  CUP_PROFILE as P,
  Iso8583Error,
  checkAnswer,
  checkRequest,
  decodeFrame,
  encodeFrame,
  formatField48,
  formatField54,
  formatField60,
  makeHeader,
  makeTpdu,
  parseField48,
  parseField54,
  parseField60,
  parseField61,
  processingRequirement,
  FrameReader,
  type Iso8583ErrorCode,
} from '../../../src/shared/iso8583';
import * as G from './golden';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function errorOf(f: () => unknown): Iso8583ErrorCode {
  try {
    f();
  } catch (e) {
    if (e instanceof Iso8583Error) return e.code;
    throw e;
  }
  throw new Error('no error');
}

describe('golden frames', () => {
  it.each(Object.entries(G.ALL_GOLDEN))('%s decodes and re-encodes byte for byte', (_name, frame) => {
    const msg = decodeFrame(P, frame);
    expect(encodeFrame(P, msg)).toEqual(frame);
  });

  it("decodes the page's purchase to the page's values", () => {
    const m = decodeFrame(P, G.PAGE_PURCHASE_3DES);
    expect(m.mti).toBe('0200');
    expect(m.fields).toEqual({
      2: '8888010000000017',
      3: '000000',
      4: '000000001250',
      11: '000007',
      22: '021',
      25: '00',
      41: 'T0000001',
      42: 'M000000000001  ',
      49: '156',
      60: '22000001',
      64: ascii('74E8A642'),
    });
    expect(checkRequest(P, m).name).toBe('purchase');
    expect(parseField60(m.fields[60] as string)).toEqual({ typeCode: '22', batch: 1 });
  });

  it("builds the page's sign-on from values", () => {
    const frame = encodeFrame(P, {
      tpdu: makeTpdu(P, 0x0001, 0x0000),
      header: makeHeader(P),
      mti: '0800',
      fields: {
        11: '000001',
        41: 'T0000001',
        42: 'M000000000001', // padded by the codec
        60: formatField60({ typeCode: '00', batch: 0, networkCode: '004' }),
        63: '001',
      },
    });
    expect(frame).toEqual(G.PAGE_SIGN_ON);
    expect(checkRequest(P, decodeFrame(P, frame)).name).toBe('sign-on');
  });

  it('identifies each of our request frames and checks the answers', () => {
    expect(checkRequest(P, decodeFrame(P, G.OUR_ECHO)).name).toBe('echo');
    expect(checkRequest(P, decodeFrame(P, G.OUR_BALANCE)).name).toBe('balance');
    expect(checkRequest(P, decodeFrame(P, G.OUR_REVERSAL)).name).toBe('reversal');
    expect(checkRequest(P, decodeFrame(P, G.OUR_REFUND)).name).toBe('refund');
    const settle = decodeFrame(P, G.OUR_SETTLEMENT);
    expect(checkRequest(P, settle).name).toBe('settlement');
    expect(parseField48(settle.fields[48] as string)).toEqual({
      saleCount: 1,
      saleFen: 1250,
      creditCount: 0,
      creditFen: 0,
      result: 0,
    });
    const purchase = checkRequest(P, decodeFrame(P, G.PAGE_PURCHASE_3DES));
    const answer = decodeFrame(P, G.OUR_PURCHASE_ANSWER);
    expect(() => checkAnswer(purchase, answer)).not.toThrow();
    expect(processingRequirement(P, answer.header)).toBe(3);
    expect(parseField54(answer.fields[54] as string)).toBe(98_750);
    const signOn = checkRequest(P, decodeFrame(P, G.PAGE_SIGN_ON));
    expect(() => checkAnswer(signOn, decodeFrame(P, G.OUR_SIGN_ON_ANSWER))).not.toThrow();
    expect(parseField61(decodeFrame(P, G.OUR_REFUND).fields[61] as string)).toEqual({
      batch: 1,
      stan: 7,
      date: '1201',
    });
  });

  it('field 52 is 8 bytes with the 3DES set and 16 with SM4', () => {
    const base = decodeFrame(P, G.PAGE_PURCHASE_3DES);
    const with52 = (n: number) => ({
      ...base,
      fields: { ...base.fields, 26: '06', 52: new Uint8Array(n).fill(0xab), 53: '2600000000000000' },
    });
    const f3 = encodeFrame(P, with52(8), { keySet: '3des' });
    const f4 = encodeFrame(P, with52(16), { keySet: 'sm4' });
    expect(f4.length - f3.length).toBe(8);
    expect(decodeFrame(P, f4, { keySet: 'sm4' }).fields[52]).toEqual(new Uint8Array(16).fill(0xab));
    expect(errorOf(() => encodeFrame(P, with52(16), { keySet: '3des' }))).toBe('BAD_VALUE');
    // Read with the wrong key set, the frame does not add up (53 then starts inside the PIN block).
    expect(() => decodeFrame(P, f4, { keySet: '3des' })).toThrow(Iso8583Error);
  });

  it('composite fields format as the page writes them', () => {
    expect(formatField54(98_750)).toBe('1002156C000000098750');
    expect(formatField54(-5)).toBe('1002156D000000000005');
    expect(formatField48({ saleCount: 1, saleFen: 1250, creditCount: 0, creditFen: 0, result: 0 })).toBe(
      '0010000000012500000000000000000',
    );
  });
});

describe('typed errors', () => {
  const good = G.PAGE_PURCHASE_3DES;
  const patch = (at: number, v: number) => {
    const b = good.slice();
    b[at] = v;
    return b;
  };
  // Offsets into PAGE_PURCHASE_3DES: 0-1 len, 2-6 TPDU, 7-12 header, 13-14 MTI, 15-22 bitmap,
  // 23 LL of 2, 24-31 PAN, 32-34 field 3 …
  it.each<[string, Uint8Array, Iso8583ErrorCode]>([
    ['empty', new Uint8Array(0), 'TRUNCATED'],
    ['one byte', Uint8Array.of(0), 'TRUNCATED'],
    ['under 21 bytes', Uint8Array.of(0, 20, ...new Uint8Array(20)), 'BAD_LENGTH'],
    ['over 1,024 bytes', Uint8Array.of(0x04, 0x01), 'BAD_LENGTH'],
    ['cut short', good.subarray(0, good.length - 1), 'TRUNCATED'],
    ['a byte too many', Uint8Array.of(...good, 0), 'TRAILING_BYTES'],
    ['TPDU id', patch(2, 0x61), 'BAD_TPDU'],
    ['header category', patch(7, 0x61), 'BAD_HEADER'],
    ['header high nibble', patch(9, 0x13), 'BAD_HEADER'],
    ['MTI not BCD', patch(13, 0x0a), 'BAD_BCD'],
    ['bit 1 set', patch(15, 0xf0), 'BAD_BITMAP'],
    ['bit 5 (field 5 is not in the table)', patch(15, 0x78), 'UNKNOWN_FIELD'],
    ['PAN length over 19', patch(23, 0x20), 'BAD_LENGTH'],
    ['PAN length not BCD', patch(23, 0x1a), 'BAD_BCD'],
    ['PAN digit not BCD', patch(24, 0x8f), 'BAD_BCD'],
    ['41 with a control byte', patch(50, 0x07), 'BAD_CHARSET'],
  ])('%s → %s', (_name, bytes, code) => {
    expect(errorOf(() => decodeFrame(P, bytes))).toBe(code);
  });

  it('an odd PAN with a pad nibble other than 0 is BAD_PAD', () => {
    const m = decodeFrame(P, good);
    const odd = encodeFrame(P, { ...m, fields: { ...m.fields, 2: '888801000000001' } });
    // 2 is LLVAR, left-justified: the last nibble of the PAN's 8th byte is the pad.
    const bad = odd.slice();
    bad[24 + 7] |= 0x07;
    expect(errorOf(() => decodeFrame(P, bad))).toBe('BAD_PAD');
    expect(decodeFrame(P, odd).fields[2]).toBe('888801000000001');
  });

  it('missing, unexpected fields and unknown messages are message errors (answered 30)', () => {
    const m = decodeFrame(P, good);
    const without4 = { ...m, fields: { ...m.fields, 4: undefined } };
    expect(errorOf(() => checkRequest(P, without4))).toBe('MISSING_FIELD');
    expect(errorOf(() => checkRequest(P, { ...m, fields: { ...m.fields, 35: '8888D3012' } }))).toBe(
      'UNEXPECTED_FIELD',
    );
    // A purchase processing code with the void's 60.1.
    expect(errorOf(() => checkRequest(P, { ...m, fields: { ...m.fields, 60: '23000001' } }))).toBe(
      'UNKNOWN_MESSAGE',
    );
    expect(errorOf(() => checkRequest(P, { ...m, mti: '0300' }))).toBe('UNKNOWN_MESSAGE');
    expect(errorOf(() => parseField60('2200000'))).toBe('BAD_SUBFIELD');
  });

  it('encoding a value the table refuses is BAD_VALUE, never bytes', () => {
    const m = decodeFrame(P, good);
    expect(errorOf(() => encodeFrame(P, { ...m, fields: { ...m.fields, 4: '12.50' } }))).toBe('BAD_VALUE');
    expect(errorOf(() => encodeFrame(P, { ...m, fields: { ...m.fields, 41: 'T00000012' } }))).toBe(
      'BAD_VALUE',
    );
    expect(errorOf(() => encodeFrame(P, { ...m, fields: { ...m.fields, 5: '1' } }))).toBe('UNKNOWN_FIELD');
  });
});

describe('FrameReader', () => {
  it('cuts frames out of a stream split at every offset', () => {
    const stream = Uint8Array.of(...G.PAGE_SIGN_ON, ...G.PAGE_PURCHASE_3DES);
    for (let cut = 0; cut <= stream.length; cut++) {
      const r = new FrameReader(P);
      const frames = [...r.push(stream.subarray(0, cut)), ...r.push(stream.subarray(cut))];
      expect(frames).toEqual([G.PAGE_SIGN_ON, G.PAGE_PURCHASE_3DES]);
      expect(r.pending).toBe(0);
    }
  });

  it('refuses a declared length outside 21..1024 before buffering it', () => {
    expect(errorOf(() => new FrameReader(P).push(Uint8Array.of(0xff, 0xff)))).toBe('BAD_LENGTH');
    expect(errorOf(() => new FrameReader(P).push(Uint8Array.of(0x00, 0x05)))).toBe('BAD_LENGTH');
  });
});
