/**
 * Card life at the till (issue 12): sell a card (售卡) and top one up (充值), paid in cash on the
 * terminal (src/main/terminal/card-life.ts). There is deliberately no card tender here: a
 * stored-value card can never pay for another.
 */
import { z } from 'zod';
import { Fen, method, SELLERS } from './common';
import { TxnResult, Receipt } from './sale';

const cardToken = z.string().min(1).max(64);
const value = Fen.refine((v) => v > 0, 'value must be positive');

export const CardLifeResult = z.object({
  result: TxnResult,
  /** Change to give from the cash handed over (approved only). */
  changeFen: Fen,
  /** Not approved: the cash to hand back to the customer ("请将现金退还顾客"). 0 when approved. */
  handBackFen: Fen,
  /** What the card's cap still allows after this (the issuer's figure), when it said. */
  capRemainingFen: Fen.optional(),
  receipt: Receipt,
});
export type CardLifeResult = z.infer<typeof CardLifeResult>;

const load = z
  .object({
    cardToken,
    valueFen: value,
    /** The cash the customer handed over; at least the value (default: exactly the value). */
    tenderFen: value.optional(),
  })
  .strict();

export const cardLifeMethods = {
  /** Sell (activate) a not-yet-activated card with an initial value, paid in cash. Online only. */
  'card.activate': method({ req: load, res: CardLifeResult, roles: SELLERS }),
  /** Add value to an active card, paid in cash. Online only. */
  'card.topup': method({ req: load, res: CardLifeResult, roles: SELLERS }),
};
