/**
 * Journal verification at shift close (DESIGN.md promise 5): every record after the last
 * verified checkpoint must link to its predecessor by SM3 (hash = SM3(prevHash ‖ body)), carry the
 * recomputed hash, and bear a valid SM2 signature of the terminal key version it names.
 *
 * Incremental by design: the previous closed shift stores the (seq, hash) it verified up to, so a
 * close checks only its own shift's records, not the whole history. The checkpoint itself is
 * re-read from the journal and compared, so a rewrite of older records is found at the boundary.
 * (src/main/journal/verify.ts did not exist when this was written; when it does, a full-chain
 * check belongs there and this stays the close-time incremental one.)
 */
import type { Db } from '../store/sqlite';
import type { JournalRow } from '../journal/journal';
import { chainHash, GENESIS_HASH } from '../journal/journal';

export interface JournalCheck {
  ok: boolean;
  /** Records verified in this run. */
  checked: number;
  lastSeq: number;
  lastHash: string;
  /** First problem found. */
  problem?: { seq: number; what: 'chain' | 'hash' | 'signature' | 'checkpoint' | 'body' };
}

export type VerifierFor = (
  keyVersion: number,
) => { verify(msg: Uint8Array, sig: Uint8Array): boolean } | undefined;

const enc = new TextEncoder();

export function verifyJournalSince(
  db: Db,
  verifierFor: VerifierFor,
  checkpoint?: { seq: number; hash: string },
): JournalCheck {
  let prevHash = GENESIS_HASH;
  let lastSeq = 0;
  if (checkpoint && checkpoint.seq > 0) {
    const row = db.prepare('SELECT hash FROM journal WHERE seq = ?').get(checkpoint.seq) as
      { hash: string } | undefined;
    if (!row || row.hash !== checkpoint.hash)
      return {
        ok: false,
        checked: 0,
        lastSeq: checkpoint.seq,
        lastHash: checkpoint.hash,
        problem: { seq: checkpoint.seq, what: 'checkpoint' },
      };
    prevHash = checkpoint.hash;
    lastSeq = checkpoint.seq;
  }
  let checked = 0;
  const iter = db
    .prepare('SELECT seq, body, prev_hash, hash, sig, key_version FROM journal WHERE seq > ? ORDER BY seq')
    .iterate(lastSeq) as IterableIterator<JournalRow>;
  for (const r of iter) {
    const fail = (what: NonNullable<JournalCheck['problem']>['what']): JournalCheck => ({
      ok: false,
      checked,
      lastSeq,
      lastHash: prevHash,
      problem: { seq: r.seq, what },
    });
    if (r.seq !== lastSeq + 1 || r.prev_hash !== prevHash) return fail('chain');
    let body: { prevHash?: string; seq?: number; keyVersion?: number };
    try {
      body = JSON.parse(r.body) as typeof body;
    } catch {
      return fail('body');
    }
    if (body.prevHash !== prevHash || body.seq !== r.seq || body.keyVersion !== r.key_version)
      return fail('body');
    const bytes = enc.encode(r.body);
    if (chainHash(prevHash, bytes) !== r.hash) return fail('hash');
    const v = verifierFor(r.key_version);
    if (!v || !v.verify(bytes, new Uint8Array(r.sig))) return fail('signature');
    prevHash = r.hash;
    lastSeq = r.seq;
    checked++;
  }
  return { ok: true, checked, lastSeq, lastHash: prevHash };
}
