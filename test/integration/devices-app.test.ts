/**
 * The drivers wired into the whole app (real SQLite, real issuer-sim over HTTP, the TCP test
 * printer on a real socket, simulated readers running the real codecs): held receipts announced
 * and printed by themselves, reprint, receipt-QR scans, keyboard-wedge frames decoded in the core,
 * and every technician method including settings persisted and hot-applied.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, tempDir, type TestApp } from '../helpers/app';
import { TcpTestPrinter } from '../helpers/tcp-printer';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { encodeTrack1, encodeTrack2 } from '../../src/drivers/magstripe/tracks';
import type { EventName } from '../../src/shared/contract';
import type { TerminalConfig } from '../../src/main/config/config';

const PAN = demoCard('active').pan;

describe('devices in the app', () => {
  let printer: TcpTestPrinter;
  let t: TestApp;
  let dataDir: string;
  const events: Array<{ name: EventName; payload: any }> = [];
  const devices = (port: number) => [
    { id: 'msr', kind: 'magstripe' as const, spec: 'sim:magstripe' },
    { id: 'scanner', kind: 'barcode' as const, spec: 'sim:barcode' },
    { id: 'ic', kind: 'ic' as const, spec: 'sim:ic' },
    { id: 'p1', kind: 'printer' as const, spec: `tcp:127.0.0.1:${port}` },
  ];

  beforeAll(async () => {
    printer = await TcpTestPrinter.start();
    dataDir = tempDir();
    t = await startTestApp({
      dataDir,
      config: { devices: devices(printer.port) } as Partial<TerminalConfig>,
    });
    t.app.bus.on('event', (name, payload) => events.push({ name, payload }));
  });
  afterAll(async () => {
    await t?.close();
    await printer?.close();
  });
  const seen = (name: EventName, pred: (p: any) => boolean = () => true) =>
    events.find((e) => e.name === name && pred(e.payload))?.payload;
  /** The first app event `name` matching `pred`: one already seen, or the next to come. */
  const seenOrNext = (name: EventName, pred: (p: any) => boolean = () => true): Promise<any> =>
    new Promise((resolve) => {
      const already = seen(name, pred);
      if (already !== undefined) return resolve(already);
      const on = (n: EventName, payload: unknown) => {
        if (n !== name || !pred(payload)) return;
        t.app.bus.off('event', on);
        resolve(payload);
      };
      t.app.bus.on('event', on);
    });

  it('a receipt held for paper out is announced, then prints by itself when paper is back', async () => {
    await t.signIn();
    const sale = await t.call('sale.authorize', { cardToken: await t.card(PAN), amountFen: 1250 });
    expect(sale.status).toBe('approved');
    printer.setCondition({ paperOut: true });
    const out = await t.call('receipt.print', { stan: sale.stan });
    expect(out).toEqual({ printed: false, held: true, reason: 'PRINTER_PAPER_OUT' });
    expect(seen('printer.job', (p) => p.state === 'held')).toMatchObject({
      jobId: `receipt-${sale.stan}`,
      deviceId: 'p1',
      reason: 'PRINTER_PAPER_OUT',
      stan: sale.stan,
      heldCount: 1,
    });
    expect(printer.decoded().lines.join('\n')).not.toContain('¥12.50');
    printer.setCondition({});
    const printed = await seenOrNext('printer.job', (p) => p.state === 'printed');
    expect(printed).toMatchObject({ jobId: `receipt-${sale.stan}`, heldCount: 0 });
    expect(printer.decoded().lines.join('\n')).toContain('￥12.50');
  });

  it('reprints the last receipt under a REPRINT banner', async () => {
    const before = printer.decoded().lines.length;
    const out = await t.call('receipt.reprint', {});
    expect(out).toMatchObject({ printed: true, held: false, deviceId: 'p1' });
    const text = printer.decoded().lines.slice(before).join('\n');
    expect(text).toContain('重打印 REPRINT');
    expect(text).toContain('￥12.50');
  });

  it('a receipt QR scanned on a scanner reaches the UI as receipt.scanned', async () => {
    await t.call('devices.simulate', {
      deviceId: 'scanner',
      input: { action: 'scan', payload: 'CTR1:demo-receipt' },
    });
    expect(await seenOrNext('receipt.scanned')).toEqual({
      deviceId: 'scanner',
      text: 'CTR1:demo-receipt',
    });
    expect(t.app.devices.list().find((d) => d.id === 'scanner')?.lastEvent).toBe('scan receipt code');
  });

  it('wedge.frame decodes track data and codes in the core; garbage is a typed error', async () => {
    const swipe =
      encodeTrack1({ pan: PAN, name: 'WANG/FANG', expiry: '3012', serviceCode: '120' }) +
      encodeTrack2({ pan: PAN, expiry: '3012', serviceCode: '120' });
    const card = await t.call('wedge.frame', { text: swipe });
    expect(card).toMatchObject({
      kind: 'card',
      masked: '888801******0017',
      entryMode: 'wedge',
      card: { entryMode: 'wedge' },
    });
    expect((await t.call('wedge.frame', { text: `]Q1CT1:${PAN}:29000000:123456` })).kind).toBe('card');
    expect(await t.call('wedge.frame', { text: 'CTR1:from-the-wedge' })).toEqual({ kind: 'receipt' });
    expect(seen('receipt.scanned', (p) => p.deviceId === 'wedge')).toEqual({
      deviceId: 'wedge',
      text: 'CTR1:from-the-wedge',
    });
    expect((await t.callError('wedge.frame', { text: ';8888010000000018=3012120?' })).code).toBe(
      'SWIPE_UNREADABLE',
    );
    expect((await t.callError('wedge.frame', { text: 'hello world' })).code).toBe('SCAN_UNREADABLE');
    expect(t.app.log.recent(50).join('\n')).not.toContain(PAN);
  });

  it('technician methods are for the technician only', async () => {
    expect((await t.callError('tech.devices', {})).code).toBe('FORBIDDEN');
    await t.call('auth.signOut', {});
    await t.signIn('3001', '5555');
  });

  it('tech.devices lists every device with its configuration and PC/SC status', async () => {
    const r = await t.call('tech.devices', {});
    expect(r.devices.map((d) => [d.id, d.kind, d.transport, d.state])).toEqual([
      ['msr', 'magstripe', 'sim', 'connected'],
      ['scanner', 'barcode', 'sim', 'connected'],
      ['ic', 'ic', 'sim', 'connected'],
      ['p1', 'printer', 'tcp', 'connected'],
    ]);
    expect(r.devices[3]!.config).toEqual({
      id: 'p1',
      kind: 'printer',
      spec: `tcp:127.0.0.1:${printer.port}`,
    });
    expect(typeof r.pcsc.available).toBe('boolean');
    expect(r.overlayFile).toBe(path.join(dataDir, 'devices.json'));
  });

  it('read test waits for the next tap and reports it masked; a wedge read by the technician presents nothing', async () => {
    const waiting = seenOrNext('log.line', (p) => p.line.includes('read test on ic: waiting'));
    const pending = t.call('tech.readTest', { deviceId: 'ic', timeoutSeconds: 10 });
    await waiting; // the read test listens for the tap now
    await t.call('devices.simulate', {
      deviceId: 'ic',
      input: { action: 'tap', pan: PAN, expiry: '3012', balanceFen: 500 },
    });
    const r = await pending;
    expect(r).toMatchObject({
      outcome: 'card',
      deviceId: 'ic',
      masked: '888801******0017',
      entryMode: 'contactless',
      chipBalanceFen: 500,
    });
    expect(JSON.stringify(r)).not.toContain(PAN);
    const timeout = await t.call('tech.readTest', { deviceId: 'msr', timeoutSeconds: 1 });
    expect(timeout.outcome).toBe('timeout');
    const w = await t.call('wedge.frame', { text: PAN });
    expect(w).toEqual({ kind: 'card', masked: '888801******0017', entryMode: 'wedge' });
  });

  it('test page, issuer echo with round-trip time, and the masked log', async () => {
    const before = printer.decoded().lines.length;
    const p = await t.call('tech.printTest', { deviceId: 'p1' });
    expect(p).toMatchObject({ printed: true, deviceId: 'p1' });
    expect(printer.decoded().lines.slice(before).join('\n')).toContain('中文：储值卡收银终端');
    const echo = await t.call('tech.echo', {});
    expect(echo.ok).toBe(true);
    expect(echo.rttMs).toBeGreaterThanOrEqual(0);
    await t.call('link.set', { cut: true });
    const cut = await t.call('tech.echo', {});
    expect(cut).toMatchObject({ ok: false, code: 'ISSUER_UNREACHABLE' });
    await t.call('link.set', { cut: false });
    const log = await t.call('tech.log', { limit: 200 });
    expect(log.some((l) => l.includes('tech: issuer echo ok'))).toBe(true);
    expect(log.join('\n')).not.toContain(PAN);
    expect(seen('log.line', (p) => p.line.includes('tech: test page'))).toBeTruthy();
  });

  it('settings: a bad spec is refused; a good one is saved to devices.json and applied now', async () => {
    expect(
      (await t.callError('tech.setDevice', { config: { id: 'p1', kind: 'printer', spec: 'tcp:nohost' } }))
        .code,
    ).toBe('BAD_REQUEST');
    expect(
      (await t.callError('tech.setDevice', { config: { id: 'p1', kind: 'printer', spec: 'pcsc:*' } })).code,
    ).toBe('BAD_REQUEST');
    const other = await TcpTestPrinter.start();
    try {
      const info = await t.call('tech.setDevice', {
        config: { id: 'p1', kind: 'printer', spec: `tcp:127.0.0.1:${other.port}`, options: { width: 48 } },
      });
      expect(info).toMatchObject({ id: 'p1', state: 'connected', path: `127.0.0.1:${other.port}` });
      const saved = JSON.parse(fs.readFileSync(path.join(dataDir, 'devices.json'), 'utf8'));
      expect(saved).toEqual({
        version: 1,
        devices: [{ id: 'p1', kind: 'printer', spec: `tcp:127.0.0.1:${other.port}`, options: { width: 48 } }],
      });
      await t.call('tech.printTest', {});
      expect(other.decoded().lines.join('\n')).toContain('中文：储值卡收银终端');
      expect(other.decoded().lines.some((l) => l.length > 32)).toBe(true); // 80 mm paper: 48 columns

      // At the next start the overlay is in force (same data directory, same config file).
      await t.app.close(); // not t.close(): that removes the data directory
      t = await startTestApp({
        dataDir,
        config: { devices: devices(printer.port) } as Partial<TerminalConfig>,
      });
      expect(t.app.devices.list().find((d) => d.id === 'p1')?.path).toBe(`127.0.0.1:${other.port}`);
    } finally {
      await other.close();
    }
  });

  it('the diagnostics bundle has versions, config without secrets, devices and masked logs', async () => {
    await t.signIn('3001', '5555');
    t.app.log(`a driver printed ${PAN} by mistake`);
    const r = await t.call('tech.diagnostics', {});
    expect(r.fileName).toMatch(/^cardtill-diagnostics-T0000001-.*\.json$/);
    const b = JSON.parse(r.json);
    expect(b.config.issuer.enrolToken).toBe('[removed]');
    expect(b.devices).toHaveLength(4);
    expect(b.versions.node).toBe(process.versions.node);
    expect(r.json).not.toContain(PAN);
    expect(r.json).toContain('888801******0017');
  });
});
