/**
 * The ESC/POS commands CardTill sends, as data. Source: Epson "ESC/POS Application Programming
 * Guide / Command Reference" (TM-T88 / TM-T20 series; the Chinese-market clones — Xprinter,
 * GPrinter, Sprt, Rongta — implement the same subset). Section names are the manual's.
 */

export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const DLE = 0x10;
export const LF = 0x0a;

/** ESC @ — Initialize printer: clears the buffer and resets modes (Command Reference "ESC @"). */
export const INIT = [ESC, 0x40] as const;

/**
 * FS & — Select Kanji character mode. On the Simplified Chinese models (Epson TM-T88 "China"
 * model, TM-T82, and the GB18030-font clones) this switches the printer to two-/four-byte GB
 * code processing; many clones boot in that mode anyway (memory switch / DIP), FS & makes it
 * certain. FS . (1C 2E) cancels it. (Command Reference "FS &", "FS .").
 */
export const KANJI_ON = [FS, 0x26] as const;
export const KANJI_OFF = [FS, 0x2e] as const;

/** ESC a n — Select justification: 0 left, 1 centre, 2 right ("ESC a"). */
export const align = (n: 0 | 1 | 2) => [ESC, 0x61, n];

/** ESC E n — Turn emphasized mode on/off, LSB of n ("ESC E"). */
export const bold = (on: boolean) => [ESC, 0x45, on ? 1 : 0];

/**
 * GS ! n — Select character size: bits 4–6 width multiplier − 1, bits 0–2 height multiplier − 1
 * ("GS !"). 0x00 normal, 0x11 double width and height. Applies to Kanji characters as well.
 */
export const size = (n: number) => [GS, 0x21, n];

/** ESC d n — Print and feed n lines ("ESC d"). */
export const feedLines = (n: number) => [ESC, 0x64, n];

/** GS V 66 n — Select cut mode and cut, function B: feed to the cutting position + n × motion unit, then partial cut ("GS V"). */
export const CUT_PARTIAL_FEED = [GS, 0x56, 66, 0] as const;

/**
 * GS ( k — 2D code, QR Code symbol (cn = 49) ("GS ( k", functions 165, 167, 169, 180, 181):
 *   fn 65 (0x41) select model: n1 = 50 → Model 2
 *   fn 67 (0x43) module size n = 1..16 dots
 *   fn 69 (0x45) error correction: 48 L, 49 M, 50 Q, 51 H
 *   fn 80 (0x50) store data: pL pH = data length + 3, m = 48
 *   fn 81 (0x51) print the stored symbol, m = 48
 */
export const QR_MODEL_2 = [GS, 0x28, 0x6b, 4, 0, 49, 65, 50, 0];
export const qrModuleSize = (n: number) => [GS, 0x28, 0x6b, 3, 0, 49, 67, n];
export const QR_EC_M = [GS, 0x28, 0x6b, 3, 0, 49, 69, 49];
export const QR_MAX_BYTES = 7089; // Model 2, version 40, level L, byte mode — the manual's limit for fn 80
export function qrStore(data: Uint8Array): number[] {
  const len = data.length + 3;
  return [GS, 0x28, 0x6b, len & 0xff, len >> 8, 49, 80, 48, ...data];
}
export const QR_PRINT = [GS, 0x28, 0x6b, 3, 0, 49, 81, 48];

/**
 * DLE EOT n — Transmit real-time status ("DLE EOT"), processed on receipt even while the printer
 * is offline or its buffer is full. The printer answers one status byte:
 *   n = 1 printer status:   bit 3 offline
 *   n = 2 offline cause:    bit 2 cover open, bit 3 paper being fed by the FEED button,
 *                           bit 5 printing stopped by paper end, bit 6 error occurred
 *   n = 3 error cause:      bit 3 autocutter error, bit 5 unrecoverable, bit 6 auto-recoverable
 *   n = 4 roll paper sensor: bits 2,3 paper near-end, bits 5,6 paper end (roll paper absent)
 * Every status byte has bit 1 = 1, bit 4 = 1, bits 0 and 7 = 0 — that pattern tells a status
 * byte from anything else on the line.
 */
export const statusRequest = (n: 1 | 2 | 3 | 4) => Uint8Array.of(DLE, 0x04, n);
export const STATUS_FIXED_MASK = 0x93;
export const STATUS_FIXED_VALUE = 0x12;
