/**
 * A printer at a wrong address (a closed TCP port) with the real driver and the real TCP transport:
 * the poll backs off instead of retrying every 2 s, and the log gets one line per change of state
 * (cannot connect → reachable again → cannot connect), not an ECONNREFUSED line per poll.
 * The backoff is checked on the delays the driver asks for, not by measuring time.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { createPrinter, type ReceiptPrinter } from '../../../src/drivers/printer';
import { TcpTestPrinter } from '../../helpers/tcp-printer';

let printer: ReceiptPrinter | undefined;
let device: TcpTestPrinter | undefined;
afterEach(async () => {
  await printer?.stop();
  await device?.close();
});

const count = (lines: string[], re: RegExp) => lines.filter((l) => re.test(l)).length;

describe('printer poll on an unreachable address', () => {
  it('backs off, logs once per state change, and polls at the normal pace once reachable', async () => {
    device = await TcpTestPrinter.start();
    await device.goAway(); // the port is closed now: connect() is refused
    const lines: string[] = [];
    const delays: number[] = [];
    printer = createPrinter(
      { id: 'lan', spec: { transport: 'tcp', host: '127.0.0.1', port: device.port } },
      { pollMs: 10, maxPollMs: 80, log: (l) => lines.push(l), onSchedule: (ms) => delays.push(ms) },
    );
    await printer.start();
    await expect.poll(() => delays.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(8);
    expect(delays.slice(0, 5)).toEqual([20, 40, 80, 80, 80]);
    expect(count(lines, /ECONNREFUSED/)).toBe(1);
    expect(printer.info().state).toBe('disconnected');

    // The printer is switched on (or the address fixed): one line, and the normal pace again.
    await device.comeBack();
    await expect.poll(() => count(lines, /reachable again/), { timeout: 10_000 }).toBe(1);
    const since = delays.length;
    await expect.poll(() => delays.slice(since).filter((d) => d === 10).length).toBeGreaterThanOrEqual(3);
    expect(count(lines, /reachable again/)).toBe(1);
    expect(printer.info().state).toBe('connected');

    // Gone again: one more line, then quiet while it backs off.
    await device.goAway();
    await expect.poll(() => count(lines, /ECONNREFUSED/), { timeout: 10_000 }).toBe(2);
    const later = delays.length;
    await expect.poll(() => delays.length - later).toBeGreaterThanOrEqual(4);
    expect(count(lines, /ECONNREFUSED/)).toBe(2);
    expect(delays.at(-1)).toBe(80);
  });

  it('a new receipt is still tried at once while backed off, and the poll backs off less while it waits', async () => {
    device = await TcpTestPrinter.start();
    await device.goAway();
    const delays: number[] = [];
    printer = createPrinter(
      { id: 'lan', spec: { transport: 'tcp', host: '127.0.0.1', port: device.port } },
      { pollMs: 10, maxPollMs: 200, onSchedule: (ms) => delays.push(ms) },
    );
    await printer.start();
    const out = await printer.print({ width: 32, lines: [{ type: 'text', text: 'hello' }] }, 'job-1');
    expect(out).toMatchObject({ ok: false, held: true, reason: 'PRINTER_OFFLINE' });
    // While a receipt waits the poll backs off only to 4 polls (40 ms here), not to the 200 ms cap.
    const since = delays.length;
    await expect.poll(() => delays.length - since).toBeGreaterThanOrEqual(4);
    expect(Math.max(...delays.slice(since))).toBe(40);
    await device.comeBack();
    await expect.poll(() => printer!.heldJobs().length, { timeout: 10_000 }).toBe(0);
    expect(device.decoded().lines).toContain('hello');
  });
});
