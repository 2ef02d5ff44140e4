/**
 * Body of a journal-verification worker: builds the generator table and the comb tables of the
 * key versions it is given, then checks batches of signatures and answers with the first bad one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { sm2Warmup } from '../crypto';
import { firstBadSignature, verifierCache, type PreparedRecord } from './verify';

const keys = new Map<number, Uint8Array>((workerData as { keys: Array<[number, Uint8Array]> }).keys);
const verify = verifierCache(keys);
sm2Warmup();
// Build every key's table now, while the main thread walks the chain.
for (const v of keys.keys()) verify(v, new Uint8Array(0), new Uint8Array(0));
parentPort!.postMessage({ ready: true });
parentPort!.on('message', (m: { id: number; records: PreparedRecord[] }) => {
  parentPort!.postMessage({ id: m.id, bad: firstBadSignature(m.records, verify, keys) });
});
