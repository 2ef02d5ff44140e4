/**
 * The database's journal against the head kept outside it (./head-file.ts) and the last head the
 * issuer acknowledged. Names what is wrong:
 *
 *   truncated-tail      the journal ends before the head file, but the STAN counter did not go back
 *                       (records deleted in place)
 *   older-database      the journal AND the STAN counter are behind the head file (an older copy of
 *                       terminal.db, or both rewound together)
 *   rewritten           the journal has the head's seq but a different hash there (another history)
 *   rewound-checkpoint  the last shift close's checkpoint in the database is older than (or differs
 *                       from) the one the head file recorded at that close
 *   behind-issuer       the journal ends before the head the issuer signed back
 *   no-head-file / unreadable-head-file
 *
 * A journal AHEAD of the head file is fine (the file is written after the commit; a crash in
 * between leaves it one commit behind) as long as the file's record is in the chain.
 */
import type { Db } from '../store/sqlite';
import { GENESIS_HASH } from './journal';
import { readHeadFile, type HeadFile, type HeadPoint } from './head-file';

export type HeadFinding =
  | 'no-head-file'
  | 'unreadable-head-file'
  | 'truncated-tail'
  | 'older-database'
  | 'rewritten'
  | 'rewound-checkpoint'
  | 'behind-issuer';

export interface DbHead extends HeadPoint {
  nextStan: number;
  checkpoint?: HeadPoint & { shiftId: number };
}

export interface HeadCheck {
  ok: boolean;
  db: DbHead;
  file?: HeadFile;
  findings: Array<{ what: HeadFinding; detail: string }>;
  notes: string[];
}

export function dbHead(db: Db): DbHead {
  const last = db.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1').get() as
    HeadPoint | undefined;
  const next = db.prepare("SELECT value FROM meta WHERE key = 'next_stan'").get() as
    { value: string } | undefined;
  let checkpoint: DbHead['checkpoint'];
  try {
    const c = db
      .prepare(
        "SELECT id, journal_seq, journal_hash FROM shifts WHERE status = 'closed' AND journal_seq IS NOT NULL ORDER BY id DESC LIMIT 1",
      )
      .get() as { id: number; journal_seq: number; journal_hash: string } | undefined;
    if (c) checkpoint = { shiftId: c.id, seq: c.journal_seq, hash: c.journal_hash };
  } catch {
    // no shifts table (a bare journal fixture): no checkpoint to compare
  }
  return {
    seq: last?.seq ?? 0,
    hash: last?.hash ?? GENESIS_HASH,
    nextStan: Number(next?.value ?? 1),
    ...(checkpoint ? { checkpoint } : {}),
  };
}

function hashAt(db: Db, seq: number): string | undefined {
  if (seq === 0) return GENESIS_HASH;
  return (db.prepare('SELECT hash FROM journal WHERE seq = ?').get(seq) as { hash: string } | undefined)
    ?.hash;
}

/** Compares with a given head file (the keeper passes its own; the CLI reads the data dir's). */
export function compareHead(db: Db, file: HeadFile | undefined | 'unreadable'): HeadCheck {
  const here = dbHead(db);
  const findings: HeadCheck['findings'] = [];
  const notes: string[] = [];
  if (file === undefined || file === 'unreadable') {
    findings.push(
      file === undefined
        ? { what: 'no-head-file', detail: 'no journal-head file next to the database' }
        : { what: 'unreadable-head-file', detail: 'the journal-head file is not a head file' },
    );
    return { ok: false, db: here, findings, notes };
  }
  if (here.seq < file.seq) {
    const older = here.nextStan < file.nextStan;
    findings.push(
      older
        ? {
            what: 'older-database',
            detail: `the database is older than the head file: journal ends at ${here.seq} (head ${file.seq}), next STAN ${here.nextStan} (head ${file.nextStan})`,
          }
        : {
            what: 'truncated-tail',
            detail: `journal records ${here.seq + 1}–${file.seq} are missing from the end (the STAN counter is still at ${here.nextStan})`,
          },
    );
  } else {
    const at = hashAt(db, file.seq);
    if (at !== file.hash)
      findings.push({
        what: 'rewritten',
        detail: `journal record ${file.seq} ${at === undefined ? 'is missing' : 'has another hash'} than the head file records`,
      });
    else if (here.seq > file.seq)
      notes.push(`the head file is ${here.seq - file.seq} record(s) behind (written after each commit)`);
  }
  const older = findings.some((f) => f.what === 'older-database');
  if (file.checkpoint && !older) {
    const c = here.checkpoint;
    if (
      !c ||
      c.seq < file.checkpoint.seq ||
      (c.seq === file.checkpoint.seq && c.hash !== file.checkpoint.hash)
    )
      findings.push({
        what: 'rewound-checkpoint',
        detail: `the last close's checkpoint in the database is ${c ? `shift ${c.shiftId} at record ${c.seq}` : 'gone'}; the head file recorded shift ${file.checkpoint.shiftId} at record ${file.checkpoint.seq}`,
      });
  }
  if (file.issuerAck) {
    if (here.seq < file.issuerAck.seq)
      findings.push({
        what: 'behind-issuer',
        detail: `the journal ends at ${here.seq}, but the issuer acknowledged record ${file.issuerAck.seq} (${file.issuerAck.at})`,
      });
    else if (hashAt(db, file.issuerAck.seq) !== file.issuerAck.hash)
      findings.push({
        what: 'rewritten',
        detail: `journal record ${file.issuerAck.seq} differs from the one the issuer acknowledged`,
      });
  }
  return { ok: findings.length === 0, db: here, file, findings, notes };
}

export function checkHead(db: Db, dataDir: string): HeadCheck {
  return compareHead(db, readHeadFile(dataDir));
}
