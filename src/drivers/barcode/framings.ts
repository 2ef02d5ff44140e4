/**
 * Barcode / QR scanner protocols as data. Scanners send each read as the decoded text, optionally
 * preceded by an AIM symbology identifier (symbology.ts) and a configurable prefix, and followed by
 * a configurable suffix — CR by factory default on most serial and USB-CDC scanners (Honeywell,
 * Zebra, Newland, Netum manuals: "suffix" / "terminator" settings), LF or CR LF when set so.
 */
import {
  SERIAL_LINE_DEFAULT,
  silenceFraming,
  stxEtxFraming,
  terminatorFraming,
  type LineProtocol,
} from '../serial/framing';

/** A scanner's protocol is just the line reader's: framing and line settings. */
export type ScannerProtocol = LineProtocol;

/** A QR code holds at most 7089 digits / 2953 bytes (ISO/IEC 18004 version 40-L); 8 KiB is ample. */
const MAX_SCAN_BYTES = 8192;

export const SCANNER_FRAMINGS = {
  /** Ended by CR, LF or CR LF; no prefix. */
  plain: {
    framing: terminatorFraming(
      'plain',
      MAX_SCAN_BYTES,
      'scanner suffix CR / LF / CR LF per the scanner manual',
    ),
    line: SERIAL_LINE_DEFAULT,
  },
  /** STX (0x02) data ETX (0x03), the packet mode offered as prefix/suffix settings. */
  'stx-etx': {
    framing: stxEtxFraming(
      MAX_SCAN_BYTES,
      'ASCII STX/ETX (ISO/IEC 646 C0 controls) as scanner prefix/suffix',
    ),
    line: SERIAL_LINE_DEFAULT,
  },
  /** No suffix: a read ends after 100 ms of silence. */
  none: {
    framing: silenceFraming(MAX_SCAN_BYTES, 'scanner suffix "none"; end of read by inter-byte timeout'),
    line: SERIAL_LINE_DEFAULT,
  },
} as const satisfies Record<string, ScannerProtocol>;

export type ScannerFramingName = keyof typeof SCANNER_FRAMINGS;
