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
import os from 'node:os';
import path from 'node:path';
import { startIssuerSim, type IssuerSim } from '../../src/issuer-sim/server';
import { startIso8583Sim, type Iso8583Sim } from '../../src/issuer-sim/iso8583/server';
import { KEYSETS } from '../../src/main/issuer/iso8583/keysets';
import { storeTmk } from '../../src/main/issuer/iso8583/tmk';
import { fromHex, toHex } from '../../src/shared/crypto';
import { bootCore, enrolCore, newKeyHex, keysFromHex, type Core } from './core';
import { LinkFaultProxy, NO_FAULTS, type FaultMix } from './link-proxy';
import { reconcileIso } from './reconcile-iso';

const TOTAL = Number(process.env.ISO_LINK_FAULT_TXNS ?? 2000);
const TERMINALS = 4;
const PANS = Array.from({ length: 8 }, (_, i) => `88880200000030${String(i).padStart(2, '0')}`);
const TMK_HEX = '00112233445566778899AABBCCDDEEFF';
const KS = KEYSETS['3des'];
const STORM: FaultMix = {
  drop: 0.02,
  resetMidResponse: 0.02,
  blackhole: 0.006,
  latency: 0.2,
  latencyMs: [1, 40],
};

let dir: string;
let sim: IssuerSim;
let iso: Iso8583Sim;
let proxy: LinkFaultProxy;
const terms: Array<{ id: string; keys: ReturnType<typeof newKeyHex>; core: Core }> = [];
let seed = 0x1508;
const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-isofault-'));
  sim = await startIssuerSim({ dataDir: path.join(dir, 'issuer'), enrolToken: 'demo-enrol-token' });
  sim.ledger.db.pragma('synchronous = NORMAL'); // the link is under test, not power loss
  for (const pan of PANS)
    sim.ledger.upsertCard({ pan, status: 'active', balanceFen: 1_000_000_000, expiry: '3012' });
  iso = await startIso8583Sim({ ledger: sim.ledger, keySet: KS, tmk: fromHex(TMK_HEX.toLowerCase()) });
  proxy = new LinkFaultProxy(iso.port, rnd);
  await proxy.start();
  const check = toHex(KS.pikCheck(fromHex(TMK_HEX.toLowerCase()))).toUpperCase();
  for (let i = 0; i < TERMINALS; i++) {
    const id = `TISOF0${i}`;
    const keys = newKeyHex();
    const dataDir = path.join(dir, id);
    // The JSON home issuer enrols the terminal (receipt key); sales go to the ISO entry.
    await enrolCore({ issuerUrl: sim.url, terminalId: id, ...keys });
    storeTmk(dataDir, fromHex(keys.dataKeyHex), 'cup', KS, TMK_HEX, check);
    const core = await bootCore({
      dataDir,
      terminalId: id,
      issuerUrl: sim.url,
      issuerPublicKeyHex: sim.publicKeyHex,
      ...keys,
      crypto: 'production',
      timeoutMs: 300,
      attempts: 2,
      moreIssuers: [
        {
          id: 'cup',
          name: 'CUP host behind the faulty proxy',
          protocol: 'iso8583-cup',
          url: `tcp://127.0.0.1:${proxy.port}`,
          iso8583: { keySet: '3des', tmkCheck: check },
          attempts: 2,
          timeoutMs: 300,
          cardRanges: ['888802'],
          // This test proves the online path (0200 / 0400 until answered); offline approval over
          // ISO (0220 advices) is test/integration/iso8583-forward.test.ts. A floor of 0 makes
          // every offline decision a decline, so each sale here ends online-approved or declined.
          offline: { floorLimitFen: 0 },
        },
      ],
    });
    core.db.pragma('synchronous = NORMAL');
    terms.push({ id, keys, core });
  }
}, 60_000);

afterAll(async () => {
  for (const t of terms) await t.core.close();
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
      let started = 0;
      const final = { approved: 0, declined: 0, other: 0 };
      const phase = async () => {
        for (;;) {
          if (started >= TOTAL) return;
          proxy.mix = STORM;
          await until(() => started % 500 > 420 || started >= TOTAL);
          if (started >= TOTAL) return;
          await proxy.setDown(true);
          await until(() => started % 500 < 40 || started >= TOTAL);
          await proxy.setDown(false);
        }
      };
      const worker = async (t: (typeof terms)[number]) => {
        while (started < TOTAL) {
          started++;
          const pan = PANS[Math.floor(rnd() * PANS.length)];
          const token = t.core.terminal.present({ pan, entryMode: 'swipe', expiry: '3012' }).cardToken;
          const r = await t.core.terminal.sale({ cardToken: token, amountFen: 1 + Math.floor(rnd() * 5000) });
          if (r.status === 'approved' && !r.offline) final.approved++;
          else if (r.status === 'declined') final.declined++;
          else final.other++;
          if (rnd() < 0.03) await t.core.jobs.drain('reversal');
        }
      };
      await Promise.all([phase(), ...terms.map(worker)]);
      expect(final.other).toBe(0); // every sale final, none offline (the ISO entry's floor is 0)
      expect(final.approved + final.declined).toBe(TOTAL);

      // The link comes back for good: every terminal's 0400s go until answered.
      proxy.mix = NO_FAULTS;
      await proxy.setDown(false);
      for (const t of terms)
        for (let i = 0; i < 100; i++) if ((await t.core.jobs.drain('reversal')) === 0) break;
      const reports = terms.map((t) => ({
        id: t.id,
        ...reconcileIso(
          t.core.db,
          sim.ledger,
          t.id,
          keysFromHex(t.keys.privateKeyHex, t.keys.dataKeyHex, 'production'),
        ),
      }));
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
