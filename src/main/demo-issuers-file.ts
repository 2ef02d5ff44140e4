/**
 * Where a running demo-mode app's issuers listen, for `cardtill issuers` (another process). In
 * demo mode the issuers are the simulator's faces the app itself starts on loopback ports it
 * picks at random (src/main/app.ts, demo-iso-issuer.ts): nothing in the configuration says where
 * they are, so the CLI could not echo them. The app writes its routing table — addresses, the
 * simulator's public key, the ISO entry's key set and TMK check value, no secret — to
 * `<data-dir>/run/demo-issuers.json` (0600, beside the web host's `run/web-host.json`) once its
 * issuers listen, with its pid, and removes it when it closes. A file whose app is gone (killed)
 * is ignored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { IssuerEntryConfig } from './config/config';

const FILE = path.join('run', 'demo-issuers.json');

const DemoIssuersFile = z.object({
  pid: z.number().int().positive(),
  entries: z.array(IssuerEntryConfig).min(1),
});

export function writeDemoIssuers(dataDir: string, entries: readonly IssuerEntryConfig[]): void {
  const file = path.join(dataDir, FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ pid: process.pid, entries }), { mode: 0o600 });
  fs.renameSync(tmp, file); // whole or not at all: the CLI never reads half a table
}

/** Removes the file if this process wrote it (or it is unreadable). */
export function removeDemoIssuers(dataDir: string): void {
  const file = path.join(dataDir, FILE);
  try {
    const parsed = DemoIssuersFile.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.success || parsed.data.pid === process.pid) fs.rmSync(file, { force: true });
  } catch {
    // none there, or unreadable: nothing of ours to remove
  }
}

/** The running demo app's issuer entries, or undefined: no demo app runs on this data dir. */
export function readDemoIssuers(dataDir: string): IssuerEntryConfig[] | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.join(dataDir, FILE), 'utf8'));
  } catch {
    return undefined;
  }
  const parsed = DemoIssuersFile.safeParse(raw);
  if (!parsed.success || !alive(parsed.data.pid)) return undefined;
  return parsed.data.entries;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, another user's
  }
}
