/**
 * Real device stacks under the whole app, driven in Chromium:
 * - a sale paid by a virtual IC card: nfc-pcsc → libpcsclite → pcscd → vsmartcard-vpcd → the card
 *   (test/helpers/vpcd-card.ts) on the second virtual reader, "Virtual PCD 00 01" (TCP 35964), so it
 *   never takes the first reader's port from the driver's own PC/SC test;
 * - its receipt printed to the TCP test printer, whose decoded text matches the screen's preview;
 * - a held receipt (paper out) shown to the cashier and printed by itself when paper is back;
 * - the technician's screen: a read test with the card, the printer going away and coming back,
 *   the live log, and the diagnostics bundle downloaded by the browser.
 * pcscd is shared with test/integration/pcsc-reader.test.ts through a cross-process lock (ensurePcscd).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { ensurePcscd, type PcscdHandle } from '../helpers/pcscd';
import { VpcdCard } from '../helpers/vpcd-card';
import { TcpTestPrinter } from '../helpers/tcp-printer';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import type { TerminalConfig } from '../../src/main/config/config';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
const env = haveChromium ? await ensurePcscd() : { skip: 'no chromium' };
const skip = 'skip' in env ? env.skip : undefined;
if (skip) console.warn(`[devices e2e] skipped: ${skip}`);

const READER = 'Virtual PCD 00 01';
const READER_PORT = 35964;
const CARD = demoCard('active');

/** Text as a person reads it: no layout spaces, the printer's full-width yuan sign. */
const norm = (lines: string[]) => lines.join('').replace(/\s+/g, '').replace(/¥/g, '￥');

describe.runIf(haveChromium && !skip)('devices end to end (Chromium, pcscd + vpcd, TCP printer)', () => {
  const pcscd = env as PcscdHandle;
  let printer: TcpTestPrinter;
  let e: E2E;

  beforeAll(async () => {
    printer = await TcpTestPrinter.start();
    e = await startE2E({
      config: {
        devices: [
          { id: 'ic1', kind: 'ic', spec: `pcsc:${READER}` },
          { id: 'p1', kind: 'printer', spec: `tcp:127.0.0.1:${printer.port}` },
        ],
      } as Partial<TerminalConfig>,
    });
    for (let i = 0; e.t.app.devices.list().find((d) => d.id === 'ic1')?.state !== 'connected'; i++) {
      if (i > 300) throw new Error(`reader not connected: ${JSON.stringify(e.t.app.devices.list())}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(async () => {
    await e?.close();
    await printer?.close();
    await pcscd.stop(); // our child pcscd, or the relay to the system one
    pcscd.release();
  });

  it('a sale paid by the virtual IC card; the printed receipt matches the preview', async () => {
    const p = e.page;
    await signIn(e.page, '1001', '1234', 'cashier');
    for (const d of '1250') await p.getByTestId('keypad').locator(`[data-key="${d}"]`).click();
    const card = await VpcdCard.insert(
      { pan: CARD.pan, expiryDate: '20301231', balanceFen: CARD.balanceFen, uid: '04A1B2C3' },
      READER_PORT,
    );
    try {
      await expect
        .poll(() => p.getByTestId('card-status').textContent(), { timeout: 15_000 })
        .toContain('888801******0017');
      expect(await p.getByTestId('card-status').textContent()).toContain('挥卡');
      expect(card.apdus).toEqual(['FFCA000000', '00A4040008A00000033343540100', '00B095001E', '805C000204']);
    } finally {
      await card.remove();
    }
    await p.getByTestId('keypad').locator('[data-key="ok"]').click();
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
    expect(await p.getByTestId('result-balance').textContent()).toContain('¥987.50');
    expect(e.t.issuerBalance(CARD.pan)).toBe(CARD.balanceFen - 1250);

    await p.getByTestId('receipt-preview').waitFor();
    const preview = await p.locator('[data-testid="receipt-preview"] .r-line').allTextContents();
    await p.getByTestId('print-receipt').click();
    await expect.poll(() => p.getByTestId('print-note').textContent()).toContain('已打印');
    const printed = printer.decoded();
    expect(norm(printed.lines)).toBe(norm(preview));
    expect(printed.lines.join('\n')).toContain('**** 0017');
    expect(printed.lines.join('\n')).toContain('￥12.50');
    expect(printed.cuts).toBe(1);
    await e.shot('devices-01-ic-sale-printed');
  });

  it('paper out: the cashier is told the receipt waits, and it prints by itself when paper is back', async () => {
    const p = e.page;
    printer.setCondition({ paperOut: true });
    await p.getByTestId('reprint-last').click();
    await expect.poll(() => p.getByTestId('printer-held').textContent()).toContain('缺纸');
    expect(await p.getByTestId('printer-held').textContent()).toContain('1 张小票等待打印');
    await e.shot('devices-02-paper-out-held');
    printer.setCondition({});
    await p.getByTestId('printer-printed-later').waitFor({ timeout: 15_000 });
    expect(await p.getByTestId('printer-held').count()).toBe(0);
    expect(printer.decoded().lines.join('\n')).toContain('重打印 REPRINT');
  });

  it("the technician's screen: read test, a printer going away and coming back, log, diagnostics", async () => {
    const p = e.page;
    await p.getByTestId('sign-out').click();
    await signIn(e.page, '3001', '5555', 'tech');
    const row = (id: string) => p.getByTestId(`tech-device-${id}`);
    await expect.poll(() => row('p1').getAttribute('data-state')).toBe('connected');
    expect(await row('ic1').getAttribute('data-state')).toBe('connected');
    expect(await row('ic1').textContent()).toContain(READER);

    await p.getByTestId('tech-read-device').selectOption('ic1');
    await p.getByTestId('tech-read-test').click();
    await expect.poll(() => p.getByTestId('tech-read-result').textContent()).toContain('ic1');
    const card = await VpcdCard.insert(
      { pan: CARD.pan, expiryDate: '20301231', balanceFen: 4321, uid: '04A1B2C3' },
      READER_PORT,
    );
    try {
      await expect
        .poll(() => p.getByTestId('tech-read-result').textContent(), { timeout: 15_000 })
        .toContain('888801******0017');
      expect(await p.getByTestId('tech-read-result').textContent()).toContain('UID 04A1B2C3');
    } finally {
      await card.remove();
    }

    await printer.goAway();
    await expect.poll(() => row('p1').getAttribute('data-state'), { timeout: 15_000 }).toBe('disconnected');
    await e.shot('devices-03-tech-printer-gone');
    await printer.comeBack();
    await expect.poll(() => row('p1').getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');

    const log = await p.getByTestId('tech-log').textContent();
    expect(log).toContain('888801******0017');
    expect(log).not.toContain(CARD.pan);
    // Each line's stamp on the store's clock, like every time on screen — never a raw UTC stamp.
    expect(log).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/m);
    expect(log).not.toMatch(/^\d{4}-\d\d-\d\dT/m);

    const [download] = await Promise.all([
      p.waitForEvent('download'),
      p.getByTestId('tech-diagnostics').click(),
    ]);
    const file = await download.path();
    const bundle = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(download.suggestedFilename()).toMatch(/^cardtill-diagnostics-.*\.json$/);
    // The button says what came of it (it says it is working while the bundle is made).
    await expect.poll(() => p.getByTestId('tech-note').textContent()).toContain(download.suggestedFilename());
    expect(await p.getByTestId('tech-diagnostics').isEnabled()).toBe(true);
    expect(bundle.devices.map((d: { id: string }) => d.id)).toEqual(['ic1', 'p1']);
    expect(bundle.config.issuer.enrolToken).toBe('[removed]');
    expect(JSON.stringify(bundle)).not.toContain(CARD.pan);
    await e.shot('devices-04-tech-screen');
  });
});
