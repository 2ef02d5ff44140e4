import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BootKeyboardDecoder, keysToBytes } from '../../../src/drivers/hid/keyboard-usage';
import { HidPosScannerDecoder } from '../../../src/drivers/hid/pos-scanner';
import { reportDecoder } from '../../../src/drivers/hid/hid-source';
import { MagstripeCodec } from '../../../src/drivers/magstripe/codec';
import { MSR_FRAMINGS } from '../../../src/drivers/magstripe/framings';
import { ScannerCodec } from '../../../src/drivers/barcode/codec';
import { SCANNER_FRAMINGS } from '../../../src/drivers/barcode/framings';

const fixture = <T>(p: string): T =>
  JSON.parse(readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), 'utf8')) as T;
const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

describe('boot keyboard reports (HID 1.11 App. B.1, Usage Tables §10)', () => {
  it('a wedge MSR swipe decodes to its track text and then to a card', () => {
    const f = fixture<{ expectText: string; reports: string[] }>('magstripe/hid-keyboard-swipe.json');
    const dec = new BootKeyboardDecoder();
    const keys: string[] = [];
    for (const r of f.reports) {
      const out = dec.push(hex(r));
      if (out.ok) keys.push(...out.keys);
    }
    expect(keys.map((k) => (k === 'Enter' ? '\r' : k)).join('')).toBe(f.expectText);
    const codec = new MagstripeCodec(MSR_FRAMINGS.plain);
    const decode = reportDecoder('keyboard');
    const results = f.reports.flatMap((r) => codec.push(decode(hex(r))));
    expect(results).toEqual([
      {
        kind: 'card',
        card: {
          pan: '6228480402564890018',
          entryMode: 'swipe',
          expiry: '4912',
          serviceCode: '120',
          holderName: 'ZHANG/SAN',
        },
      },
    ]);
  });

  it('GS arrives as Ctrl+] and a GS1 scan decodes', () => {
    const f = fixture<{ expectText: string; reports: string[] }>('barcode/hid-keyboard-gs1.json');
    const decode = reportDecoder('keyboard');
    const codec = new ScannerCodec(SCANNER_FRAMINGS.plain);
    const results = f.reports.flatMap((r) => codec.push(decode(hex(r))));
    expect(results).toMatchObject([{ kind: 'card', card: { pan: 'GC12345', gtin: '09501101530003' } }]);
  });

  it('a key held across reports is one press; release then press again is two', () => {
    const d = new BootKeyboardDecoder();
    const a = Uint8Array.of(0, 0, 0x04, 0, 0, 0, 0, 0);
    const none = new Uint8Array(8);
    expect(d.push(a)).toEqual({ ok: true, keys: ['a'] });
    expect(d.push(a)).toEqual({ ok: true, keys: [] });
    expect(d.push(none)).toEqual({ ok: true, keys: [] });
    expect(d.push(a)).toEqual({ ok: true, keys: ['a'] });
  });

  it('shift, caps lock, keypad, and rollover', () => {
    const d = new BootKeyboardDecoder();
    expect(d.push(Uint8Array.of(0x02, 0, 0x1e, 0, 0, 0, 0, 0))).toEqual({ ok: true, keys: ['!'] });
    expect(d.push(Uint8Array.of(0, 0, 0x39, 0, 0, 0, 0, 0))).toEqual({ ok: true, keys: [] }); // caps on
    expect(d.push(Uint8Array.of(0, 0, 0x05, 0x62, 0, 0, 0, 0))).toEqual({ ok: true, keys: ['B', '0'] });
    expect(d.push(Uint8Array.of(0, 0, 1, 1, 1, 1, 1, 1))).toEqual({ ok: false, reason: 'rollover' });
    expect(d.push(Uint8Array.of(0, 0, 0x28, 0, 0, 0, 0, 0))).toEqual({ ok: true, keys: ['Enter'] });
    expect(d.push(Uint8Array.of(0, 0, 0))).toEqual({ ok: false, reason: 'report of 3 bytes' });
  });

  it('alt/gui shortcuts are not text; keysToBytes maps Enter to CR', () => {
    const d = new BootKeyboardDecoder();
    expect(d.push(Uint8Array.of(0x04, 0, 0x04, 0, 0, 0, 0, 0))).toEqual({ ok: true, keys: [] });
    expect(Array.from(keysToBytes(['a', 'Enter', 'Tab']))).toEqual([0x61, 0x0d, 0x09]);
  });

  it('numbered reports: the report id is checked and stripped', () => {
    const d = new BootKeyboardDecoder(1);
    expect(d.push(Uint8Array.of(1, 0, 0, 0x04, 0, 0, 0, 0, 0))).toEqual({ ok: true, keys: ['a'] });
    expect(d.push(Uint8Array.of(2, 0, 0, 0x04, 0, 0, 0, 0, 0)).ok).toBe(false);
  });
});

describe('HID POS scanned data reports (usage page 0x8C)', () => {
  const f = fixture<{ scans: Array<{ expectText: string; reports: string[] }> }>(
    'barcode/hid-pos-scans.json',
  );
  it.each(f.scans.map((s, i) => [i, s] as const))('scan %i reassembles across continued reports', (_i, s) => {
    const d = new HidPosScannerDecoder();
    let text: string | undefined;
    for (const r of s.reports) {
      const out = d.push(hex(r));
      expect(out.ok).toBe(true);
      if (out.ok && out.done) text = Buffer.from(out.bytes).toString('latin1');
    }
    expect(text).toBe(s.expectText);
  });

  it('receipt, e-card and plain card numbers come out of the scanner codec', () => {
    const decode = reportDecoder('pos');
    const codec = new ScannerCodec(SCANNER_FRAMINGS.plain);
    const kinds = f.scans.flatMap((s) =>
      s.reports.flatMap((r) => codec.push(decode(hex(r)))).map((x) => x.kind),
    );
    expect(kinds).toEqual(['receipt', 'card', 'card']);
  });

  it('a bad length byte is an error, other report ids are ignored', () => {
    const d = new HidPosScannerDecoder();
    const r = new Uint8Array(64);
    r[0] = 2;
    r[1] = 200;
    expect(d.push(r)).toEqual({ ok: false, reason: 'length byte out of range' });
    expect(d.push(Uint8Array.of(4, 1, 2))).toEqual({ ok: true, done: false });
    expect(d.push(Uint8Array.of(2, 1, 2)).ok).toBe(false);
  });
});
