/**
 * The core's device pieces on their own: the usblp spec form, the settings overlay, secrets
 * removed from the diagnostics bundle, keyboard-wedge frames decoded with the real codecs, the
 * test page's bytes, and a usblp printer (a file standing in for /dev/usb/lp0) built by the registry.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDeviceSpec, parseDeviceSpec, specFitsKind } from '../../src/drivers/device-spec';
import { DeviceRegistry } from '../../src/drivers/registry';
import { encodeReceipt, decodeEscPos } from '../../src/drivers/printer';
import { encodeTrack1, encodeTrack2 } from '../../src/drivers/magstripe/tracks';
import { applyOverlay, readDeviceOverlay, saveDeviceSetting } from '../../src/main/devices/overlay';
import { decodeWedgeFrame } from '../../src/main/devices/wedge-frame';
import { testPageDoc, TEST_PAGE_QR_PREFIX } from '../../src/main/devices/test-page';
import { buildDiagnostics, redactSecrets } from '../../src/main/diagnostics';

const PAN = '8888010000000017';
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-devcore-'));

describe('usblp device spec', () => {
  it('parses, formats and fits printers only', () => {
    const r = parseDeviceSpec('usblp:/dev/usb/lp0');
    expect(r).toEqual({ ok: true, spec: { transport: 'usblp', path: '/dev/usb/lp0' } });
    if (!r.ok) return;
    expect(formatDeviceSpec(r.spec)).toBe('usblp:/dev/usb/lp0');
    expect(specFitsKind('printer', r.spec)).toBe(true);
    expect(specFitsKind('magstripe', r.spec)).toBe(false);
    expect(parseDeviceSpec('usblp:')).toMatchObject({ ok: true, spec: { path: '/dev/usb/lp0' } });
    expect(parseDeviceSpec('usblp:lp0')).toMatchObject({ ok: false, error: { code: 'BAD_PATH' } });
  });

  it('prints through the registry to the device file, and never creates an absent one', async () => {
    const dir = tmp();
    const lp = path.join(dir, 'lp0');
    fs.writeFileSync(lp, '');
    const gone = path.join(dir, 'lp1');
    const reg = new DeviceRegistry([
      { id: 'usb', kind: 'printer', spec: `usblp:${lp}` },
      { id: 'unplugged', kind: 'printer', spec: `usblp:${gone}` },
    ]);
    await reg.start();
    try {
      const doc = testPageDoc({ deviceId: 'usb', terminalId: 'T1', version: '0', time: 'now' });
      expect(await reg.printer('usb')!.print(doc, 'j1')).toMatchObject({ ok: true });
      expect(decodeEscPos(new Uint8Array(fs.readFileSync(lp))).lines.join('\n')).toContain('储值卡收银终端');
      expect(await reg.printer('unplugged')!.print(doc, 'j2')).toMatchObject({
        ok: false,
        reason: 'PRINTER_OFFLINE',
      });
      expect(fs.existsSync(gone)).toBe(false);
    } finally {
      await reg.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('device settings overlay', () => {
  it('replaces by id, appends new ids, survives a damaged file', () => {
    const base = [
      { id: 'a', kind: 'printer' as const, spec: 'tcp:10.0.0.1:9100' },
      { id: 'b', kind: 'ic' as const, spec: 'pcsc:*' },
    ];
    const dir = tmp();
    expect(readDeviceOverlay(dir)).toEqual([]);
    saveDeviceSetting(dir, { id: 'a', kind: 'printer', spec: 'tcp:10.0.0.2:9100' });
    saveDeviceSetting(dir, { id: 'c', kind: 'barcode', spec: 'serial:/dev/ttyUSB1' });
    saveDeviceSetting(dir, { id: 'a', kind: 'printer', spec: 'tcp:10.0.0.3:9100' });
    expect(applyOverlay(base, readDeviceOverlay(dir))).toEqual([
      { id: 'a', kind: 'printer', spec: 'tcp:10.0.0.3:9100' },
      base[1],
      { id: 'c', kind: 'barcode', spec: 'serial:/dev/ttyUSB1' },
    ]);
    fs.writeFileSync(path.join(dir, 'devices.json'), '{not json');
    const lines: string[] = [];
    expect(readDeviceOverlay(dir, (l) => lines.push(l))).toEqual([]);
    expect(lines[0]).toContain('devices.json ignored');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('diagnostics bundle', () => {
  it('removes secrets, keeps the shape, masks card numbers in every string but keeps numbers', () => {
    expect(
      redactSecrets({
        issuer: { enrolToken: 't', url: 'u' },
        keyPassphraseEnv: 'X',
        list: [{ password: 'p' }],
      }),
    ).toEqual({
      issuer: { enrolToken: '[removed]', url: 'u' },
      keyPassphraseEnv: 'X',
      list: [{ password: '[removed]' }],
    });
    const b = buildDiagnostics({
      appVersion: '1.2.3',
      terminalId: 'T1',
      demo: false,
      config: { issuer: { enrolToken: 'secret' } },
      deviceConfigs: [],
      devices: [
        {
          id: 'x',
          kind: 'ic',
          transport: 'pcsc',
          path: 'r',
          state: 'connected',
          simulated: false,
          lastEvent: `card ${PAN}`,
          lastEventAt: 1795320473604,
        },
      ],
      pcsc: { available: true, detail: 'ok' },
      logLines: [`line ${PAN}`],
      now: new Date(0),
    });
    const text = JSON.stringify(b);
    expect(text).not.toContain(PAN);
    expect(text).not.toContain('secret');
    expect(b.devices[0]!.lastEventAt).toBe(1795320473604);
    expect(b.log[0]).toBe('line 888801******0017');
  });
});

describe('keyboard-wedge frames decoded in the core', () => {
  it('track data, plain numbers, e-card QRs, receipt QRs and garbage', () => {
    const swipe =
      encodeTrack1({ pan: PAN, name: 'A/B', expiry: '3012', serviceCode: '120' }) +
      encodeTrack2({ pan: PAN, expiry: '3012', serviceCode: '120' });
    expect(decodeWedgeFrame(swipe)).toMatchObject({
      kind: 'card',
      card: { pan: PAN, entryMode: 'wedge', expiry: '3012', holderName: 'A/B' },
    });
    expect(decodeWedgeFrame(encodeTrack2({ pan: PAN, expiry: '3012', serviceCode: '120' }))).toMatchObject({
      kind: 'card',
      card: { pan: PAN },
    });
    expect(decodeWedgeFrame(`]E0${PAN}`)).toMatchObject({
      kind: 'card',
      card: { pan: PAN, entryMode: 'wedge' },
    });
    expect(decodeWedgeFrame(`CT1:${PAN}:29000000:123456`)).toMatchObject({
      kind: 'card',
      card: { dynamicCode: '29000000:123456' },
    });
    expect(decodeWedgeFrame('CTR1abc')).toEqual({ kind: 'receipt', text: 'CTR1abc' });
    expect(decodeWedgeFrame(';1234?')).toMatchObject({ kind: 'error', code: 'SWIPE_UNREADABLE' });
    expect(decodeWedgeFrame('%B' + PAN)).toMatchObject({ kind: 'error', code: 'SWIPE_UNREADABLE' });
    expect(decodeWedgeFrame('价格 12')).toMatchObject({ kind: 'error', code: 'SCAN_UNREADABLE' });
  });
});

describe('printer test page', () => {
  it('encodes Chinese (one character outside GB2312), ¥, a QR code and a cut', () => {
    const d = decodeEscPos(
      encodeReceipt(testPageDoc({ deviceId: 'p1', terminalId: 'T1', version: '0.1.0', time: 't' })),
    );
    const text = d.lines.join('\n');
    expect(text).toContain('打印测试 TEST');
    expect(text).toContain('䶮');
    expect(text).toContain('￥12.50');
    expect(d.qr).toEqual([`${TEST_PAGE_QR_PREFIX}:T1:p1`]);
    expect(d.cuts).toBe(1);
    expect(d.lines.every((l) => l.length <= 32)).toBe(true);
  });
});
