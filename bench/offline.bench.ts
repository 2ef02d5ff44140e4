/**
 * Store-and-forward benchmarks (issue 4), every figure against a reference measured in the same run:
 *
 * 1. Durable enqueue rate of offline approvals: each approval is ONE SQLite transaction (txns row
 *    final + SM2-signed journal record + queue row) in WAL with synchronous=FULL. Reference: the
 *    very same code with synchronous=OFF (no fsync — not durable). The ratio says what durability
 *    costs (< 1 = slower than the unsafe reference).
 * 2. Draining 10,000 queued advices to the issuer-sim over loopback HTTP: batched (the forwarder's
 *    default batch of 100, one signed request and one issuer transaction per batch) against one
 *    request per advice (batchSize 1: every advice its own signed request, issuer transaction and
 *    terminal commit). The reference drains 1,000 advices (10,000 would take minutes) and is
 *    compared as a rate; the batched drain's whole wall time is reported too.
 *
 *   npm run bench -- offline
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startIssuerSim, type IssuerSim } from '../src/issuer-sim/server';
import { takeStan } from '../src/main/store/terminal-db';
import { bootCore, enrolCore, newKeyHex, type Core } from '../test/fault/core';
import type { BenchRow } from './run';

const PAN = '8888010000009019';

async function terminal(sim: IssuerSim, dir: string, id: string, batchSize: number): Promise<Core> {
  const keys = newKeyHex();
  await enrolCore({ issuerUrl: sim.url, terminalId: id, ...keys });
  return bootCore({
    dataDir: path.join(dir, id),
    terminalId: id,
    issuerUrl: sim.url,
    issuerPublicKeyHex: sim.publicKeyHex,
    ...keys,
    crypto: 'production',
    timeoutMs: 30_000,
    attempts: 1,
    offline: {
      batchSize,
      totalLimitFen: 9_000_000_000,
      perCardDailyCount: 10_000_000,
      perCardDailyFen: 9_000_000_000,
      velocityCount: 10_000_000,
    },
  });
}

/** `n` offline approvals the way the terminal makes them: pending row, then one commit of final + journal + queue. */
function approveOffline(core: Core, n: number): void {
  const cardKey = core.offline.cardKey(PAN);
  for (let i = 0; i < n; i++) {
    const { stan, request } = core.store.createPending({
      type: 'sale',
      amountFen: 100,
      otherTenderFen: 0,
      masked: '888801******9019',
      pan: PAN,
      entryMode: 'swipe',
      buildRequest: (s) => ({ type: 'authorize', stan: s, time: new Date().toISOString() }),
    });
    core.db.transaction(() => {
      core.store.finalize(stan, { status: 'approved', offline: true });
      core.offline.enqueue(
        {
          stan,
          time: String(request.time),
          card: { pan: PAN, entryMode: 'swipe' },
          amountFen: 100,
          otherTenderFen: 0,
        },
        cardKey,
        undefined,
      );
    })();
  }
}

/** Fills the queue quickly (one transaction) — the drain is what is measured. */
function seedQueue(core: Core, n: number): void {
  const cardKey = core.offline.cardKey(PAN);
  const t = new Date().toISOString();
  core.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const stan = takeStan(core.db);
      core.offline.enqueue(
        { stan, time: t, card: { pan: PAN, entryMode: 'swipe' }, amountFen: 1, otherTenderFen: 0 },
        cardKey,
        undefined,
      );
    }
  })();
}

async function drainSeconds(core: Core): Promise<number> {
  const t0 = performance.now();
  const r = await core.forwarder.drain();
  const s = (performance.now() - t0) / 1000;
  if (core.offline.openCount() !== 0 || r.rejected) throw new Error(`drain incomplete: ${JSON.stringify(r)}`);
  return s;
}

export async function run(): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-bench-offline-'));
  const sim = await startIssuerSim({
    dataDir: path.join(dir, 'issuer'),
    enrolToken: 'demo-enrol-token',
    log: () => {},
  });
  sim.ledger.upsertCard({ pan: PAN, status: 'active', balanceFen: 9_000_000_000, expiry: '3012' });
  const rows: BenchRow[] = [];
  try {
    // 1. durable enqueue
    const N = 1000;
    const durable = await terminal(sim, dir, 'TBENCH01', 100);
    const unsafe = await terminal(sim, dir, 'TBENCH02', 100);
    unsafe.db.pragma('synchronous = OFF');
    approveOffline(durable, 50); // warm-up (SM2 tables, statement cache)
    approveOffline(unsafe, 50);
    let t0 = performance.now();
    approveOffline(durable, N);
    const durableRate = N / ((performance.now() - t0) / 1000);
    t0 = performance.now();
    approveOffline(unsafe, N);
    const unsafeRate = N / ((performance.now() - t0) / 1000);
    rows.push({
      name: 'offline approval (pending commit + final commit)',
      ours: durableRate,
      reference: unsafeRate,
      unit: 'approvals/s',
      ratio: durableRate / unsafeRate,
      note: 'final commit = txns row + signed journal record + queue row; ours: WAL + synchronous=FULL; reference: same code with synchronous=OFF (not durable)',
    });
    await durable.close();
    await unsafe.close();

    // 2. drain 10,000 advices
    const batched = await terminal(sim, dir, 'TBENCH03', 100);
    const single = await terminal(sim, dir, 'TBENCH04', 1);
    seedQueue(batched, 10_000);
    seedQueue(single, 1000);
    const batchedS = await drainSeconds(batched);
    const singleS = await drainSeconds(single);
    const batchedRate = 10_000 / batchedS;
    const singleRate = 1000 / singleS;
    rows.push({
      name: 'drain advices to issuer (loopback HTTP)',
      ours: batchedRate,
      reference: singleRate,
      unit: 'advices/s',
      ratio: batchedRate / singleRate,
      note: `batched ×100: 10,000 in ${batchedS.toFixed(2)} s; reference: one request per advice, 1,000 in ${singleS.toFixed(2)} s`,
    });
    rows.push({
      name: 'whole batched drain of 10,000 advices',
      ours: batchedS,
      reference: 10,
      unit: 's',
      ratio: 10 / batchedS,
      note: 'reference = the 10 s target',
    });
    await batched.close();
    await single.close();
  } finally {
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await run()) console.log(r);
}
