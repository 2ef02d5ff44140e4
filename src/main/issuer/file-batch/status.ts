/**
 * What the manager sees of one file-batch issuer, read from the database alone (so a CLI could
 * print it from a read-only file): lists in use, refused files, transaction files and acks.
 */
import type { Db } from '../../../shared/store/sqlite';
import type {
  FileBatchIssuerStatus,
  FileBatchList,
  FileBatchRefusal,
} from '../../../shared/contract/file-batch';
import type { FileBatchEntry } from './adapter';
import type { ImportRow } from './store';

export type { FileBatchIssuerStatus };

function list(db: Db, issuerId: string, kind: 'hotlist' | 'balances', now: Date): FileBatchList | null {
  const r = db
    .prepare('SELECT * FROM filebatch_imports WHERE issuer_id = ? AND kind = ? ORDER BY version DESC LIMIT 1')
    .get(issuerId, kind) as ImportRow | undefined;
  if (!r) return null;
  return {
    version: r.version,
    fileName: r.file_name,
    createdAt: r.created_at,
    validUntil: r.valid_until,
    importedAt: r.imported_at,
    cards: r.cards,
    current: Date.parse(r.valid_until) > now.getTime(),
  };
}

export function fileBatchStatus(
  db: Db,
  entry: Pick<FileBatchEntry, 'id' | 'name' | 'dir'>,
  now: Date,
): Omit<FileBatchIssuerStatus, 'lastSync'> {
  const id = entry.id;
  const hotlist = list(db, id, 'hotlist', now);
  const balances = list(db, id, 'balances', now);
  const refusals = (
    db
      .prepare(
        'SELECT file_name, reason, detail, at FROM filebatch_refusals WHERE issuer_id = ? ORDER BY id DESC LIMIT 20',
      )
      .all(id) as Array<{ file_name: string; reason: FileBatchRefusal['reason']; detail: string; at: string }>
  ).map((r) => ({ fileName: r.file_name, reason: r.reason, detail: r.detail, at: r.at }));
  const files = db
    .prepare(
      `SELECT COALESCE(MAX(seq), 0) AS lastSeq,
              COALESCE(SUM(written_at IS NULL), 0) AS unwritten,
              COALESCE(SUM(acked_at IS NULL), 0) AS unacknowledged,
              COALESCE(MAX(CASE WHEN acked_at IS NOT NULL THEN seq END), 0) AS lastAcknowledgedSeq,
              MAX(written_at) AS lastWrittenAt
         FROM filebatch_files WHERE issuer_id = ?`,
    )
    .get(id) as FileBatchIssuerStatus['files'];
  const unfiled = db
    .prepare(
      `SELECT COUNT(*) AS n FROM txns t WHERE t.issuer_id = ? AND t.status = 'approved' AND t.type IN ('sale','void','refund')
          AND NOT EXISTS (SELECT 1 FROM filebatch_file_rows r WHERE r.stan = t.stan)`,
    )
    .get(id) as { n: number };
  const open = db
    .prepare(
      `SELECT COALESCE(SUM(d.amount_fen), 0) AS fen FROM filebatch_decisions d
        WHERE d.issuer_id = ? AND d.kind = 'sale'
          AND EXISTS (SELECT 1 FROM txns t WHERE t.stan = d.stan AND t.status = 'approved')
          AND NOT EXISTS (SELECT 1 FROM filebatch_decisions v JOIN txns vt ON vt.stan = v.stan AND vt.status = 'approved'
                           WHERE v.kind = 'void' AND v.orig_stan = d.stan)
          AND NOT EXISTS (SELECT 1 FROM filebatch_file_rows r JOIN filebatch_files f ON f.issuer_id = r.issuer_id AND f.seq = r.seq
                           WHERE r.stan = d.stan AND f.acked_at IS NOT NULL)`,
    )
    .get(id) as { fen: number };
  return {
    issuerId: id,
    name: entry.name,
    dir: entry.dir,
    hotlist,
    balances,
    usable: !!hotlist?.current && !!balances?.current,
    refusals,
    files,
    unfiledCount: unfiled.n,
    unacknowledgedFen: open.fen,
  };
}
