/**
 * Journal verification at shift close (DESIGN.md promise 5), through the journal area's own
 * verifier (src/main/journal/verify.ts: signatures, SM3 chain, sequence, columns vs signed body).
 *
 * Incremental: the previous closed shift stores the (seq, hash) it verified up to, and close
 * checks from there (`since`; the checkpoint's hash is re-read and compared, so a rewrite of older
 * records is found at the boundary). The new (seq, hash) is stored with this shift's Z, which is
 * also the `head` a later full check can hold the journal to (truncation of the tail).
 */
import type { Db } from '../store/sqlite';
import { verifyJournal, type JournalKeys, type JournalFault } from '../journal/verify';

export interface JournalCheck {
  ok: boolean;
  /** Records verified in this run. */
  checked: number;
  lastSeq: number;
  lastHash: string;
  /** First problem found. */
  problem?: { seq: number; what: JournalFault; detail: string };
}

export function verifyJournalSince(
  db: Db,
  keys: JournalKeys,
  checkpoint?: { seq: number; hash: string },
): JournalCheck {
  const since = checkpoint && checkpoint.seq > 0 ? checkpoint : undefined;
  const r = verifyJournal(db, keys, since ? { since } : {});
  const last = db.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1').get() as
    { seq: number; hash: string } | undefined;
  if (!r.ok)
    return {
      ok: false,
      checked: r.count,
      lastSeq: since?.seq ?? 0,
      lastHash: since?.hash ?? '',
      problem: { seq: r.firstBad.seq, what: r.firstBad.reason, detail: r.firstBad.detail },
    };
  return { ok: true, checked: r.count, lastSeq: last?.seq ?? 0, lastHash: last?.hash ?? '' };
}
