/** Real-time status bytes (DLE EOT n) → PrinterStatus. Bit meanings are in escpos.ts. */
import type { PrinterStatus } from '../types';
import { STATUS_FIXED_MASK, STATUS_FIXED_VALUE } from './escpos';

export function isStatusByte(b: number): boolean {
  return (b & STATUS_FIXED_MASK) === STATUS_FIXED_VALUE;
}

export interface RawStatus {
  /** DLE EOT 1 */ printer: number;
  /** DLE EOT 2 */ offlineCause: number;
  /** DLE EOT 4 */ paperSensor: number;
}

export function parseStatus(s: RawStatus): PrinterStatus {
  const paperOut = (s.paperSensor & 0x60) !== 0 || (s.offlineCause & 0x20) !== 0;
  return {
    online: (s.printer & 0x08) === 0,
    paperOut,
    paperNearEnd: (s.paperSensor & 0x0c) !== 0,
    coverOpen: (s.offlineCause & 0x04) !== 0,
  };
}

export type HoldReason = 'PRINTER_PAPER_OUT' | 'PRINTER_COVER_OPEN' | 'PRINTER_OFFLINE';

/** Why a job cannot print now, or undefined when it can. Cover first: paper looks absent with the cover open. */
export function holdReason(s: PrinterStatus): HoldReason | undefined {
  if (s.coverOpen) return 'PRINTER_COVER_OPEN';
  if (s.paperOut) return 'PRINTER_PAPER_OUT';
  if (!s.online) return 'PRINTER_OFFLINE';
  return undefined;
}

/** The status bytes a printer in the given condition answers (used by the fake printers). */
export function statusBytesFor(c: {
  paperOut?: boolean;
  paperNearEnd?: boolean;
  coverOpen?: boolean;
  offline?: boolean;
}): Record<1 | 2 | 3 | 4, number> {
  const offline = !!(c.offline || c.paperOut || c.coverOpen);
  return {
    1: STATUS_FIXED_VALUE | (offline ? 0x08 : 0),
    2: STATUS_FIXED_VALUE | (c.coverOpen ? 0x04 : 0) | (c.paperOut ? 0x20 : 0),
    3: STATUS_FIXED_VALUE,
    4: STATUS_FIXED_VALUE | (c.paperNearEnd || c.paperOut ? 0x0c : 0) | (c.paperOut ? 0x60 : 0),
  };
}
