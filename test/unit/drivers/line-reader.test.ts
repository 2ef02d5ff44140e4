/**
 * The shared line reader (src/drivers/serial/line-reader.ts) as both kinds use it: protocol
 * resolution from a config, the serial/HID factories' identity, the frame bytes, and the
 * simulator's refusals. The kinds' decoding is tested in their codec tests.
 */
import { describe, expect, it } from 'vitest';
import {
  SimMagstripeDriver,
  createHidMagstripe,
  createSerialMagstripe,
  resolveMsrProtocol,
  swipeBytes,
} from '../../../src/drivers/magstripe/driver';
import {
  SimScannerDriver,
  createHidScanner,
  createSerialScanner,
  resolveScannerProtocol,
  scanBytes,
} from '../../../src/drivers/barcode/driver';
import { MSR_FRAMINGS } from '../../../src/drivers/magstripe/framings';
import { SCANNER_FRAMINGS } from '../../../src/drivers/barcode/framings';
import { framePayload } from '../../../src/drivers/serial/framing';
import type { DeviceEvent } from '../../../src/shared/devices';

const PAN = '6228480402564890018';
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('protocol from a device config', () => {
  it('an unknown framing names the device kind and the framings it has', () => {
    expect(resolveMsrProtocol('cr', undefined)).toEqual({
      ok: false,
      reason: 'unknown magstripe framing "cr" (plain, plain-lrc, none, stx-etx)',
    });
    expect(resolveScannerProtocol(undefined, { framing: 'plain-lrc' })).toEqual({
      ok: false,
      reason: 'unknown scanner framing "plain-lrc" (plain, stx-etx, none)',
    });
  });

  it('options.framing wins over the spec, overrides apply, the rest of the protocol is kept', () => {
    const m = resolveMsrProtocol(
      'none',
      { framing: 'stx-etx', suffix: '\\r\\n', trackLrc: true },
      { baudRate: 19200 },
    );
    expect(m.ok && m.protocol.framing.name).toBe('stx-etx+custom');
    expect(m.ok && hex(m.protocol.framing.prefix)).toBe('02');
    expect(m.ok && m.protocol.framing.suffixes.map(hex)).toEqual(['0d0a']);
    expect(m.ok && m.protocol.trackLrc).toBe(true);
    expect(m.ok && m.protocol.line).toEqual({ baudRate: 19200, dataBits: 8, parity: 'none', stopBits: 1 });

    const s = resolveScannerProtocol('none', { idleFlushMs: 40, maxFrameBytes: 64 });
    expect(s).toEqual({
      ok: true,
      protocol: {
        framing: { ...SCANNER_FRAMINGS.none.framing, idleFlushMs: 40, maxFrameBytes: 64 },
        line: SCANNER_FRAMINGS.none.line,
      },
    });
    expect(resolveMsrProtocol(undefined, undefined)).toEqual({ ok: true, protocol: MSR_FRAMINGS.plain });
  });

  it('a bad escape in a prefix is a reason, not an exception', () => {
    const r = resolveScannerProtocol(undefined, { prefix: '\\q' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/bad escape/);
  });
});

describe('frame bytes', () => {
  it('prefix, payload, first suffix', () => {
    expect(hex(framePayload(SCANNER_FRAMINGS['stx-etx'].framing, Uint8Array.of(0x41)))).toBe('024103');
    expect(hex(scanBytes('A', SCANNER_FRAMINGS.plain))).toBe('410d0a');
    expect(hex(scanBytes('A', SCANNER_FRAMINGS.none))).toBe('41');
    const swipe = swipeBytes({ pan: PAN }, MSR_FRAMINGS['stx-etx']);
    expect(swipe[0]).toBe(0x02);
    expect(swipe.at(-1)).toBe(0x03);
    expect(String.fromCharCode(...swipe.subarray(1, -1))).toContain(`;${PAN}=4912120`);
  });
});

describe('drivers built by the shared factories', () => {
  it('serial and HID readers say what they are before they start', () => {
    const serial = { transport: 'serial', path: '/dev/ttyUSB7' } as const;
    expect(createSerialMagstripe('m', serial, MSR_FRAMINGS.plain).info()).toEqual({
      id: 'm',
      kind: 'magstripe',
      transport: 'serial',
      path: '/dev/ttyUSB7',
      state: 'disconnected',
      simulated: false,
    });
    expect(createSerialScanner('s', serial, SCANNER_FRAMINGS.plain).info()).toMatchObject({
      kind: 'barcode',
      transport: 'serial',
    });
    const hid = { transport: 'hid', vendorId: 0x0c2e, productId: 0x1, mode: 'pos' } as const;
    expect(createHidScanner('h', hid).info()).toMatchObject({
      kind: 'barcode',
      transport: 'hid',
      path: '0c2e:0001',
    });
    expect(createHidMagstripe('k', hid).info()).toMatchObject({ kind: 'magstripe', path: '0c2e:0001' });
  });

  it('a simulator ignores the other kind’s input and anything before start, then reads', async () => {
    const lines: string[] = [];
    const msr = new SimMagstripeDriver('msr', undefined, { log: (l) => lines.push(l) });
    const scanner = new SimScannerDriver('scn', undefined, { log: (l) => lines.push(l) });
    const events: DeviceEvent[] = [];
    msr.onEvent((e) => events.push(e));
    scanner.onEvent((e) => events.push(e));
    expect(msr.info()).toMatchObject({ transport: 'sim', path: 'sim:magstripe', simulated: true });
    expect(scanner.info()).toMatchObject({ transport: 'sim', path: 'sim:barcode', simulated: true });

    msr.simulate({ action: 'swipe', pan: PAN });
    scanner.simulate({ action: 'scan', payload: PAN });
    await msr.start();
    await scanner.start();
    msr.simulate({ action: 'scan', payload: PAN });
    scanner.simulate({ action: 'swipe', pan: PAN });
    expect(events.map((e) => e.type)).toEqual(['state', 'state']);
    expect(lines).toEqual([
      'msr: not started, swipe ignored',
      'scn: not started, scan ignored',
      'msr: connected',
      'scn: connected',
      'msr: ignores simulated scan',
      'scn: ignores simulated swipe',
    ]);

    msr.simulate({ action: 'swipe', pan: PAN });
    scanner.simulate({ action: 'scan', payload: PAN });
    expect(events.slice(2)).toMatchObject([
      { type: 'card', deviceId: 'msr', card: { pan: PAN, entryMode: 'swipe' } },
      { type: 'card', deviceId: 'scn', card: { pan: PAN, entryMode: 'scan' } },
    ]);
    await msr.stop();
    expect(msr.info().state).toBe('disconnected');
  });
});
