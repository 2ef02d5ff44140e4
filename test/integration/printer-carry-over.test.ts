/**
 * A held receipt survives the technician changing the printer's settings
 * (src/main/devices/receipt-printing.ts): the held job moves to the new driver and prints there —
 * or is held there until that printer is fixed — and a job with nowhere to go (the device is no
 * longer a printer) is announced as lost, with PRINT_JOB_LOST words, so the cashier can reprint.
 * Real TCP test printers on loopback, the real app and dispatcher.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { TcpTestPrinter } from '../helpers/tcp-printer';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import type { PrintJobNote } from '../../src/main/devices/receipt-printing';
import type { TerminalConfig } from '../../src/main/config/config';
import { ERROR_WORDS } from '../../src/shared/errors';

const PAN = demoCard('active').pan;
let t: TestApp;
let first: TcpTestPrinter;
let second: TcpTestPrinter;

/** Resolves with the next printer.job note matching `pred` (registered before the action). */
function nextNote(pred: (n: PrintJobNote) => boolean): Promise<PrintJobNote> {
  return new Promise((resolve) => {
    const on = (name: string, payload: unknown) => {
      if (name !== 'printer.job' || !pred(payload as PrintJobNote)) return;
      t.app.bus.off('event', on);
      resolve(payload as PrintJobNote);
    };
    t.app.bus.on('event', on);
  });
}

async function heldSale(amountFen: number): Promise<number> {
  await t.signIn();
  const sale = await t.call('sale.authorize', { cardToken: await t.card(PAN), amountFen });
  expect(sale.status).toBe('approved');
  const out = await t.call('receipt.print', { stan: sale.stan });
  expect(out).toMatchObject({ printed: false, held: true });
  return sale.stan;
}

async function setPrinter(config: { id: string; kind: 'printer' | 'magstripe'; spec: string }) {
  await t.signIn('3001', '5555');
  return t.call('tech.setDevice', { config });
}

beforeAll(async () => {
  first = await TcpTestPrinter.start();
  second = await TcpTestPrinter.start();
  t = await startTestApp({
    config: {
      devices: [
        { id: 'msr', kind: 'magstripe', spec: 'sim:magstripe' },
        { id: 'p1', kind: 'printer', spec: `tcp:127.0.0.1:${first.port}` },
      ],
    } as Partial<TerminalConfig>,
  });
});
afterAll(async () => {
  await t?.close();
  await first?.close();
  await second?.close();
});

describe('held receipts across a printer settings change', () => {
  it('a receipt held on the old printer prints on the new one', async () => {
    first.setCondition({ paperOut: true });
    const stan = await heldSale(1250);
    const printed = nextNote((n) => n.state === 'printed' && n.stan === stan);
    await setPrinter({ id: 'p1', kind: 'printer', spec: `tcp:127.0.0.1:${second.port}` });
    expect(await printed).toMatchObject({ jobId: `receipt-${stan}`, deviceId: 'p1', heldCount: 0 });
    expect(second.decoded().lines.join('\n')).toContain('￥12.50');
    expect(first.decoded().lines.join('\n')).not.toContain('￥12.50');
  });

  it('held on the new printer too when it cannot print either, then printed there once fixed', async () => {
    second.setCondition({ coverOpen: true });
    const stan = await heldSale(2250);
    first.setCondition({ paperOut: true });
    const heldAgain = nextNote((n) => n.state === 'held' && n.stan === stan);
    await setPrinter({ id: 'p1', kind: 'printer', spec: `tcp:127.0.0.1:${first.port}` });
    expect(await heldAgain).toMatchObject({ reason: 'PRINTER_PAPER_OUT', heldCount: 1 });
    const printed = nextNote((n) => n.state === 'printed' && n.stan === stan);
    first.setCondition({});
    await printed;
    expect(first.decoded().lines.join('\n')).toContain('￥22.50');
  });

  it('a held receipt with no printer left to take it is announced as lost, with words', async () => {
    first.setCondition({ paperOut: true });
    const stan = await heldSale(3250);
    const lost = nextNote((n) => n.state === 'lost');
    await setPrinter({ id: 'p1', kind: 'magstripe', spec: 'sim:magstripe' });
    expect(await lost).toMatchObject({
      jobId: `receipt-${stan}`,
      stan,
      reason: 'PRINT_JOB_LOST',
      heldCount: 0,
    });
    expect(ERROR_WORDS.PRINT_JOB_LOST.zh).toContain('重打');
    expect(t.app.log.recent(100).some((l) => l.includes(`receipt-${stan} LOST`))).toBe(true);
  });
});
