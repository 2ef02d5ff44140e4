/**
 * The printer driver over real TCP sockets against the test printer (test/helpers/tcp-printer.ts):
 * what reaches the "paper" is decoded and asserted; faults are real (closed port, status bytes).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { columns, createPrinter, type ReceiptPrinter } from '../../src/drivers/printer';
import type { DeviceEvent } from '../../src/shared/devices';
import type { ReceiptDoc } from '../../src/shared/receipt-doc';
import { TcpTestPrinter } from '../helpers/tcp-printer';

const receipt = (n: string): ReceiptDoc => ({
  width: 32,
  lines: [
    { type: 'text', text: '华联超市 储值卡消费', align: 'center', size: 2, bold: true },
    { type: 'pair', left: '小票号', right: n },
    { type: 'pair', left: '金额', right: '¥12.50' },
    { type: 'pair', left: '余额 Balance', right: '¥1,234.56', bold: true },
    { type: 'qr', data: `CT1:${n}:deadbeef` },
    { type: 'cut' },
  ],
});

async function until(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('TCP receipt printer', () => {
  let tp: TcpTestPrinter;
  let driver: ReceiptPrinter;
  const events: DeviceEvent[] = [];
  async function setup() {
    tp = await TcpTestPrinter.start();
    driver = createPrinter(
      { id: 'p1', spec: { transport: 'tcp', host: '127.0.0.1', port: tp.port } },
      { pollMs: 100, statusTimeoutMs: 500, connectTimeoutMs: 500 },
    );
    events.length = 0;
    driver.onEvent((e) => events.push(e));
    await driver.start();
  }
  afterEach(async () => {
    await driver?.stop();
    await tp?.close();
  });

  it('prints a receipt: Chinese text, ￥ for ¥, QR and cut arrive as sent', async () => {
    await setup();
    expect(driver.info().state).toBe('connected');
    const out = await driver.print(receipt('000123'), 'job-1');
    expect(out).toMatchObject({ ok: true, jobId: 'job-1' });
    const d = tp.decoded();
    expect(d.lines).toHaveLength(6);
    expect(d.lines.slice(0, 2)).toEqual(['华联超市 储值卡', '消费']); // 16 columns at double width, CJK = 2
    expect(d.lines[2]).toMatch(/^小票号 +000123$/);
    expect(d.lines[3]).toMatch(/^金额 +￥12\.50$/);
    expect(d.lines[4]).toMatch(/^余额 Balance +￥1,234\.56$/);
    for (const l of d.lines.slice(2, 5)) expect(columns(l)).toBe(32); // ￥ and CJK count 2 columns
    expect(d.lines[5]).toBe(''); // the line feed after the QR symbol
    expect(d.styled[0]).toMatchObject({ align: 'center', size: 2, bold: true });
    expect(d.qr).toEqual(['CT1:000123:deadbeef']);
    expect(d.cuts).toBe(1);
    expect(d.statusRequests).toBeGreaterThanOrEqual(6); // DLE EOT 1, 2, 4 before and after
  });

  it('paper out → held + event; paper loaded → printed by itself', async () => {
    await setup();
    tp.setCondition({ paperOut: true });
    const out = await driver.print(receipt('000124'), 'job-2');
    expect(out).toEqual({ ok: false, jobId: 'job-2', held: true, reason: 'PRINTER_PAPER_OUT' });
    expect(driver.heldJobs()).toEqual(['job-2']);
    expect(events.some((e) => e.type === 'error' && e.code === 'PRINTER_PAPER_OUT')).toBe(true);
    expect(driver.info().state).toBe('error');
    const second = await driver.print(receipt('000125'), 'job-3');
    expect(second).toMatchObject({ held: true });
    expect(tp.decoded().qr).toEqual([]);

    tp.setCondition({});
    await until(() => driver.heldJobs().length === 0);
    expect(tp.decoded().qr).toEqual(['CT1:000124:deadbeef', 'CT1:000125:deadbeef']); // in order
    expect(driver.info().state).toBe('connected');
  });

  it('cover open → PRINTER_COVER_OPEN, held until closed', async () => {
    await setup();
    tp.setCondition({ coverOpen: true });
    expect(await driver.print(receipt('000126'), 'job-4')).toMatchObject({
      held: true,
      reason: 'PRINTER_COVER_OPEN',
    });
    tp.setCondition({});
    await until(() => driver.heldJobs().length === 0);
    expect(tp.decoded().qr).toEqual(['CT1:000126:deadbeef']);
  });

  it('printer gone → held as offline; back on the same port → printed', async () => {
    await setup();
    await tp.goAway();
    const out = await driver.print(receipt('000127'), 'job-5');
    expect(out).toMatchObject({ held: true, reason: 'PRINTER_OFFLINE' });
    await until(() => driver.info().state === 'disconnected');
    expect(events.some((e) => e.type === 'error' && e.code === 'PRINTER_OFFLINE')).toBe(true);
    await tp.comeBack();
    await until(() => driver.heldJobs().length === 0);
    expect(tp.decoded().qr).toEqual(['CT1:000127:deadbeef']);
    expect(tp.connections).toBeGreaterThanOrEqual(2); // reconnected
  });

  it('a printer that stops answering status is offline, not hung', async () => {
    await setup();
    tp.setCondition({ mute: true });
    expect(await driver.print(receipt('000128'), 'job-6')).toMatchObject({
      held: true,
      reason: 'PRINTER_OFFLINE',
    });
    tp.setCondition({});
    await until(() => driver.heldJobs().length === 0);
  });

  it('reprints the last receipt under a REPRINT banner', async () => {
    await setup();
    await driver.print(receipt('000129'), 'job-7');
    const again = await driver.reprintLast();
    expect(again).toMatchObject({ ok: true, jobId: 'job-7#R1' });
    const d = tp.decoded();
    expect(d.qr).toEqual(['CT1:000129:deadbeef', 'CT1:000129:deadbeef']);
    expect(d.lines).toContain('** 重打印 REPRINT **');
    expect(d.cuts).toBe(2);
  });
});
