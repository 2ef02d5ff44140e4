/**
 * ESC/POS bytes → what the paper shows: text lines (GB18030), QR payloads, cuts and real-time
 * status requests. Used by the tests, the TCP test printer and the receipt preview. It knows the
 * commands of escpos.ts plus the common ones other software sends (ESC ! / ESC - / ESC t / GS B /
 * GS k / GS v 0 …), skipping their parameters by the lengths in the Command Reference.
 * Unknown or truncated commands throw PrinterError('DECODE') with the offset — never anything else.
 */
import { PrinterError } from './errors';
import { decodeGb18030 } from './text';

export interface DecodedLine {
  text: string;
  align: 'left' | 'center' | 'right';
  /** Width multiplier from GS ! (1 = normal, 2 = double). */
  size: number;
  bold: boolean;
}

export interface DecodedPrint {
  /** Text lines as printed; '' for an empty line or a fed line. */
  lines: string[];
  /** The same lines with the mode they were printed in. */
  styled: DecodedLine[];
  /** QR payloads, in print order (GS ( k fn 81 prints the symbol stored by fn 80). */
  qr: string[];
  cuts: number;
  /** DLE EOT n requests seen. */
  statusRequests: number;
  /** ESC @ seen. */
  inits: number;
}

const ALIGNS = ['left', 'center', 'right'] as const;

/** Parameter byte counts of fixed-length commands (after the 2-byte prefix). */
const ESC_FIXED: Record<number, number> = {
  0x20: 1,
  0x21: 1,
  0x2d: 1,
  0x32: 0,
  0x33: 1,
  0x3d: 1,
  0x40: 0,
  0x44: -1,
  0x45: 1,
  0x47: 1,
  0x4a: 1,
  0x4d: 1,
  0x52: 1,
  0x53: 0,
  0x54: 1,
  0x56: 1,
  0x61: 1,
  0x63: 2,
  0x64: 1,
  0x69: 0,
  0x6d: 0,
  0x70: 3,
  0x74: 1,
  0x7b: 1,
  0x24: 2,
  0x5c: 2,
  0x4c: 0,
  0x57: 8,
  0x25: 1,
  0x72: 1,
  0x55: 1,
  0x42: 2,
  0x43: 1,
};
const GS_FIXED: Record<number, number> = {
  0x21: 1,
  0x42: 1,
  0x48: 1,
  0x49: 1,
  0x4c: 2,
  0x50: 2,
  0x57: 2,
  0x61: 1,
  0x62: 1,
  0x66: 1,
  0x68: 1,
  0x72: 1,
  0x77: 1,
  0x24: 2,
  0x5c: 2,
  0x3a: 0,
  0x2f: 1,
  0x45: 1,
  0x54: 1,
};
const FS_FIXED: Record<number, number> = {
  0x26: 0,
  0x2e: 0,
  0x21: 1,
  0x2d: 1,
  0x43: 1,
  0x53: 2,
  0x57: 1,
  0x70: 2,
};

export function decodeEscPos(bytes: Uint8Array): DecodedPrint {
  const out: DecodedPrint = { lines: [], styled: [], qr: [], cuts: 0, statusRequests: 0, inits: 0 };
  let mode = { align: 0, size: 1, bold: false };
  let lineMode: typeof mode | undefined;
  let text: number[] = [];
  let qrStored: string | undefined;
  let i = 0;
  let start = 0; // offset of the command or character being read

  const need = (n: number, what: string) => {
    if (i + n > bytes.length)
      throw new PrinterError('DECODE', `truncated ${what} at offset ${start}`, { offset: start });
  };
  const endLine = () => {
    const m = lineMode ?? mode;
    const t = decodeGb18030(Uint8Array.from(text));
    out.lines.push(t);
    out.styled.push({ text: t, align: ALIGNS[m.align] ?? 'left', size: m.size, bold: m.bold });
    text = [];
    lineMode = undefined;
  };

  while (i < bytes.length) {
    start = i;
    const b = bytes[i]!;
    if (b >= 0x20 && b !== 0x7f) {
      // Text. A GB18030 lead byte (81–FE) takes its trail bytes with it: 2 bytes, or 4 when the
      // second is a digit 30–39 (GB 18030-2005 §4).
      lineMode ??= { ...mode };
      let n = 1;
      if (b >= 0x81 && b <= 0xfe) {
        need(2, 'GB18030 character');
        n = bytes[i + 1]! >= 0x30 && bytes[i + 1]! <= 0x39 ? 4 : 2;
        need(n, 'GB18030 character');
      }
      for (let k = 0; k < n; k++) text.push(bytes[i + k]!);
      i += n;
      continue;
    }
    const at = i;
    i++;
    switch (b) {
      case 0x0a: // LF
        endLine();
        break;
      case 0x0d: // CR: print without feed on most models; ignored
      case 0x00:
      case 0x18: // CAN
        break;
      case 0x09: // HT
        lineMode ??= { ...mode };
        text.push(0x20);
        break;
      case 0x0c: // FF (page mode): ends the line
        if (text.length) endLine();
        break;
      case 0x10: {
        // DLE
        need(1, 'DLE command');
        const c = bytes[i++]!;
        if (c === 0x04 || c === 0x05) {
          need(1, 'DLE EOT/ENQ');
          i++;
          if (c === 0x04) out.statusRequests++;
        } else if (c === 0x14) {
          need(3, 'DLE DC4');
          i += 3;
        } else throw new PrinterError('DECODE', `unknown DLE ${hex(c)} at offset ${at}`, { offset: at });
        break;
      }
      case 0x1b: {
        // ESC
        need(1, 'ESC command');
        const c = bytes[i++]!;
        const len = ESC_FIXED[c];
        if (len === undefined)
          throw new PrinterError('DECODE', `unknown ESC ${hex(c)} at offset ${at}`, { offset: at });
        if (c === 0x44) {
          // ESC D n1…nk NUL — horizontal tab positions
          while (true) {
            need(1, 'ESC D');
            if (bytes[i++] === 0) break;
          }
          break;
        }
        need(len, `ESC ${hex(c)}`);
        const p = bytes.subarray(i, i + len);
        i += len;
        if (c === 0x40) {
          out.inits++;
          mode = { align: 0, size: 1, bold: false };
        } else if (c === 0x61) {
          const n = p[0]! >= 48 ? p[0]! - 48 : p[0]!; // ESC a takes 0–2 or '0'–'2'
          mode = { ...mode, align: n <= 2 ? n : 0 };
        } else if (c === 0x45) mode = { ...mode, bold: (p[0]! & 1) === 1 };
        else if (c === 0x21) mode = { ...mode, size: p[0]! & 0x20 ? 2 : 1, bold: (p[0]! & 0x08) !== 0 };
        else if (c === 0x64) {
          if (text.length) endLine();
          for (let k = 0; k < p[0]!; k++) endLine();
        } else if (c === 0x69 || c === 0x6d) out.cuts++;
        break;
      }
      case 0x1d: {
        // GS
        need(1, 'GS command');
        const c = bytes[i++]!;
        if (c === 0x28) {
          // GS ( x pL pH … — every GS ( function carries its own length
          need(3, 'GS ( header');
          const fn = bytes[i]!;
          const len = bytes[i + 1]! | (bytes[i + 2]! << 8);
          i += 3;
          need(len, 'GS ( parameters');
          const p = bytes.subarray(i, i + len);
          i += len;
          if (fn === 0x6b && p[0] === 49) {
            if (p[1] === 80) qrStored = new TextDecoder('utf-8', { fatal: false }).decode(p.subarray(3));
            else if (p[1] === 81 && qrStored !== undefined) out.qr.push(qrStored);
          }
          break;
        }
        if (c === 0x56) {
          need(1, 'GS V');
          const m = bytes[i++]!;
          if (m === 65 || m === 66 || m === 97 || m === 98 || m === 103 || m === 104) {
            need(1, 'GS V n');
            i++;
          } else if (![0, 1, 48, 49].includes(m))
            throw new PrinterError('DECODE', `bad GS V mode ${m} at offset ${at}`, { offset: at });
          if (text.length) endLine();
          out.cuts++;
          break;
        }
        if (c === 0x6b) {
          // GS k m … barcode: m 0–6 NUL-terminated, m 65–79 with a length byte
          need(1, 'GS k');
          const m = bytes[i++]!;
          if (m <= 6) {
            while (true) {
              need(1, 'GS k data');
              if (bytes[i++] === 0) break;
            }
          } else {
            need(1, 'GS k n');
            const n = bytes[i++]!;
            need(n, 'GS k data');
            i += n;
          }
          break;
        }
        if (c === 0x76) {
          // GS v 0 m xL xH yL yH d… raster bit image: (xL + xH×256) × (yL + yH×256) bytes
          need(6, 'GS v 0');
          const x = bytes[i + 2]! | (bytes[i + 3]! << 8);
          const y = bytes[i + 4]! | (bytes[i + 5]! << 8);
          i += 6;
          need(x * y, 'GS v 0 image');
          i += x * y;
          break;
        }
        const len = GS_FIXED[c];
        if (len === undefined)
          throw new PrinterError('DECODE', `unknown GS ${hex(c)} at offset ${at}`, { offset: at });
        need(len, `GS ${hex(c)}`);
        const p = bytes.subarray(i, i + len);
        i += len;
        if (c === 0x21) mode = { ...mode, size: ((p[0]! >> 4) & 0x07) + 1 };
        break;
      }
      case 0x1c: {
        // FS
        need(1, 'FS command');
        const c = bytes[i++]!;
        const len = FS_FIXED[c];
        if (len === undefined)
          throw new PrinterError('DECODE', `unknown FS ${hex(c)} at offset ${at}`, { offset: at });
        need(len, `FS ${hex(c)}`);
        i += len;
        break;
      }
      default:
        throw new PrinterError('DECODE', `unexpected control byte ${hex(b)} at offset ${at}`, { offset: at });
    }
  }
  if (text.length) endLine();
  return out;
}

function hex(b: number): string {
  return '0x' + b.toString(16).padStart(2, '0');
}
