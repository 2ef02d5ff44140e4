/**
 * The issuer's side of each message, on its SQLite ledger. Every money-moving answer is decided
 * and recorded in one SQLite transaction, keyed by (terminal id, STAN): a retry gets the stored
 * answer, so a debit is applied at most once (DESIGN.md promise 1).
 */
import { openDatabase, type Db } from '../shared/store/sqlite';
import { TXN_KINDS } from '../shared/txn-kinds';
import { ISSUER_MIGRATIONS } from './schema';
import { DEMO_CARDS, type CardStatus } from './demo-cards';
import type { ErrorCode } from '../shared/errors';

export interface CardRow {
  pan: string;
  status: CardStatus;
  balance_fen: number;
  expiry: string;
  updated_at: string;
  /** 1 registered (记名, cap ¥5,000.00), 0 anonymous (cap ¥1,000.00): src/shared/card-rules.ts. */
  registered: number;
}

export interface RequestRow {
  terminal_id: string;
  stan: number;
  type: string;
  request_hash: string;
  result: 'approved' | 'declined';
  amount_fen: number;
  pan: string | null;
  reversed: number;
  response: string;
  created_at: string;
}

export interface Decision {
  result: 'approved' | 'declined';
  code?: ErrorCode;
  balanceFen?: number;
  cardStatus?: string;
  amountFen?: number;
  pan?: string;
  orig?: {
    found: boolean;
    type?: string;
    result?: 'approved' | 'declined';
    reversed?: boolean;
    amountFen?: number;
  };
}

export class IssuerLedger {
  readonly db: Db;
  constructor(
    file: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.db = openDatabase(file, ISSUER_MIGRATIONS);
  }

  close(): void {
    this.db.close();
  }

  seedDemoCards(): void {
    const now = this.clock().toISOString();
    const ins = this.db.prepare(
      'INSERT OR IGNORE INTO cards (pan, status, balance_fen, expiry, updated_at, registered) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const c of DEMO_CARDS)
        ins.run(c.pan, c.status, c.balanceFen, c.expiry, now, c.registered === false ? 0 : 1);
    })();
  }

  /** `registered` absent: a new card is registered (记名, the column's default); an existing one keeps its flag. */
  upsertCard(c: {
    pan: string;
    status: CardStatus;
    balanceFen: number;
    expiry: string;
    registered?: boolean;
  }): void {
    this.db
      .prepare(
        `INSERT INTO cards (pan, status, balance_fen, expiry, updated_at, registered) VALUES (@pan, @status, @balanceFen, @expiry, @now, COALESCE(@registered, 1))
         ON CONFLICT(pan) DO UPDATE SET status = excluded.status, balance_fen = excluded.balance_fen, expiry = excluded.expiry, updated_at = excluded.updated_at, registered = COALESCE(@registered, registered)`,
      )
      .run({
        ...c,
        registered: c.registered === undefined ? null : c.registered ? 1 : 0,
        now: this.clock().toISOString(),
      });
  }

  card(pan: string): CardRow | undefined {
    return this.db.prepare('SELECT * FROM cards WHERE pan = ?').get(pan) as CardRow | undefined;
  }

  enrol(terminalId: string, keyVersion: number, merchantId: string, publicKeyHex: string): void {
    this.db
      .prepare(
        `INSERT INTO terminals (terminal_id, key_version, merchant_id, public_key, enrolled_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(terminal_id, key_version) DO NOTHING`,
      )
      .run(terminalId, keyVersion, merchantId, publicKeyHex, this.clock().toISOString());
  }

  /** The terminal's highest enrolled key version (the one that endorses the next), if any. */
  newestTerminalKey(terminalId: string): { keyVersion: number; publicKey: string } | undefined {
    const row = this.db
      .prepare(
        'SELECT key_version, public_key FROM terminals WHERE terminal_id = ? ORDER BY key_version DESC LIMIT 1',
      )
      .get(terminalId) as { key_version: number; public_key: string } | undefined;
    return row && { keyVersion: row.key_version, publicKey: row.public_key };
  }

  terminalKey(terminalId: string, keyVersion: number): string | undefined {
    const row = this.db
      .prepare('SELECT public_key FROM terminals WHERE terminal_id = ? AND key_version = ?')
      .get(terminalId, keyVersion) as { public_key: string } | undefined;
    return row?.public_key;
  }

  request(terminalId: string, stan: number): RequestRow | undefined {
    return this.db
      .prepare('SELECT * FROM requests WHERE terminal_id = ? AND stan = ?')
      .get(terminalId, stan) as RequestRow | undefined;
  }

  /**
   * Runs `decide` and records its answer under (terminalId, stan) atomically, unless that pair is
   * already recorded: then the stored response is returned (same request) or DUPLICATE_STAN.
   */
  idempotent(
    key: { terminalId: string; stan: number; type: string; requestHash: string },
    decide: () => Decision,
    render: (d: Decision) => string,
  ): { response: string; replayed: boolean } {
    return this.db.transaction(() => {
      const prior = this.request(key.terminalId, key.stan);
      if (prior) {
        if (prior.request_hash === key.requestHash) return { response: prior.response, replayed: true };
        if (prior.type === 'tombstone' && TXN_KINDS.byWire(key.type)?.reversedBy) {
          // A reversal of this STAN arrived first: the late original of any reversible kind
          // (src/shared/txn-kinds.ts) must not be applied.
          const d: Decision = { result: 'declined', code: 'ALREADY_REVERSED' };
          return { response: render(d), replayed: false };
        }
        return { response: render({ result: 'declined', code: 'DUPLICATE_STAN' }), replayed: false };
      }
      const d = decide();
      const response = render(d);
      this.db
        .prepare(
          `INSERT INTO requests (terminal_id, stan, type, request_hash, result, amount_fen, pan, reversed, response, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
        )
        .run(
          key.terminalId,
          key.stan,
          key.type,
          key.requestHash,
          d.result,
          d.amountFen ?? 0,
          d.pan ?? null,
          response,
          this.clock().toISOString(),
        );
      return { response, replayed: false };
    })();
  }

  /** Card checks shared by authorize and inquiry. Returns a decline or the card. */
  checkCard(pan: string): { decline: Decision } | { card: CardRow } {
    const card = this.card(pan);
    if (!card) return { decline: { result: 'declined', code: 'CARD_UNKNOWN' } };
    const statusCodes: Partial<Record<CardStatus, ErrorCode>> = {
      lost: 'CARD_LOST',
      frozen: 'CARD_FROZEN',
      expired: 'CARD_EXPIRED',
      not_activated: 'CARD_NOT_ACTIVATED',
      closed: 'CARD_CLOSED',
      replaced: 'CARD_REPLACED',
    };
    const code = statusCodes[card.status];
    if (code) return { decline: { result: 'declined', code, cardStatus: card.status } };
    if (isExpired(card.expiry, this.clock()))
      return { decline: { result: 'declined', code: 'CARD_EXPIRED', cardStatus: 'expired' } };
    return { card };
  }

  debit(pan: string, terminalId: string, stan: number, amountFen: number, kind: string): number {
    const card = this.card(pan)!;
    const after = card.balance_fen - amountFen;
    this.db
      .prepare('UPDATE cards SET balance_fen = ?, updated_at = ? WHERE pan = ?')
      .run(after, this.clock().toISOString(), pan);
    this.db
      .prepare(
        'INSERT INTO entries (pan, terminal_id, stan, kind, delta_fen, balance_after, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(pan, terminalId, stan, kind, -amountFen, after, this.clock().toISOString());
    return after;
  }

  credit(pan: string, terminalId: string, stan: number, amountFen: number, kind: string): number {
    return this.debit(pan, terminalId, stan, -amountFen, kind);
  }

  markReversed(terminalId: string, stan: number): void {
    this.db
      .prepare('UPDATE requests SET reversed = 1 WHERE terminal_id = ? AND stan = ?')
      .run(terminalId, stan);
  }

  /** Remembers that a reversal came for a STAN never seen, so a late original is refused. */
  tombstone(terminalId: string, stan: number): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO requests (terminal_id, stan, type, request_hash, result, amount_fen, pan, reversed, response, created_at)
         VALUES (?, ?, 'tombstone', '', 'declined', 0, NULL, 1, '', ?)`,
      )
      .run(terminalId, stan, this.clock().toISOString());
  }

  /** Everything applied for a terminal: what tests compare against the terminal's journal. */
  applied(
    terminalId: string,
  ): Array<{ stan: number; type: string; result: string; amountFen: number; reversed: boolean }> {
    return (
      this.db
        .prepare(
          "SELECT stan, type, result, amount_fen, reversed FROM requests WHERE terminal_id = ? AND type != 'tombstone' ORDER BY stan",
        )
        .all(terminalId) as Array<{
        stan: number;
        type: string;
        result: string;
        amount_fen: number;
        reversed: number;
      }>
    ).map((r) => ({
      stan: r.stan,
      type: r.type,
      result: r.result,
      amountFen: r.amount_fen,
      reversed: r.reversed === 1,
    }));
  }

  entries(
    pan: string,
  ): Array<{ stan: number; kind: string; deltaFen: number; balanceAfter: number; terminalId: string }> {
    return (
      this.db.prepare('SELECT * FROM entries WHERE pan = ? ORDER BY id').all(pan) as Array<{
        stan: number;
        kind: string;
        delta_fen: number;
        balance_after: number;
        terminal_id: string;
      }>
    ).map((e) => ({
      stan: e.stan,
      kind: e.kind,
      deltaFen: e.delta_fen,
      balanceAfter: e.balance_after,
      terminalId: e.terminal_id,
    }));
  }
}

/** Expiry YYMM: valid through the last day of that month. */
export function isExpired(expiry: string, now: Date): boolean {
  const yy = Number(expiry.slice(0, 2));
  const mm = Number(expiry.slice(2, 4));
  const endYear = 2000 + yy;
  const firstOfNextMonth = Date.UTC(endYear, mm, 1);
  return now.getTime() >= firstOfNextMonth;
}
