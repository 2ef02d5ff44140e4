/**
 * What the `iso8583-cup` adapter must remember across a restart, in the terminal's own SQLite file
 * (migration `iso8583/001-link`), per issuer entry:
 *
 *  - `iso8583_link`: the batch (60.2) in use — the host's answer to the last sign-on, +1 after each
 *    0510 — so a restarted terminal signs on with its batch, not 0;
 *  - `iso8583_sent`: every financial request as it went on the wire (written BEFORE the first
 *    byte is sent), with 37 / 38 / 13 of its approved answer. A reversal 0400 repeats its
 *    original's fields under the original's 11 and 60.2; a void names 37 / 38 / 61, a refund 37 /
 *    61 with the answer's 13; a 0220 is resent with the same fields. All of that is rebuilt from
 *    here after a restart. No row means the request never left the terminal.
 *  - `awaiting` on a sent row (migration `iso8583/002-awaiting`): what the host still owes this
 *    terminal for a request that went out and got no answer — `reversal` (a 0200: its 0410) or
 *    `answer` (a 0220 refund or advice, resent until its 0230) — and the endpoint it went to
 *    (`awaiting_on`, host:port: the repeat goes to that host only). Set when an exchange ends
 *    without an answer, cleared by the answer; the adapter drains these before a 0500
 *    ("settlement only when no reversal or advice is pending") and resends awaited refunds.
 *
 * The fields hold the card number, so they are SM4-sealed under the data key (bound to the issuer
 * and STAN), like `txns.request_enc`. Never stored: 35 (track 2), 52 / 53 (PIN block), 64.
 */
import type { Db, Migration } from '../../../shared/store/sqlite';
import { openSm4, sealSm4 } from '../../crypto';
import type { IsoFields } from '../../../shared/iso8583';

export const ISO8583_MIGRATIONS: Migration[] = [
  {
    id: 'iso8583/001-link',
    sql: `
  CREATE TABLE iso8583_link (
    issuer_id TEXT PRIMARY KEY,
    batch INTEGER NOT NULL,
    signed_on_at TEXT
  );
  CREATE TABLE iso8583_sent (
    issuer_id TEXT NOT NULL,
    -- The terminal's STAN of the command (11 is it modulo 1,000,000).
    stan INTEGER NOT NULL,
    -- The profile's message name (purchase, void, refund, advice, …).
    name TEXT NOT NULL,
    mti TEXT NOT NULL,
    fields_enc BLOB NOT NULL,
    rc TEXT,
    rrn TEXT,
    auth TEXT,
    date13 TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (issuer_id, stan)
  );
`,
  },
  {
    id: 'iso8583/002-awaiting',
    sql: `
  ALTER TABLE iso8583_sent ADD COLUMN awaiting TEXT CHECK (awaiting IN ('reversal', 'answer'));
  ALTER TABLE iso8583_sent ADD COLUMN awaiting_on TEXT;
  CREATE INDEX iso8583_sent_awaiting ON iso8583_sent(issuer_id, stan) WHERE awaiting IS NOT NULL;
`,
  },
];

/** What the host still owes for a request that went out without an answer (see the header). */
export type AwaitingWhat = 'reversal' | 'answer';
/** What is owed and by which host (host:port). */
export interface Owed {
  what: AwaitingWhat;
  on: string;
}
/** A request as it goes on the wire (what `recordSent` keeps). */
export type SentFields = Pick<SentRequest, 'name' | 'mti' | 'fields'>;
export interface AwaitingRequest {
  stan: number;
  /** The profile's message name of the original (purchase, refund, advice, …). */
  name: string;
  what: AwaitingWhat;
  /** The endpoint (host:port) it went to: only that host is asked again. */
  on: string;
}

/** Fields never written to disk (ISO8583-CUP.md: track data and PIN blocks never leave memory). */
const NEVER_STORED = [35, 52, 53, 64];

export interface SentRequest {
  name: string;
  mti: string;
  fields: IsoFields;
  rc?: string;
  rrn?: string;
  auth?: string;
  date13?: string;
}

/** The adapter's memory (SQLite in the app; in memory for the adapter's own unit tests). */
export interface Iso8583LinkStore {
  batch(): number;
  setBatch(batch: number, signedOnAt?: string): void;
  sent(stan: number): SentRequest | undefined;
  /**
   * Records a request before it is sent. A STAN already recorded keeps its first request unless
   * `replace`: an online sale that was never sent (connect refused) and then approved offline goes
   * as an advice under the same STAN. `owed`: what the host owes from the first byte (a 0200:
   * its 0410), in the same insert.
   */
  recordSent(stan: number, r: SentFields, replace?: boolean, owed?: Owed): void;
  /** Its answer (which also ends whatever the host owed for it). */
  recordAnswer(stan: number, a: Pick<SentRequest, 'rc' | 'rrn' | 'auth' | 'date13'>): void;
  /** The request went out and its exchange ended without an answer: the host owes `what`. */
  markAwaiting(stan: number, what: AwaitingWhat, on: string): void;
  /** Its 0410 or 0230 arrived: nothing owed any more. */
  clearAwaiting(stan: number): void;
  /** Everything still owed by the host, every endpoint, in STAN order. */
  awaiting(): AwaitingRequest[];
  /**
   * A refund the till recorded approved (its 0220's answer was lost) that the host refused when
   * it answered at last: an exception the manager sees and acknowledges (the queue screen's
   * exceptions list, like a refused advice) — the card was not credited.
   */
  refusedAfterApproval(stan: number, code: string): void;
}

/**
 * When the terminal last signed on with this entry's hosts (either one: the row is the entry's),
 * for the technician (`tech.issuers`, `cardtill issuers`, which reads a database it did not write).
 */
export function lastIsoSignOn(db: Db, issuerId: string): string | undefined {
  const r = db.prepare('SELECT signed_on_at FROM iso8583_link WHERE issuer_id = ?').get(issuerId) as
    { signed_on_at: string | null } | undefined;
  return r?.signed_on_at ?? undefined;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export class SqliteIso8583Store implements Iso8583LinkStore {
  constructor(
    private readonly db: Db,
    private readonly dataKey: Uint8Array,
    private readonly issuerId: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private aad(stan: number): Uint8Array {
    return enc.encode(`cardtill:iso8583:sent:v1:${this.issuerId}:${stan}`);
  }

  batch(): number {
    const r = this.db.prepare('SELECT batch FROM iso8583_link WHERE issuer_id = ?').get(this.issuerId) as
      { batch: number } | undefined;
    return r?.batch ?? 0;
  }

  setBatch(batch: number, signedOnAt?: string): void {
    this.db
      .prepare(
        `INSERT INTO iso8583_link (issuer_id, batch, signed_on_at) VALUES (?, ?, ?)
         ON CONFLICT(issuer_id) DO UPDATE SET batch = excluded.batch,
           signed_on_at = COALESCE(excluded.signed_on_at, iso8583_link.signed_on_at)`,
      )
      .run(this.issuerId, batch, signedOnAt ?? null);
  }

  sent(stan: number): SentRequest | undefined {
    const r = this.db
      .prepare('SELECT * FROM iso8583_sent WHERE issuer_id = ? AND stan = ?')
      .get(this.issuerId, stan) as
      | {
          name: string;
          mti: string;
          fields_enc: Buffer;
          rc: string | null;
          rrn: string | null;
          auth: string | null;
          date13: string | null;
        }
      | undefined;
    if (!r) return undefined;
    const fields = JSON.parse(dec.decode(openSm4(this.dataKey, r.fields_enc, this.aad(stan)))) as IsoFields;
    return {
      name: r.name,
      mti: r.mti,
      fields,
      ...(r.rc !== null ? { rc: r.rc } : {}),
      ...(r.rrn !== null ? { rrn: r.rrn } : {}),
      ...(r.auth !== null ? { auth: r.auth } : {}),
      ...(r.date13 !== null ? { date13: r.date13 } : {}),
    };
  }

  recordSent(stan: number, r: SentFields, replace = false, owed?: Owed): void {
    const fields = storable(r.fields);
    this.db
      .prepare(
        `INSERT INTO iso8583_sent (issuer_id, stan, name, mti, fields_enc, created_at, awaiting, awaiting_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(issuer_id, stan) DO ${
           replace
             ? 'UPDATE SET name = excluded.name, mti = excluded.mti, fields_enc = excluded.fields_enc, rc = NULL, rrn = NULL, auth = NULL, date13 = NULL, awaiting = NULL, awaiting_on = NULL'
             : 'NOTHING'
         }`,
      )
      .run(
        this.issuerId,
        stan,
        r.name,
        r.mti,
        Buffer.from(sealSm4(this.dataKey, enc.encode(JSON.stringify(fields)), this.aad(stan))),
        this.now().toISOString(),
        owed?.what ?? null,
        owed?.on ?? null,
      );
  }

  recordAnswer(stan: number, a: Pick<SentRequest, 'rc' | 'rrn' | 'auth' | 'date13'>): void {
    this.db
      .prepare(
        'UPDATE iso8583_sent SET rc = ?, rrn = ?, auth = ?, date13 = ?, awaiting = NULL, awaiting_on = NULL WHERE issuer_id = ? AND stan = ?',
      )
      .run(a.rc ?? null, a.rrn ?? null, a.auth ?? null, a.date13 ?? null, this.issuerId, stan);
  }

  markAwaiting(stan: number, what: AwaitingWhat, on: string): void {
    this.db
      .prepare('UPDATE iso8583_sent SET awaiting = ?, awaiting_on = ? WHERE issuer_id = ? AND stan = ?')
      .run(what, on, this.issuerId, stan);
  }

  clearAwaiting(stan: number): void {
    this.db
      .prepare(
        'UPDATE iso8583_sent SET awaiting = NULL, awaiting_on = NULL WHERE issuer_id = ? AND stan = ? AND awaiting IS NOT NULL',
      )
      .run(this.issuerId, stan);
  }

  awaiting(): AwaitingRequest[] {
    return (
      this.db
        .prepare(
          'SELECT stan, name, awaiting, awaiting_on FROM iso8583_sent WHERE issuer_id = ? AND awaiting IS NOT NULL ORDER BY stan',
        )
        .all(this.issuerId) as Array<{
        stan: number;
        name: string;
        awaiting: AwaitingWhat;
        awaiting_on: string;
      }>
    ).map((r) => ({ stan: r.stan, name: r.name, what: r.awaiting, on: r.awaiting_on }));
  }

  refusedAfterApproval(stan: number, code: string): void {
    // The terminal's own tables (the app's file always has them; the adapter's bare tests may not).
    const has = (t: string) =>
      this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t) !== undefined;
    if (!has('offline_exceptions') || !has('txns')) return;
    const row = this.db.prepare('SELECT amount_fen, masked, status FROM txns WHERE stan = ?').get(stan) as
      { amount_fen: number; masked: string; status: string } | undefined;
    // Only a refund the till holds approved is owed to the customer by someone.
    if (row && row.status !== 'approved') return;
    this.db
      .prepare(
        'INSERT OR IGNORE INTO offline_exceptions (stan, code, amount_fen, masked, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(stan, code, row?.amount_fen ?? 0, row?.masked ?? '', this.now().toISOString());
  }
}

/** The same in memory: for tests of the adapter alone (nothing survives the process). */
export class MemoryIso8583Store implements Iso8583LinkStore {
  private b = 0;
  private readonly rows = new Map<number, SentRequest>();
  batch(): number {
    return this.b;
  }
  setBatch(batch: number): void {
    this.b = batch;
  }
  sent(stan: number): SentRequest | undefined {
    const r = this.rows.get(stan);
    return r ? { ...r, fields: { ...r.fields } } : undefined;
  }
  recordSent(stan: number, r: SentFields, replace = false, owed?: Owed): void {
    if (replace || !this.rows.has(stan)) {
      this.rows.set(stan, { ...r, fields: storable(r.fields) });
      this.owed.delete(stan);
      if (owed) this.owed.set(stan, owed);
    }
  }
  recordAnswer(stan: number, a: Pick<SentRequest, 'rc' | 'rrn' | 'auth' | 'date13'>): void {
    const r = this.rows.get(stan);
    if (r) Object.assign(r, a);
    this.owed.delete(stan);
  }
  private readonly owed = new Map<number, Owed>();
  /** Refunds refused after the till approved them (the app's store makes them exceptions). */
  readonly refusedLate: Array<{ stan: number; code: string }> = [];
  markAwaiting(stan: number, what: AwaitingWhat, on: string): void {
    if (this.rows.has(stan)) this.owed.set(stan, { what, on });
  }
  clearAwaiting(stan: number): void {
    this.owed.delete(stan);
  }
  awaiting(): AwaitingRequest[] {
    return [...this.owed]
      .sort(([a], [b]) => a - b)
      .map(([stan, o]) => ({ stan, name: this.rows.get(stan)!.name, ...o }));
  }
  refusedAfterApproval(stan: number, code: string): void {
    this.refusedLate.push({ stan, code });
  }
}

function storable(fields: IsoFields): IsoFields {
  const out: IsoFields = {};
  for (const [k, v] of Object.entries(fields)) {
    if (NEVER_STORED.includes(Number(k)) || v === undefined) continue;
    // Requests carry only text fields besides 52 / 64 (62 is an answer's).
    if (typeof v !== 'string') throw new Error(`iso8583: field ${k} of a request is not text`);
    out[Number(k)] = v;
  }
  return out;
}
