/**
 * Text for a Chinese receipt printer: GB18030 bytes (iconv-lite), printer-safe characters, and
 * column arithmetic.
 *
 * ¥ (U+00A5 YEN SIGN) is not in GB2312 or GBK; GB18030 maps it only to the four-byte sequence
 * 81 30 84 36, which the GB2312/GBK fonts of most receipt printers do not have (they print "?" or
 * garbage), and single-byte 0x5C/0x9D are "\" and a GB lead byte in Chinese mode. What those
 * printers do have is the full-width ￥ (U+FFE5, GB2312 row 3, A3 A4) — the sign every Chinese
 * receipt carries. So ¥ is deliberately printed as ￥; it takes two columns.
 */
import iconv from 'iconv-lite';

/** Characters swapped for ones a GB2312/GBK printer font has. */
const PRINTER_MAP: Record<string, string> = {
  '\u00a5': '\uffe5', // ¥ → ￥ (A3A4), see above
};

/**
 * Makes a string safe to send: mapped characters, and every C0/C1 control character (ESC, GS,
 * DLE, …) replaced by a space so text can never inject a printer command.
 */
export function printable(s: string): string {
  let out = '';
  for (const ch of s) {
    const mapped = PRINTER_MAP[ch];
    if (mapped) out += mapped;
    else if (/[\u0000-\u001f\u007f-\u009f]/.test(ch)) out += ' ';
    else out += ch;
  }
  return out;
}

export function gb18030(s: string): Uint8Array {
  return new Uint8Array(iconv.encode(s, 'gb18030'));
}

export function decodeGb18030(b: Uint8Array): string {
  return iconv.decode(Buffer.from(b.buffer, b.byteOffset, b.byteLength), 'gb18030');
}

// The column rule (an ASCII character is one column of 12 dots in Font A, any GB multi-byte
// character two) is shared with the on-screen preview and the report PDF, so they line up like paper.
export { charColumns, columns, wrapColumns as wrap } from '../../shared/receipt-columns';
