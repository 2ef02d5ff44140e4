/**
 * A `txns` row is working state anyone with the disk can edit; its journal record is signed.
 * Everything a person or the issuer trusts — receipts, the dispute desk, X/Z reports, settlement
 * totals, `journal verify` — checks the row against the LATEST journal record of its STAN (a row
 * is journaled again when its state changes) and refuses when they differ.
 *
 * The record's own signature is checked by `verifyJournal` and, where a verifier is at hand, by
 * `signedRecord` — a row and record edited together still fail there.
 */
import type { Db } from '../store/sqlite';
import type { TxnRow } from '../terminal/txn-store';
import { TillError } from '../../shared/errors';
import type { JournalBody } from './journal';
import type { VerifyFn } from './verify';

export interface RecordOf {
  seq: number;
  body: JournalBody;
  /** The signed bytes (canonical JSON) and the SM2 signature over them. */
  bytes: Uint8Array;
  sig: Uint8Array;
  keyVersion: number;
}

const enc = new TextEncoder();

/** The latest journal record of a STAN, or undefined (none, or not JSON). */
export function latestRecord(db: Db, stan: number): RecordOf | undefined {
  const r = db
    .prepare('SELECT seq, body, sig, key_version FROM journal WHERE stan = ? ORDER BY seq DESC LIMIT 1')
    .get(stan) as { seq: number; body: string; sig: Buffer; key_version: number } | undefined;
  if (!r) return undefined;
  try {
    return {
      seq: r.seq,
      body: JSON.parse(r.body) as JournalBody,
      bytes: enc.encode(r.body),
      sig: new Uint8Array(r.sig),
      keyVersion: r.key_version,
    };
  } catch {
    return undefined;
  }
}

/** Every journal record of a STAN (a receipt printed before a later state names an older one). */
export function recordsOf(db: Db, stan: number): RecordOf[] {
  const rows = db
    .prepare('SELECT seq, body, sig, key_version FROM journal WHERE stan = ? ORDER BY seq DESC')
    .all(stan) as Array<{ seq: number; body: string; sig: Buffer; key_version: number }>;
  const out: RecordOf[] = [];
  for (const r of rows) {
    try {
      out.push({
        seq: r.seq,
        body: JSON.parse(r.body) as JournalBody,
        bytes: enc.encode(r.body),
        sig: new Uint8Array(r.sig),
        keyVersion: r.key_version,
      });
    } catch {
      // a malformed body is journal verify's finding; here it simply vouches for nothing
    }
  }
  return out;
}

/** The row's columns that the journal record signs, as (column, row value, signed value). */
function pairs(row: TxnRow, b: JournalBody): Array<[string, unknown, unknown]> {
  return [
    ['type', row.type, b.type],
    ['status', row.status, b.status],
    ['amount_fen', row.amount_fen, b.amountFen],
    ['other_tender_fen', row.other_tender_fen, b.otherTenderFen],
    ['balance_fen', row.balance_fen ?? undefined, b.balanceFen],
    ['masked', row.masked, b.masked],
    ['pan_enc', row.pan_enc ? Buffer.from(row.pan_enc).toString('base64') : undefined, b.panEnc],
    ['offline', row.offline === 1, b.offline],
    ['decline_code', row.decline_code ?? undefined, b.declineCode],
    ['auth_code', row.auth_code ?? undefined, b.authCode],
    ['orig_stan', row.orig_stan ?? undefined, b.origStan],
    ['operator_id', row.operator_id ?? undefined, b.operatorId],
    // Records from before issuer ids in the journal say nothing of it: compared only when signed.
    ['issuer_id', b.issuerId === undefined ? undefined : row.issuer_id, b.issuerId],
    ['updated_at', row.updated_at, b.time],
  ];
}

export interface RowDifference {
  stan: number;
  /** The first column that differs; "record": the row has no journal record; "row": a record has no row. */
  column: string;
  row?: unknown;
  signed?: unknown;
}

/** The first column in which a row differs from a journal record of its STAN, else undefined. */
export function rowDifference(row: TxnRow, rec: RecordOf | undefined): RowDifference | undefined {
  if (!rec || rec.body.stan !== row.stan) return { stan: row.stan, column: 'record' };
  const d = pairs(row, rec.body).find(([, a, b]) => a !== b);
  return d ? { stan: row.stan, column: d[0], row: d[1], signed: d[2] } : undefined;
}

export function describeDifference(d: RowDifference): string {
  const stan = String(d.stan).padStart(6, '0');
  if (d.column === 'row') return `txns row STAN ${stan} is missing (its journal record remains)`;
  return d.column === 'record'
    ? `txns row STAN ${stan} has no journal record`
    : `txns row STAN ${stan} differs from its journal record: ${d.column} ${JSON.stringify(d.row ?? null)} on disk, ${JSON.stringify(d.signed ?? null)} signed`;
}

/** The verifier the app registers for a database (./head-keeper.ts), used by journaledRow. */
const recordVerifiers = new WeakMap<Db, VerifyFn>();
export function setRecordVerifier(db: Db, verify: VerifyFn): void {
  recordVerifiers.set(db, verify);
}

/**
 * The row of a final transaction, only if it says what its latest journal record says (and, with
 * `verify` — by default the one registered for this database — that record's signature holds). Throws NOT_FOUND for no row / still pending, and
 * JOURNAL_MISMATCH naming the column otherwise — a receipt is never signed from an edited row.
 */
export function journaledRow(db: Db, stan: number, verify = recordVerifiers.get(db)): TxnRow {
  const row = db.prepare('SELECT * FROM txns WHERE stan = ?').get(stan) as TxnRow | undefined;
  if (!row || row.status === 'pending') throw new TillError('NOT_FOUND', `stan ${stan}`);
  const rec = latestRecord(db, stan);
  const diff = rowDifference(row, rec);
  if (diff) throw new TillError('JOURNAL_MISMATCH', describeDifference(diff));
  if (verify && rec && !verify(rec.keyVersion, rec.bytes, rec.sig))
    throw new TillError(
      'JOURNAL_MISMATCH',
      `journal record ${rec.seq} of STAN ${stan}: signature does not verify`,
    );
  return row;
}

/** base64 of a BLOB, for comparing `pan_enc` with the body's `panEnc` inside SQLite. */
const withBase64 = new WeakSet<Db>();
function registerBase64(db: Db): void {
  if (withBase64.has(db)) return;
  db.function('cardtill_base64', { deterministic: true }, (b: unknown) =>
    b === null || b === undefined ? null : Buffer.from(b as Uint8Array).toString('base64'),
  );
  withBase64.add(db);
}

/**
 * The row's signed columns as a JSON array, and the same fields of its latest record, compared
 * inside SQLite (one JSON parse per record, no row objects in JS): the check adds one pass over
 * the range to a report instead of one JS object per row.
 */
const MISMATCH_SQL = `
  SELECT t.stan AS stan FROM txns t
  LEFT JOIN journal j ON j.seq = (SELECT MAX(seq) FROM journal WHERE stan = t.stan)
  WHERE t.stan BETWEEN ? AND ? AND t.status != 'pending' AND (j.seq IS NULL OR
    json_array(t.stan, t.type, t.status, t.amount_fen, t.other_tender_fen, t.balance_fen, t.masked,
      cardtill_base64(t.pan_enc), json(CASE t.offline WHEN 1 THEN 'true' ELSE 'false' END),
      t.decline_code, t.auth_code, t.orig_stan, t.operator_id, t.updated_at,
      CASE WHEN json_extract(j.body, '$.issuerId') IS NULL THEN NULL ELSE t.issuer_id END)
    IS NOT json_extract(j.body, '$.stan', '$.type', '$.status', '$.amountFen', '$.otherTenderFen',
      '$.balanceFen', '$.masked', '$.panEnc', '$.offline', '$.declineCode', '$.authCode',
      '$.origStan', '$.operatorId', '$.time', '$.issuerId'))
  ORDER BY t.stan LIMIT 1`;

/**
 * Every final row with STAN in [from, to] against its latest record, and every record of that
 * range against a row (a deleted row is found too). Returns the first difference, lowest STAN
 * first, described column by column.
 */
export function firstRowDifference(
  db: Db,
  from = 1,
  to = Number.MAX_SAFE_INTEGER,
): RowDifference | undefined {
  registerBase64(db);
  let first: RowDifference | undefined;
  let hit: { stan: number } | undefined;
  try {
    hit = db.prepare(MISMATCH_SQL).get(from, to) as { stan: number } | undefined;
  } catch {
    // a body SQLite cannot read as JSON: find it the slow way below
    hit = undefined;
    for (const r of db
      .prepare("SELECT stan FROM txns WHERE stan BETWEEN ? AND ? AND status != 'pending' ORDER BY stan")
      .iterate(from, to) as IterableIterator<{ stan: number }>) {
      const row = db.prepare('SELECT * FROM txns WHERE stan = ?').get(r.stan) as TxnRow;
      if (rowDifference(row, latestRecord(db, r.stan))) {
        hit = r;
        break;
      }
    }
  }
  if (hit) {
    const row = db.prepare('SELECT * FROM txns WHERE stan = ?').get(hit.stan) as TxnRow;
    first = rowDifference(row, latestRecord(db, hit.stan)) ?? { stan: hit.stan, column: 'record' };
  }
  const orphan = db
    .prepare(
      `SELECT MIN(j.stan) AS stan FROM journal j WHERE j.stan BETWEEN ? AND ?
       AND NOT EXISTS (SELECT 1 FROM txns t WHERE t.stan = j.stan AND t.status != 'pending')`,
    )
    .get(from, Math.min(to, first ? first.stan : to)) as { stan: number | null };
  if (orphan.stan !== null && (!first || orphan.stan < first.stan))
    return { stan: orphan.stan, column: 'row', row: null, signed: 'journaled' };
  return first;
}
