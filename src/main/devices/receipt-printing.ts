/**
 * Receipts to the printer, with the promise "a receipt is never silently lost" carried to the
 * cashier: a job the printer holds (paper out, cover open, offline — src/drivers/printer) is
 * announced with a `printer.job` event {state: 'held'}, and announced again {state: 'printed'}
 * when the driver's status poll prints it by itself once the printer is fixed. Reprint of the last
 * receipt goes through the same queue.
 *
 * When the technician changes a printer's settings the registry replaces its driver; the jobs the
 * old driver still held are carried over to the new one (printed there, or held there), and a job
 * that has nowhere to go (the device is no longer a printer, or its driver could not be built) is
 * announced {state: 'lost', reason: PRINT_JOB_LOST} so the cashier can reprint it by STAN.
 */
import type { ReceiptDoc } from '../../shared/receipt-doc';
import type { ErrorCode } from '../../shared/errors';
import { TillError } from '../../shared/errors';
import { isPrinter, type PrinterDriver, type PrintOutcome } from '../../drivers/types';
import type { DeviceConfig } from '../../drivers/registry';
import type { DeviceInfo } from '../../shared/devices';
import type { DeviceHub } from './device-hub';

export interface PrintJobNote {
  jobId: string;
  deviceId: string;
  state: 'printed' | 'held' | 'lost';
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

  /**
   * Applies a device's new settings (technician) through the registry, carrying the jobs the old
   * printer driver still held over to the new one. Returns the device as the registry lists it.
   */
  async reconfigure(config: DeviceConfig): Promise<DeviceInfo | undefined> {
    const before = this.devices.get(config.id);
    const old = before && isPrinter(before) ? before : undefined;
    const info = await this.devices.reconfigure(config); // stops the old driver first
    if (!old) return info;
    const jobs = old.releaseHeld?.() ?? old.heldJobs().map((jobId) => ({ jobId, doc: undefined }));
    const known = jobs.filter((j) => this.held.has(j.jobId));
    if (!known.length) return info;
    const next = this.devices.printer(config.id);
    const carried = next && next !== old ? next : undefined;
    this.log(
      `printer ${config.id}: settings changed with ${known.length} held receipt(s); ${carried ? 'carried over to the new driver' : 'no printer to carry them to'}`,
    );
    // In the background: the new printer may take a status timeout to answer.
    void this.carryOver(config.id, known, carried);
    return info;
  }

  private async carryOver(
    deviceId: string,
    jobs: Array<{ jobId: string; doc?: ReceiptDoc }>,
    next: PrinterDriver | undefined,
  ): Promise<void> {
    if (next) this.watch(next);
    for (const job of jobs) {
      const meta = this.held.get(job.jobId)!;
      if (next && job.doc) {
        this.held.set(job.jobId, { ...meta, deviceId: next.id });
        try {
          const out = await next.print(job.doc, job.jobId);
          // Printed: the onPrinted listener announces it ('printed'); held: announced again here.
          if (!out.ok) this.answer(next, out, meta.stan);
          continue;
        } catch (e) {
          this.log(
            `printer ${deviceId}: held job ${job.jobId} could not be carried over: ${(e as Error).message}`,
          );
        }
      }
      this.held.delete(job.jobId);
      this.log(`printer ${deviceId}: held job ${job.jobId} LOST with the settings change; reprint it`);
      this.announce({
        jobId: job.jobId,
        deviceId,
        state: 'lost',
        reason: 'PRINT_JOB_LOST',
        ...(meta.stan !== undefined ? { stan: meta.stan } : {}),
        heldCount: next ? next.heldJobs().length : 0,
      });
    }
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
    this.watch(printer);
    return printer;
  }

  private watch(printer: PrinterDriver): void {
    if (this.watched.has(printer)) return;
    this.watched.add(printer);
    printer.onPrinted((jobId) => this.printedLater(printer, jobId));
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
