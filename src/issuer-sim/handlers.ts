/**
 * What the issuer does with each message type. Each handler runs inside the ledger's idempotent
 * transaction for (terminal id, STAN), so whatever it decides is recorded with the answer.
 * Further message types (advice, void, refund, settle, hot cards) register here.
 */
import type { IssuerLedger, Decision } from './ledger';
import type { AuthorizeRequest, InquiryRequest, ReverseRequest } from '../shared/issuer-protocol';
import {
  AuthorizeRequest as AuthorizeSchema,
  InquiryRequest as InquirySchema,
  ReverseRequest as ReverseSchema,
  EchoRequest,
} from '../shared/issuer-protocol';
import type { z } from 'zod';
import { verifyDynamicCode } from './dynamic-code';
import { acknowledgeHead } from './journal-heads';

export interface HandlerCtx {
  ledger: IssuerLedger;
  now: () => Date;
  cardKeySecret: Uint8Array;
}

export interface MessageHandler<T = unknown> {
  schema: z.ZodType<T>;
  /** False for messages that move no money and need no idempotency record (echo). */
  idempotent: boolean;
  handle(ctx: HandlerCtx, msg: T): Decision & { extra?: Record<string, unknown> };
}

function authorize(ctx: HandlerCtx, m: AuthorizeRequest): Decision {
  const checked = ctx.ledger.checkCard(m.card.pan);
  if ('decline' in checked) return { ...checked.decline, pan: m.card.pan };
  if (m.card.entryMode === 'scan' && m.card.dynamicCode !== undefined) {
    if (!verifyDynamicCode(ctx.cardKeySecret, m.card.pan, m.card.dynamicCode, ctx.now())) {
      return { result: 'declined', code: 'BAD_DYNAMIC_CODE', pan: m.card.pan };
    }
  }
  const card = checked.card;
  if (card.balance_fen < m.amountFen) {
    return {
      result: 'declined',
      code: 'INSUFFICIENT_BALANCE',
      balanceFen: card.balance_fen,
      pan: m.card.pan,
    };
  }
  const after = ctx.ledger.debit(card.pan, m.terminalId, m.stan, m.amountFen, 'sale');
  return { result: 'approved', balanceFen: after, amountFen: m.amountFen, pan: card.pan };
}

function inquiry(ctx: HandlerCtx, m: InquiryRequest): Decision {
  const checked = ctx.ledger.checkCard(m.card.pan);
  if ('decline' in checked) return { ...checked.decline, pan: m.card.pan };
  return {
    result: 'approved',
    balanceFen: checked.card.balance_fen,
    pan: m.card.pan,
    cardStatus: checked.card.status,
  };
}

function reverse(ctx: HandlerCtx, m: ReverseRequest): Decision {
  const orig = ctx.ledger.request(m.terminalId, m.origStan);
  if (!orig) {
    // Unknown STAN: answered, not an error — and remembered, so a delayed original is refused.
    ctx.ledger.tombstone(m.terminalId, m.origStan);
    return { result: 'approved', orig: { found: false } };
  }
  if (orig.reversed)
    return {
      result: 'approved',
      orig: { found: true, type: orig.type, result: orig.result, reversed: true },
    };
  if (orig.result === 'approved' && orig.pan && orig.amount_fen > 0 && orig.type === 'authorize') {
    const after = ctx.ledger.credit(orig.pan, m.terminalId, m.stan, orig.amount_fen, 'reversal');
    ctx.ledger.markReversed(m.terminalId, m.origStan);
    return {
      result: 'approved',
      balanceFen: after,
      orig: { found: true, type: orig.type, result: orig.result, reversed: true, amountFen: orig.amount_fen },
    };
  }
  ctx.ledger.markReversed(m.terminalId, m.origStan);
  return { result: 'approved', orig: { found: true, type: orig.type, result: orig.result, reversed: true } };
}

/** Erases a handler's message type once its schema has tied the two together. */
function erase<T>(h: MessageHandler<T>): MessageHandler<unknown> {
  return h as unknown as MessageHandler<unknown>;
}

export const HANDLERS: Record<string, MessageHandler<unknown>> = {
  authorize: erase({ schema: AuthorizeSchema, idempotent: true, handle: authorize }),
  inquiry: erase({ schema: InquirySchema, idempotent: true, handle: inquiry }),
  reverse: erase({ schema: ReverseSchema, idempotent: true, handle: reverse }),
  // The echo also acknowledges the terminal's journal head (./journal-heads.ts).
  echo: erase({
    schema: EchoRequest,
    idempotent: false,
    handle: (ctx, m) => ({
      result: 'approved' as const,
      extra: acknowledgeHead(ctx, m.terminalId, m.journalHead),
    }),
  }),
};

export function registerHandler<T>(type: string, handler: MessageHandler<T>): void {
  HANDLERS[type] = erase(handler);
}
