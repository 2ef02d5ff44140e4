/**
 * Transaction rows and their journal records. Every final outcome is written as one SQLite
 * transaction: the row's new state + its signed journal record (+ a queued reversal when needed).
 */
import type { Db } from '../store/sqlite';
import { takeStan } from '../store/terminal-db';
import { appendJournal, type JournalSigner } from '../journal/journal';
import { sealSm4, openSm4 } from '../crypto';
import type { TxnResult, TxnType } from '../../shared/contract';
import type { ErrorCode } from '../../shared/errors';

const enc = new TextEncoder();
const dec = new TextDecoder();
const PAN_AAD = enc.encode('cardtill:pan:v1');
const REQ_AAD = enc.encode('cardtill:request:v1');

export interface TxnRow {
  stan: number;
  type: TxnType;
  status: 'pending' | 'approved' | 'declined' | 'reversed';
  amount_fen: number;
  other_tender_fen: number;
  balance_fen: number | null;
  masked: string;
  pan_enc: Buffer | null;
  entry_mode: string;
  decline_code: string | null;
  offline: number;
  operator_id: string | null;
  orig_stan: number | null;
  auth_code: string | null;
  request_enc: Buffer | null;
  created_at: string;
  updated_at: string;
}

export interface FinalOutcome {
  status: 'approved' | 'declined';
  balanceFen?: number;
  declineCode?: ErrorCode;
  authCode?: string;
  offline?: boolean;
}

export class TxnStore {
  constructor(
    readonly db: Db,
    private readonly dataKey: Uint8Array,
    private readonly signer: JournalSigner,
    private readonly terminalId: string,
    private readonly now: () => Date,
  ) {}

  sealPan(pan: string): Buffer {
    return Buffer.from(sealSm4(this.dataKey, enc.encode(pan), PAN_AAD));
  }
  openPan(sealed: Uint8Array): string {
    return dec.decode(openSm4(this.dataKey, sealed, PAN_AAD));
  }
  sealRequest(msg: unknown): Buffer {
    return Buffer.from(sealSm4(this.dataKey, enc.encode(JSON.stringify(msg)), REQ_AAD));
  }
  openRequest<T>(sealed: Uint8Array): T {
    return JSON.parse(dec.decode(openSm4(this.dataKey, sealed, REQ_AAD))) as T;
  }

  /**
   * Takes a STAN and records the transaction as pending with its exact request, before anything is
   * sent: after a crash, recovery finds it and can resend the same bytes or reverse it.
   */
  createPending(t: {
    type: TxnType;
    amountFen: number;
    otherTenderFen: number;
    masked: string;
    pan?: string;
    entryMode: string;
    operatorId?: string;
    origStan?: number;
    buildRequest: (stan: number) => Record<string, unknown>;
  }): { stan: number; request: Record<string, unknown> } {
    return this.db.transaction(() => {
      const stan = takeStan(this.db);
      const request = t.buildRequest(stan);
      const at = this.now().toISOString();
      this.db
        .prepare(
          `INSERT INTO txns (stan, type, status, amount_fen, other_tender_fen, masked, pan_enc, entry_mode, operator_id, orig_stan, request_enc, created_at, updated_at)
           VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          stan,
          t.type,
          t.amountFen,
          t.otherTenderFen,
          t.masked,
          t.pan ? this.sealPan(t.pan) : null,
          t.entryMode,
          t.operatorId ?? null,
          t.origStan ?? null,
          this.sealRequest(request),
          at,
          at,
        );
      return { stan, request };
    })();
  }

  /** Final state + journal record (+ reversal to queue), atomically. */
  finalize(
    stan: number,
    o: FinalOutcome,
    reversal?: { buildRequest: (revStan: number) => Record<string, unknown> },
  ): TxnRow {
    return this.db.transaction(() => {
      const at = this.now().toISOString();
      this.db
        .prepare(
          'UPDATE txns SET status = ?, balance_fen = ?, decline_code = ?, auth_code = ?, offline = ?, updated_at = ? WHERE stan = ? AND status = ?',
        )
        .run(
          o.status,
          o.balanceFen ?? null,
          o.declineCode ?? null,
          o.authCode ?? null,
          o.offline ? 1 : 0,
          at,
          stan,
          'pending',
        );
      const row = this.get(stan)!;
      this.journal(row);
      if (reversal) this.queueReversal(stan, reversal.buildRequest);
      return row;
    })();
  }

  queueReversal(origStan: number, buildRequest: (revStan: number) => Record<string, unknown>): number {
    const revStan = takeStan(this.db);
    this.db
      .prepare('INSERT INTO reversals (stan, orig_stan, request_enc, created_at) VALUES (?, ?, ?, ?)')
      .run(revStan, origStan, this.sealRequest(buildRequest(revStan)), this.now().toISOString());
    return revStan;
  }

  journal(row: TxnRow): void {
    appendJournal(this.db, this.signer, {
      stan: row.stan,
      type: row.type,
      status: row.status,
      amountFen: row.amount_fen,
      otherTenderFen: row.other_tender_fen,
      balanceFen: row.balance_fen ?? undefined,
      masked: row.masked,
      panEnc: row.pan_enc ? row.pan_enc.toString('base64') : undefined,
      offline: row.offline === 1,
      declineCode: row.decline_code ?? undefined,
      authCode: row.auth_code ?? undefined,
      origStan: row.orig_stan ?? undefined,
      operatorId: row.operator_id ?? undefined,
      time: row.updated_at,
      terminalId: this.terminalId,
    });
  }

  get(stan: number): TxnRow | undefined {
    return this.db.prepare('SELECT * FROM txns WHERE stan = ?').get(stan) as TxnRow | undefined;
  }

  pending(): TxnRow[] {
    return this.db.prepare("SELECT * FROM txns WHERE status = 'pending' ORDER BY stan").all() as TxnRow[];
  }

  recent(limit: number): TxnRow[] {
    return this.db
      .prepare("SELECT * FROM txns WHERE status != 'pending' ORDER BY stan DESC LIMIT ?")
      .all(limit) as TxnRow[];
  }

  unsentReversals(): Array<{ stan: number; orig_stan: number; request_enc: Buffer; attempts: number }> {
    return this.db
      .prepare(
        'SELECT stan, orig_stan, request_enc, attempts FROM reversals WHERE sent_at IS NULL ORDER BY stan',
      )
      .all() as Array<{
      stan: number;
      orig_stan: number;
      request_enc: Buffer;
      attempts: number;
    }>;
  }

  markReversalFailed(stan: number, error: string): void {
    this.db
      .prepare('UPDATE reversals SET attempts = attempts + 1, last_error = ? WHERE stan = ?')
      .run(error, stan);
  }

  /** The issuer acknowledged the reversal: mark it sent, record the original as reversed, journal it. */
  completeReversal(revStan: number, origStan: number, balanceFen: number | undefined): void {
    this.db.transaction(() => {
      const at = this.now().toISOString();
      this.db
        .prepare(
          'UPDATE reversals SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE stan = ?',
        )
        .run(at, revStan);
      const orig = this.get(origStan);
      this.db
        .prepare(
          `INSERT INTO txns (stan, type, status, amount_fen, other_tender_fen, balance_fen, masked, pan_enc, entry_mode, operator_id, orig_stan, created_at, updated_at)
           VALUES (?, 'reversal', 'approved', ?, 0, ?, ?, ?, 'system', NULL, ?, ?, ?)`,
        )
        .run(
          revStan,
          orig?.amount_fen ?? 0,
          balanceFen ?? null,
          orig?.masked ?? '',
          orig?.pan_enc ?? null,
          origStan,
          at,
          at,
        );
      this.journal(this.get(revStan)!);
    })();
  }
}

export function toResult(row: TxnRow): TxnResult {
  return {
    stan: row.stan,
    type: row.type,
    status: row.status,
    amountFen: row.amount_fen,
    otherTenderFen: row.other_tender_fen,
    ...(row.balance_fen !== null ? { balanceFen: row.balance_fen } : {}),
    masked: row.masked,
    ...(row.decline_code ? { declineCode: row.decline_code as ErrorCode } : {}),
    offline: row.offline === 1,
    time: row.updated_at,
    ...(row.operator_id ? { operatorId: row.operator_id } : {}),
    ...(row.orig_stan ? { origStan: row.orig_stan } : {}),
  };
}
