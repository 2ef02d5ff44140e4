/**
 * Card life at the till (issue 12): sell a card (售卡, activate) and top one up (充值), paid in cash
 * on the terminal. Both are kinds of the one table (src/shared/txn-kinds.ts) run through the one
 * TransactionRunner under the till lock — nothing of the sale path is copied here; this file only
 * checks what is particular to them and shapes the answer for the cashier.
 *
 * The ordering rule. The customer's cash is RECORDED first: the pending row (createPending) holds
 * the value as its amount and the cash taken as its other tender, before the issuer is asked.
 * Then:
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
 * Rules: the balance cap (src/shared/card-rules.ts) is checked here before anything is written,
 * as far as the till knows the card (an unsold card holds nothing; the flag is the issuer's, so
 * the till applies the larger cap and the issuer the card's own); the issuer checks it too. The
 * payment is cash on the terminal only — the contract has no card tender for these methods, so a
 * stored-value card can never pay for another. Online only: the kinds are not offline-eligible.
 */
import { TillError } from '../../shared/errors';
import { checkCap } from '../../shared/card-rules';
import { formatMoney } from '../../shared/money';
import type { CardLifeResult } from '../../shared/contract/card-life';
import type { AuditLog } from '../audit/audit-log';
import type { IssuerAnswer } from '../issuer/port';
import type { Terminal } from './terminal';

export interface CardLifeRequest {
  cardToken: string;
  /** The value loaded onto the card. */
  valueFen: number;
  /** The cash the customer handed over (≥ the value; the change is given back). Default: the value. */
  tenderFen?: number;
}

export class CardLife {
  constructor(private readonly o: { terminal: Terminal; audit?: AuditLog }) {}

  activate(req: CardLifeRequest, operator?: { id: string; role: string }): Promise<CardLifeResult> {
    return this.load('activate', req, operator);
  }

  topup(req: CardLifeRequest, operator?: { id: string; role: string }): Promise<CardLifeResult> {
    return this.load('topup', req, operator);
  }

  private load(
    kind: 'activate' | 'topup',
    req: CardLifeRequest,
    operator?: { id: string; role: string },
  ): Promise<CardLifeResult> {
    const terminal = this.o.terminal;
    return terminal.lock.run(kind, async () => {
      const tenderFen = req.tenderFen ?? req.valueFen;
      // Refused before the card is taken: the cashier corrects the amount with the card still there.
      if (tenderFen < req.valueFen) throw new TillError('TENDER_SHORT', `${tenderFen} < ${req.valueFen}`);
      const card = terminal.cards.take(req.cardToken);
      if (!card) throw new TillError('CARD_EXPIRED_TOKEN');
      let answer: IssuerAnswer | undefined;
      const row = await terminal.runner.run({
        kind,
        card,
        amountFen: req.valueFen,
        // The cash paid for the value: part of the pending row, counted only when approved.
        otherTenderFen: req.valueFen,
        operatorId: operator?.id,
        // An unsold card holds nothing; a top-up's balance is the issuer's to check.
        eligibility: () => checkCap({ balanceFen: 0, valueFen: req.valueFen, registered: undefined }),
        onAnswer: (a) => (answer = a),
      });
      const approved = row.status === 'approved';
      if (approved) terminal.clearCard();
      const capRemainingFen = numberOr(answer?.extra.capRemainingFen);
      this.o.audit?.record({
        action: `txn.${kind}`,
        operatorId: operator?.id,
        operatorRole: operator?.role,
        stan: row.stan,
        outcome: approved ? 'ok' : 'failed',
        detail: `${kind} ${req.valueFen} fen ${row.masked}${row.decline_code ? ` ${row.decline_code}` : ''}`,
      });
      const receipt = terminal.receipt(row.stan, false, [
        ...(approved && capRemainingFen !== undefined
          ? [{ type: 'pair' as const, left: '可充额度 CAP LEFT', right: formatMoney(capRemainingFen) }]
          : []),
        ...(approved
          ? []
          : [{ type: 'text' as const, text: '请将现金退还顾客 Hand the cash back', bold: true }]),
      ]);
      return {
        result: terminal.publish(row),
        changeFen: approved ? tenderFen - req.valueFen : 0,
        handBackFen: approved ? 0 : tenderFen,
        ...(capRemainingFen !== undefined ? { capRemainingFen } : {}),
        receipt,
      };
    });
  }
}

function numberOr(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}
