/**
 * The failover rules under a storm, over ISO 8583 (docs/issuer-protocol.md "Failover rules"):
 * terminals whose `iso8583-cup` entry has a primary and a backup host — the simulator's ISO face
 * and a backup face on the same ledger with its own sign-on sessions (so its own working keys),
 * each behind its own faulty loopback proxy — sell through phases: both up, primary down (the
 * backup signs on and takes over), both down, primary back with the backup down, both up again.
 * Afterwards each terminal's journal and the host's ledger reconcile exactly (reconcile-iso.ts):
 * no sale debited twice by failing over, none lost, every lost answer reversed by a 0400 sent to
 * the host its 0200 went to until answered.
 *
 * ISO_FAILOVER_FAULT_TXNS sales (300 by default; the ISO link-fault test already runs 2,000 over
 * one host). The entry's offline floor is 0, as in iso-link-faults.test.ts: this proves the
 * 0200 / 0400 path; offline over ISO (0220) is iso8583-forward and iso8583-failover.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import type { IssuerSim } from '../../src/issuer-sim/server';
import type { Iso8583Sim, Iso8583SimFace } from '../../src/issuer-sim/iso8583/server';
import { storeTmk } from '../../src/main/issuer/iso8583/tmk';
import { fromHex } from '../../src/shared/crypto';
import { LinkFaultProxy, NO_FAULTS, type FaultMix } from './link-proxy';
import { reconcileIso } from './reconcile-iso';
import {
  ISO_KEYSET,
  STORM as LINK_STORM,
  TMK_HEX,
  bootFaultTerminals,
  closeTerminals,
  expectReversalsOnTheirHosts,
  failoverPhases,
  cupEntry,
  faultDir,
  reconcileTerminals,
  seedActiveCards,
  seededRandom,
  sellRandom,
  settleTerminals,
  startFaultSim,
  startIsoFace,
  type FaultTerminal,
} from './harness';

const TOTAL = Number(process.env.ISO_FAILOVER_FAULT_TXNS ?? 300);
const TERMINALS = 2;
const PANS = Array.from({ length: 8 }, (_, i) => `88880200000040${String(i).padStart(2, '0')}`);
const STORM: FaultMix = { ...LINK_STORM, resetMidResponse: 0.03, latencyMs: [1, 30] };

let dir: string;
let sim: IssuerSim;
let iso: Iso8583Sim;
let isoBackup: Iso8583SimFace;
let primary: LinkFaultProxy;
let backup: LinkFaultProxy;
const terms: FaultTerminal[] = [];
const rnd = seededRandom(0x150f);

beforeAll(async () => {
  dir = faultDir('cardtill-isofailover-');
  sim = await startFaultSim(dir, { linkOnly: true });
  seedActiveCards(sim, PANS);
  const face = await startIsoFace(sim);
  iso = face.iso;
  isoBackup = await iso.addFace();
  primary = new LinkFaultProxy(iso.port, rnd);
  backup = new LinkFaultProxy(isoBackup.port, rnd);
  await primary.start();
  await backup.start();
  await bootFaultTerminals(terms, {
    count: TERMINALS,
    idPrefix: 'TISFO0',
    dir,
    sim,
    prepare: (dataDir, keys) =>
      storeTmk(dataDir, fromHex(keys.dataKeyHex), 'cup', ISO_KEYSET, TMK_HEX, face.check),
    spec: {
      issuerUrl: sim.url,
      moreIssuers: [
        cupEntry(primary.port, face.check, {
          name: 'CUP host + backup, faulty proxies',
          backupUrl: `tcp://127.0.0.1:${backup.port}`,
          timeoutMs: 300,
          offline: { floorLimitFen: 0 },
        }),
      ],
    },
  });
}, 60_000);

afterAll(async () => {
  await closeTerminals(terms);
  await primary?.close();
  await backup?.close();
  await iso?.close();
  await sim?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('ISO 8583 failover under link faults', () => {
  it(
    `${TOTAL} ISO sales through storms and outages of the primary, the backup and both reconcile exactly`,
    { timeout: 600_000 },
    async () => {
      const run = { started: 0, total: TOTAL };
      const final = { approved: 0, declined: 0, other: 0 };
      const codes: Record<string, number> = {};
      const phase = () =>
        failoverPhases({
          primary,
          backup,
          storm: STORM,
          run,
          period: 150,
          at: { primaryDown: 30, bothDown: 80, primaryBack: 95, bothUp: 125 },
        });
      const worker = (t: FaultTerminal) =>
        sellRandom(t, run, {
          pans: PANS,
          rnd,
          drainRate: 0.05,
          onAnswer: (r) => {
            if (r.status === 'approved' && !r.offline) final.approved++;
            else if (r.status === 'declined') {
              final.declined++;
              codes[r.declineCode ?? '?'] = (codes[r.declineCode ?? '?'] ?? 0) + 1;
            } else final.other++;
          },
        });
      await Promise.all([phase(), ...terms.map(worker)]);
      expect(final.other).toBe(0);
      expect(final.approved + final.declined).toBe(TOTAL);

      primary.mix = backup.mix = NO_FAULTS;
      await primary.setDown(false);
      await backup.setDown(false);
      await settleTerminals(terms, { forward: false });
      const reports = reconcileTerminals(terms, (db, id, keys) => reconcileIso(db, sim.ledger, id, keys));
      for (const r of reports) expect(r.problems, r.id).toEqual([]);
      const sum = (k: 'approvals' | 'reversalsSent') => reports.reduce((a, r) => a + r[k], 0);
      const byEndpoint = (t: FaultTerminal) =>
        t.core.db
          .prepare(
            "SELECT endpoint, COUNT(*) AS n FROM txns WHERE type = 'sale' AND status = 'approved' AND issuer_id = 'cup' GROUP BY endpoint ORDER BY endpoint",
          )
          .all() as Array<{ endpoint: string; n: number }>;
      const endpoints = terms.map(byEndpoint);
      console.log(
        `iso failover faults: ${TOTAL} sales on ${TERMINALS} terminals — ${final.approved} approved, ${final.declined} declined ${JSON.stringify(codes)}; ` +
          `${sum('reversalsSent')} reversals (0400); approved by endpoint ${JSON.stringify(endpoints)}; ` +
          `proxies ${JSON.stringify(primary.stats)} ${JSON.stringify(backup.stats)}`,
      );
      expect(sum('approvals')).toBe(final.approved);
      expectReversalsOnTheirHosts(terms);
      // Both hosts approved sales (each under its own working keys), and answers were lost.
      const approvedOn = (role: string) =>
        endpoints.flat().reduce((a, e) => a + (e.endpoint === role ? e.n : 0), 0);
      expect(approvedOn('primary')).toBeGreaterThan(0);
      expect(approvedOn('backup')).toBeGreaterThan(0);
      expect(sum('reversalsSent')).toBeGreaterThan(0);
    },
  );
});
