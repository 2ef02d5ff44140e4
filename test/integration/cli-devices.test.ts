/**
 * The technician's CLI as a person runs it: `node bin/cardtill.mjs …` in a child process, with a
 * configuration naming real device stacks — a magstripe reader on a socat pty pair, a network
 * printer (the TCP test printer), a PC/SC reader with pcscd out of reach.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSocat, startPtyPair, type PtyPair } from '../helpers/pty';
import { requireSystem } from '../helpers/require-system';
import { TcpTestPrinter } from '../helpers/tcp-printer';
import { tempDir } from '../helpers/app';
import { swipeBytes } from '../../src/drivers/magstripe/driver';
import { MSR_FRAMINGS } from '../../src/drivers/magstripe/framings';
import { TEST_PAGE_QR_PREFIX } from '../../src/main/devices/test-page';

const PAN = '6228480402564890018';
const haveSocat = requireSystem('socat', [findSocat() ?? '/usr/bin/socat'], 'socat');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `onStderr` sees stderr as it arrives (to act when the command is waiting). */
/** The CLI's stderr says the reader's port is open: its 'connected' state line and the prompt. */
const readerListening = (err: string) =>
  err.includes('swipe, tap or scan now') && /^msr: connected/m.test(err);

function cli(args: string[], env: NodeJS.ProcessEnv = {}, onStderr?: (text: string) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.resolve('bin/cardtill.mjs'), ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr);
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.runIf(haveSocat)('cardtill devices / read / print-test / diagnose', () => {
  let pty: PtyPair;
  let printer: TcpTestPrinter;
  let dataDir: string;
  let configFile: string;

  beforeAll(async () => {
    pty = await startPtyPair('cli-msr');
    printer = await TcpTestPrinter.start();
    dataDir = tempDir('cardtill-cli-');
    configFile = path.join(dataDir, 'config.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        issuer: { enrolToken: 'secret-enrol-token' },
        devices: [
          { id: 'msr', kind: 'magstripe', spec: `serial:${pty.appPath}?baud=9600` },
          { id: 'p1', kind: 'printer', spec: `tcp:127.0.0.1:${printer.port}` },
          { id: 'ic1', kind: 'ic', spec: 'pcsc:Virtual PCD 00 01' },
        ],
      }),
    );
  });
  afterAll(async () => {
    await pty?.close();
    await printer?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('devices: JSON with each state, and says plainly that PC/SC is unavailable and what to install', async () => {
    const r = await cli(['devices', '--config', configFile, '--data-dir', dataDir, '--wait', '800'], {
      PCSCLITE_CSOCK_NAME: path.join(dataDir, 'no-pcscd.comm'),
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      devices: Array<{ id: string; state: string; transport: string; detail?: string }>;
      pcsc: { available: boolean; install?: string };
    };
    const state = Object.fromEntries(out.devices.map((d) => [d.id, d.state]));
    expect(state).toEqual({ msr: 'connected', p1: 'connected', ic1: 'unavailable' });
    expect(out.devices.find((d) => d.id === 'ic1')?.detail).toContain('pcscd');
    expect(out.pcsc).toMatchObject({ available: false, install: 'pcscd libpcsclite-dev' });
    expect(r.stderr).toContain('apt-get install pcscd libpcsclite-dev');
  });

  it('read: one swipe on the serial reader, printed as JSON with the card number masked', async () => {
    let sent = false;
    const r = await cli(
      ['read', '--device', 'msr', '--config', configFile, '--data-dir', dataDir, '--timeout', '20'],
      {},
      (err) => {
        // The reader has its port open once the CLI reports it connected (its state event).
        if (!sent && readerListening(err)) {
          sent = true;
          // Split across two writes, as a reader's bytes arrive.
          const bytes = swipeBytes({ pan: PAN, expiry: '3012' }, MSR_FRAMINGS.plain);
          pty.write(bytes.subarray(0, 11));
          pty.write(bytes.subarray(11));
        }
      },
    );
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(e).toMatchObject({
      deviceId: 'msr',
      type: 'card',
      masked: '622848*********0018',
      entryMode: 'swipe',
      expiry: '3012',
    });
    expect(r.stdout + r.stderr).not.toContain(PAN);
  });

  it('read: a garbled swipe is printed as a typed error with its words', async () => {
    let sent = false;
    const r = await cli(
      ['read', '--device', 'msr', '--config', configFile, '--data-dir', dataDir, '--timeout', '20'],
      {},
      (err) => {
        if (!sent && readerListening(err)) {
          sent = true;
          pty.write(swipeBytes({ pan: PAN, garbled: true }, MSR_FRAMINGS.plain));
        }
      },
    );
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      type: 'error',
      code: 'SWIPE_UNREADABLE',
      words: { zh: '请重新刷卡' },
    });
    expect(r.stdout + r.stderr).not.toContain(PAN);
  });

  it('read: an unknown device is refused with the configured ids', async () => {
    const r = await cli(['read', '--device', 'nope', '--config', configFile, '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('msr, p1, ic1');
  });

  it('print-test: the test page reaches the TCP printer with Chinese text and a QR code', async () => {
    const before = printer.decoded().lines.length;
    const r = await cli(['print-test', '--device', 'p1', '--config', configFile, '--data-dir', dataDir]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ deviceId: 'p1', printed: true });
    const d = printer.decoded();
    const text = d.lines.slice(before).join('\n');
    expect(text).toContain('打印测试 TEST');
    expect(text).toContain('中文：储值卡收银终端');
    expect(text).toContain('䶮'); // outside GB2312: GB18030 four-byte code
    expect(d.qr.at(-1)).toContain(TEST_PAGE_QR_PREFIX);
    expect(d.cuts).toBeGreaterThan(0);
  });

  it('print-test: paper out is reported in words, not printed', async () => {
    printer.setCondition({ paperOut: true });
    try {
      const r = await cli(['print-test', '--device', 'p1', '--config', configFile, '--data-dir', dataDir]);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ printed: false, reason: 'PRINTER_PAPER_OUT' });
    } finally {
      printer.setCondition({});
    }
  });

  it('diagnose: a bundle with versions, OS, devices, secrets removed and card numbers masked', async () => {
    fs.mkdirSync(path.join(dataDir, 'logs'), { recursive: true });
    fs.appendFileSync(
      path.join(dataDir, 'logs', 'cardtill.log'),
      `2026-01-01T00:00:00Z a library said ${PAN}\n`,
    );
    const out = path.join(dataDir, 'diag.json');
    const r = await cli(
      ['diagnose', '--out', out, '--config', configFile, '--data-dir', dataDir, '--wait', '500'],
      {
        PCSCLITE_CSOCK_NAME: path.join(dataDir, 'no-pcscd.comm'),
      },
    );
    expect(r.code).toBe(0);
    const text = fs.readFileSync(out, 'utf8');
    const b = JSON.parse(text) as Record<string, any>;
    expect(b.format).toBe('cardtill-diagnostics/1');
    expect(b.app.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(b.versions.serialport).toMatch(/^\d+\./);
    expect(b.os.platform).toBe(process.platform);
    expect(b.config.issuer.enrolToken).toBe('[removed]');
    expect(b.devices.map((d: { id: string }) => d.id)).toEqual(['msr', 'p1', 'ic1']);
    expect(b.pcsc.available).toBe(false);
    expect(text).not.toContain('secret-enrol-token');
    expect(text).not.toContain(PAN);
    expect(b.log.at(-1)).toContain('622848*********0018');
  });
});
