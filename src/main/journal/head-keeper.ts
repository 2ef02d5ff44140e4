/**
 * Keeps the journal head outside the database and compares it wherever a second opinion exists:
 *
 *  - after each commit that appended to the journal, `<data-dir>/journal-head` is rewritten
 *    (appendJournal calls `noteAppend`; the write runs in a microtask, i.e. after the synchronous
 *    SQLite transaction has committed — a rolled-back transaction leaves the file as it was);
 *  - at start the database is compared with the file (./head-check.ts): behind it → blocked;
 *  - the issuer link's hooks put the head in every echo and settle request and compare the
 *    issuer's signed `journalHeadAck`; a DUPLICATE_STAN answer to anything blocks selling
 *    (./till-guard.ts).
 *
 * One keeper per database handle, found with `keeperOf(db)`, so the journal, the shift close and
 * the handlers reach it without another field threaded through every constructor.
 */
import type { Db } from '../store/sqlite';
import { writeHeadFile, readHeadFile, type HeadFile } from './head-file';
import { compareHead, dbHead, type HeadCheck } from './head-check';
import { TillGuard } from './till-guard';
import { HEAD_CARRIERS, journalHeadAckOf, type JournalHeadAck } from '../../shared/issuer-journal-head';
import { GENESIS_HASH, onJournalAppend } from './journal';
import { verifierCache, type JournalKeys } from './verify';
import { setRecordVerifier } from './row-record';

const keepers = new WeakMap<Db, JournalHeadKeeper>();

export function keeperOf(db: Db): JournalHeadKeeper | undefined {
  return keepers.get(db);
}

export interface LinkHooks {
  /** Adds the journal head to the messages that carry it. */
  outgoing(msg: Record<string, unknown> & { type: string }): Record<string, unknown> & { type: string };
  /** Sees every verified answer: DUPLICATE_STAN and the issuer's head acknowledgement. */
  answered(msg: { type: string; stan: number }, answer: Record<string, unknown>): void;
}

export interface KeeperOptions {
  dataDir: string;
  /** The terminal's journal keys: receipts then also verify their record's signature. */
  keys?: JournalKeys;
  log: (line: string) => void;
  clock: () => Date;
}

export class JournalHeadKeeper implements LinkHooks {
  readonly guard: TillGuard;
  private file: HeadFile | undefined;
  private scheduled = false;
  /** The last issuer head that blocked the till (accepted when the technician acknowledges). */
  private refusedAck: JournalHeadAck | undefined;
  /** The check made when the keeper was attached (before anything new was written). */
  readonly startCheck: HeadCheck;

  constructor(
    readonly db: Db,
    private readonly o: KeeperOptions,
  ) {
    this.guard = new TillGuard(o.dataDir, o.log, o.clock);
    const f = readHeadFile(o.dataDir);
    this.startCheck = compareHead(db, f);
    if (f === undefined) {
      // First start with a head file (a new or upgraded data dir) — or someone removed it. Only the
      // issuer's acknowledged head can tell which; say so in the log and start one.
      if (this.startCheck.db.seq > 0)
        o.log(`journal head file missing: created from the database at record ${this.startCheck.db.seq}`);
      this.file = this.fresh(undefined);
      this.write();
    } else if (f === 'unreadable' || !this.startCheck.ok) {
      const what = this.startCheck.findings.map((x) => `${x.what}: ${x.detail}`).join('; ');
      this.guard.trip('journal-head', what);
      // The file stays as it is: it is the evidence. New appends do not overwrite it while blocked.
      this.file = f === 'unreadable' ? undefined : f;
    } else {
      this.file = f;
      if (this.startCheck.db.seq !== f.seq || this.startCheck.db.hash !== f.hash) {
        this.file = this.fresh(f);
        this.write();
      }
    }
  }

  private fresh(prev: HeadFile | undefined): HeadFile {
    const h = dbHead(this.db);
    return {
      v: 1,
      seq: h.seq,
      hash: h.hash,
      nextStan: Math.max(h.nextStan, prev?.nextStan ?? 1),
      ...(prev?.checkpoint ? { checkpoint: prev.checkpoint } : {}),
      ...(prev?.issuerAck ? { issuerAck: prev.issuerAck } : {}),
      ...(prev?.acceptedAck ? { acceptedAck: prev.acceptedAck } : {}),
      writtenAt: this.o.clock().toISOString(),
    };
  }

  private write(): void {
    if (!this.file) return;
    try {
      writeHeadFile(this.o.dataDir, this.file);
    } catch (e) {
      this.o.log(`ALERT journal head file not written: ${(e as Error).message}`);
    }
  }

  /** The head as the file holds it (what `journal verify --head` compares with). */
  head(): HeadFile | undefined {
    return this.file;
  }

  /** Called by appendJournal inside the transaction; the file is written once it has committed. */
  noteAppend(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  /** Writes the current head now (also used by tests and close()). */
  flush(): void {
    this.scheduled = false;
    if (this.db.inTransaction) {
      // Still inside an explicit BEGIN … the commit has not happened yet.
      this.noteAppend();
      return;
    }
    if (!this.db.open) return;
    // While blocked for a head mismatch the old file is the evidence: keep it.
    if (this.guard.current()?.reason === 'journal-head' || !this.file) return;
    const h = dbHead(this.db);
    if (h.seq === this.file.seq && h.hash === this.file.hash) return;
    this.file = this.fresh(this.file);
    this.write();
  }

  /** A shift close verified the journal up to here and stored it with its Z. */
  setCheckpoint(shiftId: number, seq: number, hash: string): void {
    if (!this.file) return;
    this.file = { ...this.fresh(this.file), checkpoint: { shiftId, seq, hash } };
    this.write();
  }

  // ---- issuer link hooks ----

  outgoing(msg: Record<string, unknown> & { type: string }): Record<string, unknown> & { type: string } {
    if (!HEAD_CARRIERS.includes(msg.type) || msg.journalHead !== undefined) return msg;
    const h = dbHead(this.db);
    return { ...msg, journalHead: { seq: h.seq, hash: h.hash } };
  }

  answered(msg: { type: string; stan: number }, answer: Record<string, unknown>): void {
    if (answer.code === 'DUPLICATE_STAN') {
      this.guard.trip(
        'duplicate-stan',
        `the issuer has already seen STAN ${msg.stan} from this terminal (${msg.type}): the STAN counter went back — database restored or rolled back?`,
        msg.stan,
      );
    }
    // An advice batch answers per advice: a reused offline STAN shows up there, not at the top.
    const inBatch = Array.isArray(answer.results)
      ? (answer.results as Array<{ stan?: unknown; code?: unknown }>).find(
          (r) => r?.code === 'DUPLICATE_STAN',
        )
      : undefined;
    if (inBatch)
      this.guard.trip(
        'duplicate-stan',
        `the issuer has already seen offline STAN ${String(inBatch.stan)} from this terminal (${msg.type}): the STAN counter went back — database restored or rolled back?`,
        typeof inBatch.stan === 'number' ? inBatch.stan : undefined,
      );
    const ack = journalHeadAckOf(answer);
    if (ack) this.compareAck(ack);
  }

  private compareAck(ack: JournalHeadAck): void {
    const accepted = this.file?.acceptedAck;
    if (accepted && accepted.seq === ack.seq && accepted.hash === ack.hash) return;
    const h = dbHead(this.db);
    let problem: string | undefined;
    if (ack.seq > h.seq) {
      problem = `the issuer acknowledged journal record ${ack.seq} (${ack.at}) but this journal ends at ${h.seq}: the database was rolled back`;
    } else {
      const at =
        ack.seq === 0
          ? GENESIS_HASH
          : (
              this.db.prepare('SELECT hash FROM journal WHERE seq = ?').get(ack.seq) as
                { hash: string } | undefined
            )?.hash;
      if (at !== ack.hash)
        problem = `journal record ${ack.seq} is not the one the issuer acknowledged (${ack.at}): another history`;
    }
    if (problem) {
      this.refusedAck = ack;
      this.guard.trip('issuer-head', problem);
      return;
    }
    if (this.file && (this.file.issuerAck?.seq ?? -1) < ack.seq) {
      this.file = { ...this.fresh(this.file), issuerAck: ack };
      this.write();
    }
  }

  /**
   * The technician has looked at a block. A head-file mismatch is resolved by taking the database
   * as it now is; an issuer head this journal no longer has is remembered as accepted, so the same
   * acknowledgement does not block again (a newer one, or another history after it, still does).
   */
  acknowledge(by: string, note?: string): ReturnType<TillGuard['acknowledge']> {
    const b = this.guard.acknowledge(by, note);
    if (!b) return b;
    const h = dbHead(this.db);
    const accepted = this.refusedAck
      ? { seq: this.refusedAck.seq, hash: this.refusedAck.hash }
      : this.file?.acceptedAck;
    this.file = {
      v: 1,
      seq: h.seq,
      hash: h.hash,
      nextStan: h.nextStan,
      ...(h.checkpoint ? { checkpoint: h.checkpoint } : {}),
      ...(accepted ? { acceptedAck: accepted } : {}),
      writtenAt: this.o.clock().toISOString(),
    };
    this.refusedAck = undefined;
    this.write();
    this.o.log(`journal head reset to record ${h.seq} after the technician's acknowledgement`);
    return b;
  }
}

/** Builds the keeper for this database (once) and checks the database against the head file. */
export function attachJournalHead(db: Db, o: KeeperOptions): JournalHeadKeeper {
  const existing = keepers.get(db);
  if (existing) return existing;
  const k = new JournalHeadKeeper(db, o);
  keepers.set(db, k);
  onJournalAppend(db, () => k.noteAppend());
  if (o.keys) setRecordVerifier(db, verifierCache(o.keys));
  return k;
}
