/**
 * Journal verification rate (what shift close and `cardtill journal verify` pay): 10,000 real
 * records (signed, chained, two key versions) verified end to end — sequence, columns, SM3 chain,
 * every SM2 signature — with worker threads on every core, against the same on one thread and
 * against a verifier built on sm-crypto (the pure-JS reference; measured on a 300-record prefix,
 * it would take minutes for all 10,000).
 *
 *   node --import tsx bench/journal.bench.ts
 */
import { pathToFileURL } from 'node:url';
import os from 'node:os';
import smCrypto from 'sm-crypto';
import { makeJournalFixture } from '../test/helpers/journal-fixture';
import { verifyJournal, prepareJournal } from '../src/main/journal/verify';
import { verifyJournalParallel } from '../src/main/journal/verify-parallel';
import { sm2Warmup, toHex } from '../src/main/crypto/index';
import type { BenchRow } from './run';

const N = 10_000;

const row = (name: string, ours: number, reference: number, note: string): BenchRow => ({
  name,
  ours: Number(ours.toPrecision(4)),
  reference: Number(reference.toPrecision(4)),
  unit: 'records/s',
  ratio: Number((ours / reference).toFixed(2)),
  note,
});

async function timed<T>(fn: () => T | Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, (performance.now() - t0) / 1000];
}

export async function run(): Promise<BenchRow[]> {
  sm2Warmup();
  const f = makeJournalFixture(N, { rotateAt: 4000 });
  try {
    // Best of two for each, alternating, so a burst of load on the shared box hits both.
    let par = 0;
    let single = 0;
    for (let i = 0; i < 2; i++) {
      const [rp, tp] = await timed(() => verifyJournalParallel(f.db, f.keys.publicKeys));
      const [rs, ts] = await timed(() => verifyJournal(f.db, f.keys.publicKeys));
      if (!rp.ok || !rs.ok) throw new Error('fixture journal does not verify');
      par = Math.max(par, N / tp);
      single = Math.max(single, N / ts);
    }
    // sm-crypto reference: the same ordered pass (ours: it is cheap) + sm-crypto signatures.
    const SAMPLE = 300;
    const pubHex = new Map([...f.keys.publicKeys].map(([v, k]) => [v, toHex(k)]));
    const [, tr] = await timed(() => {
      const p = prepareJournal(f.db);
      for (const r of p.records.slice(0, SAMPLE)) {
        const ok = smCrypto.sm2.doVerifySignature(
          Array.from(r.bytes),
          toHex(r.sig),
          pubHex.get(r.keyVersion)!,
          { hash: true, der: true },
        );
        if (!ok) throw new Error('sm-crypto rejects a journal signature');
      }
    });
    // Reference seconds per record = the ordered pass's share + one sm-crypto verification.
    const [, tPrep] = await timed(() => prepareJournal(f.db));
    const ref = 1 / (tPrep / N + (tr - tPrep) / SAMPLE);
    const cores = os.availableParallelism?.() ?? os.cpus().length;
    const how = `${Math.max(1, Math.min(4, cores - 1))} worker(s) + calling thread`;
    return [
      row(
        `journal verify ${N.toLocaleString('en')}, ${how}`,
        par,
        single,
        'vs verifyJournal() on one thread (incl. worker start-up)',
      ),
      row(
        `journal verify ${N.toLocaleString('en')}, ${how}`,
        par,
        ref,
        `vs sm-crypto doVerifySignature (${SAMPLE}-record sample)`,
      ),
      row(
        `journal verify ${N.toLocaleString('en')}, one thread`,
        single,
        ref,
        `vs sm-crypto doVerifySignature (${SAMPLE}-record sample)`,
      ),
    ];
  } finally {
    f.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().then(
    (rows) => console.table(rows),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
