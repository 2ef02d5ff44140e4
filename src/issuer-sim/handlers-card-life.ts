/**
 * The issuer's side of card life (docs/issuer-protocol.md "Card life"), registered with the sim's
 * handler table like handlers-settlement.ts. Every message runs inside the ledger's idempotent
 * (terminal, STAN) transaction, so a retry of the same request is answered from the record and
 * applied once. The rules are the shared ones (src/shared/card-rules.ts) on the card's own
 * registered/anonymous flag, which only the issuer knows for sure.
 *
 * Card states: not_activated → active (activate) → closed (cash-out) / replaced (replace).
 *
 * Reverse: the settlement module's reverse undoes any kind by its card direction (a credit is
 * debited back, a debit credited back); this module wraps it to put the card's STATE back too —
 * an activation reversed is unsold again, a cash-out reversed is open again — and undoes a
 * replacement (a move between two cards) itself. Each cash-out, replacement and void of a load is
 * recorded in card_life_ops, so its reverse undoes exactly what it did.
 */
import { HANDLERS, registerHandler, type HandlerCtx, type MessageHandler } from './handlers';
import { isExpired, type CardRow, type Decision } from './ledger';
import {
  ActivateRequest,
  TopupRequest,
  CashoutRequest,
  ReplaceRequest,
  VoidLoadRequest,
} from '../shared/issuer-card-life';
import type { InquiryRequest, ReverseRequest } from '../shared/issuer-protocol';
import { capRemaining, loadDecline } from '../shared/card-rules';
import { TXN_KINDS } from '../shared/txn-kinds';
import type { ErrorCode } from '../shared/errors';
import type { CardStatus } from './demo-cards';

type LoadMsg = ActivateRequest | TopupRequest;
type Answer = Decision & { extra?: Record<string, unknown> };

function setStatus(ctx: HandlerCtx, pan: string, status: CardStatus): void {
  ctx.ledger.db
    .prepare('UPDATE cards SET status = ?, updated_at = ? WHERE pan = ?')
    .run(status, ctx.now().toISOString(), pan);
}

function recordOp(
  ctx: HandlerCtx,
  m: { terminalId: string; stan: number },
  op: {
    kind: 'cashout' | 'replace' | 'voidload';
    pan: string;
    newPan?: string;
    origStan?: number;
    amountFen: number;
    priorStatus: string;
  },
): void {
  ctx.ledger.db
    .prepare(
      'INSERT INTO card_life_ops (terminal_id, stan, kind, pan, new_pan, orig_stan, amount_fen, prior_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(
      m.terminalId,
      m.stan,
      op.kind,
      op.pan,
      op.newPan ?? null,
      op.origStan ?? null,
      op.amountFen,
      op.priorStatus,
    );
}

interface OpRow {
  kind: 'cashout' | 'replace' | 'voidload';
  pan: string;
  new_pan: string | null;
  orig_stan: number | null;
  amount_fen: number;
  prior_status: CardStatus;
  reversed: number;
}
function opOf(ctx: HandlerCtx, terminalId: string, stan: number): OpRow | undefined {
  return ctx.ledger.db
    .prepare('SELECT * FROM card_life_ops WHERE terminal_id = ? AND stan = ?')
    .get(terminalId, stan) as OpRow | undefined;
}

/** Loads the value within the card's cap; answers the new balance and what the cap still allows. */
function load(ctx: HandlerCtx, m: LoadMsg, card: CardRow, kind: 'activate' | 'topup'): Answer {
  const registered = card.registered === 1;
  const refuse = (code: ErrorCode): Answer => ({
    result: 'declined',
    code,
    balanceFen: card.balance_fen,
    pan: card.pan,
    extra: { registered, capRemainingFen: capRemaining(card.balance_fen, registered) },
  });
  const over = loadDecline(card, m.amountFen);
  if (over) return refuse(over);
  // 实名: a registered card is sold or topped up only with the buyer's ID recorded at the till.
  if (registered && m.buyerId !== true) return refuse('BUYER_ID_REQUIRED');
  const after = ctx.ledger.credit(card.pan, m.terminalId, m.stan, m.amountFen, kind);
  if (kind === 'activate') setStatus(ctx, card.pan, 'active');
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
  closed: 'CARD_CLOSED',
  replaced: 'CARD_REPLACED',
};

/** A card still on the shelf (not_activated, not expired), or the decline that says why not. */
function unsold(ctx: HandlerCtx, pan: string): { card: CardRow } | { decline: Answer } {
  const card = ctx.ledger.card(pan);
  if (!card) return { decline: { result: 'declined', code: 'CARD_UNKNOWN', pan } };
  if (card.status !== 'not_activated')
    return {
      decline: {
        result: 'declined',
        code: STATUS_DECLINE[card.status] ?? 'ISSUER_ERROR',
        cardStatus: card.status,
        pan,
      },
    };
  if (isExpired(card.expiry, ctx.now()))
    return { decline: { result: 'declined', code: 'CARD_EXPIRED', cardStatus: 'expired', pan } };
  return { card };
}

/** Activate (售卡): only a card still not_activated; lost/frozen/expired keep their own decline. */
function activate(ctx: HandlerCtx, m: ActivateRequest): Answer {
  const u = unsold(ctx, m.card.pan);
  return 'decline' in u ? u.decline : load(ctx, m, u.card, 'activate');
}

/** Top up (充值): an active card only (checkCard: not_activated → CARD_NOT_ACTIVATED, "activate first"). */
function topup(ctx: HandlerCtx, m: TopupRequest): Answer {
  const checked = ctx.ledger.checkCard(m.card.pan);
  if ('decline' in checked) return { ...checked.decline, pan: m.card.pan };
  return load(ctx, m, checked.card, 'topup');
}

/**
 * Cash-out (退卡): the whole balance, exactly `amountFen` (what the till just learnt and will pay
 * out), debited; the card closed for good. Which cards may be cashed out is the till's rule
 * (registered, or anonymous under its configured small balance): the till asked for it with a
 * manager's override.
 */
function cashout(ctx: HandlerCtx, m: CashoutRequest): Answer {
  const checked = ctx.ledger.checkCard(m.card.pan);
  if ('decline' in checked) return { ...checked.decline, pan: m.card.pan };
  const card = checked.card;
  if (card.balance_fen !== m.amountFen)
    return { result: 'declined', code: 'CARD_BALANCE_CHANGED', balanceFen: card.balance_fen, pan: card.pan };
  const after = ctx.ledger.debit(card.pan, m.terminalId, m.stan, m.amountFen, 'cashout');
  setStatus(ctx, card.pan, 'closed');
  recordOp(ctx, m, { kind: 'cashout', pan: card.pan, amountFen: m.amountFen, priorStatus: card.status });
  return {
    result: 'approved',
    balanceFen: after,
    amountFen: m.amountFen,
    pan: card.pan,
    cardStatus: 'closed',
    extra: { registered: card.registered === 1 },
  };
}

/**
 * Replace (换卡): a registered card, active or reported lost, hands its whole balance to a new
 * card still on the shelf, in one message: old → `replaced` at 0, new → active with the balance.
 * The new card keeps the old one's registration. The amount recorded for settlement is 0 (no money
 * came in or went out); what moved is answered as `movedFen`.
 */
function replace(ctx: HandlerCtx, m: ReplaceRequest): Answer {
  const old = ctx.ledger.card(m.card.pan);
  if (!old) return { result: 'declined', code: 'CARD_UNKNOWN', pan: m.card.pan };
  if (old.status !== 'active' && old.status !== 'lost')
    return {
      result: 'declined',
      code: STATUS_DECLINE[old.status] ?? 'CARD_NOT_ACTIVATED',
      cardStatus: old.status,
      pan: old.pan,
    };
  if (old.registered !== 1) return { result: 'declined', code: 'REPLACE_NOT_ALLOWED', pan: old.pan };
  const u = unsold(ctx, m.newCard.pan);
  if ('decline' in u)
    return {
      ...u.decline,
      code: u.decline.code === 'CARD_ALREADY_ACTIVE' ? 'REPLACE_NOT_ALLOWED' : u.decline.code,
      pan: old.pan,
    };
  const moved = old.balance_fen;
  if (moved > 0) {
    ctx.ledger.debit(old.pan, m.terminalId, m.stan, moved, 'replace');
    ctx.ledger.credit(m.newCard.pan, m.terminalId, m.stan, moved, 'replace');
  }
  setStatus(ctx, old.pan, 'replaced');
  setStatus(ctx, m.newCard.pan, 'active');
  ctx.ledger.db.prepare('UPDATE cards SET registered = 1 WHERE pan = ?').run(m.newCard.pan);
  recordOp(ctx, m, {
    kind: 'replace',
    pan: old.pan,
    newPan: m.newCard.pan,
    amountFen: moved,
    priorStatus: old.status,
  });
  return {
    result: 'approved',
    balanceFen: moved,
    pan: old.pan,
    cardStatus: 'replaced',
    // The new card is registered now: what its cap still allows, for the receipt (as a load's).
    extra: { movedFen: moved, newCardStatus: 'active', capRemainingFen: capRemaining(moved, true) },
  };
}

/**
 * Void of a load (撤销售卡/充值): an approved, unreversed activation or top-up of this terminal, in
 * full, once. Refused with VOID_VALUE_SPENT — and the balance left — when the card no longer holds
 * the whole value (part of it was spent). An activation voided leaves the card unsold again.
 */
function voidLoad(ctx: HandlerCtx, m: VoidLoadRequest): Answer {
  const orig = ctx.ledger.request(m.terminalId, m.origStan);
  const kind = orig ? TXN_KINDS.byWire(orig.type) : undefined;
  if (
    !orig ||
    !kind ||
    kind.voidedBy !== 'void_load' ||
    orig.result !== 'approved' ||
    orig.reversed ||
    !orig.pan
  )
    return { result: 'declined', code: 'NOT_FOUND' };
  const prior = ctx.ledger.db
    .prepare(
      "SELECT stan FROM card_life_ops WHERE terminal_id = ? AND orig_stan = ? AND kind = 'voidload' AND reversed = 0",
    )
    .get(m.terminalId, m.origStan);
  if (prior) return { result: 'declined', code: 'ALREADY_VOIDED' };
  if (m.amountFen !== orig.amount_fen) return { result: 'declined', code: 'AMOUNT_EXCEEDS_ORIGINAL' };
  const card = ctx.ledger.card(orig.pan)!;
  if (card.balance_fen < orig.amount_fen)
    return { result: 'declined', code: 'VOID_VALUE_SPENT', balanceFen: card.balance_fen, pan: card.pan };
  const after = ctx.ledger.debit(card.pan, m.terminalId, m.stan, orig.amount_fen, 'voidload');
  if (kind.type === 'activate') setStatus(ctx, card.pan, 'not_activated');
  recordOp(ctx, m, {
    kind: 'voidload',
    pan: card.pan,
    origStan: m.origStan,
    amountFen: orig.amount_fen,
    priorStatus: card.status,
  });
  return { result: 'approved', balanceFen: after, amountFen: orig.amount_fen, pan: card.pan };
}

/**
 * Reverse, for the card-life kinds: the base (reverseByKind) moves the money back by the kind's
 * card direction; then the card's state is put back. A replacement moves no money the base knows
 * of (recorded amount 0): it is undone here, new card back onto the old, both states as before —
 * as far as the new card still holds it (a reversal must be answered; a balance never goes below 0).
 */
function reverseCardLife(base: MessageHandler<unknown>): MessageHandler<unknown> {
  return {
    ...base,
    handle(ctx, msg) {
      const m = msg as ReverseRequest;
      const orig = ctx.ledger.request(m.terminalId, m.origStan);
      const live = orig !== undefined && orig.result === 'approved' && !orig.reversed && orig.pan !== null;
      const op = live ? opOf(ctx, m.terminalId, m.origStan) : undefined;
      const d = base.handle(ctx, msg);
      if (!live || !ctx.ledger.request(m.terminalId, m.origStan)?.reversed) return d;
      if (orig.type === 'activate') setStatus(ctx, orig.pan!, 'not_activated');
      if (!op) return d;
      ctx.ledger.db
        .prepare('UPDATE card_life_ops SET reversed = 1 WHERE terminal_id = ? AND stan = ?')
        .run(m.terminalId, m.origStan);
      if (op.kind === 'cashout' || op.kind === 'voidload') setStatus(ctx, op.pan, op.prior_status);
      if (op.kind === 'replace' && op.new_pan) {
        const held = Math.min(op.amount_fen, ctx.ledger.card(op.new_pan)!.balance_fen);
        if (held > 0) {
          ctx.ledger.debit(op.new_pan, m.terminalId, m.stan, held, 'reversal');
          ctx.ledger.credit(op.pan, m.terminalId, m.stan, held, 'reversal');
        }
        setStatus(ctx, op.new_pan, 'not_activated');
        setStatus(ctx, op.pan, op.prior_status);
      }
      return d;
    },
  };
}

/**
 * Inquiry: the base answer plus the card's registered flag and state (the till's cash-out and
 * replace rules need them), on approval only.
 */
function inquiryWithFlag(base: MessageHandler<unknown>): MessageHandler<unknown> {
  return {
    ...base,
    handle(ctx, msg) {
      const d = base.handle(ctx, msg);
      const card = ctx.ledger.card((msg as InquiryRequest).card.pan);
      if (d.result !== 'approved' || !card) return d;
      return { ...d, extra: { ...(d.extra ?? {}), registered: card.registered === 1 } };
    },
  };
}

registerHandler('activate', {
  schema: ActivateRequest as never,
  idempotent: true,
  handle: activate as never,
});
registerHandler('topup', { schema: TopupRequest as never, idempotent: true, handle: topup as never });
registerHandler('cashout', { schema: CashoutRequest as never, idempotent: true, handle: cashout as never });
registerHandler('replace', { schema: ReplaceRequest as never, idempotent: true, handle: replace as never });
registerHandler('voidload', {
  schema: VoidLoadRequest as never,
  idempotent: true,
  handle: voidLoad as never,
});
if (HANDLERS.reverse) registerHandler('reverse', reverseCardLife(HANDLERS.reverse));
if (HANDLERS.inquiry) registerHandler('inquiry', inquiryWithFlag(HANDLERS.inquiry));
