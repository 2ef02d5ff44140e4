/**
 * Moving a file-batch issuer's files (the `filebatch` job's work, src/main/jobs/file-batch-job.ts):
 *
 * 1. inbound lists — every hot list / balance file not seen before is verified (SM2, the issuer's
 *    key) and checked (issuer id, version newer than the one in use, created-at not too old nor
 *    in the future, valid-until ahead); the newest good one replaces the list in one transaction.
 *    Every other is refused: recorded, logged as an ALERT (no card numbers) — the manager's status.
 * 2. acknowledgements — an ack of one of our files, signed by the issuer and listing exactly that
 *    file's STANs, marks the file acknowledged and each row accepted or refused (a refusal goes to
 *    the offline exceptions list the manager acknowledges).
 * 3. transaction files — a file recorded but not yet in the directory (a crash between commit
 *    and write) is written from its sealed bytes, byte for byte; then, when due (a row from an
 *    earlier store day waits, or `writeNow`), the next file: every journaled approved sale, void
 *    and refund of this issuer that is in no file yet. Its rows and its sealed bytes are recorded
 *    in one transaction before the file is written, so a row can never be in two files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sealSm4, openSm4, sm2Verifier, sm3, toHex } from '../../../shared/crypto';
import { ErrorCode } from '../../../shared/errors';
import { storeDay } from '../../../offline-queue/policy';
import {
  buildFile,
  FileBatchError,
  FILE_NAMES,
  MAX_FILE_BYTES,
  NAME_PATTERNS,
  parseFile,
  type FileHeader,
  type FileRefusal,
  type TxnRecord,
  type Verifier,
} from '../../../shared/file-batch-format';
import { journaledRow } from '../../journal/row-record';
import type { FileBatchEntry, FileBatchRuntime } from './adapter';
import type { FileBatchStore, ListKind } from './store';

export interface SyncDeps extends FileBatchRuntime {
  store: FileBatchStore;
  entry: FileBatchEntry;
}

export interface SyncReport {
  imported: Array<{ kind: ListKind; version: number }>;
  refused: Array<{ file: string; reason: FileRefusal }>;
  acknowledged: number[];
  written: number[];
  /** Something the manager must look at that is not a refused file (a name taken by another file). */
  problems: string[];
}

const FILE_AAD = new TextEncoder().encode('cardtill:filebatch:file:v1');
const verifiers = new WeakMap<Uint8Array, Verifier>();
function issuerVerifier(key: Uint8Array): Verifier {
  let v = verifiers.get(key);
  if (!v) verifiers.set(key, (v = sm2Verifier(key)));
  return v;
}

interface FileRow {
  seq: number;
  file_name: string;
  content_enc: Buffer;
  written_at: string | null;
  acked_at: string | null;
}

export function syncFiles(d: SyncDeps, o: { writeNow?: boolean }): SyncReport {
  const report: SyncReport = { imported: [], refused: [], acknowledged: [], written: [], problems: [] };
  const names = fs.readdirSync(d.entry.dir); // a missing directory throws: the job waits for it
  const verifier = issuerVerifier(d.entry.issuerPublicKey);
  for (const kind of ['hotlist', 'balances'] as const) importList(d, kind, names, verifier, report);
  readAcks(d, names, verifier, report);
  removeStaleTemps(d, names);
  for (const f of unwritten(d)) materialize(d, f, report);
  if (o.writeNow || writeDue(d)) writeNext(d, report);
  return report;
}

/**
 * Lists already dealt with (taken into use or refused), by name → size, mtime and inode: a file
 * not changed since is not read and hashed again at every sync (a chain's balance snapshot can be
 * tens of megabytes). A changed file is read again and judged by its content.
 */
const handled = new WeakMap<FileBatchStore, Map<string, string>>();
const statKey = (dir: string, name: string) => {
  const st = fs.statSync(path.join(dir, name));
  return `${st.size}:${st.mtimeMs}:${st.ino}`;
};

function readBytes(dir: string, name: string): { bytes: Uint8Array; sha: string } | { tooLarge: number } {
  const file = path.join(dir, name);
  const size = fs.statSync(file).size;
  if (size > MAX_FILE_BYTES) return { tooLarge: size };
  const bytes = fs.readFileSync(file);
  return { bytes, sha: toHex(sm3(bytes)) };
}

function refuse(
  d: SyncDeps,
  report: SyncReport,
  file: { name: string; sha: string },
  e: FileBatchError,
): void {
  if (!d.store.recordRefusal(file, e.reason, e.detail ?? '')) return; // told once per file
  report.refused.push({ file: file.name, reason: e.reason });
  d.log(`ALERT file-batch ${d.entry.id}: refused ${file.name} (${e.reason}): ${e.detail ?? ''}`);
}

/** The header checks every inbound list passes after its signature (ages against the terminal's clock). */
function checkList(d: SyncDeps, h: FileHeader): void {
  const now = d.clock().getTime();
  const created = Date.parse(h.createdAt);
  const validUntil = Date.parse(h.validUntil!);
  const o = d.entry.options;
  if (h.issuer !== d.entry.id) throw new FileBatchError('wrong-issuer', `issuer ${h.issuer}`);
  if (created > now + o.futureSkewMinutes * 60_000)
    throw new FileBatchError('future', `created ${h.createdAt}`);
  if (now - created > o.maxFileAgeMinutes * 60_000)
    throw new FileBatchError('too-old', `created ${h.createdAt}`);
  if (validUntil <= created) throw new FileBatchError('malformed', 'valid-until is not after created-at');
  if (validUntil <= now) throw new FileBatchError('stale', `valid until ${h.validUntil}`);
}

function importList(
  d: SyncDeps,
  kind: ListKind,
  names: string[],
  verifier: Verifier,
  report: SyncReport,
): void {
  type Candidate = {
    name: string;
    sha: string;
    header: FileHeader;
    cards: Array<{ pan: string; balanceFen?: number }>;
  };
  const good: Candidate[] = [];
  let cache = handled.get(d.store);
  if (!cache) handled.set(d.store, (cache = new Map()));
  const stats = new Map<string, string>();
  for (const name of names.filter((n) => NAME_PATTERNS[kind].test(n)).sort()) {
    const key = statKey(d.entry.dir, name);
    if (cache.get(name) === key) continue;
    stats.set(name, key);
    const r = readBytes(d.entry.dir, name);
    if ('tooLarge' in r) {
      refuse(
        d,
        report,
        { name, sha: `size:${r.tooLarge}` },
        new FileBatchError('too-large', `${r.tooLarge} bytes`),
      );
      continue;
    }
    const file = { name, sha: r.sha };
    if (d.store.seen(file)) continue;
    try {
      const p = parseFile(r.bytes, kind, verifier);
      checkList(d, p.header);
      // A snapshot cannot include a transaction file this terminal has not written yet: taking it
      // would count that file's sales as already in the balance once it is written.
      const reflects = p.header.reflects?.[d.terminalId] ?? 0;
      if (kind === 'balances' && reflects > lastSeq(d))
        throw new FileBatchError(
          'malformed',
          `reflects file ${reflects} of this terminal, which is not written yet`,
        );
      good.push({ ...file, header: p.header, cards: p.records });
    } catch (e) {
      if (!(e instanceof FileBatchError)) throw e;
      refuse(d, report, file, e);
    }
  }
  good.sort((a, b) => a.header.version - b.header.version);
  const inUse = d.store.current(kind)?.version ?? 0;
  const best = good.at(-1);
  for (const c of good) {
    if (c === best && c.header.version > inUse) {
      d.store.importList(kind, c.header, c.cards, c, d.terminalId);
      report.imported.push({ kind, version: c.header.version });
      d.log(`file-batch ${d.entry.id}: ${kind} version ${c.header.version} in use (${c.cards.length} cards)`);
    } else {
      const newest = Math.max(inUse, best!.header.version);
      refuse(
        d,
        report,
        c,
        new FileBatchError('old-version', `version ${c.header.version}, ${newest} is newer`),
      );
    }
  }
  for (const [name, key] of stats) cache.set(name, key); // every one of them is decided now
}

function readAcks(d: SyncDeps, names: string[], verifier: Verifier, report: SyncReport): void {
  for (const name of names.sort()) {
    const m = NAME_PATTERNS.ack.exec(name);
    if (!m || m[1] !== d.terminalId) continue;
    const seq = Number(m[2]);
    const row = d.db
      .prepare('SELECT seq, acked_at FROM filebatch_files WHERE issuer_id = ? AND seq = ?')
      .get(d.entry.id, seq) as { seq: number; acked_at: string | null } | undefined;
    if (!row || row.acked_at) continue;
    const r = readBytes(d.entry.dir, name);
    if ('tooLarge' in r) continue;
    const file = { name, sha: r.sha };
    if (d.store.seen(file)) continue;
    try {
      const p = parseFile(r.bytes, 'ack', verifier);
      const h = p.header;
      if (h.issuer !== d.entry.id) throw new FileBatchError('wrong-issuer', `issuer ${h.issuer}`);
      if (h.terminal !== d.terminalId) throw new FileBatchError('wrong-terminal', `terminal ${h.terminal}`);
      if (h.file !== seq) throw new FileBatchError('malformed', `acknowledges file ${h.file}, named ${seq}`);
      const stans = (
        d.db
          .prepare('SELECT stan FROM filebatch_file_rows WHERE issuer_id = ? AND seq = ?')
          .all(d.entry.id, seq) as Array<{
          stan: number;
        }>
      ).map((s) => s.stan);
      const listed = new Set(p.records.map((x) => x.stan));
      if (
        listed.size !== p.records.length ||
        listed.size !== stans.length ||
        !stans.every((s) => listed.has(s))
      )
        throw new FileBatchError(
          'malformed',
          `does not list exactly the ${stans.length} lines of file ${seq}`,
        );
      applyAck(d, seq, name, p.records);
      report.acknowledged.push(seq);
      const refusedN = p.records.filter((x) => x.result === 'refused').length;
      d.log(
        `file-batch ${d.entry.id}: file ${seq} acknowledged (${p.records.length - refusedN} accepted, ${refusedN} refused)`,
      );
      if (refusedN)
        d.log(
          `ALERT file-batch ${d.entry.id}: ${refusedN} line(s) of file ${seq} refused: see the exceptions`,
        );
    } catch (e) {
      if (!(e instanceof FileBatchError)) throw e;
      refuse(d, report, file, e);
    }
  }
}

function applyAck(
  d: SyncDeps,
  seq: number,
  name: string,
  records: ReadonlyArray<{ stan: number; result: 'accepted' | 'refused'; code: string | null }>,
): void {
  const at = d.clock().toISOString();
  d.db.transaction(() => {
    const upd = d.db.prepare(
      'UPDATE filebatch_file_rows SET outcome = ?, code = ? WHERE stan = ? AND outcome IS NULL',
    );
    for (const r of records) {
      upd.run(r.result, r.code, r.stan);
      if (r.result !== 'refused') continue;
      // A line the issuer refused took no money there: the manager settles it with the issuer.
      const code = ErrorCode.safeParse(r.code).success ? r.code! : 'ISSUER_ERROR';
      const row = d.db.prepare('SELECT amount_fen, masked FROM txns WHERE stan = ?').get(r.stan) as
        { amount_fen: number; masked: string } | undefined;
      d.db
        .prepare(
          'INSERT OR IGNORE INTO offline_exceptions (stan, code, amount_fen, masked, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(r.stan, code, row?.amount_fen ?? 0, row?.masked ?? '', at);
    }
    d.db
      .prepare(
        'UPDATE filebatch_files SET acked_at = ?, ack_file = ? WHERE issuer_id = ? AND seq = ? AND acked_at IS NULL',
      )
      .run(at, name, d.entry.id, seq);
  })();
}

function lastSeq(d: SyncDeps): number {
  return (
    d.db
      .prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM filebatch_files WHERE issuer_id = ?')
      .get(d.entry.id) as {
      n: number;
    }
  ).n;
}

function unwritten(d: SyncDeps): FileRow[] {
  return d.db
    .prepare('SELECT * FROM filebatch_files WHERE issuer_id = ? AND written_at IS NULL ORDER BY seq')
    .all(d.entry.id) as FileRow[];
}

/**
 * A temporary file of ours that an earlier process left (killed between writing it and linking or
 * removing it: the fault test's kill -9) is removed, so the back office's directory does not fill
 * with them. Only this terminal's names, and never this process's own.
 */
function removeStaleTemps(d: SyncDeps, names: string[]): void {
  const mine = new RegExp(`^\\.txn-${d.terminalId}-\\d+\\.ctfb\\.(\\d+)\\.tmp$`);
  for (const name of names) {
    const m = mine.exec(name);
    if (m && Number(m[1]) !== process.pid) fs.rmSync(path.join(d.entry.dir, name), { force: true });
  }
}

/** Puts a recorded file in the directory: its exact sealed bytes, never over another file. */
function materialize(d: SyncDeps, f: FileRow, report: SyncReport): void {
  const bytes = Buffer.from(openSm4(d.dataKey, f.content_enc, FILE_AAD));
  const target = path.join(d.entry.dir, f.file_name);
  const same = (): boolean | undefined => {
    try {
      return fs.readFileSync(target).equals(bytes);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  };
  let there = same();
  if (there === undefined) {
    // Written under a temporary name, flushed, then linked: the issuer never reads half a file,
    // and link() fails rather than replace a file that appeared meanwhile.
    const tmp = path.join(d.entry.dir, `.${f.file_name}.${process.pid}.tmp`);
    const fd = fs.openSync(tmp, 'w', 0o640);
    try {
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.linkSync(tmp, target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    syncDir(d.entry.dir);
    there = same();
  }
  if (!there) {
    const what = `a different file named ${f.file_name} is in the directory; file ${f.seq} is not written over it`;
    if (!report.problems.includes(what)) d.log(`ALERT file-batch ${d.entry.id}: ${what}`);
    report.problems.push(what);
    return;
  }
  d.db
    .prepare(
      'UPDATE filebatch_files SET written_at = ? WHERE issuer_id = ? AND seq = ? AND written_at IS NULL',
    )
    .run(d.clock().toISOString(), d.entry.id, f.seq);
  report.written.push(f.seq);
}

function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the file itself is flushed.
  }
}

/** Approved sales, voids and refunds of this issuer that are in no file yet, in STAN order. */
function unfiled(d: SyncDeps): Array<{ stan: number; created_at: string }> {
  return d.db
    .prepare(
      `SELECT stan, created_at FROM txns t WHERE t.issuer_id = ? AND t.status = 'approved'
          AND t.type IN ('sale', 'void', 'refund')
          AND NOT EXISTS (SELECT 1 FROM filebatch_file_rows r WHERE r.stan = t.stan)
        ORDER BY t.stan`,
    )
    .all(d.entry.id) as Array<{ stan: number; created_at: string }>;
}

/** The daily file is due once a row from an earlier store day waits. */
function writeDue(d: SyncDeps): boolean {
  const first = unfiled(d)[0];
  if (!first) return false;
  const off = d.store.limits.dayOffsetMinutes;
  return storeDay(Date.parse(first.created_at), off) < storeDay(d.clock().getTime(), off);
}

function writeNext(d: SyncDeps, report: SyncReport): void {
  const rows = unfiled(d);
  if (rows.length === 0) return;
  // Each line from the row as its signed journal record says it (JOURNAL_MISMATCH otherwise).
  const records: TxnRecord[] = rows.map(({ stan }) => {
    const row = journaledRow(d.db, stan);
    if (!row.pan_enc) throw new Error(`stan ${stan} has no card number to file`);
    return {
      stan,
      type: row.type as TxnRecord['type'],
      time: row.created_at,
      pan: d.openPan(row.pan_enc),
      amountFen: row.amount_fen,
      origStan: row.orig_stan,
      authCode: row.auth_code ?? 'NONE',
    };
  });
  const now = d.clock();
  const seq = d.db.transaction(() => {
    const next = lastSeq(d) + 1;
    const content = buildFile(
      'transactions',
      {
        issuer: d.entry.id,
        terminal: d.terminalId,
        version: next,
        key: d.keyVersion,
        createdAt: now.toISOString(),
      },
      records,
      d.sign,
    );
    d.db
      .prepare(
        `INSERT INTO filebatch_files (issuer_id, seq, file_name, day, created_at, rows, sha, content_enc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        d.entry.id,
        next,
        FILE_NAMES.transactions(d.terminalId, next),
        storeDay(now.getTime(), d.store.limits.dayOffsetMinutes),
        now.toISOString(),
        records.length,
        toHex(sm3(content)),
        Buffer.from(sealSm4(d.dataKey, content, FILE_AAD)),
      );
    // The primary key on stan: a row already in a file aborts this whole transaction.
    const ins = d.db.prepare('INSERT INTO filebatch_file_rows (stan, issuer_id, seq) VALUES (?, ?, ?)');
    for (const r of records) ins.run(r.stan, d.entry.id, next);
    return next;
  })();
  d.log(`file-batch ${d.entry.id}: transaction file ${seq} recorded (${records.length} lines)`);
  const f = d.db
    .prepare('SELECT * FROM filebatch_files WHERE issuer_id = ? AND seq = ?')
    .get(d.entry.id, seq) as FileRow;
  materialize(d, f, report);
}
