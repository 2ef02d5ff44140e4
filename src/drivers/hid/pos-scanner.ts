/**
 * HID POS barcode scanner reports (usage page 0x8C) → scan text. Pure, never throws on input.
 *
 * HID Point of Sale Usage Tables 1.02, Barcode Scanner page 0x8C: a Scanned Data Report (usage
 * 0x12) carries Symbology Identifier 1–3 (usages 0xFB–0xFD, the AIM identifier `]Xm`), Decoded
 * Data (0xFE) and Decoded Data Continued (0xFF, set when the code continues in the next report).
 * The byte layout below is the 64-byte input report with ID 2 that Honeywell and Zebra scanners
 * in "HID POS" mode use (as read by WebHID/node-hid, report ID first). It is data, so a scanner
 * with another report descriptor needs another constant, not new code.
 */

export const BARCODE_SCANNER_PAGE = 0x8c;

export interface HidPosReportLayout {
  reportId: number;
  /** Offset of the byte giving how many decoded-data bytes this report holds. */
  lengthOffset: number;
  /** Offset of the 3 symbology identifier bytes (zeros when the scanner sends none). */
  symbologyOffset: number;
  dataOffset: number;
  dataMax: number;
  /** Offset and bit of "Decoded Data Continued". */
  continuedOffset: number;
  continuedMask: number;
  reportBytes: number;
}

export const HID_POS_SCANNED_DATA_REPORT: HidPosReportLayout = {
  reportId: 0x02,
  lengthOffset: 1,
  symbologyOffset: 2,
  dataOffset: 5,
  dataMax: 56,
  continuedOffset: 63,
  continuedMask: 0x01,
  reportBytes: 64,
};

/** Longest scan assembled from continued reports. */
const MAX_SCAN_BYTES = 8192;

export type HidPosResult =
  | { ok: true; done: false }
  /** A complete scan: AIM identifier (if sent) followed by the data bytes. */
  | { ok: true; done: true; bytes: Uint8Array }
  | { ok: false; reason: string };

export class HidPosScannerDecoder {
  private parts: number[] = [];

  constructor(private readonly layout: HidPosReportLayout = HID_POS_SCANNED_DATA_REPORT) {}

  push(report: Uint8Array): HidPosResult {
    const L = this.layout;
    if (report.length === 0 || report[0] !== L.reportId) return { ok: true, done: false }; // other reports
    if (report.length < L.reportBytes) return this.fail(`report of ${report.length} bytes`);
    const n = report[L.lengthOffset]!;
    if (n > L.dataMax) return this.fail('length byte out of range');
    if (this.parts.length === 0) {
      const sym = report.subarray(L.symbologyOffset, L.symbologyOffset + 3);
      if (sym[0] === 0x5d /* ] */) this.parts.push(...sym);
    }
    this.parts.push(...report.subarray(L.dataOffset, L.dataOffset + n));
    if (this.parts.length > MAX_SCAN_BYTES) return this.fail('scan too long');
    if ((report[L.continuedOffset]! & L.continuedMask) !== 0) return { ok: true, done: false };
    const bytes = Uint8Array.from(this.parts);
    this.parts = [];
    if (bytes.length === 0) return { ok: false, reason: 'empty scan' };
    return { ok: true, done: true, bytes };
  }

  reset(): void {
    this.parts = [];
  }

  private fail(reason: string): HidPosResult {
    this.parts = [];
    return { ok: false, reason };
  }
}
