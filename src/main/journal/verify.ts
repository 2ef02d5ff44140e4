/**
 * Journal verification (DESIGN.md promise 5): every record's SM2 signature with the public key of
 * the key version it names, the SM3 chain (hash = SM3(prevHash ‖ signedBytes), prevHash = the
 * previous record's hash), the sequence (no gap = nothing deleted), and that each row's columns
 * say what its signed body says (a swapped or renumbered row is found).
 *
 * `verifyJournal` is single-threaded and synchronous (works anywhere, including Electron's main
 * bundle); `verifyJournalParallel` (./verify-parallel.ts) spreads the signatures over
 * worker_threads and falls back to this one. Both return the FIRST bad record.
 *
 * Limits, stated plainly: removing records from the END leaves a valid shorter chain, and the
 * `txns` rows are not looked at here. The head kept outside the database (./head-check.ts,
 * `journal verify --head`) catches the first; ./row-record.ts the second. `head` below holds the
 * chain to a known (seq, hash).
 */
import type { Db } from '../store/sqlite';
import { canonicalize } from '../../shared/canonical-json';
import { sm2Verifier } from '../crypto';
import { chainHash, GENESIS_HASH, type JournalBody, type JournalRow } from './journal';

/** What is wrong with the first bad record. */
export type JournalFault =
  /** the signature does not verify, or a column differs from the signed body */
  | 'signature'
  /** the SM3 chain is broken: prevHash is not the previous record's hash, or hash is not recomputable */
  | 'chain'
  /** a sequence number is missing: a record was deleted */
  | 'gap'
  /** a row carries another record's body: records were swapped or renumbered */
  | 'order'
  /** the body is not canonical JSON of a journal record */
  | 'malformed';

export type JournalVerifyResult =
  | { ok: true; count: number }
  | { ok: false; count: number; firstBad: { seq: number; reason: JournalFault; detail: string } };

export interface Checkpoint {
  seq: number;
  hash: string;
}

export interface VerifyJournalOptions {
  /** Start after this already-verified record (its hash is re-read and compared). */
  since?: Checkpoint;
  /** The journal must end exactly here (catches truncation of the tail). */
  head?: Checkpoint;
}

/** Public keys by key version, or the terminal's keys (which also cache verifier tables). */
export type JournalKeys =
  | Map<number, Uint8Array>
  | {
      publicKeys: Map<number, Uint8Array>;
      verifierFor?(keyVersion: number): { verify(msg: Uint8Array, sig: Uint8Array): boolean } | undefined;
    };

export type VerifyFn = (keyVersion: number, msg: Uint8Array, sig: Uint8Array) => boolean;

export function keyMap(keys: JournalKeys): Map<number, Uint8Array> {
  return keys instanceof Map ? keys : keys.publicKeys;
}

/** One verifier per key version, built on first use (each builds a ~60 ms comb table). */
export function verifierCache(keys: JournalKeys): VerifyFn {
  const map = keyMap(keys);
  const own = new Map<number, { verify(m: Uint8Array, s: Uint8Array): boolean } | null>();
  return (v, msg, sig) => {
    let ver = own.get(v);
    if (ver === undefined) {
      const fromKeys = keys instanceof Map ? undefined : keys.verifierFor?.(v);
      const pub = map.get(v);
      ver = fromKeys ?? (pub ? sm2Verifier(pub) : null);
      own.set(v, ver);
    }
    return ver !== null && ver.verify(msg, sig);
  };
}

export interface PreparedRecord {
  seq: number;
  keyVersion: number;
  bytes: Uint8Array;
  sig: Uint8Array;
}

export interface Prepared {
  count: number;
  /** Records whose signatures are to be checked, in order: all of them up to the first fault (and the faulty one when only its hash is off). */
  records: PreparedRecord[];
  /** The first structural or chain fault, if any (signatures of `records` still to check). */
  fault?: { seq: number; reason: JournalFault; detail: string };
}

const enc = new TextEncoder();

type Row = Pick<
  JournalRow,
  'seq' | 'stan' | 'type' | 'body' | 'prev_hash' | 'hash' | 'sig' | 'key_version' | 'created_at'
>;

/**
 * Everything except signatures, in one ordered pass: sequence, body vs columns, chain. Cheap
 * (JSON + one SM3 per record), so it runs on the calling thread.
 */
export function prepareJournal(db: Db, opts: VerifyJournalOptions = {}): Prepared {
  let prevHash = GENESIS_HASH;
  let expected = 1;
  if (opts.since && opts.since.seq > 0) {
    const row = db.prepare('SELECT hash FROM journal WHERE seq = ?').get(opts.since.seq) as
      { hash: string } | undefined;
    if (!row)
      return {
        count: 0,
        records: [],
        fault: {
          seq: opts.since.seq,
          reason: 'gap',
          detail: `checkpoint record ${opts.since.seq} is missing`,
        },
      };
    if (row.hash !== opts.since.hash)
      return {
        count: 0,
        records: [],
        fault: {
          seq: opts.since.seq,
          reason: 'chain',
          detail: `checkpoint record ${opts.since.seq} has changed`,
        },
      };
    prevHash = opts.since.hash;
    expected = opts.since.seq + 1;
  }
  const records: PreparedRecord[] = [];
  let count = 0;
  const iter = db
    .prepare(
      'SELECT seq, stan, type, body, prev_hash, hash, sig, key_version, created_at FROM journal WHERE seq >= ? ORDER BY seq',
    )
    .iterate(expected) as IterableIterator<Row>;
  const done = (fault?: Prepared['fault']): Prepared => ({ count, records, ...(fault ? { fault } : {}) });
  for (const r of iter) {
    count++;
    if (r.seq !== expected) {
      return done({
        seq: expected,
        reason: 'gap',
        detail:
          r.seq === expected + 1
            ? `record ${expected} is missing`
            : `records ${expected}–${r.seq - 1} are missing`,
      });
    }
    let body: JournalBody;
    try {
      body = JSON.parse(r.body) as JournalBody;
      if (typeof body !== 'object' || body === null || canonicalize(body) !== r.body)
        throw new Error('not canonical');
    } catch {
      return done({ seq: r.seq, reason: 'malformed', detail: 'body is not canonical JSON' });
    }
    if (body.seq !== r.seq) {
      return done({
        seq: r.seq,
        reason: 'order',
        detail: `row ${r.seq} holds the signed record ${String(body.seq)} (records swapped or renumbered)`,
      });
    }
    const columns: Array<[string, unknown, unknown]> = [
      ['stan', r.stan, body.stan],
      ['type', r.type, body.type],
      ['key_version', r.key_version, body.keyVersion],
      ['prev_hash', r.prev_hash, body.prevHash],
      ['created_at', r.created_at, body.time],
    ];
    const differs = columns.find(([, col, signed]) => col !== signed);
    if (differs)
      return done({
        seq: r.seq,
        reason: 'signature',
        detail: `column ${differs[0]} differs from the signed record`,
      });
    if (body.prevHash !== prevHash)
      return done({ seq: r.seq, reason: 'chain', detail: 'prevHash is not the previous record’s hash' });
    const bytes = enc.encode(r.body);
    const rec = { seq: r.seq, keyVersion: r.key_version, bytes, sig: new Uint8Array(r.sig) };
    records.push(rec);
    // Still signature-checked: if the body was edited, "signature" is the better answer.
    if (chainHash(prevHash, bytes) !== r.hash)
      return done({ seq: r.seq, reason: 'chain', detail: 'hash does not match SM3(prevHash ‖ record)' });
    prevHash = r.hash;
    expected++;
  }
  if (opts.head && (opts.head.seq !== expected - 1 || opts.head.hash !== prevHash)) {
    return done({
      seq: Math.min(opts.head.seq, expected),
      reason: 'gap',
      detail: `journal does not end at the expected record ${opts.head.seq}`,
    });
  }
  return done();
}

/** Combines the structural pass with the first bad signature (lowest seq wins). */
export function finish(
  p: Prepared,
  firstBadSig: { seq: number; detail: string } | undefined,
): JournalVerifyResult {
  const sigFault = firstBadSig
    ? { seq: firstBadSig.seq, reason: 'signature' as const, detail: firstBadSig.detail }
    : undefined;
  const fault = sigFault && (!p.fault || sigFault.seq <= p.fault.seq) ? sigFault : p.fault;
  return fault ? { ok: false, count: p.count, firstBad: fault } : { ok: true, count: p.count };
}

export function firstBadSignature(
  records: readonly PreparedRecord[],
  verify: VerifyFn,
  keys?: Map<number, Uint8Array>,
): { seq: number; detail: string } | undefined {
  for (const r of records) {
    if (keys && !keys.has(r.keyVersion))
      return { seq: r.seq, detail: `no public key for key version ${r.keyVersion}` };
    if (!verify(r.keyVersion, r.bytes, r.sig))
      return { seq: r.seq, detail: `SM2 signature (key v${r.keyVersion}) does not verify` };
  }
  return undefined;
}

/** Verifies the whole journal (or from `since`) on this thread. */
export function verifyJournal(
  db: Db,
  keys: JournalKeys,
  opts: VerifyJournalOptions = {},
): JournalVerifyResult {
  const p = prepareJournal(db, opts);
  return finish(p, firstBadSignature(p.records, verifierCache(keys), keyMap(keys)));
}
