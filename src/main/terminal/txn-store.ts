/**
 * Transaction rows and their journal records. Every final outcome is written as one SQLite
 * transaction: the row's new state + its signed journal record (+ a queued reversal when needed).
 */
import type { Db } from '../store/sqlite';
import { takeStan } from '../store/terminal-db';
import { appendJournal, type JournalSigner } from '../journal/journal';
import { sealSm4, openSm4 } from '../crypto';
import type { TxnResult, TxnType } from '../../shared/contract';
import { TillError, type ErrorCode } from '../../shared/errors';
import { commandFromSealed } from '../issuer/sealed-command';
import type { ChipProof, EndpointRole, IssuerCommand, ReverseCommand } from '../issuer/port';

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
  /** The issuer the router sent it to (src/main/issuer/router.ts); 'default' for older rows. */
  issuer_id: string;
  /** Which of the issuer's hosts it was last sent to (src/main/issuer/failover.ts). */
  endpoint: EndpointRole;
  created_at: string;
  updated_at: string;
}

export interface QueuedReversal {
  stan: number;
  orig_stan: number;
  request_enc: Buffer;
  attempts: number;
  issuer_id: string;
  endpoint: EndpointRole;
}

/** Who a reversal goes to and what it says (the command is sealed, never adapter bytes). */
export interface ReversalSpec {
  issuerId: string;
  /** The host the original went to: the reversal goes there and nowhere else (default primary). */
  endpoint?: EndpointRole;
  command: (revStan: number) => ReverseCommand;
}

export interface FinalOutcome {
  status: 'approved' | 'declined';
  balanceFen?: number;
  declineCode?: ErrorCode;
  authCode?: string;
  offline?: boolean;
  /** A chip purchase / load: the card's proof, in the journal record (chip-purchase.ts). */
  chip?: ChipProof;
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
  /** A sealed issuer command — or a wire message sealed before the port existed (sealed-command.ts). */
  openCommand(sealed: Uint8Array): IssuerCommand {
    return commandFromSealed(this.openRequest<unknown>(sealed));
  }

  /**
   * Takes a STAN and records the transaction as pending with its issuer command, before anything
   * is sent: after a crash, recovery finds it and reverses it (or an adapter resends it).
   */
  createPending<R = Record<string, unknown>>(t: {
    type: TxnType;
    amountFen: number;
    otherTenderFen: number;
    masked: string;
    pan?: string;
    entryMode: string;
    operatorId?: string;
    origStan?: number;
    /** The issuer the router chose ('default' when there is only one). */
    issuerId?: string;
    buildRequest: (stan: number) => R;
  }): { stan: number; request: R } {
    return this.db.transaction(() => {
      const stan = takeStan(this.db);
      const request = t.buildRequest(stan);
      const at = this.now().toISOString();
      this.db
        .prepare(
          `INSERT INTO txns (stan, type, status, amount_fen, other_tender_fen, masked, pan_enc, entry_mode, operator_id, orig_stan, request_enc, issuer_id, created_at, updated_at)
           VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
          t.issuerId ?? 'default',
          at,
          at,
        );
      return { stan, request };
    })();
  }

  /**
   * Final state + journal record (+ reversal to queue), atomically. Only a pending row can be
   * finalized: a second call (or a row already final) is ALREADY_FINAL and writes nothing — the
   * row is journaled exactly once per outcome.
   */
  finalize(stan: number, o: FinalOutcome, reversal?: ReversalSpec, alsoWrite?: () => void): TxnRow {
    return this.db.transaction(() => {
      const at = this.now().toISOString();
      const { changes } = this.db
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
      if (changes !== 1)
        throw new TillError(
          'ALREADY_FINAL',
          `stan ${stan} is ${this.get(stan)?.status ?? 'unknown'}, not pending`,
        );
      const row = this.get(stan)!;
      this.journal(row, o.chip);
      if (reversal) this.queueReversal(stan, reversal);
      // What the caller keeps beside the final row (RunRequest.withAnswer), in the same commit.
      alsoWrite?.();
      return row;
    })();
  }

  queueReversal(origStan: number, r: ReversalSpec): number {
    const revStan = takeStan(this.db);
    this.db
      .prepare(
        'INSERT INTO reversals (stan, orig_stan, request_enc, issuer_id, endpoint, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        revStan,
        origStan,
        this.sealRequest(r.command(revStan)),
        r.issuerId,
        r.endpoint ?? 'primary',
        this.now().toISOString(),
      );
    return revStan;
  }

  /**
   * The pending row is about to be sent to this endpoint (before the bytes leave): a crash from
   * here on reverses it on that host. Not journaled: it is routing, not the transaction's content.
   */
  noteEndpoint(stan: number, endpoint: EndpointRole): void {
    this.db.prepare("UPDATE txns SET endpoint = ? WHERE stan = ? AND status = 'pending'").run(endpoint, stan);
  }

  journal(row: TxnRow, chip?: ChipProof): void {
    appendJournal(this.db, this.signer, {
      ...(chip ? { chip } : {}),
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
      issuerId: row.issuer_id,
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

  /** Pending rows recorded before `cutoff` (ISO time): past the bound, nothing is still sending them. */
  pendingBefore(cutoff: string): TxnRow[] {
    return this.db
      .prepare("SELECT * FROM txns WHERE status = 'pending' AND created_at < ? ORDER BY stan")
      .all(cutoff) as TxnRow[];
  }

  recent(limit: number): TxnRow[] {
    return this.db
      .prepare("SELECT * FROM txns WHERE status != 'pending' ORDER BY stan DESC LIMIT ?")
      .all(limit) as TxnRow[];
  }

  unsentReversals(): QueuedReversal[] {
    return this.db
      .prepare(
        'SELECT stan, orig_stan, request_enc, attempts, issuer_id, endpoint FROM reversals WHERE sent_at IS NULL ORDER BY stan',
      )
      .all() as QueuedReversal[];
  }

  markReversalFailed(stan: number, error: string): void {
    this.db
      .prepare('UPDATE reversals SET attempts = attempts + 1, last_error = ? WHERE stan = ?')
      .run(error, stan);
  }

  /**
   * The issuer acknowledged the reversal: mark it sent, record the reversal, journal it. When the
   * issuer says it had applied the original (`originalApplied`), the original row becomes
   * `reversed` — its money was given back — and that state change is journaled too, so the row
   * and its latest journal record agree.
   */
  completeReversal(
    revStan: number,
    origStan: number,
    balanceFen: number | undefined,
    originalApplied = false,
  ): void {
    this.db.transaction(() => {
      const at = this.now().toISOString();
      const { changes } = this.db
        .prepare(
          'UPDATE reversals SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE stan = ? AND sent_at IS NULL',
        )
        .run(at, revStan);
      // Two senders raced (the background tick and a caller): the first one recorded it.
      if (changes === 0) return;
      const orig = this.get(origStan);
      const { endpoint } = this.db.prepare('SELECT endpoint FROM reversals WHERE stan = ?').get(revStan) as {
        endpoint: EndpointRole;
      };
      this.db
        .prepare(
          `INSERT INTO txns (stan, type, status, amount_fen, other_tender_fen, balance_fen, masked, pan_enc, entry_mode, operator_id, orig_stan, issuer_id, endpoint, created_at, updated_at)
           VALUES (?, 'reversal', 'approved', ?, 0, ?, ?, ?, 'system', NULL, ?, ?, ?, ?, ?)`,
        )
        .run(
          revStan,
          orig?.amount_fen ?? 0,
          balanceFen ?? null,
          orig?.masked ?? '',
          orig?.pan_enc ?? null,
          origStan,
          orig?.issuer_id ?? 'default',
          endpoint,
          at,
          at,
        );
      this.journal(this.get(revStan)!);
      if (originalApplied && orig && orig.status !== 'reversed' && orig.status !== 'pending') {
        this.db
          .prepare("UPDATE txns SET status = 'reversed', updated_at = ? WHERE stan = ? AND status = ?")
          .run(at, origStan, orig.status);
        this.journal(this.get(origStan)!);
      }
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
