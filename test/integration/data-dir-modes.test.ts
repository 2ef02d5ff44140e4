/**
 * The data directory is private to the till's user (src/main/data-dir.ts): the folder and every
 * folder in it 0700, every file 0600 — terminal.db and its -wal/-shm (PIN hashes), the log, the
 * keys, run/ (the web host's token), and in demo mode the issuer simulator's ledger. A data dir
 * left open by an earlier version is tightened at start, and the log says what was fixed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { startWebHost } from '../../src/main/hosts/web-host';

/** Every path under `dir` (itself included) with its permission bits. */
function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = { './': (fs.statSync(dir).mode & 0o777).toString(8) };
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      const m = (fs.lstatSync(path.join(dir, r)).mode & 0o777).toString(8);
      if (e.isDirectory()) {
        out[r + '/'] = m;
        walk(r);
      } else if (e.isFile()) out[r] = m;
    }
  };
  walk('');
  return out;
}

const open = (m: Record<string, string>) =>
  Object.entries(m).filter(([, mode]) => (parseInt(mode, 8) & 0o077) !== 0);

const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-modes-'));
afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

describe('data directory file modes', () => {
  let t: TestApp | undefined;

  it('a new data dir is 0700 and every file in it 0600, the demo issuer ledger included', async () => {
    // Not made by mkdtemp (which is 0700 already): the app creates it, as on a real first start.
    const dataDir = path.join(parent, 'till');
    t = await startTestApp({ dataDir });
    const host = await startWebHost(t.app, { port: 0, staticDir: path.resolve('dist/renderer') });
    await t.signIn(); // a sign-in writes the database and its WAL
    const m = modes(dataDir);
    expect(m['./']).toBe('700');
    for (const f of ['terminal.db', 'terminal.db-wal', 'logs/cardtill.log', 'run/web-host.json'])
      expect(m[f], f).toBe('600');
    expect(Object.keys(m).some((f) => f.startsWith('issuer-sim/issuer.db'))).toBe(true);
    expect(Object.keys(m).some((f) => f.startsWith('keys/'))).toBe(true);
    expect(open(m)).toEqual([]);
    await host.close();
    await t.app.close();
  });

  it('an existing data dir left readable by others is tightened at start, and the log says so', async () => {
    const dataDir = path.join(parent, 'till');
    fs.chmodSync(dataDir, 0o755);
    fs.chmodSync(path.join(dataDir, 'terminal.db'), 0o644);
    fs.chmodSync(path.join(dataDir, 'logs'), 0o755);
    fs.chmodSync(path.join(dataDir, 'logs/cardtill.log'), 0o644);
    fs.writeFileSync(path.join(dataDir, 'devices.json'), '{"version":1,"devices":[]}\n', { mode: 0o644 });
    fs.chmodSync(path.join(dataDir, 'devices.json'), 0o644);
    t = await startTestApp({ dataDir });
    expect(open(modes(dataDir))).toEqual([]);
    const said = t.app.log.recent(200).find((l) => l.includes('made private'));
    expect(said).toBeDefined();
    expect(said).toContain('terminal.db 0644→0600');
    expect(said).toContain('logs/cardtill.log 0644→0600');
    expect(said).toContain('devices.json 0644→0600');
    await t.close();
  });
});
