/**
 * Barcode / QR scanner protocols as data. Scanners send each read as the decoded text, optionally
 * preceded by an AIM symbology identifier (symbology.ts) and a configurable prefix, and followed by
 * a configurable suffix — CR by factory default on most serial and USB-CDC scanners (Honeywell,
 * Zebra, Newland, Netum manuals: "suffix" / "terminator" settings), LF or CR LF when set so.
 */
import {
  BYTES_CR,
  BYTES_CRLF,
  BYTES_ETX,
  BYTES_LF,
  BYTES_STX,
  NO_BYTES,
  type Framing,
} from '../serial/framing';
import { MSR_LINE_DEFAULT, type SerialLine } from '../magstripe/framings';

export interface ScannerProtocol {
  framing: Framing;
  line: SerialLine;
}

/** A QR code holds at most 7089 digits / 2953 bytes (ISO/IEC 18004 version 40-L); 8 KiB is ample. */
const MAX_SCAN_BYTES = 8192;

export const SCANNER_FRAMINGS = {
  /** Ended by CR, LF or CR LF; no prefix. */
  plain: {
    framing: {
      name: 'plain',
      prefix: NO_BYTES,
      suffixes: [BYTES_CRLF, BYTES_CR, BYTES_LF],
      idleFlushMs: 500,
      maxFrameBytes: MAX_SCAN_BYTES,
      citation: 'scanner suffix CR / LF / CR LF per the scanner manual',
    },
    line: MSR_LINE_DEFAULT,
  },
  /** STX (0x02) data ETX (0x03), the packet mode offered as prefix/suffix settings. */
  'stx-etx': {
    framing: {
      name: 'stx-etx',
      prefix: BYTES_STX,
      suffixes: [BYTES_ETX],
      idleFlushMs: 500,
      maxFrameBytes: MAX_SCAN_BYTES,
      citation: 'ASCII STX/ETX (ISO/IEC 646 C0 controls) as scanner prefix/suffix',
    },
    line: MSR_LINE_DEFAULT,
  },
  /** No suffix: a read ends after 100 ms of silence. */
  none: {
    framing: {
      name: 'none',
      prefix: NO_BYTES,
      suffixes: [],
      idleFlushMs: 100,
      maxFrameBytes: MAX_SCAN_BYTES,
      citation: 'scanner suffix "none"; end of read by inter-byte timeout',
    },
    line: MSR_LINE_DEFAULT,
  },
} as const satisfies Record<string, ScannerProtocol>;

export type ScannerFramingName = keyof typeof SCANNER_FRAMINGS;

export function isScannerFramingName(name: string): name is ScannerFramingName {
  return Object.prototype.hasOwnProperty.call(SCANNER_FRAMINGS, name);
}
