/**
 * The link-fault test with an ISO 8583 issuer behind the faulty proxy (issue 13): terminals whose
 * `iso8583-cup` entry reaches the simulator's ISO face only through the loopback proxy of
 * link-proxy.ts — latency, dropped connections, resets in the middle of an answer, blackholed
 * requests, outages. ≥2,000 sales (ISO_LINK_FAULT_TXNS) on the ISO cards: every one final, every
 * lost answer reversed by a 0400 sent until answered (never the 0200 again), and afterwards each
 * terminal's journal and the host's ledger reconcile exactly (reconcile-iso.ts).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import type { IssuerSim } from '../../src/issuer-sim/server';
import type { Iso8583Sim } from '../../src/issuer-sim/iso8583/server';
import { storeTmk } from '../../src/main/issuer/iso8583/tmk';
import { fromHex } from '../../src/shared/crypto';
import { LinkFaultProxy, NO_FAULTS } from './link-proxy';
import { reconcileIso } from './reconcile-iso';
import {
  ISO_KEYSET,
  STORM,
  TMK_HEX,
  bootFaultTerminals,
  closeTerminals,
  cupEntry,
  faultDir,
  reconcileTerminals,
  seedActiveCards,
  seededRandom,
  sellRandom,
  settleTerminals,
  startFaultSim,
  startIsoFace,
  until,
  type FaultTerminal,
} from './harness';

const TOTAL = Number(process.env.ISO_LINK_FAULT_TXNS ?? 2000);
const TERMINALS = 4;
const PANS = Array.from({ length: 8 }, (_, i) => `88880200000030${String(i).padStart(2, '0')}`);

let dir: string;
let sim: IssuerSim;
let iso: Iso8583Sim;
let proxy: LinkFaultProxy;
const terms: FaultTerminal[] = [];
const rnd = seededRandom(0x1508);

beforeAll(async () => {
  dir = faultDir('cardtill-isofault-');
  sim = await startFaultSim(dir, { linkOnly: true }); // the link is under test, not power loss
  seedActiveCards(sim, PANS);
  const face = await startIsoFace(sim);
  iso = face.iso;
  proxy = new LinkFaultProxy(iso.port, rnd);
  await proxy.start();
  await bootFaultTerminals(terms, {
    count: TERMINALS,
    idPrefix: 'TISOF0',
    dir,
    sim,
    // The JSON home issuer enrols the terminal (receipt key); sales go to the ISO entry.
    prepare: (dataDir, keys) =>
      storeTmk(dataDir, fromHex(keys.dataKeyHex), 'cup', ISO_KEYSET, TMK_HEX, face.check),
    spec: {
      issuerUrl: sim.url,
      moreIssuers: [
        cupEntry(proxy.port, face.check, {
          name: 'CUP host behind the faulty proxy',
          timeoutMs: 300,
          // This test proves the online path (0200 / 0400 until answered); offline approval over
          // ISO (0220 advices) is test/integration/iso8583-forward.test.ts. A floor of 0 makes
          // every offline decision a decline, so each sale here ends online-approved or declined.
          offline: { floorLimitFen: 0 },
        }),
      ],
    },
  });
}, 60_000);

afterAll(async () => {
  await closeTerminals(terms);
  await proxy?.close();
  await iso?.close();
  await sim?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('link faults between terminal and an ISO 8583 issuer', () => {
  it(
    `${TOTAL} ISO sales through latency, drops, resets, blackholes and outages reconcile exactly`,
    { timeout: 600_000 },
    async () => {
      const run = { started: 0, total: TOTAL };
      const final = { approved: 0, declined: 0, other: 0 };
      const phase = async () => {
        for (;;) {
          if (run.started >= TOTAL) return;
          proxy.mix = STORM;
          await until(() => run.started % 500 > 420 || run.started >= TOTAL);
          if (run.started >= TOTAL) return;
          await proxy.setDown(true);
          await until(() => run.started % 500 < 40 || run.started >= TOTAL);
          await proxy.setDown(false);
        }
      };
      const worker = (t: FaultTerminal) =>
        sellRandom(t, run, {
          pans: PANS,
          rnd,
          drainRate: 0.03,
          onAnswer: (r) => {
            if (r.status === 'approved' && !r.offline) final.approved++;
            else if (r.status === 'declined') final.declined++;
            else final.other++;
          },
        });
      await Promise.all([phase(), ...terms.map(worker)]);
      expect(final.other).toBe(0); // every sale final, none offline (the ISO entry's floor is 0)
      expect(final.approved + final.declined).toBe(TOTAL);

      // The link comes back for good: every terminal's 0400s go until answered.
      proxy.mix = NO_FAULTS;
      await proxy.setDown(false);
      await settleTerminals(terms, { forward: false });
      const reports = reconcileTerminals(terms, (db, id, keys) => reconcileIso(db, sim.ledger, id, keys));
      for (const r of reports) expect(r.problems, r.id).toEqual([]);
      const sum = (k: 'approvals' | 'declined' | 'reversalsSent') => reports.reduce((a, r) => a + r[k], 0);
      console.log(
        `iso link faults: ${TOTAL} sales on ${TERMINALS} terminals — ${final.approved} approved, ${final.declined} declined; ` +
          `${sum('reversalsSent')} reversals (0400) acknowledged; proxy ${JSON.stringify(proxy.stats)}`,
      );
      expect(sum('approvals')).toBe(final.approved);
      expect(sum('reversalsSent')).toBeGreaterThan(0);
      expect(proxy.stats.resetMidResponse + proxy.stats.blackhole + proxy.stats.drop).toBeGreaterThan(0);
    },
  );
});
