/**
 * The virtual printer of demo mode: the real printer driver (status, hold queue, reprint) over an
 * in-memory transport whose far end is a FakeEscPosPrinter. The demo's device panel can open the
 * cover or take the paper out (setCondition) and watch receipts being held and then printed.
 */
import type { ReceiptDoc } from '../../shared/receipt-doc';
import { FakeEscPosPrinter, type FakeCondition } from './fake-printer';
import { createPrinterDriver, type ReceiptPrinter } from './printer-driver';
import type { PrinterTransport } from './transport';

export class MemoryTransport implements PrinterTransport {
  readonly kind = 'memory';
  readonly canReadStatus = true;
  private open_ = false;
  private dataCbs: Array<(b: Uint8Array) => void> = [];
  constructor(
    readonly device: FakeEscPosPrinter,
    readonly path = 'memory',
  ) {}
  isOpen() {
    return this.open_;
  }
  async open() {
    this.open_ = true;
  }
  async write(b: Uint8Array) {
    const reply = this.device.receive(b);
    if (reply.length) setImmediate(() => this.dataCbs.forEach((cb) => cb(reply)));
  }
  onData(cb: (b: Uint8Array) => void) {
    this.dataCbs.push(cb);
  }
  onLost() {}
  async close() {
    this.open_ = false;
  }
}

export type SimPrinter = ReceiptPrinter & {
  /** Bytes of the last receipt printed (one job, without status requests). */
  lastBytes(): Uint8Array | undefined;
  printed(): Array<{ jobId: string; doc: ReceiptDoc }>;
  /** Demo / test: paper out, cover open, … The driver notices at its next status poll. */
  setCondition(c: FakeCondition): void;
  readonly device: FakeEscPosPrinter;
};

export function createSimPrinter(id: string, opts: { pollMs?: number } = {}): SimPrinter {
  const device = new FakeEscPosPrinter();
  const driver = createPrinterDriver({
    id,
    transport: new MemoryTransport(device, 'sim'),
    simulated: true,
    pollMs: opts.pollMs ?? 1000,
  });
  const jobs = driver.printed.bind(driver);
  return Object.assign(driver, {
    lastBytes: () => jobs().at(-1)?.bytes,
    printed: () => jobs().map((j) => ({ jobId: j.jobId, doc: j.doc })),
    setCondition: (c: FakeCondition) => {
      device.condition = { ...c };
    },
    device,
  });
}
