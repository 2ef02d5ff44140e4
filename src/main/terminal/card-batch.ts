/**
 * Batch activation (售卡, 批量; issue 12): a company buys 200 gift cards, one value each, and pays
 * once. Each card is its OWN activation — its own STAN, its own pending row holding its own cash
 * (the value), its own idempotent message through the one TransactionRunner, its own signed
 * journal record — exactly as a single activation (card-life.ts); nothing of the runner is copied.
 * The whole batch holds the till lock: one till, one transaction at a time.
 *
 * Payment and buyer: the rules of a single sale (checkLoadRules, card-life.ts) judge the whole
 * order — cash or a bank transfer and its reference, the buyer's ID at ≥ ¥10,000.00 of anonymous
 * cards — and each card's activation records its share exactly as a single sale does
 * (card-buyer.ts loadRun: its cash, or 0 and the transfer; the buyer SM4-sealed for its STAN).
 *
 * Money: a card is paid for only when it ends approved (its row's cash counts in the drawer only
 * then, src/main/shift/totals.ts; a transfer's never does). A card declined (already active, lost,
 * over its cap) is shown as failed and its value handed back (by a transfer: owed back by the
 * bank); a lost answer is reversed like a sale's and handed back.
 * After the link fails on one card (nothing sent, answer lost, a write that failed) the rest are
 * `not_sent`: not tried — each would wait attempts × timeout on a dead link — and not paid for.
 * A crash mid-batch leaves every card's row as for a single activation: approved ones journaled
 * and counted, the pending one reversed at the next start.
 *
 * The customer copy lists every card, laid out from the rows as the signed journal has them.
 */
import { TillError, type ErrorCode } from '../../shared/errors';
import { DEFAULT_CARD_RULES, type CardRulesConfig } from '../../shared/card-rules';
import { maskPan } from '../../shared/card';
import { MAX_FEN, formatMoney } from '../../shared/money';
import type { ReceiptDoc, ReceiptLine } from '../../shared/receipt-doc';
import {
  BATCH_MAX_CARDS,
  batchCards,
  type CardBatchItem,
  type CardBatchRequest,
  type CardBatchResult,
} from '../../shared/contract/card-batch';
import type { AuditLog } from '../audit/audit-log';
import { journaledRow } from '../journal/row-record';
import { formatLocalTime, formatStan } from '../receipt/layout';
import type { Terminal } from './terminal';
import type { TxnRow } from './txn-store';
import type { CardPresented } from '../../shared/devices';
import type { CardRef } from '../issuer/port';
import { checkLoadRules } from './card-life';
import {
  buyerLines,
  loadRun,
  maskIdNumber,
  maskName,
  type CardBuyers,
  type LoadOrder,
  type MaskedBuyer,
} from './card-buyer';

/** Declines that say the link, not the card, failed: the rest of the batch is not tried. */
const LINK_FAILED: ReadonlySet<string> = new Set<ErrorCode>([
  'ISSUER_UNREACHABLE',
  'ISSUER_BAD_SIGNATURE',
  'OUTCOME_UNKNOWN',
]);

export class CardBatch {
  /**
   * Cards read into the batch one by one, in memory only like the card vault (track data never
   * touches the disk); emptied when the batch runs. Forgotten after `ttlMs` without a new card.
   */
  private held: CardPresented[] = [];
  private heldAt = 0;

  constructor(
    private readonly o: {
      terminal: Terminal;
      audit?: AuditLog;
      ttlMs?: number;
      rules?: CardRulesConfig;
      /** Where each card's buyer and payment are sealed by STAN (as for a single sale). */
      buyers?: CardBuyers;
    },
  ) {}

  /** Moves the presented card into the batch. */
  hold(cardToken: string): { masked: string[] } {
    const t = this.o.terminal;
    const card = t.cards.take(cardToken);
    if (!card) throw new TillError('CARD_EXPIRED_TOKEN');
    const held = this.current();
    if (held.some((c) => c.pan === card.pan))
      throw new TillError('CARD_BATCH_DUPLICATE', `card ${card.pan.slice(-4)} twice`);
    if (held.length >= BATCH_MAX_CARDS)
      throw new TillError('CARD_BATCH_TOO_LARGE', `more than ${BATCH_MAX_CARDS} cards`);
    this.held = [...held, card];
    this.heldAt = t.opts.clock().getTime();
    t.clearCard();
    return this.heldMasked();
  }

  heldMasked(): { masked: string[] } {
    return { masked: this.current().map((c) => maskPan(c.pan)) };
  }

  release(index?: number): { masked: string[] } {
    this.held = index === undefined ? [] : this.current().filter((_, i) => i !== index);
    return this.heldMasked();
  }

  private current(): CardPresented[] {
    if (this.o.terminal.opts.clock().getTime() - this.heldAt > (this.o.ttlMs ?? 600_000)) this.held = [];
    return this.held;
  }

  activate(req: CardBatchRequest, operator?: { id: string; role: string }): Promise<CardBatchResult> {
    const terminal = this.o.terminal;
    // Everything that can be refused for the whole batch is refused before anything is written.
    const cards: CardRef[] = req.held
      ? this.current().map((c) => ({
          pan: c.pan,
          entryMode: c.entryMode,
          ...(c.expiry ? { expiry: c.expiry } : {}),
        }))
      : // Scanned numbers came from the wedge; a range was keyed (the card in hand, the number typed).
        batchCards(req).map((pan) => ({ pan, entryMode: req.range ? 'manual' : 'wedge' }));
    if (cards.length === 0) throw new TillError('NO_CARD', 'no card in the batch');
    const pans = cards.map((c) => c.pan);
    const requestedFen = req.valueFen * pans.length;
    if (requestedFen > MAX_FEN) throw new TillError('CARD_BATCH_TOO_LARGE', 'total over the amount limit');
    // The prepaid-card rules (src/shared/card-rules.ts) judge the whole purchase, through the same
    // checkLoadRules as a single sale: the payment (no cash at or over the non-cash line, a
    // transfer's reference) and the buyer's ID (≥ ¥10,000.00 of anonymous cards at once) on the
    // order's total, the cap on each card's value. The order is never split to slip under them.
    const order = orderRules(req, pans.length, this.o.rules);
    const cash = order.paidBy === 'cash';
    const tenderFen = cash ? (req.tenderFen ?? requestedFen) : requestedFen;
    if (tenderFen < requestedFen) throw new TillError('TENDER_SHORT', `${tenderFen} < ${requestedFen}`);
    const buyers = this.o.buyers;
    return terminal.lock.run('batchActivate', async () => {
      if (req.held) this.held = [];
      const items: CardBatchItem[] = [];
      const idMasked = order.id ? maskIdNumber(order.id.idNumber) : undefined;
      let linkFailed = false;
      for (const [i, card] of cards.entries()) {
        const pan = card.pan;
        const masked = maskPan(pan);
        if (linkFailed) {
          items.push({ masked, valueFen: req.valueFen, status: 'not_sent' });
          continue;
        }
        let item: CardBatchItem;
        try {
          const row = await terminal.runner.run({
            kind: 'activate',
            card,
            amountFen: req.valueFen,
            // This card's share of the payment, as a single sale records it (card-buyer.ts): its
            // cash in its pending row (counted only when it ends approved; 0 for a transfer), the
            // transfer in its command, the buyer sealed for its own STAN.
            ...loadRun(buyers, order, req.valueFen),
            operatorId: operator?.id,
            // Each card's own receipt by STAN says what its cap still allows (./card-receipt.ts).
            withAnswer: terminal.opts.cardReceipts?.keepCapLeft,
          });
          terminal.publish(row);
          item = itemOf(row);
        } catch (e) {
          // A write that failed after the issuer answered (OUTCOME_UNKNOWN: it will be reversed).
          const code: ErrorCode = e instanceof TillError ? e.code : 'INTERNAL';
          item = { masked, valueFen: req.valueFen, status: 'declined', declineCode: code };
          if (!(e instanceof TillError)) terminal.opts.log(`batch activation: ${(e as Error).message}`);
        }
        items.push(item);
        if (item.status !== 'approved' && (!item.declineCode || LINK_FAILED.has(item.declineCode)))
          linkFailed = true;
        this.o.audit?.record({
          action: 'txn.activate',
          operatorId: operator?.id,
          operatorRole: operator?.role,
          ...(item.stan ? { stan: item.stan } : {}),
          outcome: item.status === 'approved' ? 'ok' : 'failed',
          detail: `batch ${i + 1}/${pans.length} activate ${req.valueFen} fen ${masked} ${order.paidBy}${idMasked ? ` id ${idMasked}` : ''}${item.declineCode ? ` ${item.declineCode}` : ''}`,
        });
      }
      const approved = items.filter((x) => x.status === 'approved');
      const paidFen = approved.length * req.valueFen;
      const stans = items.flatMap((x) => (x.stan ? [x.stan] : []));
      const notSent = items.filter((x) => x.status === 'not_sent').length;
      // The buyer as this batch recorded it (masked), or as asked when no card got a row.
      const recorded: MaskedBuyer = (stans.length && buyers?.masked(stans[0])) || maskedOf(order);
      return {
        items,
        activatedCount: approved.length,
        paidFen,
        requestedFen,
        paidBy: order.paidBy,
        tenderFen,
        changeFen: tenderFen - requestedFen,
        handBackFen: cash ? requestedFen - paidFen : 0,
        giveBackFen: cash ? tenderFen - paidFen : 0,
        transferRefundFen: cash ? 0 : requestedFen - paidFen,
        ...(recorded.transferRef ? { transferRef: recorded.transferRef } : {}),
        ...(recorded.idMasked
          ? { buyer: { name: recorded.nameMasked ?? '*', idNumber: recorded.idMasked } }
          : {}),
        receipt: {
          stan: stans[0] ?? 0,
          doc: stans.length
            ? this.customerCopy(stans, tenderFen, notSent)
            : this.emptyCopy(items, tenderFen, recorded),
          copy: false,
        },
      };
    });
  }

  /**
   * The customer copy: every card of the batch with its STAN and outcome, and the money — from the
   * rows as the signed journal has them (journaledRow: JOURNAL_MISMATCH when a row was edited), so
   * the copy can be printed again later from the STANs alone.
   */
  customerCopy(stans: readonly number[], tenderFen: number, notSent = 0): ReceiptDoc {
    const t = this.o.terminal;
    const rows = stans.map((s) => journaledRow(t.opts.store.db, s));
    for (const r of rows)
      if (r.type !== 'activate' || r.status === 'pending')
        throw new TillError('NOT_FOUND', `stan ${r.stan} is not a finished card sale`);
    const L = this.header(rows[rows.length - 1].updated_at);
    for (const r of rows) {
      const ok = r.status === 'approved';
      L.push(
        { type: 'pair', left: `**** ${r.masked.slice(-4)}`, right: ok ? formatMoney(r.amount_fen) : '-' },
        {
          type: 'pair',
          left: `  ${formatStan(r.stan)}`,
          right: ok ? '已激活 ACTIVATED' : `未激活 FAILED ${r.decline_code ?? ''}`.trimEnd(),
        },
      );
    }
    const paid = rows.filter((r) => r.status === 'approved');
    const paidFen = paid.reduce((s, r) => s + r.amount_fen, 0);
    // How it was paid and who bought, as sealed with the batch's cards (one order: the first
    // card's record says it; a batch from before buyers were recorded was paid in cash).
    const buyer = this.o.buyers?.masked(rows[0].stan);
    return this.footer(L, {
      cards: rows.length + notSent,
      activated: paid.length,
      notSent,
      paidFen,
      tenderFen,
      buyer,
    });
  }

  /** When no card got as far as a row (the first write failed): the outcome by card, nothing paid. */
  private emptyCopy(items: readonly CardBatchItem[], tenderFen: number, buyer: MaskedBuyer): ReceiptDoc {
    const L = this.header(this.o.terminal.opts.clock().toISOString());
    for (const x of items)
      L.push({
        type: 'pair',
        left: `**** ${x.masked.slice(-4)}`,
        right: `未激活 FAILED ${x.declineCode ?? ''}`,
      });
    return this.footer(L, { cards: items.length, activated: 0, notSent: 0, paidFen: 0, tenderFen, buyer });
  }

  private header(timeIso: string): ReceiptLine[] {
    const o = this.o.terminal.opts;
    return [
      { type: 'text', text: o.merchantName, align: 'center', size: 2, bold: true },
      { type: 'text', text: '批量售卡 BATCH CARD SALE', align: 'center', bold: true },
      { type: 'text', text: '顾客联 CUSTOMER COPY', align: 'center' },
      { type: 'rule' },
      { type: 'pair', left: '商户号 MID', right: o.merchantId },
      { type: 'pair', left: '终端号 TID', right: o.terminalId },
      { type: 'pair', left: '时间 TIME', right: formatLocalTime(timeIso) },
      { type: 'rule' },
    ];
  }

  private footer(
    L: ReceiptLine[],
    f: {
      cards: number;
      activated: number;
      notSent: number;
      paidFen: number;
      tenderFen: number;
      buyer: MaskedBuyer | undefined;
    },
  ): ReceiptDoc {
    const transfer = f.buyer?.paidBy === 'bank_transfer';
    L.push(
      { type: 'rule' },
      { type: 'pair', left: '卡数 CARDS', right: `${f.activated}/${f.cards}` },
      ...(f.notSent ? [{ type: 'pair' as const, left: '未发送 NOT SENT', right: String(f.notSent) }] : []),
      { type: 'pair', left: '实收 PAID', right: formatMoney(f.paidFen), bold: true },
      // A transfer: its amount and reference (and what the bank owes back); cash: taken and given back.
      ...(transfer
        ? [
            ...buyerLines(f.buyer, f.tenderFen),
            ...(f.tenderFen > f.paidFen
              ? [
                  {
                    type: 'pair' as const,
                    left: '转账待退 TRANSFER TO REFUND',
                    right: formatMoney(f.tenderFen - f.paidFen),
                    bold: true,
                  },
                ]
              : []),
          ]
        : [
            { type: 'pair' as const, left: '收现金 CASH TAKEN', right: formatMoney(f.tenderFen) },
            {
              type: 'pair' as const,
              left: '退还 GIVEN BACK',
              right: formatMoney(f.tenderFen - f.paidFen),
              bold: true,
            },
            ...buyerLines(f.buyer, 0),
          ]),
      {
        type: 'text',
        text: '只收已激活卡的钱 Only the activated cards are paid for',
      },
      { type: 'text', text: '每张卡另有凭条可查 Each card has its own receipt by STAN' },
      { type: 'feed', lines: 3 },
      { type: 'cut' },
    );
    return { width: this.o.terminal.opts.receiptWidth, lines: L };
  }
}

/**
 * The prepaid-card rules on a whole batch (pure): checkLoadRules — the one rules code of a single
 * sale — with the order's total (value × cards) as the purchase, and the value as each card's load.
 */
export function orderRules(
  req: Pick<CardBatchRequest, 'valueFen' | 'tender' | 'transferRef' | 'buyer'>,
  cardCount: number,
  rules: CardRulesConfig = DEFAULT_CARD_RULES,
): LoadOrder {
  const { buyerKind, paidBy, id } = checkLoadRules('activate', req, rules, req.valueFen * cardCount);
  return {
    buyerKind,
    paidBy,
    ...(paidBy === 'bank_transfer' ? { transferRef: req.transferRef!.trim() } : {}),
    ...(id ? { id } : {}),
  };
}

/** The masked buyer of an order that has no row to read it from. */
function maskedOf(o: LoadOrder): MaskedBuyer {
  return {
    paidBy: o.paidBy,
    ...(o.transferRef ? { transferRef: o.transferRef } : {}),
    ...(o.id ? { nameMasked: maskName(o.id.name), idMasked: maskIdNumber(o.id.idNumber) } : {}),
  };
}

function itemOf(row: TxnRow): CardBatchItem {
  return {
    masked: row.masked,
    valueFen: row.amount_fen,
    status: row.status === 'approved' ? 'approved' : 'declined',
    stan: row.stan,
    ...(row.decline_code ? { declineCode: row.decline_code as ErrorCode } : {}),
    ...(row.status === 'approved' && row.balance_fen !== null ? { balanceFen: row.balance_fen } : {}),
  };
}
