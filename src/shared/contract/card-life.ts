/**
 * Card life at the till (issue 12): sell a card (售卡), top one up (充值), cash one out (退卡),
 * replace one (换卡), and the rules behind them (src/main/terminal/card-life.ts,
 * src/shared/card-rules.ts). The void of a card sale or top-up is `txn.void` (manager.ts), like a
 * sale's.
 *
 * The payment is cash or a bank transfer: `tender` also accepts `stored_value` so that the rule
 * refuses it in words (CARD_TENDER_NOT_ALLOWED: one stored-value card never pays for another)
 * rather than as a malformed request.
 */
import { z } from 'zod';
import { Fen, method, Override, SELLERS } from './common';
import { TxnResult, Receipt } from './sale';
import { CardRulesConfig } from '../card-rules';

const cardToken = z.string().min(1).max(64);
const value = Fen.refine((v) => v > 0, 'value must be positive');
const MANAGER = ['manager'] as const;

export const CardLifeResult = z.object({
  result: TxnResult,
  /** Change to give from the cash handed over (approved only). */
  changeFen: Fen,
  /** Not approved: the cash to hand back to the customer ("请将现金退还顾客"). 0 when approved. */
  handBackFen: Fen,
  /** What the card's cap still allows after this (the issuer's figure), when it said. */
  capRemainingFen: Fen.optional(),
  /** The buyer's ID as recorded, masked (张*, 110***********1234). */
  buyer: z.object({ name: z.string(), idNumber: z.string() }).optional(),
  receipt: Receipt,
});
export type CardLifeResult = z.infer<typeof CardLifeResult>;

/** The buyer (实名登记): a person or an organisation; name and ID number (or credit code) when the rules need them. */
export const Buyer = z
  .object({
    kind: z.enum(['person', 'organisation']),
    name: z.string().trim().min(1).max(60).optional(),
    idNumber: z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z]{6,30}$/, 'ID number: 6–30 letters or digits')
      .optional(),
  })
  .strict()
  .refine((b) => (b.name === undefined) === (b.idNumber === undefined), 'name and ID number go together');
export type Buyer = z.infer<typeof Buyer>;

const load = z
  .object({
    cardToken,
    valueFen: value,
    /** The cash the customer handed over; at least the value (default: exactly the value). Cash only. */
    tenderFen: value.optional(),
    /** How the value is paid (default cash). */
    tender: z.enum(['cash', 'bank_transfer', 'stored_value']).optional(),
    /** The bank transfer's reference, for `bank_transfer`. */
    transferRef: z.string().trim().min(1).max(40).optional(),
    buyer: Buyer.optional(),
  })
  .strict();

export const CardCashoutResult = z.object({
  result: TxnResult,
  /** The cash to pay out of the drawer (approved only; 0 otherwise). */
  payoutFen: Fen,
  receipt: Receipt.nullable(),
});
export type CardCashoutResult = z.infer<typeof CardCashoutResult>;

export const CardReplaceResult = z.object({
  result: TxnResult,
  /** What moved onto the new card (approved only). */
  movedFen: Fen,
  /** The new card, masked. */
  newMasked: z.string(),
  receipt: Receipt,
});
export type CardReplaceResult = z.infer<typeof CardReplaceResult>;

export const BuyerExportRow = z.object({
  stan: z.number().int(),
  type: z.string(),
  status: z.string(),
  amountFen: Fen,
  card: z.string(),
  buyerKind: z.enum(['person', 'organisation']),
  paidBy: z.enum(['cash', 'bank_transfer']),
  transferRef: z.string().optional(),
  name: z.string().optional(),
  idNumber: z.string().optional(),
  time: z.string(),
});

const stan = z.number().int().positive();

export const cardLifeMethods = {
  /** Sell (activate) a not-yet-activated card with an initial value, paid in cash or by transfer. Online only. */
  'card.activate': method({ req: load, res: CardLifeResult, roles: SELLERS }),
  /** Add value to an active card, paid in cash or by transfer. Online only. */
  'card.topup': method({ req: load, res: CardLifeResult, roles: SELLERS }),
  /**
   * Cash out (退卡): the presented card's whole balance paid out in cash, the card closed.
   * Manager override; registered cards, or anonymous ones under the configured small balance.
   */
  'card.cashout': method({
    req: z.object({ cardToken, override: Override }).strict(),
    res: CardCashoutResult,
    roles: SELLERS,
  }),
  /**
   * Replace (换卡): the old registered card (its number, as it may be lost) hands its whole balance
   * to the presented new card, not yet activated, in one issuer message. Manager override.
   */
  'card.replace': method({
    req: z
      .object({
        oldCardNumber: z.string().regex(/^\d{12,19}$/),
        cardToken,
        reason: z.enum(['lost', 'damaged']),
        override: Override,
      })
      .strict(),
    res: CardReplaceResult,
    roles: SELLERS,
  }),
  /** The rules in force (caps, ID and non-cash thresholds, the cash-out limit): shown to the manager and the cashier. */
  'card.rules': method({ req: z.object({}).strict(), res: CardRulesConfig, roles: SELLERS, passive: true }),
  /** The buyers' IDs of a STAN range in clear: managers only, and audited. */
  'card.buyers': method({
    req: z.object({ fromStan: stan.optional(), toStan: stan.optional() }).strict(),
    res: z.object({ rows: z.array(BuyerExportRow) }),
    roles: MANAGER,
  }),
};
