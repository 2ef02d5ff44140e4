/**
 * Card life at the till (issue 12): sell a card (售卡, activate) and top one up (充值), paid on
 * the terminal (cash-out and replace, with a manager's override: ./card-close.ts). Every one is a
 * kind of the one table (src/shared/txn-kinds.ts) run through the one TransactionRunner under the
 * till lock — nothing of the sale path is copied here; this file only checks what is particular to
 * them (the rules of src/shared/card-rules.ts) and shapes the answer for the cashier. The void of
 * a card sale or top-up is the void path's (void-refund.ts, the kind's `voidedBy`).
 *
 * The ordering rule of a load. The customer's payment is RECORDED first: the pending row
 * (createPending) holds the value as its amount and the cash taken as its other tender (0 for a
 * bank transfer, whose amount and reference are in card_buyers), before the issuer is asked. Then:
 *  - approved  → the row is approved and journaled; the drawer's expected cash counts the cash
 *                (totals.ts counts approved rows only).
 *  - declined, or nothing sent → the row is declined; the drawer does not count it; the cashier
 *                is told to hand the cash back (`handBackFen`).
 *  - lost answer (unknown) → declined with a queued Reverse (the kind's `reversedBy`): the issuer
 *                takes the value back off the card (and an activation returns the card to
 *                not_activated); the drawer does not count it; the cash is handed back.
 * So no state is "paid but not activated" (cash counted only with an approved row) nor "activated
 * but not paid" (an activation the till did not record approved is reversed at the issuer).
 *
 * Rules checked here before anything is written (a refusal writes nothing): the balance cap as far
 * as the till knows the card (the issuer applies each card's own), the payment (never a
 * stored-value card; no cash over the non-cash thresholds; a transfer needs its reference), the
 * buyer's ID where the amount alone requires it (the issuer refuses a registered card loaded
 * without one). Online only: none of these kinds is offline-eligible.
 */
import { TillError } from '../../shared/errors';
import { checkBuyerId, checkCap, checkPayment, type CardRulesConfig } from '../../shared/card-rules';
import type { CardLifeResult, Buyer } from '../../shared/contract/card-life';
import type { AuditLog } from '../audit/audit-log';
import type { IssuerAnswer } from '../issuer/port';
import { loadRun, type CardBuyers } from './card-buyer';
import type { Terminal } from './terminal';

export interface CardLifeRequest {
  cardToken: string;
  /** The value loaded onto the card. */
  valueFen: number;
  /** The cash the customer handed over (≥ the value; the change is given back). Default: the value. */
  tenderFen?: number;
  tender?: 'cash' | 'bank_transfer' | 'stored_value';
  transferRef?: string;
  buyer?: Buyer;
}

type Operator = { id: string; role: string };

export interface CardLifeOptions {
  terminal: Terminal;
  audit?: AuditLog;
  buyers?: CardBuyers;
  rules: CardRulesConfig;
}

export class CardLife {
  constructor(private readonly o: CardLifeOptions) {}

  activate(req: CardLifeRequest, operator?: Operator): Promise<CardLifeResult> {
    return this.load('activate', req, operator);
  }

  topup(req: CardLifeRequest, operator?: Operator): Promise<CardLifeResult> {
    return this.load('topup', req, operator);
  }

  private load(
    kind: 'activate' | 'topup',
    req: CardLifeRequest,
    operator?: Operator,
  ): Promise<CardLifeResult> {
    const terminal = this.o.terminal;
    const rules = this.o.rules;
    return terminal.lock.run(kind, async () => {
      // Refused before the card is taken: the cashier corrects it with the card still there.
      const { buyerKind, paidBy, id } = checkLoadRules(kind, req, rules);
      const cash = paidBy === 'cash';
      const tenderFen = cash ? (req.tenderFen ?? req.valueFen) : req.valueFen;
      if (tenderFen < req.valueFen) throw new TillError('TENDER_SHORT', `${tenderFen} < ${req.valueFen}`);
      const card = terminal.cards.take(req.cardToken);
      if (!card) throw new TillError('CARD_EXPIRED_TOKEN');
      let answer: IssuerAnswer | undefined;
      const buyers = this.o.buyers;
      const row = await terminal.runner.run({
        kind,
        card,
        amountFen: req.valueFen,
        // The cash paid for the value (part of the pending row, counted only when approved), the
        // transfer and the buyer sealed with the row: card-buyer.ts, as for each card of a batch.
        ...loadRun(buyers, { buyerKind, paidBy, transferRef: req.transferRef, id }, req.valueFen),
        operatorId: operator?.id,
        onAnswer: (a) => (answer = a),
        // The cap left is kept with the STAN, in the final row's commit: the receipt's lines come
        // from what is recorded (./card-receipt.ts), so its print and every reprint say the same.
        withAnswer: terminal.opts.cardReceipts?.keepCapLeft,
      });
      const approved = row.status === 'approved';
      if (approved) terminal.clearCard();
      const capRemainingFen = numberOr(answer?.extra.capRemainingFen);
      const masked = buyers?.masked(row.stan);
      this.o.audit?.record({
        action: `txn.${kind}`,
        operatorId: operator?.id,
        operatorRole: operator?.role,
        stan: row.stan,
        outcome: approved ? 'ok' : 'failed',
        detail: `${kind} ${req.valueFen} fen ${row.masked} ${paidBy}${masked?.idMasked ? ` id ${masked.idMasked}` : ''}${row.decline_code ? ` ${row.decline_code}` : ''}`,
      });
      const receipt = terminal.receipt(row.stan);
      return {
        result: terminal.publish(row),
        changeFen: approved && cash ? tenderFen - req.valueFen : 0,
        handBackFen: approved || !cash ? 0 : tenderFen,
        ...(capRemainingFen !== undefined ? { capRemainingFen } : {}),
        ...(masked?.idMasked ? { buyer: { name: masked.nameMasked ?? '*', idNumber: masked.idMasked } } : {}),
        receipt,
      };
    });
  }
}

/**
 * The rules of a load the till can judge before anything is written (src/shared/card-rules.ts):
 * the payment (never a stored-value card, no cash over the non-cash line, a transfer's reference),
 * the buyer's ID where the amount alone needs it, the cap as far as the till knows the card (an
 * unsold card holds nothing; a top-up's balance is the issuer's to check). Also run for a load on
 * an e-purse chip (api/handlers/card-life.ts), which is paid in cash only, and for a batch of
 * cards (card-batch.ts): the payment and the ID on the whole order, the cap on each card's value.
 */
export function checkLoadRules(
  kind: 'activate' | 'topup',
  req: Pick<CardLifeRequest, 'valueFen' | 'tender' | 'transferRef' | 'buyer'>,
  rules: CardRulesConfig,
  /** What the payment and ID rules judge: this load's value, or a whole batch's (card-batch.ts). */
  purchaseFen = req.valueFen,
) {
  const buyerKind = req.buyer?.kind ?? 'person';
  const paidBy = checkPayment(
    {
      tender: req.tender ?? 'cash',
      buyer: buyerKind,
      purchaseFen,
      transferRef: req.transferRef,
    },
    rules,
  );
  const id =
    req.buyer?.name && req.buyer.idNumber
      ? { name: req.buyer.name, idNumber: req.buyer.idNumber }
      : undefined;
  checkBuyerId({ kind, registered: undefined, purchaseFen, hasId: id !== undefined }, rules);
  checkCap({ balanceFen: 0, valueFen: req.valueFen, registered: undefined, rules });
  return { buyerKind, paidBy, id };
}

function numberOr(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}
