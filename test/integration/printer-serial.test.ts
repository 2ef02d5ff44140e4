/**
 * The printer driver over a serial line: socat links two pseudo-terminals; the test printer
 * (FakeEscPosPrinter) sits on one end, the driver opens the other like a COM port. Killing socat
 * is pulling the cable; starting it again brings the same path back.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { SerialPort } from 'serialport';
import { createPrinter } from '../../src/drivers/printer';
import { FakeEscPosPrinter } from '../../src/drivers/printer/fake-printer';

const hasSocat = spawnSync('sh', ['-c', 'command -v socat']).status === 0;
if (!hasSocat && process.env.CI) throw new Error('printer-serial needs the Debian package socat');

const DEV = `/tmp/cardtill-prn-${process.pid}-dev`;
const APP = `/tmp/cardtill-prn-${process.pid}-app`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(pred: () => boolean, ms = 8000) {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(20);
  }
}

describe.skipIf(!hasSocat)('serial receipt printer on a pty pair', () => {
  const device = new FakeEscPosPrinter();
  let socat: ChildProcess | undefined;
  let devPort: SerialPort | undefined;

  async function plugIn() {
    socat = spawn('socat', [`pty,raw,echo=0,link=${DEV}`, `pty,raw,echo=0,link=${APP}`], { stdio: 'ignore' });
    await until(() => existsSync(DEV) && existsSync(APP));
    devPort = new SerialPort({ path: DEV, baudRate: 9600 });
    await new Promise<void>((r, j) => devPort!.once('open', () => r()).once('error', j));
    devPort.on('data', (d: Buffer) => {
      const reply = device.receive(new Uint8Array(d));
      if (reply.length) devPort!.write(Buffer.from(reply));
    });
    devPort.on('error', () => {});
  }
  async function unplug() {
    const s = socat;
    socat = undefined;
    if (devPort?.isOpen) await new Promise<void>((r) => devPort!.close(() => r()));
    if (s && s.exitCode === null) {
      const gone = new Promise<void>((r) => s.once('exit', () => r()));
      s.kill('SIGTERM');
      await gone;
    }
  }
  afterAll(unplug);

  it('prints, holds while unplugged, prints when the line is back', async () => {
    await plugIn();
    const driver = createPrinter(
      { id: 'ps', spec: { transport: 'serial', path: APP, baud: 9600 } },
      { pollMs: 100, statusTimeoutMs: 500 },
    );
    try {
      await driver.start();
      expect(driver.info()).toMatchObject({ state: 'connected', transport: 'serial', path: APP });
      const doc = {
        width: 32 as const,
        lines: [{ type: 'text' as const, text: '串口打印 ¥5.00' }, { type: 'cut' as const }],
      };
      expect(await driver.print(doc, 's1')).toMatchObject({ ok: true });
      await until(() => device.decoded().cuts === 1);
      expect(device.decoded().lines).toEqual(['串口打印 ￥5.00']);

      await unplug();
      expect(await driver.print(doc, 's2')).toMatchObject({ held: true, reason: 'PRINTER_OFFLINE' });
      await plugIn();
      await until(() => driver.heldJobs().length === 0);
      await until(() => device.decoded().cuts === 2);
    } finally {
      await driver.stop();
    }
  });
});
