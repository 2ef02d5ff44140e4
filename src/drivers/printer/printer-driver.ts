/**
 * A receipt printer behind any transport: real-time status before and after every job, a
 * hold queue for jobs that cannot print (paper out, cover open, offline), a poll that prints held
 * jobs by itself once the printer is fixed, and reprint of the last receipt.
 *
 * The promise: a receipt is never silently lost. A job is either printed (status OK before and
 * after) or held in memory, in order, with an 'error' event naming why. If paper runs out while a
 * job prints (status bad *after* writing) the job is held and printed again in full when fixed —
 * a possible duplicate is preferred to a possibly torn-off, unreadable receipt.
 */
import type { PrinterDriver, PrinterStatus, PrintOutcome } from '../types';
import type { ReceiptDoc } from '../../shared/receipt-doc';
import type { DeviceState } from '../../shared/devices';
import { DeviceHub } from '../ic/device-hub';
import { encodeReceipt } from './encode-receipt';
import { statusRequest } from './escpos';
import { PrinterError } from './errors';
import { holdReason, isStatusByte, parseStatus, type HoldReason } from './status';
import type { PrinterTransport } from './transport';

export interface PrinterDriverOptions {
  id: string;
  transport: PrinterTransport;
  /** Paper width in columns; overrides the document's width when given. */
  width?: 32 | 48;
  /** Status poll interval. Default 2000 ms. */
  pollMs?: number;
  /**
   * While the printer cannot be reached the poll backs off, doubling up to this. Default 30 s. A
   * new job is always tried at once, whatever the backoff.
   */
  maxPollMs?: number;
  /** Sees each delay the poll schedules (tests check the backoff without measuring time). */
  onSchedule?: (ms: number) => void;
  /** Wait for one status byte. Default 1500 ms. */
  statusTimeoutMs?: number;
  simulated?: boolean;
  log?: (s: string) => void;
  now?: () => number;
}

export interface PrintedJob {
  jobId: string;
  doc: ReceiptDoc;
  bytes: Uint8Array;
}

export interface ReceiptPrinter extends PrinterDriver {
  /** Prints the last printed receipt again, under a "重打印 / REPRINT" banner. Undefined if nothing was printed yet. */
  reprintLast(): Promise<PrintOutcome | undefined>;
  /** Jobs actually printed, oldest first (last 50). */
  printed(): PrintedJob[];
  /** Called for every job that printed, including held jobs printed later by the poll. */
  onPrinted(cb: (jobId: string) => void): () => void;
}

const REASON_TEXT: Record<HoldReason, string> = {
  PRINTER_PAPER_OUT: '打印机缺纸 / printer out of paper',
  PRINTER_COVER_OPEN: '打印机纸仓盖打开 / printer cover open',
  PRINTER_OFFLINE: '打印机离线 / printer offline',
};

export function createPrinterDriver(o: PrinterDriverOptions): ReceiptPrinter {
  const t = o.transport;
  const log = o.log ?? (() => {});
  const pollMs = o.pollMs ?? 2000;
  const maxPollMs = Math.max(pollMs, o.maxPollMs ?? 30_000);
  const statusTimeoutMs = o.statusTimeoutMs ?? 1500;
  const hub = new DeviceHub(
    {
      id: o.id,
      kind: 'printer',
      transport: o.simulated ? 'sim' : t.kind,
      path: t.path,
      simulated: !!o.simulated,
    },
    'disconnected',
    o.now,
  );

  const held: PrintedJob[] = [];
  const done: PrintedJob[] = [];
  let lastOriginal: PrintedJob | undefined; // the last receipt as the core sent it (no reprint banner)
  const reprintIds = new Set<string>();
  const printedCbs = new Set<(jobId: string) => void>();
  let reprints = 0;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  let fault: HoldReason | undefined;
  // Why the printer cannot be reached, as last logged; failures in a row drive the poll's backoff.
  // A wrong address used to log ECONNREFUSED every poll (every 2 s): now one line when reaching
  // it fails, one when the reason changes, one when it answers again.
  let unreachable: string | undefined;
  let failures = 0;
  function cannotReach(why: string): void {
    failures++;
    if (why !== unreachable) log(`printer ${o.id}: ${why}`);
    unreachable = why;
  }
  function reached(): void {
    if (unreachable !== undefined) log(`printer ${o.id}: reachable again`);
    unreachable = undefined;
    failures = 0;
  }

  // One status byte per DLE EOT request, answered in order; anything else on the line is dropped.
  let waiter: ((b: number) => void) | undefined;
  t.onData((chunk) => {
    for (const b of chunk) {
      if (waiter && isStatusByte(b)) {
        const w = waiter;
        waiter = undefined;
        w(b);
      }
    }
  });
  t.onLost((why) => log(`printer ${o.id}: transport lost: ${why}`));

  /** Runs jobs, polls and status reads one at a time. */
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = chain.then(fn, fn);
    chain = p.catch(() => {});
    return p;
  }

  async function query(n: 1 | 2 | 4): Promise<number> {
    const answer = new Promise<number>((resolve, reject) => {
      const to = setTimeout(() => {
        waiter = undefined;
        reject(new PrinterError('STATUS_TIMEOUT', `no answer to DLE EOT ${n} within ${statusTimeoutMs} ms`));
      }, statusTimeoutMs);
      waiter = (b) => {
        clearTimeout(to);
        resolve(b);
      };
    });
    try {
      await t.write(statusRequest(n));
    } catch (e) {
      waiter = undefined;
      answer.catch(() => {});
      throw e;
    }
    return answer;
  }

  /** Opens the transport if needed and reads DLE EOT 1, 2, 4. Offline on any failure. */
  async function readStatus(): Promise<PrinterStatus> {
    const offline: PrinterStatus = { online: false, paperOut: false, paperNearEnd: false, coverOpen: false };
    try {
      await t.open();
    } catch (e) {
      cannotReach((e as Error).message);
      return offline;
    }
    if (!t.canReadStatus) {
      reached();
      return { ...offline, online: true };
    }
    try {
      const printer = await query(1);
      const offlineCause = await query(2);
      const paperSensor = await query(4);
      reached();
      return parseStatus({ printer, offlineCause, paperSensor });
    } catch (e) {
      // A printer that stops answering is gone; start over with a fresh connection next time
      // (a late status byte must not be taken as the answer to the next request).
      cannotReach((e as Error).message);
      await t.close().catch(() => {});
      return offline;
    }
  }

  function report(s: PrinterStatus): HoldReason | undefined {
    const reason = holdReason(s);
    if (reason && reason !== fault) {
      hub.error(
        reason,
        held.length
          ? `${REASON_TEXT[reason]}; ${held.length} 张小票等待打印 / receipt(s) held`
          : REASON_TEXT[reason],
      );
    }
    fault = reason;
    let state: DeviceState = 'connected';
    let detail: string | undefined = s.paperNearEnd ? '纸将用尽 / paper near end' : undefined;
    if (reason === 'PRINTER_OFFLINE') state = 'disconnected';
    else if (reason) state = 'error';
    if (reason) detail = REASON_TEXT[reason];
    if (held.length) detail = `${detail ?? ''}${detail ? '; ' : ''}${held.length} held`;
    hub.setState(state, detail);
    return reason;
  }

  /** One attempt: status, write, status. */
  async function attempt(job: PrintedJob): Promise<HoldReason | undefined> {
    const before = report(await readStatus());
    if (before) return before;
    try {
      await t.write(job.bytes);
    } catch (e) {
      log(`printer ${o.id}: write failed: ${(e as Error).message}`);
      await t.close().catch(() => {});
      return report({ online: false, paperOut: false, paperNearEnd: false, coverOpen: false });
    }
    if (!t.canReadStatus) return undefined;
    return report(await readStatus());
  }

  function printedOk(job: PrintedJob): void {
    done.push(job);
    if (!reprintIds.has(job.jobId)) lastOriginal = job;
    if (done.length > 50) done.shift();
    for (const cb of [...printedCbs]) {
      try {
        cb(job.jobId);
      } catch {
        // listener bugs stay with the listener
      }
    }
  }

  function hold(job: PrintedJob, reason: HoldReason): PrintOutcome {
    if (!held.includes(job)) held.push(job);
    report({
      online: reason !== 'PRINTER_OFFLINE',
      paperOut: reason === 'PRINTER_PAPER_OUT',
      paperNearEnd: false,
      coverOpen: reason === 'PRINTER_COVER_OPEN',
    });
    return { ok: false, jobId: job.jobId, held: true, reason };
  }

  async function submit(job: PrintedJob): Promise<PrintOutcome> {
    return serial(async () => {
      if (held.length) return hold(job, fault ?? 'PRINTER_OFFLINE'); // keep receipts in order
      const reason = await attempt(job);
      if (reason) {
        log(`printer ${o.id}: job ${job.jobId} held: ${reason}`);
        return hold(job, reason);
      }
      printedOk(job);
      return { ok: true, jobId: job.jobId, bytes: job.bytes.length };
    });
  }

  /** The poll: refresh status; when fixed, print held jobs oldest first. */
  async function poll(): Promise<void> {
    await serial(async () => {
      if (!held.length) {
        report(await readStatus());
        return;
      }
      while (held.length) {
        const job = held[0]!;
        const reason = await attempt(job);
        if (reason) return;
        held.shift();
        log(`printer ${o.id}: held job ${job.jobId} printed`);
        printedOk(job);
        if (!held.length) hub.setState('connected', '待打小票已全部打印 / held receipts printed');
      }
    });
  }

  /** The next poll: every pollMs while the printer answers, backing off while it cannot be reached. */
  function schedule(): void {
    if (!running) return;
    // With receipts held the cashier is waiting for paper to come out: back off less (4 polls).
    const cap = held.length ? Math.min(maxPollMs, pollMs * 4) : maxPollMs;
    const ms = failures ? Math.min(pollMs * 2 ** Math.min(failures, 16), cap) : pollMs;
    o.onSchedule?.(ms);
    timer = setTimeout(() => {
      void poll().finally(schedule);
    }, ms);
  }

  function encode(doc: ReceiptDoc): Uint8Array {
    return encodeReceipt(doc, o.width ? { width: o.width } : {});
  }

  return {
    id: o.id,
    kind: 'printer',
    async start() {
      if (running) return;
      running = true;
      await serial(async () => void report(await readStatus()));
      schedule();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await serial(async () => {
        await t.close().catch(() => {});
      });
      hub.setState('disconnected', held.length ? `stopped; ${held.length} held` : 'stopped');
    },
    info: () => hub.info(),
    onEvent: (l) => hub.on(l),
    print(doc: ReceiptDoc, jobId: string) {
      let bytes: Uint8Array;
      try {
        bytes = encode(doc);
      } catch (e) {
        return Promise.reject(e);
      }
      return submit({ jobId, doc, bytes });
    },
    status() {
      return serial(readStatus);
    },
    heldJobs: () => held.map((j) => j.jobId),
    async reprintLast() {
      const last = lastOriginal;
      if (!last) return undefined;
      const doc: ReceiptDoc = {
        ...last.doc,
        lines: [
          { type: 'text', text: '** 重打印 REPRINT **', align: 'center', bold: true },
          ...last.doc.lines,
        ],
      };
      reprints++;
      const jobId = `${last.jobId}#R${reprints}`;
      reprintIds.add(jobId);
      return submit({ jobId, doc, bytes: encode(doc) });
    },
    printed: () => [...done],
    releaseHeld() {
      // Only once stopped: a running poll could otherwise print a job the next driver prints too.
      if (running) return [];
      const out = held.splice(0).map((j) => ({ jobId: j.jobId, doc: j.doc }));
      if (out.length) hub.setState('disconnected', `stopped; ${out.length} held receipt(s) handed over`);
      return out;
    },
    onPrinted(cb) {
      printedCbs.add(cb);
      return () => printedCbs.delete(cb);
    },
  };
}
