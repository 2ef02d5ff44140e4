/**
 * Void and refund, both with a manager override (src/main/auth/override.ts), both run exactly
 * like sales: through the one TransactionRunner (runner.ts: eligibility + override →
 * createPending → issuer port → finalize, or declined with a queued Reverse when the outcome is
 * unknown) under the till's one lock (a refund during a sale is BUSY).
 *
 * Void: an approved sale of the open, unsettled batch (or, with no shift open, the last sale),
 * in full, once. The issuer credits the card back; the message is idempotent by (terminal, STAN)
 * and the issuer refuses a second void of the same sale.
 * Refund: against an original STAN — partial refunds allowed, never more than the original in
 * total (checked here and again at the issuer) — or unlinked to a presented card. Credited to
 * the card. A refund is its own row and is counted once (src/main/shift/totals.ts).
 */
import { TillError } from '../../shared/errors';
import type { Override, TxnResult, Receipt } from '../../shared/contract';
import type { OverrideChecker } from '../auth/override';
import type { AuditLog } from '../audit/audit-log';
import type { TxnStore, TxnRow } from './txn-store';
import type { Terminal } from './terminal';
import type { OfflineStore } from '../../offline-queue/store';
import { voidOfflineSale, voidRowOf } from './offline-void';

export interface VoidRefundOptions {
  store: TxnStore;
  /** Runs on the terminal's runner and under its till lock. */
  terminal: Terminal;
  overrides: OverrideChecker;
  audit: AuditLog;
  terminalId: string;
  merchantId: string;
  clock: () => Date;
  log: (line: string) => void;
  /** From the shift service: first STAN of the unsettled batch, whether a shift is open, whether a close is running. */
  batch: () => { fromStan: number; shiftOpen: boolean; closing: boolean };
  /** Store-and-forward, for voids and refunds of offline-approved sales (absent: offline disabled). */
  offline?: {
    store: OfflineStore;
    /** Upload queued advices now (a refund needs its sale at the issuer first). */
    forwardNow(): Promise<unknown>;
    /** Start a background upload now, probing the link first (after a void advice was queued). */
    kick(): void;
  };
}

export interface VoidRefundResult {
  result: TxnResult;
  receipt: Receipt | null;
}

export class VoidRefund {
  constructor(private readonly o: VoidRefundOptions) {}

  private db() {
    return this.o.store.db;
  }

  /** Approved voids of a sale (0 or 1), approved refunds' total. */
  private history(origStan: number): { voided: boolean; refundedFen: number } {
    const r = this.db()
      .prepare(
        `SELECT COALESCE(SUM(CASE WHEN type = 'void' THEN 1 ELSE 0 END), 0) AS voids,
                COALESCE(SUM(CASE WHEN type = 'refund' THEN amount_fen ELSE 0 END), 0) AS refunded
           FROM txns WHERE orig_stan = ? AND status IN ('approved','pending') AND type IN ('void','refund')`,
      )
      .get(origStan) as { voids: number; refunded: number };
    return { voided: r.voids > 0, refundedFen: r.refunded };
  }

  private lastSaleStan(fromStan: number): number | undefined {
    const r = this.db()
      .prepare("SELECT MAX(stan) AS s FROM txns WHERE type = 'sale' AND status = 'approved' AND stan >= ?")
      .get(fromStan) as { s: number | null };
    return r.s ?? undefined;
  }

  private original(origStan: number): TxnRow {
    const orig = this.o.store.get(origStan);
    if (!orig || orig.type !== 'sale') throw new TillError('NOT_FOUND', `stan ${origStan}`);
    if (orig.status !== 'approved')
      throw new TillError('INVALID_STATE', `stan ${origStan} is ${orig.status}`);
    if (!orig.pan_enc) throw new TillError('INVALID_STATE', 'original has no card on record');
    return orig;
  }

  void(
    req: { origStan: number; override: Override },
    cashier: { id: string; role: string },
  ): Promise<VoidRefundResult> {
    return this.o.terminal.lock.run('void', async () => {
      const orig = this.original(req.origStan);
      const b = this.o.batch();
      const allowed = b.shiftOpen
        ? orig.stan >= b.fromStan && !b.closing
        : orig.stan === this.lastSaleStan(b.fromStan);
      if (!allowed) throw new TillError('VOID_NOT_ALLOWED', `stan ${orig.stan}`);
      const advice = this.adviceState(orig);
      const h = this.history(orig.stan);
      if (h.voided) throw new TillError('ALREADY_VOIDED', `stan ${orig.stan}`);
      if (h.refundedFen > 0) throw new TillError('VOID_NOT_ALLOWED', 'already partly refunded');
      const pan = this.o.store.openPan(orig.pan_enc!);
      let manager = '';
      const override = () => void (manager = this.checkOverride('void', req.override, cashier, orig.stan));
      const v = voidRowOf(orig, pan, cashier.id);
      if (advice === 'queued') {
        // Decided locally, through the runner's eligibility (the override) like any void.
        const row = await this.o.terminal.runner.run({
          kind: 'void',
          card: { pan, entryMode: v.entryMode },
          amountFen: v.amountFen,
          otherTenderFen: v.otherTenderFen,
          origStan: orig.stan,
          operatorId: cashier.id,
          issuerId: orig.issuer_id,
          eligibility: override,
          local: () => this.voidQueued(orig, pan, cashier, manager),
        });
        return this.finish(row);
      }
      const row = await this.o.terminal.runner.run({
        kind: 'void',
        card: { pan, entryMode: v.entryMode },
        amountFen: v.amountFen,
        otherTenderFen: v.otherTenderFen,
        origStan: orig.stan,
        operatorId: cashier.id,
        issuerId: orig.issuer_id,
        eligibility: override,
      });
      this.o.audit.record({
        action: 'txn.void',
        operatorId: cashier.id,
        operatorRole: cashier.role,
        stan: row.stan,
        approvedBy: manager,
        outcome: row.status === 'approved' ? 'ok' : 'failed',
        detail: `void of ${orig.stan} ${orig.amount_fen} fen ${row.masked}${row.decline_code ? ` ${row.decline_code}` : ''}`,
      });
      return this.finish(row);
    });
  }

  refund(
    req: { origStan?: number; cardToken?: string; amountFen: number; override: Override },
    cashier: { id: string; role: string },
  ): Promise<VoidRefundResult> {
    return this.o.terminal.lock.run('refund', async () => {
      let pan: string;
      let entryMode = 'manual';
      let origStan: number | undefined;
      let issuerId: string | undefined;
      if (req.origStan !== undefined) {
        const orig = this.original(req.origStan);
        if (this.history(orig.stan).voided) throw new TillError('ALREADY_VOIDED', `stan ${orig.stan}`);
        if (this.adviceState(orig) === 'queued') {
          // The issuer can only credit a sale it knows: upload the queue first, if the link allows.
          await this.o.offline?.forwardNow();
          if (this.adviceState(orig) === 'queued')
            throw new TillError('REFUND_NEEDS_FORWARD', `stan ${orig.stan}`);
        }
        const h = this.history(orig.stan);
        if (h.refundedFen + req.amountFen > orig.amount_fen)
          throw new TillError('AMOUNT_EXCEEDS_ORIGINAL', `${orig.amount_fen - h.refundedFen} fen left`);
        pan = this.o.store.openPan(orig.pan_enc!);
        entryMode = orig.entry_mode;
        origStan = orig.stan;
        issuerId = orig.issuer_id;
      } else {
        if (!req.cardToken) throw new TillError('NO_CARD');
        const card = this.o.terminal.cards.take(req.cardToken);
        if (!card) throw new TillError('CARD_EXPIRED_TOKEN');
        pan = card.pan;
        entryMode = card.entryMode;
      }
      let manager = '';
      const row = await this.o.terminal.runner.run({
        kind: 'refund',
        card: { pan, entryMode },
        amountFen: req.amountFen,
        otherTenderFen: 0,
        origStan,
        operatorId: cashier.id,
        issuerId,
        eligibility: () =>
          void (manager = this.checkOverride(
            'refund',
            req.override,
            cashier,
            origStan,
            origStan ? undefined : 'unlinked',
          )),
      });
      if (row.status === 'approved' && origStan === undefined) this.o.terminal.clearCard();
      this.o.audit.record({
        action: 'txn.refund',
        operatorId: cashier.id,
        operatorRole: cashier.role,
        stan: row.stan,
        approvedBy: manager,
        outcome: row.status === 'approved' ? 'ok' : 'failed',
        detail: `${origStan ? `refund of ${origStan}` : 'unlinked refund'} ${req.amountFen} fen ${row.masked}${row.decline_code ? ` ${row.decline_code}` : ''}`,
      });
      return this.finish(row);
    });
  }

  /**
   * For an offline-approved original, where its advice stands: `queued` (not at the issuer yet),
   * `accepted` (the issuer has it: void and refund go online as for any sale). Refused advices
   * took no money, so there is nothing to give back: OFFLINE_SALE_REFUSED points the cashier to
   * the manager's exceptions list. Online originals answer undefined.
   */
  private adviceState(orig: TxnRow): 'queued' | 'accepted' | undefined {
    if (orig.offline !== 1) return undefined;
    const s = this.o.offline?.store.adviceState(orig.stan);
    if (s === 'rejected') throw new TillError('OFFLINE_SALE_REFUSED', `stan ${orig.stan}`);
    if (s === undefined) throw new TillError('INVALID_STATE', `stan ${orig.stan}: no advice on record`);
    return s;
  }

  /** Void of an offline sale still in the queue: queued behind it, final at once (offline-void.ts). */
  private voidQueued(
    orig: TxnRow,
    pan: string,
    cashier: { id: string; role: string },
    manager: string,
  ): TxnRow {
    const row = voidOfflineSale({
      txns: this.o.store,
      offline: this.o.offline!.store,
      orig,
      pan,
      operatorId: cashier.id,
      overrideBy: manager,
      time: () => this.o.clock().toISOString(),
    });
    this.o.log(
      `stan ${row.stan}: void of offline sale ${orig.stan} ${orig.amount_fen} fen; void advice queued`,
    );
    this.o.audit.record({
      action: 'txn.void',
      operatorId: cashier.id,
      operatorRole: cashier.role,
      stan: row.stan,
      approvedBy: manager,
      outcome: 'ok',
      detail: `void of offline sale ${orig.stan} ${orig.amount_fen} fen ${row.masked} (queued behind its advice)`,
    });
    this.o.offline!.kick();
    return row;
  }

  private checkOverride(
    action: 'void' | 'refund',
    override: Override,
    cashier: { id: string; role: string },
    stan?: number,
    note?: string,
  ): string {
    try {
      return this.o.overrides.check(action, override, { stan, note }).id;
    } catch (e) {
      this.o.audit.record({
        action: `txn.${action}`,
        operatorId: cashier.id,
        operatorRole: cashier.role,
        stan,
        outcome: 'denied',
        detail: `override by ${override.operatorId} refused: ${(e as TillError).code ?? (e as Error).message}`,
      });
      throw e;
    }
  }

  private finish(row: TxnRow): VoidRefundResult {
    const result = this.o.terminal.publish(row);
    return { result, receipt: row.status === 'pending' ? null : this.o.terminal.receipt(row.stan) };
  }
}
