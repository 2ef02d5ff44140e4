/** The printer driver's queue logic over the in-memory virtual printer (the demo's sim printer). */
import { afterEach, describe, expect, it } from 'vitest';
import { createSimPrinter, decodeEscPos, type SimPrinter } from '../../../src/drivers/printer';
import { PrinterError } from '../../../src/drivers/printer/errors';
import type { DeviceEvent } from '../../../src/shared/devices';
import type { ReceiptDoc } from '../../../src/shared/receipt-doc';

const doc = (n: string): ReceiptDoc => ({
  width: 32,
  lines: [
    { type: 'text', text: `小票 ${n}` },
    { type: 'pair', left: '金额', right: '¥1.00' },
    { type: 'cut' },
  ],
});
const until = async (pred: () => boolean) => {
  const end = Date.now() + 3000;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('sim printer', () => {
  let p: SimPrinter;
  afterEach(async () => p?.stop());

  it('prints, keeps docs and bytes for the virtual printer view', async () => {
    p = createSimPrinter('sim-printer', { pollMs: 20 });
    await p.start();
    expect(p.info()).toMatchObject({
      state: 'connected',
      simulated: true,
      transport: 'sim',
      kind: 'printer',
    });
    expect(await p.print(doc('1'), 'j1')).toMatchObject({ ok: true, jobId: 'j1' });
    expect(p.printed()).toEqual([{ jobId: 'j1', doc: doc('1') }]);
    expect(decodeEscPos(p.lastBytes()!).lines[0]).toBe('小票 1');
    expect(await p.status()).toEqual({
      online: true,
      paperOut: false,
      paperNearEnd: false,
      coverOpen: false,
    });
  });

  it('holds in order while the paper is out, reports it, prints by itself when loaded', async () => {
    p = createSimPrinter('sim-printer', { pollMs: 20 });
    const events: DeviceEvent[] = [];
    p.onEvent((e) => events.push(e));
    const printed: string[] = [];
    p.onPrinted((id) => printed.push(id));
    await p.start();
    p.setCondition({ paperOut: true });
    expect(await p.print(doc('1'), 'j1')).toEqual({
      ok: false,
      jobId: 'j1',
      held: true,
      reason: 'PRINTER_PAPER_OUT',
    });
    expect(await p.print(doc('2'), 'j2')).toMatchObject({ held: true });
    expect(p.heldJobs()).toEqual(['j1', 'j2']);
    expect(events.filter((e) => e.type === 'error').map((e) => e.type === 'error' && e.code)).toEqual([
      'PRINTER_PAPER_OUT',
    ]);
    p.setCondition({});
    await until(() => p.heldJobs().length === 0);
    expect(printed).toEqual(['j1', 'j2']);
    expect(p.info().state).toBe('connected');
  });

  it('paper near end is a warning, not a hold', async () => {
    p = createSimPrinter('sim-printer', { pollMs: 20 });
    await p.start();
    p.setCondition({ paperNearEnd: true });
    expect(await p.print(doc('1'), 'j1')).toMatchObject({ ok: true });
    expect(p.info().detail).toMatch(/near end/);
  });

  it('reprintLast reprints the original (one banner, even on a second reprint); nothing printed → undefined', async () => {
    p = createSimPrinter('sim-printer', { pollMs: 20 });
    await p.start();
    expect(await p.reprintLast()).toBeUndefined();
    await p.print(doc('7'), 'j7');
    expect(await p.reprintLast()).toMatchObject({ ok: true, jobId: 'j7#R1' });
    expect(await p.reprintLast()).toMatchObject({ ok: true, jobId: 'j7#R2' });
    const lines = decodeEscPos(p.lastBytes()!).lines;
    expect(lines.filter((l) => l.includes('REPRINT'))).toHaveLength(1);
    expect(lines).toContain('小票 7');
  });

  it('a malformed document is a typed rejection, and the driver keeps working', async () => {
    p = createSimPrinter('sim-printer', { pollMs: 20 });
    await p.start();
    await expect(p.print({ width: 33, lines: [] } as unknown as ReceiptDoc, 'bad')).rejects.toBeInstanceOf(
      PrinterError,
    );
    expect(await p.print(doc('1'), 'j1')).toMatchObject({ ok: true });
  });
});
