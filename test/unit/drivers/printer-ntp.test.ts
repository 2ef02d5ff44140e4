/**
 * Why CardTill does not print through node-thermal-printer 4.6 — shown on its own offline buffer
 * (new ThermalPrinter without an interface + getBuffer() works without a device).
 *
 * Its "CHINA" character set sends ESC R 15 and encodes with iconv-lite's EUC-CN (= GBK), one
 * character at a time; a character that encoding lacks is looked up in its other (single-byte,
 * Japanese, Korean…) code pages, with an ESC t / ESC R switch inserted, or becomes "?".
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { encodeReceipt } from '../../../src/drivers/printer/encode-receipt';
import { decodeEscPos } from '../../../src/drivers/printer/decode-escpos';

const require = createRequire(import.meta.url);
const { ThermalPrinter, PrinterTypes, CharacterSet } = require('node-thermal-printer') as {
  ThermalPrinter: new (c: object) => { println(s: string): void; getBuffer(): Buffer };
  PrinterTypes: { EPSON: string };
  CharacterSet: { CHINA: string };
};

function ntp(text: string): Buffer {
  const p = new ThermalPrinter({ type: PrinterTypes.EPSON, characterSet: CharacterSet.CHINA, width: 32 });
  p.println(text);
  return p.getBuffer();
}
const ours = (text: string) => Buffer.from(encodeReceipt({ width: 32, lines: [{ type: 'text', text }] }));

describe('node-thermal-printer 4.6 vs encodeReceipt', () => {
  it('䶮 (U+4DAE, CJK Ext. A — a real name character, outside GBK, GB18030 FE 9F): "?" there, right bytes here', () => {
    expect(iconv.encode('䶮', 'gb18030').toString('hex')).toBe('fe9f');
    expect(ntp('刘䶮').toString('hex')).toBe('1b520f' + 'c1f5' + '3f' + '0a'); // ESC R 15, 刘, "?"
    expect(ours('刘䶮').includes(Buffer.from('c1f5fe9f0a', 'hex'))).toBe(true);
    expect(decodeEscPos(ours('刘䶮')).lines).toEqual(['刘䶮']);
  });
  it('㐀 (U+3400, GB18030 four-byte 81 39 EE 39): "?" there', () => {
    expect(ntp('㐀').includes(0x3f)).toBe(true);
    expect(ours('㐀').includes(Buffer.from('8139ee39', 'hex'))).toBe(true);
  });
  it('¥ becomes ESC t 0 + CP437 0x9D there, which a printer in Chinese mode takes as a GB lead byte', () => {
    const b = ntp('¥12.50');
    expect(b.toString('hex')).toBe('1b520f' + '1b7400' + '9d' + '31322e3530' + '0a');
    // 0x9D is a GB lead byte: in Chinese mode it pairs with the next byte; no GB reading gives ¥.
    expect(iconv.decode(b.subarray(6), 'gb18030')).not.toContain('¥');
    expect(decodeEscPos(ours('¥12.50')).lines).toEqual(['￥12.50']);
  });
  it('after a ¥ even ￥ goes wrong there: the code page stays switched, so it picks the Japanese set (ESC R 8) and EUC-JP A1 EF — "★" in GB', () => {
    expect(ntp('￥').toString('hex')).toBe('1b520f' + 'a3a4' + '0a'); // alone, ￥ is fine
    const b = ntp('¥ ￥');
    expect(b.toString('hex')).toBe('1b520f' + '1b74009d' + '20' + '1b5208a1ef' + '0a');
    expect(iconv.decode(Buffer.from('a1ef', 'hex'), 'gb18030')).toBe('★');
  });
  it('and it never turns on Kanji/Chinese mode (FS &), which ours always sends after ESC @', () => {
    expect(ntp('中文').includes(Buffer.from('1c26', 'hex'))).toBe(false);
    expect([...ours('中文').subarray(0, 4)]).toEqual([0x1b, 0x40, 0x1c, 0x26]);
  });
});
