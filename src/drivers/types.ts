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
  | { action: 'tap'; pan: string; expiry?: string; balanceFen?: number; removeEarly?: boolean }
  | { action: 'scan'; payload: string };

export interface SimulatedDriver extends DeviceDriver {
  simulate(input: SimInput): void;
}

export function isPrinter(d: DeviceDriver): d is PrinterDriver {
  return d.kind === 'printer' && typeof (d as PrinterDriver).print === 'function';
}

export function isSimulated(d: DeviceDriver): d is SimulatedDriver {
  return typeof (d as SimulatedDriver).simulate === 'function';
}
