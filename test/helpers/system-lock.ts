/**
 * A lock shared by test processes (vitest runs each test file in its own process, in parallel):
 * tests that own a system service — pcscd with its vpcd readers — take it so two files never start,
 * stop or restart the same daemon under each other. A directory is created atomically; it holds the
 * owner's pid, so a lock left by a crashed process is taken over. Released explicitly or at exit.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const held = new Map<string, string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits (up to timeoutMs) until this process holds the named lock. Re-entrant within a process. */
export async function acquireSystemLock(name: string, timeoutMs = 10 * 60_000): Promise<() => void> {
  const dir = path.join(os.tmpdir(), `cardtill-lock-${name}`);
  const release = () => {
    if (held.get(name) !== dir) return;
    held.delete(name);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  if (held.has(name)) return release;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
      held.set(name, dir);
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let pid = NaN;
      try {
        pid = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8'));
      } catch {
        // being created right now, or left half-made by a crash
      }
      const stale = Number.isInteger(pid) ? !alive(pid) : Date.now() - fs.statSync(dir).mtimeMs > 5000;
      if (stale) fs.rmSync(dir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`system lock "${name}" still held by pid ${pid}`);
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
}
