/**
 * Fault test 2 (issue 4): terminals talk to the issuer through a loopback TCP proxy that adds
 * latency, drops connections, resets them mid-answer, blackholes requests, and goes down and comes
 * back. Across ≥5,000 sales (online, offline while it is down, forwarding when it is back) every
 * sale reaches a final state, and afterwards every terminal's journal and the issuer's ledger
 * reconcile exactly (test/fault/reconcile.ts). Short timeouts keep it quick; loopback only.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startIssuerSim, type IssuerSim } from '../../src/issuer-sim/server';
import { bootCore, enrolCore, newKeyHex, keysFromHex, type Core } from './core';
import { LinkFaultProxy, NO_FAULTS, type FaultMix } from './link-proxy';
import { reconcile } from './reconcile';

const TOTAL = Number(process.env.LINK_FAULT_TXNS ?? 5000);
const TERMINALS = 6;
const PANS = Array.from({ length: 8 }, (_, i) => `88880100000020${String(i).padStart(2, '0')}`);
const STORM: FaultMix = {
  drop: 0.02,
  resetMidResponse: 0.02,
  blackhole: 0.006,
  latency: 0.2,
  latencyMs: [1, 40],
};

let dir: string;
let sim: IssuerSim;
let proxy: LinkFaultProxy;
const terms: Array<{ id: string; keys: ReturnType<typeof newKeyHex>; core: Core }> = [];
let seed = 0xfa17;
const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-linkfault-'));
  sim = await startIssuerSim({ dataDir: path.join(dir, 'issuer'), enrolToken: 'demo-enrol-token' });
  // This test is about the link, not power loss (the crash loop covers durability): WAL with
  // synchronous=NORMAL is still atomic and crash-safe for the process, and spares ~20k fsyncs.
  sim.ledger.db.pragma('synchronous = NORMAL');
  for (const pan of PANS)
    sim.ledger.upsertCard({ pan, status: 'active', balanceFen: 1_000_000_000, expiry: '3012' });
  proxy = new LinkFaultProxy(sim.port, rnd);
  await proxy.start();
  for (let i = 0; i < TERMINALS; i++) {
    const id = `TLINK0${i}`;
    const keys = newKeyHex();
    await enrolCore({ issuerUrl: sim.url, terminalId: id, ...keys });
    const core = await bootCore({
      dataDir: path.join(dir, id),
      terminalId: id,
      issuerUrl: proxy.url,
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
  await proxy?.close();
  await sim?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('link faults between terminal and issuer', () => {
  it(
    `${TOTAL} sales through latency, drops, resets, blackholes and outages reconcile exactly`,
    { timeout: 600_000 },
    async () => {
      let started = 0;
      const final = { approved: 0, offline: 0, declined: 0, other: 0 };
      // Phases: storms of faults, then an outage (refused: offline approvals), then back.
      const phase = async () => {
        for (;;) {
          if (started >= TOTAL) return;
          proxy.mix = STORM;
          await until(() => started % 700 > 550 || started >= TOTAL);
          if (started >= TOTAL) return;
          await proxy.setDown(true);
          await until(() => started % 700 < 100 || started >= TOTAL);
          await proxy.setDown(false);
        }
      };
      const worker = async (t: (typeof terms)[number]) => {
        // Each terminal sees every card online once, so it may approve them offline later.
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
          else if (r.status === 'declined') final.declined++;
          else final.other++;
          if (rnd() < 0.05) void t.core.forwarder.tick();
          if (rnd() < 0.03) await t.core.jobs.drain('reversal');
        }
      };
      await Promise.all([phase(), ...terms.map(worker)]);
      expect(final.other).toBe(0); // every sale answered with a final state
      expect(final.approved + final.offline + final.declined).toBe(TOTAL);

      // The link comes back for good: every terminal settles what it owes.
      proxy.mix = NO_FAULTS;
      await proxy.setDown(false);
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
