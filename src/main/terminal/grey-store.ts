/**
 * The durable grey records (灰记录) of chip purchases and loads, in the terminal's SQLite (WAL,
 * synchronous=FULL): `put` returns only when the record is committed, and the flow sends DEBIT
 * (CREDIT) only after it (src/drivers/ic/epurse/flow.ts). One row per chip transaction, keyed by
 * the STAN of its `txns` row, kept after it is resolved: it holds what clearing uploads (TAC,
 * sequence, PSAM counter) and what the manager's exceptions list shows.
 *
 * The card's application serial is its card number: it is never stored in clear. Rows are found
 * by an HMAC-SM3 of it (`card_key`, a key derived from the data key); the number itself is the
 * `txns` row's sealed PAN, and the caller hands it back in.
 */
import type { Db, Migration } from '../../shared/store/sqlite';
import { hmacSm3, toHex } from '../../shared/crypto';
import type { GreyOutcome, GreyRecord, GreyStore } from '../../drivers/ic/epurse/grey';

export const GREY_MIGRATIONS: Migration[] = [
  {
    id: 'epurse/001-chip-txns',
    sql: `
  CREATE TABLE chip_txns (
    stan INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('purchase','load')),
    card_key TEXT NOT NULL,
    masked TEXT NOT NULL,
    seq INTEGER NOT NULL,
    balance_before_fen INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL,
    terminal_number TEXT NOT NULL,
    terminal_seq TEXT NOT NULL,
    date TEXT NOT NULL,
    time TEXT NOT NULL,
    alg_id INTEGER NOT NULL,
    -- grey: DEBIT/CREDIT may have been sent and no answer was read; the rest are final.
    state TEXT NOT NULL CHECK (state IN ('grey','done','not-done','exception','mac2-invalid')),
    tac TEXT,
    mac2 TEXT,
    proved INTEGER NOT NULL DEFAULT 0,
    reason TEXT,
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    acknowledged_by TEXT
  );
  -- At most one open grey record per card: no new purchase on a card until it is resolved.
  CREATE UNIQUE INDEX chip_txns_one_grey ON chip_txns(card_key) WHERE state = 'grey';
`,
  },
];

export interface ChipTxnRow {
  stan: number;
  kind: 'purchase' | 'load';
  card_key: string;
  masked: string;
  seq: number;
  balance_before_fen: number;
  amount_fen: number;
  terminal_number: string;
  terminal_seq: string;
  date: string;
  time: string;
  alg_id: number;
  state: 'grey' | 'done' | 'not-done' | 'exception' | 'mac2-invalid';
  tac: string | null;
  mac2: string | null;
  proved: number;
  reason: string | null;
  created_at: string;
  resolved_at: string | null;
  acknowledged_by: string | null;
}

const enc = new TextEncoder();

export class SqliteGreyStore {
  private readonly cardKeyKey: Uint8Array;

  constructor(
    readonly db: Db,
    dataKey: Uint8Array,
    private readonly now: () => Date,
  ) {
    this.cardKeyKey = hmacSm3(dataKey, enc.encode('cardtill:epurse:card-key:v1'));
  }

  cardKey(appSerial: string): string {
    return toHex(hmacSm3(this.cardKeyKey, enc.encode(appSerial)));
  }

  /** The GreyStore the flow writes through, for the transaction of this STAN. */
  forStan(stan: number, masked: string): GreyStore {
    return {
      put: async (rec) => this.put(stan, masked, rec),
      get: async (serial) => this.openRecord(serial),
      resolve: async (serial, outcome) => this.resolve(serial, outcome),
    };
  }

  put(stan: number, masked: string, r: GreyRecord): void {
    // One statement in autocommit: committed (WAL, synchronous=FULL) when run() returns.
    this.db
      .prepare(
        `INSERT INTO chip_txns (stan, kind, card_key, masked, seq, balance_before_fen, amount_fen, terminal_number, terminal_seq, date, time, alg_id, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'grey', ?)`,
      )
      .run(
        stan,
        r.kind,
        this.cardKey(r.cardSerial),
        masked,
        r.seq,
        r.balanceBeforeFen,
        r.amountFen,
        r.terminalNumber,
        r.terminalSeq,
        r.date,
        r.time,
        r.algId,
        this.now().toISOString(),
      );
  }

  /** The open grey row of this card, if any. */
  openRow(appSerial: string): ChipTxnRow | undefined {
    return this.db
      .prepare("SELECT * FROM chip_txns WHERE card_key = ? AND state = 'grey'")
      .get(this.cardKey(appSerial)) as ChipTxnRow | undefined;
  }

  openRecord(appSerial: string): GreyRecord | undefined {
    const r = this.openRow(appSerial);
    return r ? toRecord(r, appSerial) : undefined;
  }

  resolve(appSerial: string, o: GreyOutcome): void {
    const at = this.now().toISOString();
    const fields =
      o.kind === 'done'
        ? { tac: o.tac, mac2: o.mac2, proved: o.proved ? 1 : 0, reason: null }
        : o.kind === 'mac2-invalid'
          ? { tac: o.tac, mac2: o.mac2, proved: 0, reason: 'mac2-invalid' }
          : { tac: null, mac2: null, proved: 0, reason: o.kind === 'not-done' ? o.why : o.reason };
    this.db
      .prepare(
        "UPDATE chip_txns SET state = ?, tac = ?, mac2 = ?, proved = ?, reason = ?, resolved_at = ? WHERE card_key = ? AND state = 'grey'",
      )
      .run(o.kind, fields.tac, fields.mac2, fields.proved, fields.reason, at, this.cardKey(appSerial));
  }

  /** The manager stops waiting for the card of this open grey record: it becomes an exception. */
  abandon(stan: number, reason: string): boolean {
    return (
      this.db
        .prepare(
          "UPDATE chip_txns SET state = 'exception', reason = ?, resolved_at = ? WHERE stan = ? AND state = 'grey'",
        )
        .run(reason, this.now().toISOString(), stan).changes === 1
    );
  }

  get(stan: number): ChipTxnRow | undefined {
    return this.db.prepare('SELECT * FROM chip_txns WHERE stan = ?').get(stan) as ChipTxnRow | undefined;
  }

  /** Grey records still open and exceptions nobody acknowledged: the manager's list. */
  unresolved(): ChipTxnRow[] {
    return this.db
      .prepare(
        "SELECT * FROM chip_txns WHERE (state = 'grey' OR state IN ('exception','mac2-invalid')) AND acknowledged_by IS NULL ORDER BY stan",
      )
      .all() as ChipTxnRow[];
  }

  acknowledge(stan: number, by: string): boolean {
    return (
      this.db
        .prepare(
          "UPDATE chip_txns SET acknowledged_by = ? WHERE stan = ? AND state IN ('exception','mac2-invalid') AND acknowledged_by IS NULL",
        )
        .run(by, stan).changes === 1
    );
  }
}

export function toRecord(r: ChipTxnRow, appSerial: string): GreyRecord {
  return {
    kind: r.kind,
    cardSerial: appSerial,
    seq: r.seq,
    balanceBeforeFen: r.balance_before_fen,
    amountFen: r.amount_fen,
    terminalNumber: r.terminal_number,
    terminalSeq: r.terminal_seq,
    date: r.date,
    time: r.time,
    algId: r.alg_id,
  };
}
