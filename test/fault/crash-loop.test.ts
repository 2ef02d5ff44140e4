/**
 * Fault test 1 (issue 4): kill -9 a terminal at random moments, ≥200 times, while it runs online
 * and offline sales and forwards advices; restart it each time. The child is the real core
 * (test/fault/core.ts) bundled once with esbuild so a restart costs ~0.2 s; the issuer-sim runs in
 * this process on loopback. Afterwards: every approval the child reported is journaled, the
 * journal verifies, SQLite integrity holds, and the journal and the issuer ledger reconcile
 * exactly (test/fault/reconcile.ts).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { IssuerSim } from '../../src/issuer-sim/server';
import { openTerminalDb } from '../../src/main/store/terminal-db';
import { enrolCore, newKeyHex, keysFromHex } from './core';
import { reconcile } from './reconcile';
import { luhnCheckDigit } from '../../src/shared/card';
import {
  WIDE_OFFLINE_LIMITS,
  bundleChild,
  crashChildRun,
  faultDir,
  readReported,
  saleDeclineCodes,
  seedActiveCards,
  seededRandom,
  startFaultSim,
  unjournaled,
  type ReportedApproval,
} from './harness';

const KILLS = Number(process.env.CRASH_KILLS ?? 200);
const PANS = ['8888010000001015', '8888010000001023', '8888010000001031', '8888010000001049'];
const START_FEN = 1_000_000_000;
/**
 * Unsold cards for the card sales and top-ups: serials 2001… with their Luhn digit. Last four
 * digits differ, so the journal's masked number names the card.
 */
const SHELF = Array.from({ length: 300 }, (_, i) => {
  const body = `888801${String(2001 + i).padStart(9, '0')}`;
  return body + String(luhnCheckDigit(body));
});

let bundle: string | undefined;
let dir: string;
let sim: IssuerSim;
let base: Record<string, unknown>;
const keys = newKeyHex();

beforeAll(async () => {
  bundle = await bundleChild('test/fault/crash-child.ts', 'crash-child');
  dir = faultDir('cardtill-crash-');
  sim = await startFaultSim(dir);
  seedActiveCards(sim, PANS, START_FEN);
  for (const pan of SHELF)
    // Anonymous: a registered card is sold only with its buyer's ID (the card-life rules).
    sim.ledger.upsertCard({ pan, status: 'not_activated', balanceFen: 0, expiry: '3012', registered: false });
  await enrolCore({ issuerUrl: sim.url, terminalId: 'TCRASH01', ...keys });
  base = {
    dataDir: path.join(dir, 'terminal'),
    terminalId: 'TCRASH01',
    issuerUrl: sim.url,
    issuerPublicKeyHex: sim.publicKeyHex,
    ...keys,
    timeoutMs: 1000,
    attempts: 2,
    reportFile: path.join(dir, 'reported.jsonl'),
    pans: PANS,
    shelf: SHELF,
    // Limits wide enough that the workload keeps approving offline for the whole run.
    offline: { ...WIDE_OFFLINE_LIMITS, batchSize: 20 },
  };
});

afterAll(async () => {
  if (bundle) fs.rmSync(bundle, { force: true });
  await sim?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const rnd = seededRandom(0x5eed);

describe('crash loop: kill -9 during online and offline sales, voids, card sales, top-ups and forwarding', () => {
  it(
    `${KILLS} kills, then the journal, the queue and the issuer ledger reconcile exactly`,
    // Each life is the app's whole composition (createCore: dispatcher, ShiftService, job queue,
    // timers) and starts its own background work before "ready": ~2 s a life on a loaded 2-core box.
    { timeout: 1_200_000 },
    async () => {
      const startedAt = Date.now();
      const { killed, killedBeforeReady } = await crashChildRun({
        bundle: bundle!,
        base,
        kills: KILLS,
        rnd,
        // Every (KILLS/3)th life lasts 2 s (4 lives of 200, ~2 % more time): a card sale builds its
        // signed receipt before the cashier sees it, longer than most 10–310 ms lives last, so
        // these make sure card sales and top-ups are REPORTED, not only journaled.
        longLife: (i) => i % Math.max(1, Math.floor(KILLS / 3)) === 1,
      });

      const reported = readReported<ReportedApproval & { type: 'sale' | 'void' | 'activate' | 'topup' }>(
        base.reportFile as string,
      );
      const db = openTerminalDb(base.dataDir as string);
      try {
        const missing = unjournaled(db, reported, ['sale', 'void', 'activate', 'topup']);
        expect(missing).toEqual([]);
        const codes = saleDeclineCodes(db);
        const rep = reconcile(
          db,
          sim.ledger,
          'TCRASH01',
          keysFromHex(keys.privateKeyHex, keys.dataKeyHex),
          SHELF,
        );
        expect(rep.problems).toEqual([]);
        console.log(
          `crash loop (${Math.round((Date.now() - startedAt) / 1000)} s): ${killed} kills (${killedBeforeReady} before ready), ${reported.length} approvals reported, ` +
            `${rep.approvals} journaled approvals (${rep.offlineApprovals} offline), ${rep.voids} voids (${rep.offlineVoids} queued offline), ${rep.activations} card sales, ${rep.topups} top-ups (${rep.loadCashFen} fen cash), ${rep.declined} declined, ${rep.reversalsSent} reversals, ${rep.journalRecords} journal records; declines ${JSON.stringify(codes)}`,
        );
        expect(killed).toBeGreaterThanOrEqual(KILLS);
        expect(rep.offlineApprovals).toBeGreaterThan(0);
        expect(rep.approvals - rep.offlineApprovals).toBeGreaterThan(0);
        expect(rep.offlineVoids).toBeGreaterThan(0);
        expect(rep.voids - rep.offlineVoids).toBeGreaterThan(0);
        expect(rep.activations).toBeGreaterThan(0);
        expect(rep.topups).toBeGreaterThan(0);
        expect(reported.filter((r) => r.type === 'activate').length).toBeGreaterThan(0);
        expect(reported.filter((r) => r.type === 'topup').length).toBeGreaterThan(0);
      } finally {
        db.close();
      }
    },
  );
});
