import { z } from 'zod';
import { Fen, method, SELLERS, Empty, Override } from './common';
import { ErrorCode } from '../errors';
import { EntryMode } from '../devices';
import { ReceiptDoc } from '../receipt-doc';
import { TXN_TYPES } from '../txn-kinds';

/** A card the core holds in memory for the next transaction; the renderer sees only its mask. */
export const CardSummary = z.object({
  cardToken: z.string(),
  masked: z.string(),
  entryMode: EntryMode,
  deviceId: z.string().optional(),
});
export type CardSummary = z.infer<typeof CardSummary>;

/** The transaction kinds, derived from their one declaration (src/shared/txn-kinds.ts). */
export const TxnType = z.enum(TXN_TYPES);
export type TxnType = z.infer<typeof TxnType>;

export const TxnStatus = z.enum(['approved', 'declined', 'pending', 'reversed']);
export type TxnStatus = z.infer<typeof TxnStatus>;

export const TxnResult = z.object({
  stan: z.number().int().positive(),
  type: TxnType,
  status: TxnStatus,
  /** What the card pays. */
  amountFen: Fen,
  /** The other tender of a split sale (cash), 0 when none. */
  otherTenderFen: Fen,
  balanceFen: Fen.optional(),
  masked: z.string(),
  declineCode: ErrorCode.optional(),
  offline: z.boolean(),
  time: z.string(),
  operatorId: z.string().optional(),
  /** Void / refund / reversal: the STAN of the sale it undoes. */
  origStan: z.number().int().positive().optional(),
});
export type TxnResult = z.infer<typeof TxnResult>;

export const Receipt = z.object({ stan: z.number().int(), doc: ReceiptDoc, copy: z.boolean() });
export type Receipt = z.infer<typeof Receipt>;

const cardToken = z.string().min(1).max(64);

export const saleMethods = {
  /** A card typed or scanned into the keyboard-wedge field, or keyed by hand. */
  'card.enter': method({
    // 'manual' (a number keyed by hand, card not read) needs a manager's override.
    req: z
      .object({
        pan: z.string().regex(/^\d{12,19}$/),
        entryMode: z.enum(['wedge', 'manual']),
        override: Override.optional(),
      })
      .strict(),
    res: CardSummary,
    roles: SELLERS,
  }),
  'card.current': method({ req: Empty, res: CardSummary.nullable(), roles: SELLERS }),
  'card.clear': method({ req: Empty, res: Empty, roles: SELLERS }),
  'sale.authorize': method({
    req: z
      .object({
        cardToken,
        amountFen: Fen.refine((v) => v > 0, 'amount must be positive'),
        /** Split tender: the part paid by another tender (cash). */
        otherTenderFen: Fen.optional(),
        /** A manager's PIN allowing an offline approval over the limits (src/offline-queue/policy.ts). */
        override: Override.optional(),
        /**
         * The card's password, typed by the cardholder on the PIN pad after a PASSWORD_REQUIRED /
         * PASSWORD_WRONG decline: the core makes its PIN block at once and keeps nothing
         * (src/main/terminal/password.ts); 6 digits, else PASSWORD_FORMAT.
         */
        password: z.string().max(12).optional(),
      })
      .strict(),
    res: TxnResult,
    roles: SELLERS,
  }),
  /**
   * ECR integration: "collect ¥12.50 by card". The terminal prompts for a card, waits for one
   * (up to timeoutSeconds), authorizes, and answers with the final result.
   */
  'sale.collect': method({
    req: z
      .object({
        amountFen: Fen.refine((v) => v > 0, 'amount must be positive'),
        timeoutSeconds: z.number().int().min(5).max(300).optional(),
      })
      .strict(),
    res: TxnResult,
    roles: SELLERS,
  }),
  /**
   * The till's screen answers the password pad of a `sale.collect` whose card needs its password
   * (the `collect.prompt` event carries `password`): the password typed (6 digits, else the sale's
   * PASSWORD_FORMAT), or `cancel` — the collect then answers PASSWORD_CANCELED. The core makes the
   * PIN block at once and keeps nothing. INVALID_STATE when no collect is asking.
   */
  'sale.collectPassword': method({
    req: z.union([
      z.object({ password: z.string().max(12) }).strict(),
      z.object({ cancel: z.literal(true) }).strict(),
    ]),
    res: Empty,
    roles: SELLERS,
  }),
  'balance.inquiry': method({ req: z.object({ cardToken }).strict(), res: TxnResult, roles: SELLERS }),
  'txn.recent': method({
    req: z.object({ limit: z.number().int().min(1).max(200) }).strict(),
    res: z.array(TxnResult),
    roles: SELLERS,
  }),
  /**
   * The cashier's receipt search over the open shift (or the latest transactions when none is
   * open): by STAN, by the card's last 4 digits, and/or by time [from, to). Newest first.
   */
  'txn.search': method({
    req: z
      .object({
        stan: z.number().int().positive().optional(),
        last4: z
          .string()
          .regex(/^\d{4}$/)
          .optional(),
        from: z.string().datetime().optional(),
        to: z.string().datetime().optional(),
        limit: z.number().int().min(1).max(200),
      })
      .strict(),
    res: z.array(TxnResult),
    roles: SELLERS,
  }),
  /** Until when the presented card is blocked offline for velocity (the decline says how long). */
  'card.offlineBlock': method({
    req: z.object({ cardToken }).strict(),
    res: z.object({ blockedUntil: z.string().nullable() }),
    roles: SELLERS,
  }),
  'receipt.get': method({
    req: z.object({ stan: z.number().int().positive() }).strict(),
    res: Receipt,
    roles: SELLERS,
  }),
  'receipt.print': method({
    /** `copy`: a reprint, marked 重印 COPY on the paper. */
    req: z.object({ stan: z.number().int().positive(), copy: z.boolean().optional() }).strict(),
    res: z.object({ printed: z.boolean(), held: z.boolean(), reason: ErrorCode.optional() }),
    roles: SELLERS,
  }),
};
