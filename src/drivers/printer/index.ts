/** Receipt printers (ESC/POS): builder, decoder, transports, driver, simulator. See README.md. */
import { createPrinterDriver, type ReceiptPrinter } from './printer-driver';
import { SerialTransport, TcpTransport, UsblpTransport, type PrinterTransport } from './transport';

export type PrinterSpec =
  | { transport: 'tcp'; host: string; port: number }
  | { transport: 'serial'; path: string; baud?: number; rtscts?: boolean }
  /** Linux USB printer class device, e.g. /dev/usb/lp0 (write-only: no real-time status). */
  | { transport: 'usblp'; path: string };

export interface PrinterConfig {
  id: string;
  spec: PrinterSpec;
  width?: 32 | 48;
}

export interface PrinterOptions {
  log?: (s: string) => void;
  now?: () => number;
  pollMs?: number;
  maxPollMs?: number;
  onSchedule?: (ms: number) => void;
  statusTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/** Builds a printer driver over TCP (port 9100), serial, or a usblp device file. */
export function createPrinter(cfg: PrinterConfig, opts: PrinterOptions = {}): ReceiptPrinter {
  const s = cfg.spec;
  const transport: PrinterTransport =
    s.transport === 'tcp'
      ? new TcpTransport(s.host, s.port, opts.connectTimeoutMs)
      : s.transport === 'serial'
        ? new SerialTransport(s.path, s.baud, s.rtscts)
        : new UsblpTransport(s.path);
  return createPrinterDriver({
    id: cfg.id,
    transport,
    ...(cfg.width ? { width: cfg.width } : {}),
    ...(opts.pollMs ? { pollMs: opts.pollMs } : {}),
    ...(opts.maxPollMs ? { maxPollMs: opts.maxPollMs } : {}),
    ...(opts.onSchedule ? { onSchedule: opts.onSchedule } : {}),
    ...(opts.statusTimeoutMs ? { statusTimeoutMs: opts.statusTimeoutMs } : {}),
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
}

export { createSimPrinter, MemoryTransport, type SimPrinter } from './sim-printer';
export { encodeReceipt } from './encode-receipt';
export { decodeEscPos, type DecodedPrint, type DecodedLine } from './decode-escpos';
export {
  createPrinterDriver,
  type ReceiptPrinter,
  type PrintedJob,
  type PrinterDriverOptions,
} from './printer-driver';
export { FakeEscPosPrinter, type FakeCondition } from './fake-printer';
export { parseStatus, holdReason, isStatusByte, statusBytesFor } from './status';
export { PrinterError, isPrinterError } from './errors';
export { TcpTransport, SerialTransport, UsblpTransport, type PrinterTransport } from './transport';
export { printable, columns, gb18030 } from './text';
