/**
 * The failover rules under a storm (docs/issuer-protocol.md "Failover rules"): terminals whose
 * issuer entry has a primary and a backup host — two HTTP faces of one issuer-sim ledger, each
 * behind its own faulty loopback proxy (drops, resets mid-answer, blackholes, latency) — sell
 * through phases: both up, primary down (the backup takes over), both down (offline approvals),
 * primary back with the backup down, both up again. Afterwards every terminal's journal and the
 * issuer's ledger reconcile exactly, sale by sale and in fen (test/fault/reconcile.ts): no sale
 * debited twice by failing over, none lost — and every reversal went to the host its original
 * went to.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startIssuerSim, type IssuerSim, type IssuerSimFace } from '../../src/issuer-sim/server';
import { bootCore, enrolCore, newKeyHex, keysFromHex, type Core } from './core';
import { LinkFaultProxy, NO_FAULTS, type FaultMix } from './link-proxy';
import { reconcile } from './reconcile';

const TOTAL = Number(process.env.FAILOVER_FAULT_TXNS ?? 600);
const TERMINALS = 2;
const PANS = Array.from({ length: 24 }, (_, i) => `88880100000030${String(i).padStart(2, '0')}`);
const STORM: FaultMix = {
  drop: 0.02,
  resetMidResponse: 0.03,
  blackhole: 0.006,
  latency: 0.2,
  latencyMs: [1, 30],
};

let dir: string;
let sim: IssuerSim;
let backupFace: IssuerSimFace;
let primary: LinkFaultProxy;
let backup: LinkFaultProxy;
const terms: Array<{ id: string; keys: ReturnType<typeof newKeyHex>; core: Core }> = [];
let seed = 0xfa11;
const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-failover-'));
  sim = await startIssuerSim({ dataDir: path.join(dir, 'issuer'), enrolToken: 'demo-enrol-token' });
  sim.ledger.db.pragma('synchronous = NORMAL'); // about the link, not power loss (as link-faults)
  backupFace = await sim.addFace();
  for (const pan of PANS)
    sim.ledger.upsertCard({ pan, status: 'active', balanceFen: 1_000_000_000, expiry: '3012' });
  primary = new LinkFaultProxy(sim.port, rnd);
  backup = new LinkFaultProxy(backupFace.port, rnd);
  await primary.start();
  await backup.start();
  for (let i = 0; i < TERMINALS; i++) {
    const id = `TFOVR0${i}`;
    const keys = newKeyHex();
    await enrolCore({ issuerUrl: sim.url, terminalId: id, ...keys });
    const core = await bootCore({
      dataDir: path.join(dir, id),
      terminalId: id,
      issuerUrl: primary.url,
      issuerBackupUrl: backup.url,
      issuerPublicKeyHex: sim.publicKeyHex,
      ...keys,
      crypto: 'production',
      timeoutMs: 300,
      attempts: 2,
      offline: {
        totalLimitFen: 1_000_000_000,
        perCardDailyCount: 1_000_000,
        perCardDailyFen: 1_000_000_000,
        velocityCount: 1_000_000,
        batchSize: 25,
        probeMinMs: 20,
        probeMaxMs: 200,
      },
    });
    core.db.pragma('synchronous = NORMAL');
    terms.push({ id, keys, core });
  }
}, 60_000);

afterAll(async () => {
  for (const t of terms) await t.core.close();
  await primary?.close();
  await backup?.close();
  await sim?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('failover under link faults', () => {
  it(
    `${TOTAL} sales through storms and outages of the primary, the backup and both reconcile exactly`,
    { timeout: 600_000 },
    async () => {
      let started = 0;
      const final = { approved: 0, offline: 0, declined: 0, other: 0 };
      const codes: Record<string, number> = {};
      const at = (from: number) => () => started % 250 >= from || started >= TOTAL;
      const phase = async () => {
        while (started < TOTAL) {
          primary.mix = backup.mix = STORM;
          await until(at(60));
          await primary.setDown(true); // the backup takes new requests
          await until(at(130));
          await backup.setDown(true); // both down: offline
          await until(at(160));
          await primary.setDown(false); // the primary back, the backup gone
          await until(at(200));
          await backup.setDown(false); // both up
          await until(() => started % 250 < 60 || started >= TOTAL);
        }
      };
      const worker = async (t: (typeof terms)[number]) => {
        for (const pan of PANS)
          await t.core.terminal.inquiry({
            cardToken: t.core.terminal.present({ pan, entryMode: 'swipe' }).cardToken,
          });
        while (started < TOTAL) {
          started++;
          const pan = PANS[Math.floor(rnd() * PANS.length)];
          const token = t.core.terminal.present({ pan, entryMode: 'swipe', expiry: '3012' }).cardToken;
          const r = await t.core.terminal.sale({ cardToken: token, amountFen: 1 + Math.floor(rnd() * 5000) });
          if (r.status === 'approved') final[r.offline ? 'offline' : 'approved']++;
          else if (r.status === 'declined') {
            final.declined++;
            codes[r.declineCode ?? '?'] = (codes[r.declineCode ?? '?'] ?? 0) + 1;
          } else final.other++;
          if (rnd() < 0.05) void t.core.forwarder.tick();
          if (rnd() < 0.05) await t.core.jobs.drain('reversal');
        }
      };
      await Promise.all([phase(), ...terms.map(worker)]);
      expect(final.other).toBe(0);
      expect(final.approved + final.offline + final.declined).toBe(TOTAL);

      primary.mix = backup.mix = NO_FAULTS;
      await primary.setDown(false);
      await backup.setDown(false);
      for (const t of terms) {
        for (let i = 0; i < 100; i++) {
          const left = await t.core.jobs.drain('reversal');
          await t.core.forwarder.forwardNow();
          if (left === 0 && t.core.offline.openCount() === 0) break;
        }
      }
      const reports = terms.map((t) => ({
        id: t.id,
        ...reconcile(
          t.core.db,
          sim.ledger,
          t.id,
          keysFromHex(t.keys.privateKeyHex, t.keys.dataKeyHex, 'production'),
        ),
      }));
      for (const r of reports) expect(r.problems, r.id).toEqual([]);
      const sum = (k: 'approvals' | 'offlineApprovals' | 'reversalsSent') =>
        reports.reduce((a, r) => a + r[k], 0);
      const byEndpoint = (t: (typeof terms)[number]) =>
        t.core.db
          .prepare(
            "SELECT endpoint, COUNT(*) AS n FROM txns WHERE type = 'sale' AND status = 'approved' AND offline = 0 GROUP BY endpoint ORDER BY endpoint",
          )
          .all() as Array<{ endpoint: string; n: number }>;
      console.log(
        `failover faults: ${TOTAL} sales on ${TERMINALS} terminals — ${final.approved} online, ${final.offline} offline, ${final.declined} declined ${JSON.stringify(codes)}; ` +
          `${sum('reversalsSent')} reversals; online by endpoint ${JSON.stringify(terms.map(byEndpoint))}; ` +
          `primary face ${JSON.stringify(sim.requests)}, backup face ${JSON.stringify(backupFace.requests)}`,
      );
      expect(sum('approvals')).toBe(final.approved + final.offline);
      expect(sum('offlineApprovals')).toBe(final.offline);
      for (const t of terms) {
        // Every reversal went to the host its original went to.
        expect(
          t.core.db
            .prepare(
              'SELECT COUNT(*) AS n FROM reversals r JOIN txns t ON t.stan = r.orig_stan WHERE r.endpoint != t.endpoint',
            )
            .get(),
        ).toEqual({ n: 0 });
        expect(t.core.db.prepare('SELECT COUNT(*) AS n FROM reversals WHERE sent_at IS NULL').get()).toEqual({
          n: 0,
        });
      }
      // Every edge was exercised: both hosts took sales, offline approvals, reversals.
      expect(final.offline).toBeGreaterThan(0);
      expect(backupFace.requests.authorize ?? 0).toBeGreaterThan(0);
      expect(sim.requests.authorize ?? 0).toBeGreaterThan(0);
      expect(sum('reversalsSent')).toBeGreaterThan(0);
    },
  );
});

/** Resolves once the condition holds (the phase follows the sales' progress, not the clock). */
function until(cond: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      if (cond()) {
        clearInterval(t);
        resolve();
      }
    }, 5);
  });
}
