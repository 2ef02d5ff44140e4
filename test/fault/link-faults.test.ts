/**
 * Fault test 2 (issue 4): terminals talk to the issuer through a loopback TCP proxy that adds
 * latency, drops connections, resets them mid-answer, blackholes requests, and goes down and comes
 * back. Across ≥5,000 sales (online, offline while it is down, forwarding when it is back) every
 * sale reaches a final state, and afterwards every terminal's journal and the issuer's ledger
 * reconcile exactly (test/fault/reconcile.ts). Short timeouts keep it quick; loopback only.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import type { IssuerSim } from '../../src/issuer-sim/server';
import { LinkFaultProxy, NO_FAULTS } from './link-proxy';
import { reconcile } from './reconcile';
import {
  STORM,
  WIDE_OFFLINE_LIMITS,
  bootFaultTerminals,
  closeTerminals,
  faultDir,
  reconcileTerminals,
  seedActiveCards,
  seeEveryCard,
  seededRandom,
  sellRandom,
  settleTerminals,
  startFaultSim,
  until,
  type FaultTerminal,
} from './harness';

const TOTAL = Number(process.env.LINK_FAULT_TXNS ?? 5000);
const TERMINALS = 6;
const PANS = Array.from({ length: 8 }, (_, i) => `88880100000020${String(i).padStart(2, '0')}`);

let dir: string;
let sim: IssuerSim;
let proxy: LinkFaultProxy;
const terms: FaultTerminal[] = [];
const rnd = seededRandom(0xfa17);

beforeAll(async () => {
  dir = faultDir('cardtill-linkfault-');
  sim = await startFaultSim(dir, { linkOnly: true });
  seedActiveCards(sim, PANS);
  proxy = new LinkFaultProxy(sim.port, rnd);
  await proxy.start();
  await bootFaultTerminals(terms, {
    count: TERMINALS,
    idPrefix: 'TLINK0',
    dir,
    sim,
    spec: {
      issuerUrl: proxy.url,
      offline: { ...WIDE_OFFLINE_LIMITS, batchSize: 25, probeMinMs: 20, probeMaxMs: 200 },
    },
  });
}, 60_000);

afterAll(async () => {
  await closeTerminals(terms);
  await proxy?.close();
  await sim?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('link faults between terminal and issuer', () => {
  it(
    `${TOTAL} sales through latency, drops, resets, blackholes and outages reconcile exactly`,
    { timeout: 600_000 },
    async () => {
      const run = { started: 0, total: TOTAL };
      const final = { approved: 0, offline: 0, declined: 0, other: 0 };
      // Phases: storms of faults, then an outage (refused: offline approvals), then back.
      const phase = async () => {
        for (;;) {
          if (run.started >= TOTAL) return;
          proxy.mix = STORM;
          await until(() => run.started % 700 > 550 || run.started >= TOTAL);
          if (run.started >= TOTAL) return;
          await proxy.setDown(true);
          await until(() => run.started % 700 < 100 || run.started >= TOTAL);
          await proxy.setDown(false);
        }
      };
      const worker = async (t: FaultTerminal) => {
        // Each terminal sees every card online once, so it may approve them offline later.
        await seeEveryCard(t.core, PANS);
        await sellRandom(t, run, {
          pans: PANS,
          rnd,
          tickRate: 0.05,
          drainRate: 0.03,
          onAnswer: (r) => {
            if (r.status === 'approved') final[r.offline ? 'offline' : 'approved']++;
            else if (r.status === 'declined') final.declined++;
            else final.other++;
          },
        });
      };
      await Promise.all([phase(), ...terms.map(worker)]);
      expect(final.other).toBe(0); // every sale answered with a final state
      expect(final.approved + final.offline + final.declined).toBe(TOTAL);

      // The link comes back for good: every terminal settles what it owes.
      proxy.mix = NO_FAULTS;
      await proxy.setDown(false);
      await settleTerminals(terms, { forward: true });
      const reports = reconcileTerminals(terms, (db, id, keys) => reconcile(db, sim.ledger, id, keys));
      for (const r of reports) expect(r.problems, r.id).toEqual([]);
      const sum = (k: 'approvals' | 'offlineApprovals' | 'declined' | 'reversalsSent') =>
        reports.reduce((a, r) => a + r[k], 0);
      console.log(
        `link faults: ${TOTAL} sales on ${TERMINALS} terminals — ${final.approved} approved online, ${final.offline} offline, ${final.declined} declined; ` +
          `journal: ${sum('approvals')} approvals (${sum('offlineApprovals')} offline), ${sum('reversalsSent')} reversals; proxy ${JSON.stringify(proxy.stats)}`,
      );
      expect(sum('approvals')).toBe(final.approved + final.offline);
      expect(sum('offlineApprovals')).toBe(final.offline);
      expect(final.offline).toBeGreaterThan(0);
      expect(proxy.stats.resetMidResponse + proxy.stats.blackhole + proxy.stats.drop).toBeGreaterThan(0);
    },
  );
});
