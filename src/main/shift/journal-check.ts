/**
 * Journal verification at shift close (DESIGN.md promise 5), through the journal area's own
 * verifiers:
 *
 *  1. the records since the last close: signatures, SM3 chain, sequence, columns vs signed body
 *     (src/main/journal/verify.ts). Incremental: the previous closed shift stores the (seq, hash)
 *     it verified up to, and close checks from there (`since`; the checkpoint's hash is re-read and
 *     compared, so a rewrite of older records is found at the boundary);
 *  2. every `txns` row of the shift's STAN range against its latest journal record — the Z's
 *     totals and the settlement's are folded from those rows, so they equal a fold of the signed
 *     records exactly when this passes (src/main/journal/row-record.ts);
 *  3. the journal against the head kept outside the database and the issuer's acknowledged head
 *     (src/main/journal/head-check.ts), when the app keeps one.
 *
 * A failed check blocks the close until a manager acknowledges it (shift-service.ts). The new
 * (seq, hash) is stored with this shift's Z and in the head file, so rewinding it is found.
 */
import type { Db } from '../store/sqlite';
import { verifyJournal, type JournalKeys, type JournalFault } from '../journal/verify';
import { firstRowDifference, describeDifference } from '../journal/row-record';
import { compareHead, dbHead } from '../journal/head-check';
import { keeperOf } from '../journal/head-keeper';

export interface JournalCheck {
  ok: boolean;
  /** Records verified in this run. */
  checked: number;
  lastSeq: number;
  lastHash: string;
  /** First problem found. */
  problem?: { seq: number; what: JournalFault | 'row' | 'head'; detail: string };
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

/** Rows of [fromStan, toStan] against the journal; a difference as a JournalCheck problem. */
export function rowsProblem(db: Db, fromStan: number, toStan: number): JournalCheck['problem'] {
  const d = firstRowDifference(db, fromStan, toStan);
  return d ? { seq: d.stan, what: 'row', detail: describeDifference(d) } : undefined;
}

/** The head check, when this database has a head keeper (the app; not a bare CLI handle). */
export function headProblem(db: Db): JournalCheck['problem'] {
  const k = keeperOf(db);
  if (!k) return undefined;
  const h = compareHead(db, k.head());
  if (h.ok) return undefined;
  return {
    seq: h.db.seq,
    what: 'head',
    detail: h.findings.map((f) => `${f.what}: ${f.detail}`).join('; '),
  };
}

/** Everything a close checks: records since the checkpoint, rows of the shift, the head. */
export function checkAtClose(
  db: Db,
  keys: JournalKeys,
  checkpoint: { seq: number; hash: string } | undefined,
  range: { fromStan: number; toStan: number },
): JournalCheck {
  const records = verifyJournalSince(db, keys, checkpoint);
  if (!records.ok) return records;
  const problem = rowsProblem(db, range.fromStan, range.toStan) ?? headProblem(db);
  return problem
    ? {
        ...records,
        ok: false,
        lastSeq: checkpoint?.seq ?? 0,
        lastHash: checkpoint?.hash ?? '',
        problem,
      }
    : records;
}

/** The head the Z prints: the journal's last record at close. */
export function headForReport(db: Db): { headSeq: number; headHash: string } {
  const h = dbHead(db);
  return { headSeq: h.seq, headHash: h.hash };
}
