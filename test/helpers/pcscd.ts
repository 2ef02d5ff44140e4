/**
 * Test helper: a pcscd the tests own, with the vsmartcard virtual reader driver (vpcd).
 *
 * `ensurePcscd()` starts `pcscd --foreground` as a child when nothing answers on pcscd's socket
 * and returns a handle that can stop and start it again (readers disappear and reappear — the
 * "reader unplugged" test). When the stack is missing it returns `{ skip }` naming the Debian
 * packages; with $CI set it throws instead, so CI cannot pass by skipping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { loadNfcPcsc, pcscdSocketPath, probePcscd } from '../../src/drivers/ic/pcsc-stack';
import { acquireSystemLock } from './system-lock';

export const PCSC_PACKAGES = 'pcscd vsmartcard-vpcd libpcsclite-dev';
const PCSCD = ['/usr/sbin/pcscd', '/usr/bin/pcscd'].find((p) => existsSync(p));
const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';

export interface PcscdHandle {
  /** True when this helper started pcscd (and may therefore stop it). */
  readonly owned: boolean;
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
  let child: ChildProcess | undefined;
  const external = await probePcscd();

  const handle: PcscdHandle = {
    owned: !external,
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
      if (external) throw new Error('pcscd was started by someone else; not stopping it');
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
  if (!external) await handle.start();
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
