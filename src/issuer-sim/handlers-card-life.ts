/**
 * The issuer's side of card life (docs/issuer-protocol.md "Activate, top-up"), registered with the
 * sim's handler table like handlers-settlement.ts. Both run inside the ledger's idempotent
 * (terminal, STAN) transaction, so a retry of the same request is answered from the record and
 * the value is loaded once. The balance caps are the shared rule (src/shared/card-rules.ts) on the
 * card's own registered/anonymous flag, which only the issuer knows for sure.
 *
 * Reverse: the settlement module's reverse already undoes any kind by its card direction (a
 * credit is debited back); for an activation this module also returns the card to not_activated,
 * so a card whose sale was reversed can be sold again.
 */
import { HANDLERS, registerHandler, type HandlerCtx, type MessageHandler } from './handlers';
import { isExpired, type CardRow, type Decision } from './ledger';
import { ActivateRequest, TopupRequest } from '../shared/issuer-card-life';
import type { ReverseRequest } from '../shared/issuer-protocol';
import { capRemaining, passesCap } from '../shared/card-rules';
import type { ErrorCode } from '../shared/errors';

type LoadMsg = ActivateRequest | TopupRequest;
type Answer = Decision & { extra?: Record<string, unknown> };

/** Loads the value within the card's cap; answers the new balance and what the cap still allows. */
function load(ctx: HandlerCtx, m: LoadMsg, card: CardRow, kind: 'activate' | 'topup'): Answer {
  const registered = card.registered === 1;
  if (passesCap(card.balance_fen, m.amountFen, registered))
    return {
      result: 'declined',
      code: 'CARD_CAP_EXCEEDED',
      balanceFen: card.balance_fen,
      pan: card.pan,
      extra: { registered, capRemainingFen: capRemaining(card.balance_fen, registered) },
    };
  const after = ctx.ledger.credit(card.pan, m.terminalId, m.stan, m.amountFen, kind);
  if (kind === 'activate')
    ctx.ledger.db
      .prepare("UPDATE cards SET status = 'active', updated_at = ? WHERE pan = ?")
      .run(ctx.now().toISOString(), card.pan);
  return {
    result: 'approved',
    balanceFen: after,
    amountFen: m.amountFen,
    pan: card.pan,
    cardStatus: 'active',
    extra: { registered, capRemainingFen: capRemaining(after, registered) },
  };
}

const STATUS_DECLINE: Record<string, ErrorCode> = {
  active: 'CARD_ALREADY_ACTIVE',
  lost: 'CARD_LOST',
  frozen: 'CARD_FROZEN',
  expired: 'CARD_EXPIRED',
};

/** Activate (售卡): only a card still not_activated; lost/frozen/expired keep their own decline. */
function activate(ctx: HandlerCtx, m: ActivateRequest): Answer {
  const card = ctx.ledger.card(m.card.pan);
  if (!card) return { result: 'declined', code: 'CARD_UNKNOWN', pan: m.card.pan };
  if (card.status !== 'not_activated')
    return {
      result: 'declined',
      code: STATUS_DECLINE[card.status] ?? 'ISSUER_ERROR',
      cardStatus: card.status,
      pan: card.pan,
    };
  if (isExpired(card.expiry, ctx.now()))
    return { result: 'declined', code: 'CARD_EXPIRED', cardStatus: 'expired', pan: card.pan };
  return load(ctx, m, card, 'activate');
}

/** Top up (充值): an active card only (checkCard: not_activated → CARD_NOT_ACTIVATED, "activate first"). */
function topup(ctx: HandlerCtx, m: TopupRequest): Answer {
  const checked = ctx.ledger.checkCard(m.card.pan);
  if ('decline' in checked) return { ...checked.decline, pan: m.card.pan };
  return load(ctx, m, checked.card, 'topup');
}

/** Reverse of an applied activation: after the value is debited back, the card is unsold again. */
function reverseActivation(base: MessageHandler<unknown>): MessageHandler<unknown> {
  return {
    ...base,
    handle(ctx, msg) {
      const m = msg as ReverseRequest;
      const orig = ctx.ledger.request(m.terminalId, m.origStan);
      const undoesActivation =
        orig?.type === 'activate' && orig.result === 'approved' && !orig.reversed && orig.pan;
      const d = base.handle(ctx, msg);
      if (undoesActivation && ctx.ledger.request(m.terminalId, m.origStan)?.reversed)
        ctx.ledger.db
          .prepare("UPDATE cards SET status = 'not_activated', updated_at = ? WHERE pan = ?")
          .run(ctx.now().toISOString(), orig.pan);
      return d;
    },
  };
}

registerHandler('activate', {
  schema: ActivateRequest as never,
  idempotent: true,
  handle: activate as never,
});
registerHandler('topup', { schema: TopupRequest as never, idempotent: true, handle: topup as never });
if (HANDLERS.reverse) registerHandler('reverse', reverseActivation(HANDLERS.reverse));
