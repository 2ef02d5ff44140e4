/**
 * What the ISO 8583 face keeps beside the shared IssuerLedger (src/issuer-sim/ledger.ts), in the
 * ledger's own SQLite file: per (terminal, batch, STAN) the message's name, card, amount, answer
 * code, RRN / authorization code / date as answered, and its state (voided, reversed, refunded) —
 * what void, refund, reversal and settlement (field 48) are checked against. Money itself moves
 * only through the ledger (debit / credit), and idempotency is the ledger's (terminal, STAN) record.
 */
import type { Db } from '../../shared/store/sqlite';

export interface IsoTxnRow {
  terminal_id: string;
  batch: number;
  stan: number;
  name: string;
  pan: string | null;
  amount_fen: number;
  rc: string;
  rrn: string;
  auth: string | null;
  date13: string;
  state: 'ok' | 'voided' | 'reversed';
  refunded_fen: number;
  orig_batch: number | null;
  orig_stan: number | null;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS iso8583_txns (
    terminal_id TEXT NOT NULL,
    batch INTEGER NOT NULL,
    stan INTEGER NOT NULL,
    name TEXT NOT NULL,
    pan TEXT,
    amount_fen INTEGER NOT NULL,
    rc TEXT NOT NULL,
    rrn TEXT NOT NULL,
    auth TEXT,
    date13 TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'ok' CHECK (state IN ('ok','voided','reversed')),
    refunded_fen INTEGER NOT NULL DEFAULT 0,
    orig_batch INTEGER,
    orig_stan INTEGER,
    PRIMARY KEY (terminal_id, batch, stan)
  );
  CREATE TABLE IF NOT EXISTS iso8583_rrn (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL);
`;

export class IsoTxnStore {
  constructor(private readonly db: Db) {
    db.exec(SCHEMA);
  }

  get(terminalId: string, batch: number, stan: number): IsoTxnRow | undefined {
    return this.db
      .prepare('SELECT * FROM iso8583_txns WHERE terminal_id = ? AND batch = ? AND stan = ?')
      .get(terminalId, batch, stan) as IsoTxnRow | undefined;
  }

  insert(row: Omit<IsoTxnRow, 'state' | 'refunded_fen'>): void {
    this.db
      .prepare(
        `INSERT INTO iso8583_txns (terminal_id, batch, stan, name, pan, amount_fen, rc, rrn, auth, date13, orig_batch, orig_stan)
         VALUES (@terminal_id, @batch, @stan, @name, @pan, @amount_fen, @rc, @rrn, @auth, @date13, @orig_batch, @orig_stan)`,
      )
      .run(row);
  }

  setState(terminalId: string, batch: number, stan: number, state: IsoTxnRow['state']): void {
    this.db
      .prepare('UPDATE iso8583_txns SET state = ? WHERE terminal_id = ? AND batch = ? AND stan = ?')
      .run(state, terminalId, batch, stan);
  }

  addRefunded(terminalId: string, batch: number, stan: number, deltaFen: number): void {
    this.db
      .prepare(
        'UPDATE iso8583_txns SET refunded_fen = refunded_fen + ? WHERE terminal_id = ? AND batch = ? AND stan = ?',
      )
      .run(deltaFen, terminalId, batch, stan);
  }

  /** A fresh 12-digit retrieval reference number: every answer that lists 37 gets one. */
  nextRrn(now: Date): string {
    const r = this.db.prepare('INSERT INTO iso8583_rrn (at) VALUES (?)').run(now.toISOString());
    return String(Number(r.lastInsertRowid) % 1e12).padStart(12, '0');
  }

  /** The host's field-48 totals for (terminal, batch): ISO8583-CUP.md "Settlement". */
  totals(terminalId: string, batch: number) {
    const row = this.db
      .prepare(
        `SELECT
           COALESCE(SUM(CASE WHEN name IN ('purchase','advice') AND state = 'ok' THEN 1 END), 0) AS saleCount,
           COALESCE(SUM(CASE WHEN name IN ('purchase','advice') AND state = 'ok' THEN amount_fen END), 0) AS saleFen,
           COALESCE(SUM(CASE WHEN name = 'refund' AND state = 'ok' THEN 1 END), 0) AS creditCount,
           COALESCE(SUM(CASE WHEN name = 'refund' AND state = 'ok' THEN amount_fen END), 0) AS creditFen
         FROM iso8583_txns WHERE terminal_id = ? AND batch = ? AND rc = '00'`,
      )
      .get(terminalId, batch) as {
      saleCount: number;
      saleFen: number;
      creditCount: number;
      creditFen: number;
    };
    return row;
  }
}
