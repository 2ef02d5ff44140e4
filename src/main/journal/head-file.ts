/**
 * The journal head kept OUTSIDE terminal.db: `<data-dir>/journal-head` (mode 0600), rewritten
 * atomically (temp file, fsync, rename, fsync of the directory) after each commit that appended to
 * the journal. A database whose journal ends before this head was truncated or replaced
 * (./head-check.ts). It also keeps the last shift-close checkpoint and the last head the issuer
 * acknowledged, so a checkpoint rewound inside the database is found as well.
 *
 * The file is not secret and not signed: it is evidence an attacker must ALSO roll back. A pair
 * (database, head file) replaced together by an older pair is caught only by the issuer's
 * acknowledged head at the next echo or settlement (docs/security.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const HEAD_FILE = 'journal-head';

const Hash = z.string().regex(/^[0-9a-f]{64}$/);
export const HeadPoint = z.object({ seq: z.number().int().min(0), hash: Hash });
export type HeadPoint = z.infer<typeof HeadPoint>;

export const HeadFile = z.object({
  v: z.literal(1),
  /** The last journal record committed: its seq and chain hash (seq 0 = empty journal, genesis hash). */
  seq: z.number().int().min(0),
  hash: Hash,
  /** meta.next_stan when written: an older database has a lower one, a truncated journal does not. */
  nextStan: z.number().int().min(1),
  /** The (seq, hash) the last shift close verified up to (shifts.journal_seq/hash). */
  checkpoint: HeadPoint.extend({ shiftId: z.number().int() }).optional(),
  /** The highest head the issuer signed back in an echo or settlement answer. */
  issuerAck: HeadPoint.extend({ at: z.string() }).optional(),
  /** An issuer head the technician accepted after a rollback block (not compared again). */
  acceptedAck: HeadPoint.optional(),
  writtenAt: z.string(),
});
export type HeadFile = z.infer<typeof HeadFile>;

export function headFilePath(dataDir: string): string {
  return path.join(dataDir, HEAD_FILE);
}

/** The head file, undefined when absent, 'unreadable' when present but not a head file. */
export function readHeadFile(dataDir: string): HeadFile | undefined | 'unreadable' {
  let text: string;
  try {
    text = fs.readFileSync(headFilePath(dataDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return 'unreadable';
  }
  try {
    const h = HeadFile.safeParse(JSON.parse(text));
    return h.success ? h.data : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/** Atomic and durable: after it returns, a power cut leaves the old or the new file, never half. */
export function writeHeadFile(dataDir: string, h: HeadFile): void {
  writeFileDurable(headFilePath(dataDir), `${JSON.stringify(h)}\n`);
}

export function writeFileDurable(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  // The rename itself is durable only once the directory entry is on disk.
  let dir: number | undefined;
  try {
    dir = fs.openSync(path.dirname(file), 'r');
    fs.fsyncSync(dir);
  } catch {
    // some filesystems refuse fsync on a directory; the rename is still atomic
  } finally {
    if (dir !== undefined) fs.closeSync(dir);
  }
}
