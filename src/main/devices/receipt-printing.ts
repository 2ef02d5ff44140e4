/**
 * Receipts to the printer, with the promise "a receipt is never silently lost" carried to the
 * cashier: a job the printer holds (paper out, cover open, offline — src/drivers/printer) is
 * announced with a `printer.job` event {state: 'held'}, and announced again {state: 'printed'}
 * when the driver's status poll prints it by itself once the printer is fixed. Reprint of the last
 * receipt goes through the same queue.
 */
import type { ReceiptDoc } from '../../shared/receipt-doc';
import type { ErrorCode } from '../../shared/errors';
import { TillError } from '../../shared/errors';
import type { PrinterDriver, PrintOutcome } from '../../drivers/types';
import type { DeviceHub } from './device-hub';

export interface PrintJobNote {
  jobId: string;
  deviceId: string;
  state: 'printed' | 'held';
  reason?: ErrorCode;
  stan?: number;
  /** Jobs this printer still holds after this one. */
  heldCount: number;
}

export interface PrintAnswer {
  printed: boolean;
  held: boolean;
  reason?: ErrorCode;
  jobId: string;
  deviceId: string;
}

export class ReceiptPrinting {
  private readonly watched = new WeakSet<PrinterDriver>();
  /** Held jobs by id, so a later "printed" is announced only for jobs the cashier was told about. */
  private readonly held = new Map<string, { deviceId: string; stan?: number }>();

  constructor(
    private readonly devices: DeviceHub,
    private readonly announce: (note: PrintJobNote) => void,
    private readonly log: (line: string) => void,
  ) {}

  /** Prints a document on a printer (the first one when no id), announcing held jobs. */
  async print(
    doc: ReceiptDoc,
    jobId: string,
    o: { deviceId?: string; stan?: number } = {},
  ): Promise<PrintAnswer> {
    const printer = this.printer(o.deviceId);
    const out = await printer.print(doc, jobId);
    return this.answer(printer, out, o.stan);
  }

  /** Reprints the last receipt printed on that printer, under a REPRINT banner. */
  async reprintLast(deviceId?: string): Promise<PrintAnswer> {
    const printer = this.printer(deviceId);
    const out = await printer.reprintLast();
    if (!out) throw new TillError('NOT_FOUND', 'no receipt printed yet');
    return this.answer(printer, out);
  }

  /** Jobs held right now on any printer, oldest first per printer. */
  heldJobs(): Array<{ jobId: string; deviceId: string; stan?: number }> {
    return [...this.held].map(([jobId, j]) => ({ jobId, ...j }));
  }

  private printer(deviceId?: string): PrinterDriver {
    const printer = this.devices.printer(deviceId);
    if (!printer)
      throw new TillError(
        'DEVICE_UNAVAILABLE',
        deviceId ? `no printer ${deviceId}` : 'no printer configured',
      );
    if (!this.watched.has(printer)) {
      this.watched.add(printer);
      printer.onPrinted((jobId) => this.printedLater(printer, jobId));
    }
    return printer;
  }

  private answer(printer: PrinterDriver, out: PrintOutcome, stan?: number): PrintAnswer {
    if (out.ok) return { printed: true, held: false, jobId: out.jobId, deviceId: printer.id };
    this.held.set(out.jobId, { deviceId: printer.id, ...(stan !== undefined ? { stan } : {}) });
    this.log(`printer ${printer.id}: job ${out.jobId} held (${out.reason}); it prints by itself when fixed`);
    this.announce({
      jobId: out.jobId,
      deviceId: printer.id,
      state: 'held',
      reason: out.reason,
      ...(stan !== undefined ? { stan } : {}),
      heldCount: printer.heldJobs().length,
    });
    return { printed: false, held: true, reason: out.reason, jobId: out.jobId, deviceId: printer.id };
  }

  private printedLater(printer: PrinterDriver, jobId: string): void {
    const job = this.held.get(jobId);
    if (!job) return;
    this.held.delete(jobId);
    this.log(`printer ${printer.id}: held job ${jobId} printed`);
    this.announce({
      jobId,
      deviceId: printer.id,
      state: 'printed',
      ...(job.stan !== undefined ? { stan: job.stan } : {}),
      heldCount: printer.heldJobs().length,
    });
  }
}
