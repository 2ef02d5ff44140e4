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
import fs from 'node:fs';
import path from 'node:path';
import type { IssuerSim } from '../../src/issuer-sim/server';
import { openTerminalDb } from '../../src/main/store/terminal-db';
import type { Iso8583Sim } from '../../src/issuer-sim/iso8583/server';
import { storeTmk } from '../../src/main/issuer/iso8583/tmk';
import { fromHex } from '../../src/shared/crypto';
import { enrolCore, newKeyHex, keysFromHex } from './core';
import { reconcileIso } from './reconcile-iso';
import {
  ISO_KEYSET,
  TMK_HEX,
  WIDE_OFFLINE_LIMITS,
  bundleChild,
  crashChildRun,
  cupEntry,
  faultDir,
  readReported,
  saleDeclineCodes,
  seedActiveCards,
  seededRandom,
  startFaultSim,
  startIsoFace,
  unjournaled,
  type ReportedApproval,
} from './harness';

const KILLS = Number(process.env.ISO_CRASH_KILLS ?? 60);
const PANS = ['8888020000001014', '8888020000001022', '8888020000001030', '8888020000001048'];
const START_FEN = 1_000_000_000;

let bundle: string | undefined;
let dir: string;
let sim: IssuerSim;
let iso: Iso8583Sim;
let base: Record<string, unknown>;
const keys = newKeyHex();

beforeAll(async () => {
  bundle = await bundleChild('test/fault/crash-child.ts', 'iso-crash-child');
  dir = faultDir('cardtill-crash-');
  sim = await startFaultSim(dir);
  seedActiveCards(sim, PANS, START_FEN);
  const face = await startIsoFace(sim);
  iso = face.iso;
  await enrolCore({ issuerUrl: sim.url, terminalId: 'TCRASH01', ...keys });
  storeTmk(path.join(dir, 'terminal'), fromHex(keys.dataKeyHex), 'cup', ISO_KEYSET, TMK_HEX, face.check);
  base = {
    moreIssuers: [cupEntry(iso.port, face.check, { name: 'CUP host', timeoutMs: 1000 })],
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
    offline: { ...WIDE_OFFLINE_LIMITS, batchSize: 20 },
  };
});

afterAll(async () => {
  if (bundle) fs.rmSync(bundle, { force: true });
  await iso?.close();
  await sim?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const rnd = seededRandom(0x5eed);

describe('crash loop with an ISO 8583 issuer: kill -9 during sales, voids and reversals', () => {
  it(
    `${KILLS} kills, then the journal and the ISO host's ledger reconcile exactly`,
    // Each life is the app's whole composition (createCore: dispatcher, ShiftService, job queue,
    // timers) and starts its own background work before "ready": ~2 s a life on a loaded 2-core box.
    { timeout: 1_200_000 },
    async () => {
      const startedAt = Date.now();
      const { killed, killedBeforeReady } = await crashChildRun({ bundle: bundle!, base, kills: KILLS, rnd });

      const reported = readReported<ReportedApproval & { type: 'sale' | 'void' }>(base.reportFile as string);
      const db = openTerminalDb(base.dataDir as string);
      try {
        const missing = unjournaled(db, reported, ['sale', 'void']);
        expect(missing).toEqual([]);
        const codes = saleDeclineCodes(db);
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
