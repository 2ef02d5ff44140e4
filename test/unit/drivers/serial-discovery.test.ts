/**
 * Discovery without udevadm: SerialPort.list() spawns `udevadm info -e`; with no udevadm on PATH it
 * fails and used to list nothing, saying so only in the log. Now the registry lists the device
 * files of a /dev directory (a fake one here) and returns a note the technician's screen shows.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeviceRegistry } from '../../../src/drivers/registry';

let root: string;
let devDir: string;
let savedPath: string | undefined;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-dev-'));
  devDir = path.join(root, 'dev');
  fs.mkdirSync(path.join(devDir, 'serial', 'by-id'), { recursive: true });
  for (const n of ['ttyUSB0', 'ttyUSB10', 'ttyUSB2', 'ttyACM3', 'ttyS0', 'null'])
    fs.writeFileSync(path.join(devDir, n), '');
  // udev's stable name for the first adapter, as a relative link like udev makes it.
  fs.symlinkSync('../../ttyUSB0', path.join(devDir, 'serial', 'by-id', 'usb-FTDI_FT232R_A1B2C3-if00-port0'));
  fs.symlinkSync('../../ttyUSB9', path.join(devDir, 'serial', 'by-id', 'usb-gone-if00')); // dangling
  // A PATH with no udevadm in it (an empty directory).
  savedPath = process.env.PATH;
  const bin = path.join(root, 'bin');
  fs.mkdirSync(bin);
  process.env.PATH = bin;
});
afterAll(() => {
  process.env.PATH = savedPath;
  fs.rmSync(root, { recursive: true, force: true });
});

describe('serial discovery without udevadm', () => {
  it('falls back to /dev/serial/by-id and /dev/tty{USB,ACM}*, and says so', async () => {
    const lines: string[] = [];
    const reg = new DeviceRegistry([{ id: 'msr', kind: 'magstripe', spec: 'serial:/dev/ttyACM3' }], {
      log: (l) => lines.push(l),
      discovery: { devDir },
      factories: { listPcscReaders: async () => [] },
    });
    const report = await reg.discoverReport();
    expect(report.devices.map((d) => d.spec)).toEqual([
      `serial:${devDir}/serial/by-id/usb-FTDI_FT232R_A1B2C3-if00-port0`,
      `serial:${devDir}/ttyACM3`,
      `serial:${devDir}/ttyUSB2`,
      `serial:${devDir}/ttyUSB10`,
    ]);
    expect(report.notes).toEqual([
      { code: 'serial-fallback', detail: expect.stringMatching(/udevadm|ENOENT/) },
    ]);
    expect(lines.some((l) => /udev did not list serial ports/.test(l))).toBe(true);
    // discover() (CLI, diagnostics) gives the same devices.
    expect((await reg.discover()).map((d) => d.spec)).toHaveLength(4);
  });

  it('with no device files either, the list is empty and the note is still there', async () => {
    const empty = path.join(root, 'empty-dev');
    fs.mkdirSync(empty);
    const reg = new DeviceRegistry([], {
      discovery: { devDir: empty },
      factories: { listPcscReaders: async () => [] },
    });
    const report = await reg.discoverReport();
    expect(report.devices).toEqual([]);
    expect(report.notes.map((n) => n.code)).toEqual(['serial-fallback']);
  });

  it('when udev answers, its list is used and there is no note', async () => {
    const reg = new DeviceRegistry([], {
      discovery: {
        devDir,
        list: async () => [
          { path: '/dev/ttyUSB0', manufacturer: 'FTDI', vendorId: '0403', productId: '6001' },
        ],
      },
      factories: { listPcscReaders: async () => [] },
    });
    const report = await reg.discoverReport();
    expect(report.devices).toEqual([{ spec: 'serial:/dev/ttyUSB0', detail: 'FTDI, usb 0403:6001' }]);
    expect(report.notes).toEqual([]);
  });
});
