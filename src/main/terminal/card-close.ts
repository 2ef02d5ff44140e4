/**
 * The end of a card's life at the till (issue 12), each with a manager's override: cash-out
 * (退卡) — the whole remaining balance paid out of the drawer in cash, the card closed — and
 * replacement (换卡) — a registered card lost or damaged hands its whole balance to a new, unsold
 * card in one issuer message. Kinds `cashout` and `replace` of the one table (src/shared/
 * txn-kinds.ts), run through the one TransactionRunner under the till lock, like card-life.ts.
 *
 * Cash-out: the balance is learnt online first (an inquiry, in the same lock), the rule checked on
 * the card's registered flag the issuer reported (src/shared/card-rules.ts checkCashout), then the
 * cash-out of exactly that balance — the issuer refuses it if the balance changed in between
 * (CARD_BALANCE_CHANGED). The drawer pays out only an approved row (the kind's drawer `out`); a lost
 * answer is declined and reversed (card credited back and reopened) and nothing is paid.
 *
 * Replace: the old card may be lost, so it is named by its number and the issuer judges it
 * (registered, active or lost); the new card is the one presented. The row's amount is 0 — no money
 * comes in or goes out — and its balance is what the new card now holds (= what moved).
 */
import { TillError } from '../../shared/errors';
import { maskPan } from '../../shared/card';
import { checkCashout, checkReplace, type CardRulesConfig } from '../../shared/card-rules';
import type { CardCashoutResult, CardReplaceResult } from '../../shared/contract/card-life';
import type { Override } from '../../shared/contract';
import type { AuditLog } from '../audit/audit-log';
import type { OverrideChecker } from '../auth/override';
import type { IssuerAnswer } from '../issuer/port';
import type { Terminal } from './terminal';

type Operator = { id: string; role: string };

export interface CardCloseOptions {
  terminal: Terminal;
  audit?: AuditLog;
  overrides?: OverrideChecker;
  rules: CardRulesConfig;
}

export class CardClose {
  constructor(private readonly o: CardCloseOptions) {}

  /** 退卡: the presented card's whole balance out of the drawer in cash; the card closed. */
  cashout(req: { cardToken: string; override: Override }, operator: Operator): Promise<CardCashoutResult> {
    const terminal = this.o.terminal;
    return terminal.lock.run('cashout', async () => {
      const card = terminal.cards.take(req.cardToken);
      if (!card) throw new TillError('CARD_EXPIRED_TOKEN');
      // An issuer that takes no cash-out here is refused before the manager and the balance are.
      terminal.runner.checkRoute('cashout', card.pan);
      const manager = this.override('cashout', req.override, operator);
      // What the card holds now, and whether it is registered: asked online, in this lock.
      let seen: IssuerAnswer | undefined;
      const inquiry = await terminal.runner.run({
        kind: 'inquiry',
        card,
        amountFen: 0,
        otherTenderFen: 0,
        operatorId: operator.id,
        onAnswer: (a) => (seen = a),
      });
      if (inquiry.status !== 'approved' || seen?.balanceFen === undefined)
        return { result: terminal.publish(inquiry), payoutFen: 0, receipt: null };
      checkCashout({ registered: seen.extra.registered === true, balanceFen: seen.balanceFen }, this.o.rules);
      const row = await terminal.runner.run({
        kind: 'cashout',
        card,
        amountFen: seen.balanceFen,
        otherTenderFen: 0,
        operatorId: operator.id,
      });
      const approved = row.status === 'approved';
      if (approved) terminal.clearCard();
      this.audit(
        'txn.cashout',
        operator,
        manager,
        row.stan,
        approved,
        `cashout ${row.amount_fen} fen ${row.masked}${row.decline_code ? ` ${row.decline_code}` : ''}`,
      );
      const receipt = terminal.receipt(row.stan); // its lines: ./card-receipt.ts
      return { result: terminal.publish(row), payoutFen: approved ? row.amount_fen : 0, receipt };
    });
  }

  /** 换卡: the old registered card's whole balance onto the presented new card, one issuer message. */
  replace(
    req: { oldCardNumber: string; cardToken: string; reason: 'lost' | 'damaged'; override: Override },
    operator: Operator,
  ): Promise<CardReplaceResult> {
    const terminal = this.o.terminal;
    return terminal.lock.run('replace', async () => {
      const newCard = terminal.cards.take(req.cardToken);
      if (!newCard) throw new TillError('CARD_EXPIRED_TOKEN');
      terminal.runner.checkRoute('replace', req.oldCardNumber);
      const manager = this.override('replace', req.override, operator);
      // Registered or not is the issuer's to say (REPLACE_NOT_ALLOWED); the till checks the numbers.
      checkReplace({ oldPan: req.oldCardNumber, newPan: newCard.pan });
      const row = await terminal.runner.run({
        kind: 'replace',
        card: { pan: req.oldCardNumber, entryMode: 'manual' },
        amountFen: 0,
        otherTenderFen: 0,
        operatorId: operator.id,
        cardLife: {
          newCard: {
            pan: newCard.pan,
            entryMode: newCard.entryMode,
            ...(newCard.expiry ? { expiry: newCard.expiry } : {}),
          },
          reason: req.reason,
        },
        // The new card's cap left, kept with the STAN for its receipt and reprints (./card-receipt.ts).
        withAnswer: terminal.opts.cardReceipts?.keepCapLeft,
      });
      const approved = row.status === 'approved';
      if (approved) terminal.clearCard();
      const movedFen = approved ? (row.balance_fen ?? 0) : 0;
      const newMasked = maskPan(newCard.pan);
      this.audit(
        'txn.replace',
        operator,
        manager,
        row.stan,
        approved,
        `replace ${row.masked} → ${newMasked} ${req.reason} ${movedFen} fen${row.decline_code ? ` ${row.decline_code}` : ''}`,
      );
      const receipt = terminal.receipt(row.stan); // its lines: ./card-receipt.ts
      return { result: terminal.publish(row), movedFen, newMasked, receipt };
    });
  }

  private override(action: 'cashout' | 'replace', override: Override, operator: Operator): string {
    if (!this.o.overrides) throw new TillError('OVERRIDE_REQUIRED', action);
    try {
      return this.o.overrides.check(action, override).id;
    } catch (e) {
      this.o.audit?.record({
        action: `txn.${action}`,
        operatorId: operator.id,
        operatorRole: operator.role,
        outcome: 'denied',
        detail: `override by ${override.operatorId} refused: ${(e as TillError).code ?? (e as Error).message}`,
      });
      throw e;
    }
  }

  private audit(
    action: string,
    op: Operator,
    manager: string,
    stan: number,
    ok: boolean,
    detail: string,
  ): void {
    this.o.audit?.record({
      action,
      operatorId: op.id,
      operatorRole: op.role,
      stan,
      approvedBy: manager,
      outcome: ok ? 'ok' : 'failed',
      detail,
    });
  }
}
