/**
 * The terminal core: takes presented cards, runs sales and balance inquiries against the issuer,
 * journals every outcome before anyone sees it, and resolves anything left unfinished.
 * Plain TypeScript — no Electron — so it runs and is tested under Node.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { CardPresented } from '../../shared/devices';
import { maskPan } from '../../shared/card';
import { TillError, type ErrorCode } from '../../shared/errors';
import type { CardSummary, TxnResult, Receipt, Override } from '../../shared/contract';
import type { IssuerLink } from '../issuer/link';
import { CardVault } from './card-vault';
import { TxnStore, toResult, type TxnRow } from './txn-store';
import { sendWithRetries } from './online';
import { layoutReceipt, type ReceiptExtras, type ReceiptHeader } from '../receipt/layout';
import type { OverrideChecker } from '../auth/override';
import type { OfflineStore } from '../../offline-queue/store';
import { decideOffline } from './offline-sale';

export interface TerminalOptions {
  store: TxnStore;
  link: IssuerLink;
  terminalId: string;
  merchantId: string;
  merchantName: string;
  receiptWidth: 32 | 48;
  /** Attempts per online request before the outcome is declared unknown (and reversed). */
  maxAttempts: number;
  clock: () => Date;
  log: (line: string) => void;
  /** Store-and-forward (src/offline-queue): absent or disabled → an unreachable issuer is a decline. */
  offline?: OfflineStore;
  /** Manager overrides (offline over limit); set by the app once operators exist. */
  overrides?: OverrideChecker;
  /** What each online exchange taught about the link: the forwarder's link state follows it. */
  onLink?: (up: boolean, detail?: string) => void;
  /** Verification code and signed QR for a receipt (src/main/receipt/signed-receipt.ts). */
  receiptExtras?: (row: TxnRow) => ReceiptExtras;
}

export type TerminalEvents = {
  'card.presented': [CardSummary];
  'card.cleared': [];
  'txn.updated': [TxnResult];
};

export class Terminal extends EventEmitter<TerminalEvents> {
  readonly cards: CardVault;
  private busy = false;

  constructor(readonly opts: TerminalOptions) {
    super();
    this.cards = new CardVault(() => opts.clock().getTime());
  }

  present(card: CardPresented, deviceId?: string): CardSummary {
    const s = this.cards.put(card, deviceId);
    this.emit('card.presented', s);
    return s;
  }

  clearCard(): void {
    this.cards.clear();
    this.emit('card.cleared');
  }

  private header(
    type: string,
    stan: number,
  ): Record<string, unknown> & { type: string; stan: number; nonce: string; terminalId: string } {
    return {
      type,
      terminalId: this.opts.terminalId,
      merchantId: this.opts.merchantId,
      stan,
      time: this.opts.clock().toISOString(),
      nonce: randomBytes(16).toString('hex'),
    };
  }

  private takeCard(cardToken: string): CardPresented {
    const card = this.cards.take(cardToken);
    if (!card) throw new TillError('CARD_EXPIRED_TOKEN');
    return card;
  }

  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.busy) throw new TillError('BUSY');
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
    }
  }

  private wireCard(card: CardPresented): Record<string, unknown> {
    return { pan: card.pan, entryMode: card.entryMode, expiry: card.expiry, dynamicCode: card.dynamicCode };
  }

  useOverrides(overrides: OverrideChecker): void {
    this.opts.overrides = overrides;
  }

  sale(
    req: { cardToken: string; amountFen: number; otherTenderFen?: number; override?: Override },
    operatorId?: string,
  ): Promise<TxnResult> {
    return this.exclusive(async () => {
      const card = this.takeCard(req.cardToken);
      const otherTenderFen = req.otherTenderFen ?? 0;
      const { stan, request } = this.opts.store.createPending({
        type: 'sale',
        amountFen: req.amountFen,
        otherTenderFen,
        masked: maskPan(card.pan),
        pan: card.pan,
        entryMode: card.entryMode,
        operatorId,
        buildRequest: (s) => ({
          ...this.header('authorize', s),
          card: this.wireCard(card),
          amountFen: req.amountFen,
          otherTenderFen,
        }),
      });
      const offline = this.opts.offline;
      const fallback =
        offline && offline.config.enabled
          ? () =>
              decideOffline(
                this.opts.store,
                offline,
                this.opts.overrides,
                {
                  stan,
                  card,
                  amountFen: req.amountFen,
                  otherTenderFen,
                  time: String(request.time),
                  override: req.override,
                },
                this.opts.log,
              )
          : undefined;
      const row = await this.complete(stan, request, fallback);
      if (row.status === 'approved') this.clearCard();
      return this.publish(row);
    });
  }

  inquiry(req: { cardToken: string }, operatorId?: string): Promise<TxnResult> {
    return this.exclusive(async () => {
      const card = this.takeCard(req.cardToken);
      const { stan, request } = this.opts.store.createPending({
        type: 'inquiry',
        amountFen: 0,
        otherTenderFen: 0,
        masked: maskPan(card.pan),
        pan: card.pan,
        entryMode: card.entryMode,
        operatorId,
        buildRequest: (s) => ({ ...this.header('inquiry', s), card: this.wireCard(card) }),
      });
      return this.publish(await this.complete(stan, request));
    });
  }

  /**
   * Sends a pending request and records its final outcome; never leaves it pending. `offline`
   * decides a sale the issuer cannot have seen (verdict 'unreachable') by the offline policy.
   */
  private async complete(
    stan: number,
    request: Record<string, unknown>,
    offline?: () => TxnRow,
  ): Promise<TxnRow> {
    const verdict = await sendWithRetries(this.opts.link, request, this.opts.maxAttempts);
    const store = this.opts.store;
    this.opts.onLink?.(verdict.kind === 'answer', verdict.kind === 'answer' ? undefined : verdict.lastError);
    if (verdict.kind === 'answer') {
      const r = verdict.response;
      const pan = (request.card as { pan?: string } | undefined)?.pan;
      // The last balance seen online is what offline approvals for this card are checked against.
      if (pan && r.balanceFen !== undefined && this.opts.offline)
        this.opts.offline.noteBalance(pan, r.balanceFen);
      return store.finalize(stan, {
        status: r.result,
        balanceFen: r.balanceFen,
        declineCode: r.result === 'declined' ? (r.code ?? 'ISSUER_ERROR') : undefined,
        authCode: r.authCode,
      });
    }
    if (verdict.kind === 'unreachable')
      return offline
        ? offline()
        : store.finalize(stan, { status: 'declined', declineCode: 'ISSUER_UNREACHABLE' });
    this.opts.log(
      `stan ${stan}: outcome unknown after ${this.opts.maxAttempts} attempts (${verdict.lastError}); reversal queued`,
    );
    const code: ErrorCode = verdict.forged ? 'ISSUER_BAD_SIGNATURE' : 'ISSUER_UNREACHABLE';
    const needsReversal = request.type === 'authorize';
    return store.finalize(
      stan,
      { status: 'declined', declineCode: code },
      needsReversal
        ? { buildRequest: (rs) => ({ ...this.header('reverse', rs), origStan: stan }) }
        : undefined,
    );
  }

  private publish(row: TxnRow): TxnResult {
    const result = toResult(row);
    this.emit('txn.updated', result);
    return result;
  }

  /**
   * After a crash: anything still pending may or may not have reached the issuer. It is declared
   * declined and reversed (a reversal of a STAN the issuer never saw is answered, and stops a late
   * copy from being applied). Then queued reversals are sent.
   */
  recoverPending(): number {
    const rows = this.opts.store.pending();
    for (const row of rows) {
      // Sales, voids and refunds move money at the issuer: an unknown outcome is reversed.
      const isMoney = row.type === 'sale' || row.type === 'void' || row.type === 'refund';
      this.opts.store.finalize(
        row.stan,
        { status: 'declined', declineCode: 'ISSUER_UNREACHABLE' },
        isMoney
          ? { buildRequest: (rs) => ({ ...this.header('reverse', rs), origStan: row.stan }) }
          : undefined,
      );
      this.opts.log(`recovered pending stan ${row.stan} (${row.type}) after restart`);
    }
    return rows.length;
  }

  recent(limit: number): TxnResult[] {
    return this.opts.store.recent(limit).map(toResult);
  }

  receipt(stan: number, copy = false): Receipt {
    const row = this.opts.store.get(stan);
    if (!row || row.status === 'pending') throw new TillError('NOT_FOUND', `stan ${stan}`);
    const h: ReceiptHeader = {
      merchantName: this.opts.merchantName,
      merchantId: this.opts.merchantId,
      terminalId: this.opts.terminalId,
      width: this.opts.receiptWidth,
    };
    return { stan, doc: layoutReceipt(h, row, { copy, extras: this.opts.receiptExtras?.(row) }), copy };
  }
}
