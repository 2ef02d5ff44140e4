import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DeviceConfig,
  DeviceSpecError,
  formatDeviceSpec,
  parseDeviceSpec,
  parseDeviceSpecOrThrow,
  specFitsKind,
} from '../../../src/drivers/device-spec';

describe('device specs', () => {
  it.each([
    [
      'serial:/dev/ttyUSB0?baud=9600&framing=plain',
      { transport: 'serial', path: '/dev/ttyUSB0', baudRate: 9600, framing: 'plain' },
    ],
    ['serial:COM3', { transport: 'serial', path: 'COM3' }],
    [
      'serial:/tmp/x?parity=even&dataBits=7&stopBits=2',
      { transport: 'serial', path: '/tmp/x', parity: 'even', dataBits: 7, stopBits: 2 },
    ],
    ['pcsc:*', { transport: 'pcsc', reader: null }],
    ['pcsc:Virtual PCD 00 00', { transport: 'pcsc', reader: 'Virtual PCD 00 00' }],
    ['tcp:192.168.1.50:9100', { transport: 'tcp', host: '192.168.1.50', port: 9100 }],
    ['tcp:printer.local:9100', { transport: 'tcp', host: 'printer.local', port: 9100 }],
    ['tcp:[fe80::1]:9100', { transport: 'tcp', host: 'fe80::1', port: 9100 }],
    ['hid:0c2e:0b8f', { transport: 'hid', vendorId: 0x0c2e, productId: 0x0b8f, mode: 'keyboard' }],
    ['hid:0C2E:B8F?mode=pos', { transport: 'hid', vendorId: 0x0c2e, productId: 0x0b8f, mode: 'pos' }],
    ['sim:magstripe', { transport: 'sim', kind: 'magstripe' }],
  ])('%s', (text, spec) => {
    expect(parseDeviceSpec(text)).toEqual({ ok: true, spec });
  });

  it.each([
    ['', 'EMPTY'],
    ['usb:1', 'UNKNOWN_TRANSPORT'],
    ['serial:', 'BAD_PATH'],
    ['serial:/dev/ttyS0?baud=9601', 'BAD_OPTION'],
    ['serial:/dev/ttyS0?speed=9600', 'BAD_OPTION'],
    ['serial:/dev/ttyS0?baud=9600&baud=9600', 'BAD_OPTION'],
    ['tcp:192.168.1.256:9100', 'BAD_HOST'],
    ['tcp:host:0', 'BAD_PORT'],
    ['tcp:host:65536', 'BAD_PORT'],
    ['tcp:host', 'BAD_PORT'],
    ['hid:xyz:1', 'BAD_USB_ID'],
    ['hid:1:2?mode=usb', 'BAD_OPTION'],
    ['sim:toaster', 'BAD_KIND'],
    ['pcsc:', 'BAD_READER'],
    ['serial:/dev/tty\nS0', 'BAD_PATH'],
  ])('%j → %s', (text, code) => {
    const r = parseDeviceSpec(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBeInstanceOf(DeviceSpecError);
      expect(r.error.code).toBe(code);
    }
    expect(() => parseDeviceSpecOrThrow(text)).toThrow(DeviceSpecError);
  });

  it('format → parse is the identity on parsed specs', () => {
    for (const s of [
      'serial:/dev/ttyUSB0?baud=9600&framing=plain',
      'pcsc:*',
      'tcp:[fe80::1]:9100',
      'hid:0c2e:0b8f?mode=pos',
      'sim:ic',
    ]) {
      const r = parseDeviceSpec(s);
      expect(r.ok && formatDeviceSpec(r.spec)).toBe(s);
    }
  });

  it('transports fit kinds', () => {
    const spec = (s: string) => parseDeviceSpecOrThrow(s);
    expect(specFitsKind('magstripe', spec('serial:/dev/ttyS0'))).toBe(true);
    expect(specFitsKind('ic', spec('serial:/dev/ttyS0'))).toBe(false);
    expect(specFitsKind('printer', spec('tcp:1.2.3.4:9100'))).toBe(true);
    expect(specFitsKind('barcode', spec('sim:magstripe'))).toBe(false);
  });

  it('config entries validate with zod and keep driver-specific options', () => {
    const c = DeviceConfig.parse({
      id: 'msr',
      kind: 'magstripe',
      spec: 'serial:/dev/ttyUSB0',
      options: { prefix: '\\x02', paperWidth: 80 },
    });
    expect(c.options).toEqual({ prefix: '\\x02', paperWidth: 80 });
    expect(DeviceConfig.safeParse({ id: '', kind: 'magstripe', spec: 'x' }).success).toBe(false);
  });
});

describe('device spec fuzz', () => {
  it('100000 random strings: a spec or a DeviceSpecError, never another exception', () => {
    const parts = fc.constantFrom(
      'serial:',
      'pcsc:',
      'tcp:',
      'hid:',
      'sim:',
      '/dev/tty',
      '?',
      '&',
      '=',
      'baud',
      'framing',
      '9600',
      ':',
      '[',
      ']',
      '*',
      'COM3',
      '0c2e',
      'mode',
      'pos',
      '.',
      '1',
      '255',
      '65535',
      ' ',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.array(parts, { maxLength: 8 }).map((a) => a.join('')),
        ),
        (s) => {
          const r = parseDeviceSpec(s);
          if (r.ok) {
            const again = parseDeviceSpec(formatDeviceSpec(r.spec));
            if (!again.ok) throw new Error(`formatted spec does not parse: ${JSON.stringify(s)}`);
          } else if (!(r.error instanceof DeviceSpecError)) throw new Error('untyped error');
        },
      ),
      { numRuns: 100_000 },
    );
  });
});
