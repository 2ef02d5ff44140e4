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
  statusTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/** The call shape src/drivers/registry.ts uses today: (its DeviceSpec, { id, options, log, now }). */
type RegistryCall = [
  spec: { transport: string; host?: string; port?: number; path?: string; baudRate?: number },
  opts: PrinterOptions & { id: string; options?: Record<string, unknown> },
];

/**
 * Builds a printer driver. The agreed shape is createPrinter({ id, spec, width }, opts); the
 * registry's (spec, { id, options, log, now }) is accepted too until the two are aligned.
 */
export function createPrinter(cfg: PrinterConfig, opts?: PrinterOptions): ReceiptPrinter;
export function createPrinter(...a: RegistryCall): ReceiptPrinter;
export function createPrinter(...args: [PrinterConfig, PrinterOptions?] | RegistryCall): ReceiptPrinter {
  const [cfg, opts = {}] = normalise(args);
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
    ...(opts.statusTimeoutMs ? { statusTimeoutMs: opts.statusTimeoutMs } : {}),
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
}

function normalise(args: [PrinterConfig, PrinterOptions?] | RegistryCall): [PrinterConfig, PrinterOptions] {
  const [first, second] = args;
  if ('spec' in first) return [first, second ?? {}];
  const o = (second ?? {}) as RegistryCall[1];
  const width = o.options?.width === 32 || o.options?.width === 48 ? o.options.width : undefined;
  let spec: PrinterSpec;
  if (first.transport === 'tcp') spec = { transport: 'tcp', host: first.host ?? '127.0.0.1', port: first.port ?? 9100 };
  else if (first.transport === 'usblp') spec = { transport: 'usblp', path: first.path ?? '/dev/usb/lp0' };
  else spec = { transport: 'serial', path: first.path ?? '', ...(first.baudRate ? { baud: first.baudRate } : {}) };
  return [{ id: o.id, spec, ...(width ? { width } : {}) }, o];
}

export { createSimPrinter, MemoryTransport, type SimPrinter } from './sim-printer';
export { encodeReceipt } from './encode-receipt';
export { decodeEscPos, type DecodedPrint, type DecodedLine } from './decode-escpos';
export { createPrinterDriver, type ReceiptPrinter, type PrintedJob, type PrinterDriverOptions } from './printer-driver';
export { FakeEscPosPrinter, type FakeCondition } from './fake-printer';
export { parseStatus, holdReason, isStatusByte, statusBytesFor } from './status';
export { PrinterError, isPrinterError } from './errors';
export { TcpTransport, SerialTransport, UsblpTransport, type PrinterTransport } from './transport';
export { printable, columns, gb18030 } from './text';
