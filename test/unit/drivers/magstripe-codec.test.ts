import { describe, expect, it } from 'vitest';
import { MagstripeCodec, decodeSwipe, type SwipeResult } from '../../../src/drivers/magstripe/codec';
import { MSR_FRAMINGS, type MsrFramingName } from '../../../src/drivers/magstripe/framings';
import {
  TRACK1_CHARSET,
  TRACK2_CHARSET,
  decodeTrack1,
  decodeTrack2,
  encodeTrack1,
  encodeTrack2,
  lrcChar,
} from '../../../src/drivers/magstripe/tracks';
import { feedChunks, itOnEverySplit, loadFrameFixtures } from '../../helpers/frame-fixtures';

const fixtures = loadFrameFixtures<MsrFramingName>(
  new URL('../../fixtures/magstripe/frames.json', import.meta.url),
);

function normalise(r: SwipeResult): Record<string, unknown> {
  if (r.kind !== 'card') return { kind: 'error' };
  const { entryMode, ...fields } = r.card;
  expect(entryMode).toBe('swipe');
  return { kind: 'card', ...fields };
}

function run(framing: MsrFramingName, chunks: Uint8Array[]): Array<Record<string, unknown>> {
  return feedChunks(new MagstripeCodec(MSR_FRAMINGS[framing]), chunks).map(normalise);
}

describe('magstripe codec on byte fixtures', () => {
  itOnEverySplit(fixtures, run);

  it('errors never carry track data', () => {
    for (const f of fixtures) {
      const codec = new MagstripeCodec(MSR_FRAMINGS[f.framing]);
      const rs = [...codec.push(Buffer.from(f.hex, 'hex')), ...codec.flush()];
      for (const r of rs) if (r.kind === 'error') expect(r.detail).not.toMatch(/\d{6,}/);
    }
  });
});

describe('ISO/IEC 7811-2 LRC', () => {
  it('is the XOR of the character codes from SS to ES (track 2, hand-computed)', () => {
    // ; 1 2 = ? → codes B 1 2 D F → B^1=A, A^2=8, 8^D=5, 5^F=A → ':' (0x30 + 0xA)
    expect(lrcChar(TRACK2_CHARSET, ';12=?')).toBe(':');
  });
  it('track 1: % B 1 ^ ? → 05^22^11^3E^1F (hand-computed)', () => {
    // codes: '%'=0x05 'B'=0x22 '1'=0x11 '^'=0x3E '?'=0x1F → 0x05^0x22=0x27, ^0x11=0x36, ^0x3E=0x08, ^0x1F=0x17 → 0x37 = '7'
    expect(lrcChar(TRACK1_CHARSET, '%B1^?')).toBe('7');
  });
  it('a wrong LRC is refused only when the reader is set to send it', () => {
    const t2 = encodeTrack2({ pan: '9000123456789016', expiry: '3012', serviceCode: '101' });
    expect(decodeTrack2(t2).ok).toBe(true);
    expect(decodeTrack2(t2, lrcChar(TRACK2_CHARSET, t2), true).ok).toBe(true);
    expect(decodeTrack2(t2, '0', true)).toEqual({ ok: false, fault: 'lrc' });
    expect(decodeTrack2(t2, undefined, true)).toEqual({ ok: false, fault: 'lrc' });
  });
});

describe('track fields', () => {
  it('track 1: name trimmed, expiry and service code', () => {
    const r = decodeTrack1('%B9000123456789016^LI/SI                    ^3012101000?');
    expect(r).toEqual({
      ok: true,
      fields: { pan: '9000123456789016', name: 'LI/SI', expiry: '3012', serviceCode: '101' },
    });
  });
  it('track 1: format code must be B', () => {
    expect(decodeTrack1('%A9000123456789016^LI/SI^3012101?')).toEqual({ ok: false, fault: 'format-code' });
  });
  it('track 1: name of 1 or 27 characters is refused', () => {
    expect(decodeTrack1('%B9000123456789016^L^3012101?')).toEqual({ ok: false, fault: 'name' });
    expect(decodeTrack1(`%B9000123456789016^${'N'.repeat(27)}^3012101?`)).toEqual({
      ok: false,
      fault: 'name',
    });
  });
  it('track 2: hardware control characters in data are refused', () => {
    expect(decodeTrack2(';9000123456789016=3012101:<>?').ok).toBe(false);
  });
  it('track 2 longer than 40 characters is refused', () => {
    expect(decodeTrack2(`;9000123456789016=3012101${'0'.repeat(20)}?`)).toEqual({
      ok: false,
      fault: 'length',
    });
  });
  it('encode → decode round trip', () => {
    const c = { pan: '6228480402564890018', expiry: '4912', serviceCode: '120', name: 'WANG/WU' };
    expect(decodeTrack1(encodeTrack1(c, true).slice(0, -1), encodeTrack1(c, true).slice(-1), true)).toEqual({
      ok: true,
      fields: { pan: c.pan, expiry: '4912', serviceCode: '120', name: 'WANG/WU' },
    });
    expect(decodeTrack2(encodeTrack2(c))).toEqual({
      ok: true,
      fields: { pan: c.pan, expiry: '4912', serviceCode: '120' },
    });
  });
  it('decodeSwipe tags the entry mode', () => {
    const r = decodeSwipe(new TextEncoder().encode(';9000123456789016=3012101?'), { entryMode: 'wedge' });
    expect(r.kind === 'card' && r.card.entryMode).toBe('wedge');
  });
  it('a garbled track 2 is not rescued by a good track 1', () => {
    const r = decodeSwipe(new TextEncoder().encode('%B9000123456789016^LI/SI^3012101?;90001234'));
    expect(r.kind).toBe('error');
  });
});

describe('framing overrides', () => {
  it('a frame longer than maxFrameBytes is dropped up to the next terminator and reported', () => {
    const codec = new MagstripeCodec(MSR_FRAMINGS.plain);
    const out = [
      ...codec.push(new Uint8Array(600).fill(0x41)),
      ...codec.push(new TextEncoder().encode('AAA\r;9000123456789016=3012101?\r')),
    ];
    expect(out.map((r) => r.kind)).toEqual(['error', 'card']);
  });
});
