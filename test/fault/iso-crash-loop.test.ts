/**
 * The crash loop with an ISO 8583 issuer (issue 13): the crash loop's child (crash-child.ts, the
 * real core) with an `iso8583-cup` entry for every card it sells, against the simulator's ISO face
 * on loopback TCP, kill -9'd at random moments (ISO_CRASH_KILLS, default 60) during sales, voids
 * and reversals, and restarted each time. What survives a kill is what the adapter wrote before
 * sending (its `iso8583_sent` table): a sale pending at the kill is reversed by a 0400 rebuilt
 * from it, a void names its original by the 37 / 38 kept there. Afterwards every approval the
 * child reported is journaled and the journal and the host's ledger reconcile exactly
 * (reconcile-iso.ts).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startIssuerSim, type IssuerSim } from '../../src/issuer-sim/server';
import { openTerminalDb } from '../../src/main/store/terminal-db';
import { startIso8583Sim, type Iso8583Sim } from '../../src/issuer-sim/iso8583/server';
import { KEYSETS } from '../../src/main/issuer/iso8583/keysets';
import { storeTmk } from '../../src/main/issuer/iso8583/tmk';
import { fromHex, toHex } from '../../src/shared/crypto';
import { enrolCore, newKeyHex, keysFromHex } from './core';
import { reconcileIso } from './reconcile-iso';

const KILLS = Number(process.env.ISO_CRASH_KILLS ?? 60);
// Inside node_modules (so the external native packages resolve) and per run: helpers sharing one
// node_modules must not overwrite each other's bundle.
const BUNDLE = path.resolve(`node_modules/.cache/cardtill-fault/iso-crash-child-${process.pid}.mjs`);
const PANS = ['8888020000001014', '8888020000001022', '8888020000001030', '8888020000001048'];
const TMK_HEX = '00112233445566778899AABBCCDDEEFF';
const START_FEN = 1_000_000_000;

let dir: string;
let sim: IssuerSim;
let iso: Iso8583Sim;
let base: Record<string, unknown>;
const keys = newKeyHex();

beforeAll(async () => {
  await build({
    entryPoints: ['test/fault/crash-child.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    // Native packages stay outside the bundle; the child never opens a device (it has none).
    external: ['better-sqlite3', 'serialport', '@serialport/*', 'nfc-pcsc', 'pdfkit'],
    outfile: BUNDLE,
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-crash-'));
  sim = await startIssuerSim({ dataDir: path.join(dir, 'issuer'), enrolToken: 'demo-enrol-token' });
  for (const pan of PANS)
    sim.ledger.upsertCard({ pan, status: 'active', balanceFen: START_FEN, expiry: '3012' });
  const ks = KEYSETS['3des'];
  iso = await startIso8583Sim({ ledger: sim.ledger, keySet: ks, tmk: fromHex(TMK_HEX.toLowerCase()) });
  const check = toHex(ks.pikCheck(fromHex(TMK_HEX.toLowerCase()))).toUpperCase();
  await enrolCore({ issuerUrl: sim.url, terminalId: 'TCRASH01', ...keys });
  storeTmk(path.join(dir, 'terminal'), fromHex(keys.dataKeyHex), 'cup', ks, TMK_HEX, check);
  base = {
    moreIssuers: [
      {
        id: 'cup',
        name: 'CUP host',
        protocol: 'iso8583-cup',
        url: `tcp://127.0.0.1:${iso.port}`,
        iso8583: { keySet: '3des', tmkCheck: check },
        attempts: 2,
        timeoutMs: 1000,
        cardRanges: ['888802'],
      },
    ],
    dataDir: path.join(dir, 'terminal'),
    terminalId: 'TCRASH01',
    issuerUrl: sim.url,
    issuerPublicKeyHex: sim.publicKeyHex,
    ...keys,
    timeoutMs: 1000,
    attempts: 2,
    reportFile: path.join(dir, 'reported.jsonl'),
    pans: PANS,
    // Limits wide enough that the workload keeps approving offline for the whole run.
    offline: {
      totalLimitFen: 1_000_000_000,
      perCardDailyCount: 1_000_000,
      perCardDailyFen: 1_000_000_000,
      velocityCount: 1_000_000,
      batchSize: 20,
    },
  };
});

afterAll(async () => {
  fs.rmSync(BUNDLE, { force: true });
  await iso?.close();
  await sim?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

let seed = 0x5eed;
const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;

/** Runs the child; kills it `killAfterMs` after it said ready (or after spawn when `early`). */
function runChild(
  mode: 'work' | 'drain',
  childSeed: number,
  kill?: { afterMs: number; early: boolean },
): Promise<{ code: number | null; signal: string | null; stderr: string; ready: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BUNDLE], {
      env: { ...process.env, CRASH_CHILD: JSON.stringify({ ...base, mode, seed: childSeed }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let ready = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const arm = () => kill && setTimeout(() => child.kill('SIGKILL'), kill.afterMs);
    child.stdout.on('data', (d: Buffer) => {
      if (!ready && d.toString().includes('ready')) {
        ready = true;
        if (kill && !kill.early) arm();
      }
    });
    if (kill?.early) arm();
    child.on('exit', (code, signal) => resolve({ code, signal, stderr, ready }));
  });
}

describe('crash loop with an ISO 8583 issuer: kill -9 during sales, voids and reversals', () => {
  it(
    `${KILLS} kills, then the journal and the ISO host's ledger reconcile exactly`,
    // Each life is the app's whole composition (createCore: dispatcher, ShiftService, job queue,
    // timers) and starts its own background work before "ready": ~2 s a life on a loaded 2-core box.
    { timeout: 1_200_000 },
    async () => {
      const startedAt = Date.now();
      // One life without a kill first: it warms the issuer's tables (its first answers are slow).
      const warm = await runChild('drain', 424242);
      expect(warm.code, warm.stderr).toBe(0);
      let killed = 0;
      let killedBeforeReady = 0;
      for (let i = 0; i < KILLS; i++) {
        const early = rnd() < 0.1;
        const r = await runChild('work', i + 1, {
          afterMs: process.env.CRASH_LIFE
            ? Number(process.env.CRASH_LIFE)
            : early
              ? Math.floor(rnd() * 500)
              : 10 + Math.floor(rnd() * 300),
          early,
        });
        // The child never stops by itself: anything but our SIGKILL is a crash of the code under test.
        if (process.env.CRASH_DEBUG) console.log(r.stderr);
        expect(r.signal, r.stderr).toBe('SIGKILL');
        killed++;
        if (!r.ready) killedBeforeReady++;
      }
      const done = await runChild('drain', 999_999);
      expect(done.code, done.stderr).toBe(0);

      const reported = fs.existsSync(base.reportFile as string)
        ? fs
            .readFileSync(base.reportFile as string, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map(
              (l) =>
                JSON.parse(l) as { stan: number; type: 'sale' | 'void'; offline: boolean; amountFen: number },
            )
        : [];
      const db = openTerminalDb(base.dataDir as string);
      try {
        const journaled = new Map(
          (
            db.prepare("SELECT body FROM journal WHERE type IN ('sale','void')").all() as Array<{
              body: string;
            }>
          ).map((r) => {
            const b = JSON.parse(r.body) as {
              stan: number;
              type: string;
              status: string;
              offline: boolean;
              amountFen: number;
            };
            return [b.stan, b];
          }),
        );
        const missing = reported.filter((p) => {
          const j = journaled.get(p.stan);
          return (
            !j ||
            j.type !== p.type ||
            j.status !== 'approved' ||
            j.offline !== p.offline ||
            j.amountFen !== p.amountFen
          );
        });
        expect(missing).toEqual([]);
        const codes: Record<string, number> = {};
        for (const r of db
          .prepare(
            "SELECT decline_code AS c, COUNT(*) AS n FROM txns WHERE type = 'sale' AND status = 'declined' GROUP BY c",
          )
          .all() as Array<{ c: string; n: number }>)
          codes[r.c] = r.n;
        const rep = reconcileIso(
          db,
          sim.ledger,
          'TCRASH01',
          keysFromHex(keys.privateKeyHex, keys.dataKeyHex),
        );
        expect(rep.problems).toEqual([]);
        console.log(
          `iso crash loop (${Math.round((Date.now() - startedAt) / 1000)} s): ${killed} kills (${killedBeforeReady} before ready), ${reported.length} approvals reported, ` +
            `${rep.approvals} journaled sales, ${rep.voids} voids, ${rep.declined} declined, ${rep.reversalsSent} reversals (0400); declines ${JSON.stringify(codes)}`,
        );
        expect(killed).toBeGreaterThanOrEqual(KILLS);
        expect(rep.approvals).toBeGreaterThan(0);
        expect(rep.voids).toBeGreaterThan(0);
        expect(reported.every((r) => !r.offline)).toBe(true); // the ISO entry is not the home one
      } finally {
        db.close();
      }
    },
  );
});
