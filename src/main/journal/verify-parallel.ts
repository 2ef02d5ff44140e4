/**
 * Journal verification on several cores: the calling thread does the cheap ordered pass
 * (sequence, body vs columns, SM3 chain — ./verify.ts prepareJournal) while worker_threads, each
 * with its own precomputed comb tables for G and the terminal's public keys, check the SM2
 * signatures in batches. Same result as verifyJournal(), just faster on long journals.
 *
 * The worker runs TypeScript through tsx (./verify-worker.mjs registers it). Where that file or
 * tsx is not there — Electron's bundled main process — or a worker fails, the remaining batches
 * are checked on this thread: never a different answer, only a slower one.
 */
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Db } from '../store/sqlite';
import {
  finish,
  firstBadSignature,
  keyMap,
  prepareJournal,
  verifierCache,
  type JournalKeys,
  type JournalVerifyResult,
  type PreparedRecord,
  type VerifyJournalOptions,
} from './verify';

export interface ParallelOptions extends VerifyJournalOptions {
  /** Worker threads (default: available cores − 1, at least 1, at most 4). 0 = this thread only. */
  workers?: number;
  /**
   * Whether the calling thread checks batches too (default true: on 2 cores, 1 worker + this
   * thread beats 2 workers, whose start-up ~0.5 s each is paid on the same cores). It yields
   * between batches (~100 records, a few tens of ms), so a UI process stays responsive.
   */
  callingThread?: boolean;
  /** Below this many records, workers cost more than they save (start-up ~0.3 s each). */
  minRecords?: number;
  /** Records per batch sent to a worker. */
  batch?: number;
}

function workerEntry(): string | undefined {
  try {
    const file = fileURLToPath(new URL('./verify-worker.mjs', import.meta.url));
    return fs.existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies the journal using worker threads for the signatures; the first bad record wins. */
export async function verifyJournalParallel(
  db: Db,
  keys: JournalKeys,
  opts: ParallelOptions = {},
): Promise<JournalVerifyResult> {
  const total = (db.prepare('SELECT count(*) AS n FROM journal').get() as { n: number }).n;
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const nWorkers = opts.workers ?? Math.max(1, Math.min(4, cores - 1));
  const callingThread = opts.callingThread ?? true;
  const entry = workerEntry();
  const map = keyMap(keys);
  if (!entry || nWorkers < 1 || total < (opts.minRecords ?? 1500)) {
    const p = prepareJournal(db, opts);
    return finish(p, firstBadSignature(p.records, verifierCache(keys), map));
  }
  // Start the workers first: their table building overlaps the chain walk below.
  const workers = Array.from(
    { length: nWorkers },
    () => new Worker(entry, { workerData: { keys: [...map.entries()] } }),
  );
  try {
    const ready = workers.map(
      (w) =>
        new Promise<Worker | undefined>((resolve) => {
          w.once('message', () => resolve(w));
          w.once('error', () => resolve(undefined));
          w.once('exit', () => resolve(undefined));
        }),
    );
    const p = prepareJournal(db, opts);
    const batch = opts.batch ?? 100;
    const chunks: PreparedRecord[][] = [];
    for (let i = 0; i < p.records.length; i += batch) chunks.push(p.records.slice(i, i + batch));
    let best: { seq: number; detail: string } | undefined;
    let next = 0;
    const takeChunk = (): PreparedRecord[] | undefined => {
      // Batches entirely after a known bad record cannot change the answer.
      while (next < chunks.length && best && chunks[next]![0]!.seq > best.seq) next++;
      return next < chunks.length ? chunks[next++] : undefined;
    };
    const note = (bad: { seq: number; detail: string } | undefined) => {
      if (bad && (!best || bad.seq < best.seq)) best = bad;
    };
    const fallback = verifierCache(keys);
    const drive = async (w: Worker | undefined): Promise<void> => {
      for (let chunk = takeChunk(); chunk; chunk = takeChunk()) {
        if (!w) {
          note(firstBadSignature(chunk, fallback, map));
          continue;
        }
        const c = chunk;
        const wk = w;
        const bad = await new Promise<{ seq: number; detail: string } | undefined | 'failed'>((resolve) => {
          const onMsg = (m: { bad?: { seq: number; detail: string } }) => done(m.bad);
          const onFail = () => done('failed');
          const done = (v: { seq: number; detail: string } | undefined | 'failed') => {
            wk.off('message', onMsg);
            wk.off('error', onFail);
            wk.off('exit', onFail);
            resolve(v);
          };
          wk.on('message', onMsg);
          wk.on('error', onFail);
          wk.on('exit', onFail);
          wk.postMessage({ id: 0, records: c });
        });
        if (bad === 'failed') {
          note(firstBadSignature(c, fallback, map));
          w = undefined;
        } else note(bad);
      }
    };
    // This thread: small batches from the same queue, yielding so worker answers are taken in.
    const driveHere = async (): Promise<void> => {
      for (let chunk = takeChunk(); chunk; chunk = takeChunk()) {
        note(firstBadSignature(chunk, fallback, map));
        await new Promise<void>((r) => setImmediate(r));
      }
    };
    await Promise.all([...ready.map(async (r) => drive(await r)), ...(callingThread ? [driveHere()] : [])]);
    return finish(p, best);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
