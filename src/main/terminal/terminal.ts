/**
 * The terminal core's cashier face: takes presented cards and runs sales and balance inquiries
 * through the one TransactionRunner (runner.ts) under the one till lock (till-lock.ts); resolves
 * anything left unfinished. Plain TypeScript — no Electron — so it runs and is tested under Node.
 */
import { EventEmitter } from 'node:events';
import type { CardPresented } from '../../shared/devices';
import type { ReceiptLine } from '../../shared/receipt-doc';
import { TillError } from '../../shared/errors';
import type { CardSummary, TxnResult, Receipt, Override } from '../../shared/contract';
import type { IssuerLink } from '../issuer/link';
import { CardTillJsonAdapter } from '../issuer/cardtill-json';
import { IssuerRouter } from '../issuer/router';
import { DEFAULT_ISSUER_ID } from '../config/config';
import { CardVault } from './card-vault';
import { TxnStore, toResult, type TxnRow } from './txn-store';
import { journaledRow } from '../journal/row-record';
import { layoutReceipt, type ReceiptExtras, type ReceiptHeader } from '../receipt/layout';
import type { OverrideChecker } from '../auth/override';
import type { OfflineStore } from '../../offline-queue/store';
import { decideOffline } from './offline-sale';
import { offerOverride } from './override-offer';
import { TillLock } from './till-lock';
import { TransactionRunner, type RunnerOptions } from './runner';
import { salePassword } from './password';
import type { CardReceipts } from './card-receipt';

export interface TerminalOptions {
  store: TxnStore;
  /** The home issuer's link; with no `router`, the one issuer for every card. */
  link: IssuerLink;
  /** Card → issuer (src/main/issuer/router.ts). Absent: one 'default' entry over `link`. */
  router?: IssuerRouter;
  /** Per-request deadline of `link` (with no router: the pending bound is attempts × this + margin). */
  timeoutMs?: number;
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
  /** Each issuer entry's own store-and-forward state (its limits, hot cards, queue); default `offline`. */
  offlineFor?: (issuerId: string) => OfflineStore;
  /** Manager overrides (offline over limit); set by the app once operators exist. */
  overrides?: OverrideChecker;
  /** What each online exchange taught about an issuer's link: its forwarder's link state follows it. */
  onLink?: (up: boolean, detail: string | undefined, issuerId: string) => void;
  /** Verification code and signed QR for a receipt (src/main/receipt/signed-receipt.ts). */
  receiptExtras?: (row: TxnRow) => ReceiptExtras;
  /**
   * A card-life kind's own receipt lines (cap left, buyer, cash paid out, new card), from what is
   * recorded for the STAN: the operation's receipt, its print and every reprint say the same.
   */
  cardReceipts?: CardReceipts;
  /** Who allowed this transaction by override (void, refund), as the receipt names them. */
  approverOf?: (stan: number) => string | undefined;
  /** Cards an issuer must not take a debit for now (runner.ts `cardHold`; issuer/failover-hold.ts). */
  cardHold?: RunnerOptions['cardHold'];
  /** The SM4 PIN key from the home issuer's enrolment (keys.pinKey; ./password.ts); undefined until it came. */
  pinKey?: () => Uint8Array | undefined;
}

export type TerminalEvents = {
  'card.presented': [CardSummary];
  'card.cleared': [];
  'txn.updated': [TxnResult];
};

export class Terminal extends EventEmitter<TerminalEvents> {
  readonly cards: CardVault;
  /** One till, one transaction: sale, inquiry, void, refund and every later kind share it. */
  readonly lock = new TillLock();
  readonly runner: TransactionRunner;

  constructor(readonly opts: TerminalOptions) {
    super();
    this.cards = new CardVault(() => opts.clock().getTime());
    const router = opts.router ?? Terminal.singleIssuer(opts);
    this.runner = new TransactionRunner({
      store: opts.store,
      router,
      clock: opts.clock,
      log: opts.log,
      offline: opts.offline,
      onLink: (up, detail, issuerId) => this.opts.onLink?.(up, detail, issuerId),
      ...(opts.cardHold ? { cardHold: opts.cardHold } : {}),
    });
  }

  /** Today's single `issuer` block: entry 'default', every card, over the given link. */
  private static singleIssuer(opts: TerminalOptions): IssuerRouter {
    const timeoutMs = opts.timeoutMs ?? 8000;
    const port = new CardTillJsonAdapter({
      link: opts.link,
      terminalId: opts.terminalId,
      merchantId: opts.merchantId,
      timeoutMs,
      now: opts.clock,
    });
    return new IssuerRouter([
      {
        id: DEFAULT_ISSUER_ID,
        name: 'default',
        port,
        attempts: opts.maxAttempts,
        timeoutMs,
        cardRanges: [''],
      },
    ]);
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

  private takeCard(cardToken: string): CardPresented {
    const card = this.cards.take(cardToken);
    if (!card) throw new TillError('CARD_EXPIRED_TOKEN');
    return card;
  }

  useOverrides(overrides: OverrideChecker): void {
    this.opts.overrides = overrides;
  }

  /** `password`: what the cardholder typed after PASSWORD_REQUIRED; only its PIN block goes on. */
  sale(
    req: {
      cardToken: string;
      amountFen: number;
      otherTenderFen?: number;
      override?: Override;
      password?: string;
    },
    operatorId?: string,
  ): Promise<TxnResult> {
    return this.lock.run('sale', async () => {
      const card = this.takeCard(req.cardToken);
      const otherTenderFen = req.otherTenderFen ?? 0;
      const pinBlocks = req.password !== undefined ? salePassword(this, card.pan, req.password) : undefined;
      // The clear password goes no further than its block — or, for an issuer whose port makes its
      // own (iso8583-cup), than this run's in-memory request, attached at send only.
      delete req.password;
      const offline = this.opts.offline;
      // For a port that decides the sale itself (file-batch); the offline branch below checks its own.
      const offered =
        req.override && this.opts.overrides ? offerOverride(this.opts.overrides, req.override) : undefined;
      const row = await this.runner.run({
        kind: 'sale',
        card,
        amountFen: req.amountFen,
        otherTenderFen,
        operatorId,
        ...(pinBlocks ? { pinBlocks } : {}),
        ...(offered ? { override: offered.offer } : {}),
        // The routed issuer's own store-and-forward: its limits, its hot-card list, its queue.
        offline: offline
          ? ({ stan, time, issuer }) => {
              const lane = this.opts.offlineFor?.(issuer.id) ?? offline;
              if (!lane.config.enabled) return undefined;
              return decideOffline(
                this.opts.store,
                lane,
                this.opts.overrides,
                {
                  stan,
                  card,
                  amountFen: req.amountFen,
                  otherTenderFen,
                  time,
                  override: req.override,
                  issuerId: issuer.id,
                },
                this.opts.log,
              );
            }
          : undefined,
      });
      offered?.raise(); // a refused PIN, after its decline is journaled
      if (row.status === 'approved') this.clearCard();
      return this.publish(row);
    });
  }

  inquiry(req: { cardToken: string }, operatorId?: string): Promise<TxnResult> {
    return this.lock.run('inquiry', async () => {
      const card = this.takeCard(req.cardToken);
      return this.publish(
        await this.runner.run({ kind: 'inquiry', card, amountFen: 0, otherTenderFen: 0, operatorId }),
      );
    });
  }

  publish(row: TxnRow): TxnResult {
    const result = toResult(row);
    this.emit('txn.updated', result);
    return result;
  }

  /**
   * After a crash: anything still pending may or may not have reached the issuer. It is declined
   * and, when its kind moves money, reversed (a reversal of a STAN the issuer never saw is
   * answered, and stops a late copy from being applied). Queued reversals are sent later.
   */
  recoverPending(): number {
    const rows = this.opts.store.pending();
    for (const row of rows) this.runner.recoverRow(row, 'after restart');
    return rows.length;
  }

  /**
   * While the app runs (the background tick): finalizes that failed after the issuer answered,
   * and rows pending past the bound (TransactionRunner.pendingBoundMs). Skipped while a
   * transaction holds the till — its own row is not stale.
   */
  recoverStale(): number {
    if (this.lock.busyWith !== undefined) return 0;
    return this.runner.recoverStale();
  }

  recent(limit: number): TxnResult[] {
    return this.opts.store.recent(limit).map(toResult);
  }

  /**
   * The name a receipt gives its row's issuer: only on a till with several, and only for a row an
   * entry took (rows from before issuer ids, 'default', are the home entry's; 'none' is no one's).
   */
  private issuerNameOf(issuerId: string): string | undefined {
    const router = this.runner.router;
    if (router.entries().length < 2) return undefined;
    try {
      return router.byId(issuerId).name;
    } catch {
      return undefined;
    }
  }

  /**
   * `lines`: what the caller knows beyond the row (a chip load's cap left), printed above the code,
   * after the kind's own recorded lines (card life: ./card-receipt.ts).
   */
  receipt(stan: number, copy = false, lines: ReceiptLine[] = []): Receipt {
    const row = journaledRow(this.opts.store.db, stan); // only what the signed journal says (JOURNAL_MISMATCH)
    if (!row || row.status === 'pending') throw new TillError('NOT_FOUND', `stan ${stan}`);
    // Several issuers: the receipt names the one that took the card (none for CARD_NOT_ACCEPTED).
    const issuerName = this.issuerNameOf(row.issuer_id);
    const h: ReceiptHeader = {
      merchantName: this.opts.merchantName,
      merchantId: this.opts.merchantId,
      terminalId: this.opts.terminalId,
      width: this.opts.receiptWidth,
      ...(issuerName ? { issuerName } : {}),
    };
    const approvedBy = this.opts.approverOf?.(stan);
    const extras = this.opts.receiptExtras?.(row);
    const doc = layoutReceipt(h, row, {
      copy,
      extras: { lines: [...(this.opts.cardReceipts?.lines(row) ?? []), ...lines, ...(extras?.lines ?? [])] },
      ...(approvedBy ? { approvedBy } : {}),
    });
    return { stan, doc, copy };
  }
}
