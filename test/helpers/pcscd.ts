/**
 * Test helper: a pcscd the tests can stop and start, with the vsmartcard virtual reader driver (vpcd).
 *
 * `ensurePcscd()` starts `pcscd --foreground` as a child when nothing answers on pcscd's socket
 * and returns a handle that can stop and start it again (readers disappear and reappear — the
 * "reader unplugged" test). When a system pcscd already runs (CI's .ci/run starts one; a second
 * pcscd refuses to start beside it), this process talks to it through a relay socket instead
 * ($PCSCLITE_CSOCK_NAME, honoured by libpcsclite and by src/drivers/ic/pcsc-stack.ts), and stop()
 * / start() take the relay down and up: for the driver under test pcscd is gone — every
 * connection to it is cut, its socket disappears — and back, exactly as when the daemon
 * restarts, while the system's pcscd keeps serving everyone else. So every PC/SC test does its
 * work on every machine with the stack; none returns early. When the stack is missing it returns
 * `{ skip }` naming the Debian packages; with $CI set it throws instead, so CI cannot pass by skipping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadNfcPcsc, pcscdSocketPath, probePcscd } from '../../src/drivers/ic/pcsc-stack';
import { acquireSystemLock } from './system-lock';

export const PCSC_PACKAGES = 'pcscd vsmartcard-vpcd libpcsclite-dev';
const PCSCD = ['/usr/sbin/pcscd', '/usr/bin/pcscd'].find((p) => existsSync(p));
const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';

export interface PcscdHandle {
  /** 'child': this helper runs pcscd; 'relay': the system's pcscd, reached through a relay socket. */
  readonly mode: 'child' | 'relay';
  start(): Promise<void>;
  /** Stops pcscd (SIGTERM, then SIGKILL after 3 s) and waits until its socket is gone. */
  stop(): Promise<void>;
  /** Lets another test file use pcscd (also happens when this process exits). */
  release(): void;
}

export async function ensurePcscd(): Promise<PcscdHandle | { skip: string }> {
  const missing: string[] = [];
  if (!PCSCD) missing.push('pcscd');
  if (!existsSync(VPCD_DRIVER)) missing.push('vsmartcard-vpcd');
  if (!(await loadNfcPcsc())) missing.push('libpcsclite-dev (nfc-pcsc did not load)');
  if (missing.length) {
    const msg = `PC/SC integration tests need the Debian packages ${PCSC_PACKAGES} (missing: ${missing.join(', ')})`;
    if (process.env.CI) throw new Error(msg);
    return { skip: msg };
  }

  // One test file at a time owns pcscd and the vpcd readers (files run in parallel processes).
  const release = await acquireSystemLock('pcscd');
  if (await probePcscd()) {
    const relay = await startRelay(pcscdSocketPath());
    return { mode: 'relay', release, start: relay.up, stop: relay.down };
  }
  let child: ChildProcess | undefined;

  const handle: PcscdHandle = {
    mode: 'child',
    release,
    async start() {
      if (await probePcscd()) return;
      child = spawn(PCSCD!, ['--foreground'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
      const deadline = Date.now() + 10_000;
      while (!(await probePcscd()) || !(await portOpen(35963))) {
        if (child.exitCode !== null) throw new Error(`pcscd exited (${child.exitCode}): ${err}`);
        if (Date.now() > deadline) throw new Error(`pcscd did not come up: ${err}`);
        await sleep(100);
      }
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
      while (existsSync(pcscdSocketPath()) && (await probePcscd())) await sleep(50);
    },
  };
  await handle.start();
  return handle;
}

/** The relay itself, run as its own process (see startRelay). argv: relay socket, pcscd socket. */
const RELAY_SCRIPT = `
const net = require('node:net');
const [sock, target] = process.argv.slice(1);
net.createServer((client) => {
  const daemon = net.connect(target);
  const cut = () => { client.destroy(); daemon.destroy(); };
  client.on('error', cut).on('close', cut);
  daemon.on('error', cut).on('close', cut);
  client.pipe(daemon);
  daemon.pipe(client);
}).listen(sock, () => process.stdout.write('ready\\n'));
`;

/**
 * A Unix socket that forwards byte for byte to the system pcscd's socket, in a child process:
 * libpcsclite blocks this process's main thread on some calls (SCardEstablishContext), so a relay
 * on this event loop would deadlock. down() kills it — every connection cut at once, the socket
 * file removed, as when pcscd exits. Set up before libpcsclite first connects in this process (it
 * reads $PCSCLITE_CSOCK_NAME once).
 */
async function startRelay(target: string): Promise<{ up(): Promise<void>; down(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cardtill-pcscd-relay-'));
  const sock = path.join(dir, 'pcscd.comm');
  process.env.PCSCLITE_CSOCK_NAME = sock;
  let relay: ChildProcess | undefined;
  process.once('exit', () => {
    relay?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const handle = {
    async up() {
      if (relay) return;
      const c = spawn(process.execPath, ['-e', RELAY_SCRIPT, sock, target], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      relay = c;
      await new Promise<void>((resolve, reject) => {
        c.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        c.once('exit', (code) => reject(new Error(`the pcscd relay exited (${code})`)));
      });
      if (!(await probePcscd())) throw new Error(`the pcscd relay at ${sock} does not answer`);
    },
    async down() {
      const c = relay;
      relay = undefined;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGKILL');
      await exited;
      rmSync(sock, { force: true });
    },
  };
  await handle.up();
  return handle;
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, host);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
