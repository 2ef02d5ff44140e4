/**
 * The one interface every device driver — real transport or simulator — implements.
 * Drivers run in the main process only (serialport and nfc-pcsc fail in a renderer).
 *
 * Contract on failure: start() never throws because a device is absent. A missing or unplugged
 * device is a state ('disconnected', or 'unavailable' when its whole stack is missing), and the
 * driver keeps trying to reopen it until stop(). Bad bytes become 'error' events, never exceptions.
 */
import type { DeviceEvent, DeviceInfo, DeviceKind } from '../shared/devices';
import type { ReceiptDoc } from '../shared/receipt-doc';

export type DeviceListener = (e: DeviceEvent) => void;

export interface DeviceDriver {
  readonly id: string;
  readonly kind: DeviceKind;
  start(): Promise<void>;
  stop(): Promise<void>;
  info(): DeviceInfo;
  /** Returns an unsubscribe function. */
  onEvent(listener: DeviceListener): () => void;
}

/** Real-time printer status, from DLE EOT n (ESC/POS manual, "DLE EOT" transmit real-time status). */
export interface PrinterStatus {
  online: boolean;
  paperOut: boolean;
  paperNearEnd: boolean;
  coverOpen: boolean;
}

export type PrintOutcome =
  | { ok: true; jobId: string; bytes: number }
  /** Held: the job is kept and will print by itself when the printer is fixed. */
  | {
      ok: false;
      jobId: string;
      held: true;
      reason: 'PRINTER_PAPER_OUT' | 'PRINTER_COVER_OPEN' | 'PRINTER_OFFLINE';
    };

export interface PrinterDriver extends DeviceDriver {
  readonly kind: 'printer';
  print(doc: ReceiptDoc, jobId: string): Promise<PrintOutcome>;
  status(): Promise<PrinterStatus>;
  /** Jobs held because of paper out / cover open / offline, oldest first. */
  heldJobs(): string[];
  /** Prints the last printed receipt again under a "重打印 / REPRINT" banner; undefined if none yet. */
  reprintLast(): Promise<PrintOutcome | undefined>;
  /** Called for every job that printed, held jobs printed later by the status poll included. */
  onPrinted(cb: (jobId: string) => void): () => void;
  /**
   * After stop(): gives up the jobs still held, oldest first, so the driver that replaces this
   * one (new settings) prints them (src/main/devices/receipt-printing.ts). This driver forgets them.
   */
  releaseHeld?(): Array<{ jobId: string; doc: ReceiptDoc }>;
}

/** What a simulator can be told to do by the device-simulator panel or a test. */
export type SimInput =
  | { action: 'swipe'; pan: string; expiry?: string; name?: string; garbled?: boolean }
  | {
      action: 'tap';
      pan: string;
      expiry?: string;
      balanceFen?: number;
      removeEarly?: boolean;
      /**
       * A PBOC e-purse card (src/drivers/ic/epurse): it stays in the field for a chip purchase,
       * keeps its balance and sequences from tap to tap, and `tearAt` makes it leave the field
       * right after executing that command (its answer lost) — the torn DEBIT of issue 14.
       */
      epurse?: boolean;
      tearAt?: 'debit' | 'credit';
    }
  /** The card leaves the reader's field. */
  | { action: 'remove' }
  | { action: 'scan'; payload: string };

/** One APDU to a card or secure module still in the reader, its answer (a 0-byte answer: gone). */
export type ApduChannel = (apdu: Uint8Array) => Promise<Uint8Array>;

/** An IC reader that can hand the card in its field to a chip transaction (PBOC e-purse). */
export interface ChipReader extends DeviceDriver {
  /** The card now in the field, or undefined when there is none. */
  chipChannel(): ApduChannel | undefined;
}

export function isChipReader(d: DeviceDriver | undefined): d is ChipReader {
  return !!d && typeof (d as ChipReader).chipChannel === 'function';
}

/** A PSAM (the terminal's secure access module) as a device (src/drivers/ic/epurse/psam-driver.ts). */
export interface PsamDriver extends DeviceDriver {
  readonly kind: 'psam';
  /** The PSAM's channel when it is selected and its terminal number read, else undefined. */
  channel(): ApduChannel | undefined;
  /** Terminal number (hex, 6 bytes) read from the PSAM; its last transaction counter seen. */
  status(): { terminalNumber?: string; counter?: number };
}

export function isPsam(d: DeviceDriver | undefined): d is PsamDriver {
  return !!d && d.kind === 'psam' && typeof (d as PsamDriver).channel === 'function';
}

export interface SimulatedDriver extends DeviceDriver {
  simulate(input: SimInput): void;
}

export function isPrinter(d: DeviceDriver): d is PrinterDriver {
  return d.kind === 'printer' && typeof (d as PrinterDriver).print === 'function';
}

export function isSimulated(d: DeviceDriver): d is SimulatedDriver {
  return typeof (d as SimulatedDriver).simulate === 'function';
}
