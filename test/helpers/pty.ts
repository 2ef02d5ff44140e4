/**
 * A pair of linked pseudo-terminals made by socat, standing in for a serial device and its cable
 * (HARDWARE.md): the test writes device bytes into `devPath`, the driver opens `appPath`.
 * unplug() kills socat (the open port then errors and both links vanish); replug() starts a new
 * socat with the same link names.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export const SOCAT_MISSING = 'socat not installed (Debian package `socat`: apt-get install -y socat)';

/** Path of socat, or undefined when it is not installed. */
export function findSocat(): string | undefined {
  for (const p of ['/usr/bin/socat', '/usr/local/bin/socat', '/bin/socat']) if (existsSync(p)) return p;
  const r = spawnSync('sh', ['-c', 'command -v socat'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

export interface PtyPair {
  readonly devPath: string;
  readonly appPath: string;
  /** Writes bytes as the device would send them. */
  write(bytes: Uint8Array | string): void;
  /** Kills socat: the app side errors, the links disappear. */
  unplug(): Promise<void>;
  /** Starts a new socat with the same link names and waits for them. */
  replug(): Promise<void>;
  /** Kills socat for good. */
  close(): Promise<void>;
}

export async function startPtyPair(name: string): Promise<PtyPair> {
  const socat = findSocat();
  if (!socat) throw new Error(SOCAT_MISSING);
  const devPath = `/tmp/cardtill-${name}-${process.pid}-dev`;
  const appPath = `/tmp/cardtill-${name}-${process.pid}-app`;
  let child: ChildProcess | undefined;
  let devFd: number | undefined;

  const spawnSocat = async () => {
    child = spawn(socat, ['-d', '-d', `pty,raw,echo=0,link=${devPath}`, `pty,raw,echo=0,link=${appPath}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.resume();
    for (let i = 0; i < 250 && !(existsSync(devPath) && existsSync(appPath)); i++) await sleep(20);
    if (!existsSync(devPath) || !existsSync(appPath))
      throw new Error('socat did not create its pty links within 5 s');
    // Keep the device side open for socat's lifetime: a pty whose slave side has been opened and
    // closed again reads EIO on the master, and socat would exit as if unplugged.
    devFd = openSync(devPath, constants.O_RDWR | constants.O_NOCTTY);
  };

  const kill = async () => {
    const c = child;
    child = undefined;
    if (devFd !== undefined) {
      try {
        closeSync(devFd);
      } catch {
        // already gone
      }
      devFd = undefined;
    }
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    await Promise.race([exited, sleep(2000)]);
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL');
      await exited;
    }
    for (let i = 0; i < 100 && (existsSync(devPath) || existsSync(appPath)); i++) await sleep(20);
  };

  await spawnSocat();
  return {
    devPath,
    appPath,
    write(bytes) {
      if (devFd === undefined) throw new Error('pty pair is unplugged');
      const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
      let off = 0;
      while (off < b.length) off += writeSync(devFd, b, off);
    },
    unplug: kill,
    replug: spawnSocat,
    close: kill,
  };
}
