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
import type { IssuerSim, IssuerSimFace } from '../../src/issuer-sim/server';
import { LinkFaultProxy, NO_FAULTS, type FaultMix } from './link-proxy';
import { reconcile } from './reconcile';
import {
  STORM as LINK_STORM,
  WIDE_OFFLINE_LIMITS,
  bootFaultTerminals,
  closeTerminals,
  expectReversalsOnTheirHosts,
  failoverPhases,
  faultDir,
  reconcileTerminals,
  seedActiveCards,
  seeEveryCard,
  seededRandom,
  sellRandom,
  settleTerminals,
  startFaultSim,
  type FaultTerminal,
} from './harness';

const TOTAL = Number(process.env.FAILOVER_FAULT_TXNS ?? 600);
const TERMINALS = 2;
const PANS = Array.from({ length: 24 }, (_, i) => `88880100000030${String(i).padStart(2, '0')}`);
const STORM: FaultMix = { ...LINK_STORM, resetMidResponse: 0.03, latencyMs: [1, 30] };

let dir: string;
let sim: IssuerSim;
let backupFace: IssuerSimFace;
let primary: LinkFaultProxy;
let backup: LinkFaultProxy;
const terms: FaultTerminal[] = [];
const rnd = seededRandom(0xfa11);

beforeAll(async () => {
  dir = faultDir('cardtill-failover-');
  sim = await startFaultSim(dir, { linkOnly: true }); // about the link, not power loss (as link-faults)
  backupFace = await sim.addFace();
  seedActiveCards(sim, PANS);
  primary = new LinkFaultProxy(sim.port, rnd);
  backup = new LinkFaultProxy(backupFace.port, rnd);
  await primary.start();
  await backup.start();
  await bootFaultTerminals(terms, {
    count: TERMINALS,
    idPrefix: 'TFOVR0',
    dir,
    sim,
    spec: {
      issuerUrl: primary.url,
      issuerBackupUrl: backup.url,
      offline: { ...WIDE_OFFLINE_LIMITS, batchSize: 25, probeMinMs: 20, probeMaxMs: 200 },
    },
  });
}, 60_000);

afterAll(async () => {
  await closeTerminals(terms);
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
      const run = { started: 0, total: TOTAL };
      const final = { approved: 0, offline: 0, declined: 0, other: 0 };
      const codes: Record<string, number> = {};
      const phase = () =>
        failoverPhases({
          primary,
          backup,
          storm: STORM,
          run,
          period: 250,
          at: { primaryDown: 60, bothDown: 130, primaryBack: 160, bothUp: 200 },
        });
      const worker = async (t: FaultTerminal) => {
        await seeEveryCard(t.core, PANS);
        await sellRandom(t, run, {
          pans: PANS,
          rnd,
          tickRate: 0.05,
          drainRate: 0.05,
          onAnswer: (r) => {
            if (r.status === 'approved') final[r.offline ? 'offline' : 'approved']++;
            else if (r.status === 'declined') {
              final.declined++;
              codes[r.declineCode ?? '?'] = (codes[r.declineCode ?? '?'] ?? 0) + 1;
            } else final.other++;
          },
        });
      };
      await Promise.all([phase(), ...terms.map(worker)]);
      expect(final.other).toBe(0);
      expect(final.approved + final.offline + final.declined).toBe(TOTAL);

      primary.mix = backup.mix = NO_FAULTS;
      await primary.setDown(false);
      await backup.setDown(false);
      await settleTerminals(terms, { forward: true });
      const reports = reconcileTerminals(terms, (db, id, keys) => reconcile(db, sim.ledger, id, keys));
      for (const r of reports) expect(r.problems, r.id).toEqual([]);
      const sum = (k: 'approvals' | 'offlineApprovals' | 'reversalsSent') =>
        reports.reduce((a, r) => a + r[k], 0);
      const byEndpoint = (t: FaultTerminal) =>
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
      expectReversalsOnTheirHosts(terms);
      // Every edge was exercised: both hosts took sales, offline approvals, reversals.
      expect(final.offline).toBeGreaterThan(0);
      expect(backupFace.requests.authorize ?? 0).toBeGreaterThan(0);
      expect(sim.requests.authorize ?? 0).toBeGreaterThan(0);
      expect(sum('reversalsSent')).toBeGreaterThan(0);
    },
  );
});
