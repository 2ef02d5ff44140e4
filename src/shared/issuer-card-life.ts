/**
 * Wire schemas of the card-life messages (docs/issuer-protocol.md "Activate, top-up"). Same signed
 * envelope and header as every other message; idempotent by (terminalId, stan) like authorize.
 * `cashFen` is what the customer paid on the terminal for the value (cash or another non-card
 * tender): never a stored-value card — one card never pays for another.
 */
import { z } from 'zod';
import { RequestHeader, CardOnWire } from './issuer-protocol';
import { MAX_FEN } from './money';

const positiveFen = z.number().int().min(1).max(MAX_FEN);
const fen = z.number().int().min(0).max(MAX_FEN);
const stan = z.number().int().positive();

const load = {
  card: CardOnWire,
  /** The value loaded onto the card. */
  amountFen: positiveFen,
  /** What the terminal took for it in cash (0 when paid by bank transfer). */
  cashFen: fen,
  /** What was paid by bank transfer (the non-cash rule, src/shared/card-rules.ts); absent: none. */
  transferFen: fen.optional(),
  /** The till recorded the buyer's ID (kept sealed at the till, never sent): needed for a registered card. */
  buyerId: z.boolean().optional(),
};
const paidInFull = (m: { amountFen: number; cashFen: number; transferFen?: number }) =>
  m.cashFen + (m.transferFen ?? 0) >= m.amountFen;

/** Sell a card: not_activated → active with an initial value. */
export const ActivateRequest = RequestHeader.extend({ type: z.literal('activate'), ...load }).refine(
  paidInFull,
  'cashFen + transferFen must cover amountFen',
);
/** Add value to an active card. */
export const TopupRequest = RequestHeader.extend({ type: z.literal('topup'), ...load }).refine(
  paidInFull,
  'cashFen + transferFen must cover amountFen',
);

/**
 * Cash-out (退卡): the card's whole balance, `amountFen`, is debited and paid out in cash at the
 * till; the card becomes `closed`. Refused (CARD_BALANCE_CHANGED) when the balance is not that.
 */
export const CashoutRequest = RequestHeader.extend({
  type: z.literal('cashout'),
  card: CardOnWire,
  amountFen: positiveFen,
});

/**
 * Replace (换卡): the registered old card's whole balance moves onto `newCard`, a card not yet
 * activated, which becomes active; the old card becomes `replaced`. One message, both cards.
 */
export const ReplaceRequest = RequestHeader.extend({
  type: z.literal('replace'),
  card: CardOnWire,
  newCard: CardOnWire,
  reason: z.enum(['lost', 'damaged']),
}).refine((m) => m.card.pan !== m.newCard.pan, 'newCard must be another card');

/**
 * Void of an approved activation or top-up of this terminal (`origStan`), in full: the value comes
 * off the card (an activation's card is unsold again). Refused with VOID_VALUE_SPENT and the
 * balance left when part of it was spent.
 */
export const VoidLoadRequest = RequestHeader.extend({
  type: z.literal('voidload'),
  origStan: stan,
  amountFen: positiveFen,
});

export type ActivateRequest = z.infer<typeof ActivateRequest>;
export type TopupRequest = z.infer<typeof TopupRequest>;
export type CashoutRequest = z.infer<typeof CashoutRequest>;
export type ReplaceRequest = z.infer<typeof ReplaceRequest>;
export type VoidLoadRequest = z.infer<typeof VoidLoadRequest>;
