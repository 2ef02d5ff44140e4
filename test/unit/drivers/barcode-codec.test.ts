import { describe, expect, it } from 'vitest';
import { ScannerCodec } from '../../../src/drivers/barcode/codec';
import { SCANNER_FRAMINGS, type ScannerFramingName } from '../../../src/drivers/barcode/framings';
import { parseScan, type ScanResult } from '../../../src/drivers/barcode/payload';
import { gs1CheckDigitValid, parseGs1Parens, parseGs1Raw } from '../../../src/drivers/barcode/gs1';
import { stripSymbologyId } from '../../../src/drivers/barcode/symbology';
import { feedChunks, itOnEverySplit, loadFrameFixtures } from '../../helpers/frame-fixtures';

const fixtures = loadFrameFixtures<ScannerFramingName>(
  new URL('../../fixtures/barcode/frames.json', import.meta.url),
);

function normalise(r: ScanResult): Record<string, unknown> {
  if (r.kind === 'error') {
    expect(r.code).toBe('SCAN_UNREADABLE');
    return { kind: 'error' };
  }
  const sym = r.symbology ? { symbology: r.symbology.name } : {};
  if (r.kind === 'receipt') return { kind: 'receipt', text: r.text, ...sym };
  const { entryMode, ...fields } = r.card;
  expect(entryMode).toBe('scan');
  return { kind: 'card', ...fields, ...sym };
}

function run(framing: ScannerFramingName, chunks: Uint8Array[]): Array<Record<string, unknown>> {
  return feedChunks(new ScannerCodec(SCANNER_FRAMINGS[framing]), chunks).map(normalise);
}

describe('scanner codec on byte fixtures', () => {
  itOnEverySplit(fixtures, run);
});

describe('AIM symbology identifiers (ISO/IEC 15424)', () => {
  it.each([
    [']Q1abc', 'qr', false],
    [']C1abc', 'code128', true],
    [']E0abc', 'ean-upc', false],
    [']d2abc', 'datamatrix', true],
    [']Q3abc', 'qr', true],
  ])('%s → %s (gs1 %s)', (text, name, gs1) => {
    const r = stripSymbologyId(text);
    expect(r.data).toBe('abc');
    expect(r.symbology).toMatchObject({ name, gs1 });
  });
  it('leaves text without an identifier alone', () => {
    expect(stripSymbologyId(']]abc')).toEqual({ data: ']]abc' });
    expect(stripSymbologyId('abc')).toEqual({ data: 'abc' });
  });
});

describe('payloads', () => {
  it('e-card QR: minute and code go to dynamicCode as <minute>:<code>', () => {
    expect(parseScan('CT1:9000123456789016:0:000001')).toEqual({
      kind: 'card',
      card: { pan: '9000123456789016', entryMode: 'scan', dynamicCode: '0:000001' },
    });
  });
  it.each([
    'CT1:9000123456789016:29000000:1234567',
    'CT1:9000123456789016:029000000:123456',
    'CT1:9000123456789017:29000000:123456',
    'CT1:9000123456789016:29000000',
    'CT1:900012345678901x:29000000:123456',
  ])('malformed e-card %s → SCAN_UNREADABLE', (t) => {
    expect(parseScan(t).kind).toBe('error');
  });
  it('plain digits of a Luhn-valid number are a card, with GS1 identifiers they are not', () => {
    expect(parseScan('9000123456789016').kind).toBe('card');
    expect(parseScan(']C19000123456789016').kind).toBe('error');
  });
  it('GS1 check digit (GS1 General Specifications §7.9.1)', () => {
    expect(gs1CheckDigitValid('09501101530003')).toBe(true);
    expect(gs1CheckDigitValid('09501101530004')).toBe(false);
    expect(gs1CheckDigitValid('4006381333931')).toBe(true); // a well-known EAN-13
  });
  it('GS1 raw: fixed-length AIs need no GS, variable ones end at GS', () => {
    const r = parseGs1Raw('0109501101530003172512311012AB\x1d21XYZ');
    expect(r.ok && Object.fromEntries(r.fields)).toEqual({
      '01': '09501101530003',
      '17': '251231',
      '10': '12AB',
      '21': 'XYZ',
    });
  });
  it('GS1 parentheses and raw agree', () => {
    const a = parseGs1Parens('(01)09501101530003(10)L1(21)S1');
    const b = parseGs1Raw('010950110153000310L1\x1d21S1');
    expect(a.ok && b.ok && Object.fromEntries(a.fields)).toEqual(b.ok && Object.fromEntries(b.fields));
  });
  it('GS1: unknown AI, duplicate AI, bad characters are refused', () => {
    expect(parseGs1Raw('9909501101530003').ok).toBe(false);
    expect(parseGs1Parens('(21)A(21)B').ok).toBe(false);
    expect(parseGs1Parens('(01)09501101530003(21)A B').ok).toBe(false);
  });
  it('receipt text keeps everything after the identifier', () => {
    expect(parseScan(']Q1CTR1:abc:def')).toMatchObject({ kind: 'receipt', text: 'CTR1:abc:def' });
  });
  it('control characters (except GS) are refused', () => {
    for (const c of ['\x00', '\x09', '\x1b', '\x7f', '\u0085'])
      expect(parseScan(`9000${c}123456789016`).kind).toBe('error');
  });
  it('error details never repeat the payload', () => {
    const r = parseScan('6228480402564890019');
    expect(r.kind === 'error' && r.detail).not.toMatch(/\d{6}/);
  });
});
