/**
 * A line reader (magstripe reader, scanner) behind a real DeviceRegistry on a socat pty pair: the
 * set-up the serial-* integration tests share. `describeOnPty` skips locally when socat is missing
 * (naming the Debian package) and fails in CI; `usePtyReader` (inside that describe) starts the
 * pair and the registry before the tests and stops both after.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { DeviceConfig } from '../../src/drivers/device-spec';
import { DeviceRegistry } from '../../src/drivers/registry';
import type { ReceiptScanEvent } from '../../src/drivers/serial/driver-base';
import type { DeviceEvent } from '../../src/shared/devices';
import { SOCAT_MISSING, findSocat, startPtyPair, type PtyPair } from './pty';

export function describeOnPty(title: string, body: () => void): void {
  if (findSocat()) describe(title, body);
  else if (process.env.CI)
    describe(title, () => {
      it('needs socat', () => {
        throw new Error(`${SOCAT_MISSING} — required when CI is set`);
      });
    });
  else {
    // Locally only, like requireSystem (test/helpers/require-system.ts): say what to install.
    console.warn(`SKIP: ${SOCAT_MISSING}`);
    describe.runIf(false)(`${title} — skipped: ${SOCAT_MISSING}`, body);
  }
}

export interface PtyReader {
  /** The pair (set once the tests run). */
  readonly pty: PtyPair;
  readonly reg: DeviceRegistry;
  /** Everything the registry emitted, in order. */
  readonly events: DeviceEvent[];
  /** Receipt QR scans (scanners only). */
  readonly scans: ReceiptScanEvent[];
  /** Every log line the drivers wrote. */
  readonly lines: string[];
  /** Resolves with the first event (from index `from` on) that matches, or fails after timeoutMs. */
  next(pred: (e: DeviceEvent) => boolean, from: number, timeoutMs?: number): Promise<DeviceEvent>;
}

/** Polls `events` until one from `from` on matches. */
export function eventWaiter(events: DeviceEvent[]): PtyReader['next'] {
  return async (pred, from, timeoutMs = 4000) => {
    const t0 = Date.now();
    for (;;) {
      const hit = events.slice(from).find(pred);
      if (hit) return hit;
      if (Date.now() - t0 > timeoutMs)
        throw new Error(`no matching event in ${timeoutMs} ms; got ${JSON.stringify(events.slice(from))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
}

/**
 * Call inside a describe: before its tests, a pty pair named `name` and a registry holding the one
 * device `config(appPath)`, started and connected; after them, both stopped.
 */
export function usePtyReader(name: string, config: (appPath: string) => DeviceConfig): PtyReader {
  let pty: PtyPair | undefined;
  let reg: DeviceRegistry | undefined;
  const events: DeviceEvent[] = [];
  const scans: ReceiptScanEvent[] = [];
  const lines: string[] = [];
  const next = eventWaiter(events);

  beforeAll(async () => {
    pty = await startPtyPair(name);
    reg = new DeviceRegistry([config(pty.appPath)], { log: (l) => lines.push(l) });
    reg.onEvent((e) => events.push(e));
    reg.onScan((e) => scans.push(e));
    await reg.start();
    await next((e) => e.type === 'state' && e.state === 'connected', 0);
  });

  afterAll(async () => {
    await reg?.stop();
    await pty?.close();
  });

  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('usePtyReader: used before its beforeAll ran');
    return v;
  };
  return {
    get pty() {
      return started(pty);
    },
    get reg() {
      return started(reg);
    },
    events,
    scans,
    lines,
    next,
  };
}
