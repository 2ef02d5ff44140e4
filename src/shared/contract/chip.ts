/**
 * PBOC e-purse at the till (issue 14): the methods particular to paying on the chip. A chip sale
 * itself is `sale.authorize` (the core pays on the chip when the card and its issuer entry say
 * e-purse); these settle a torn one and show the manager what is unresolved.
 */
import { z } from 'zod';
import { Fen, method, SELLERS, Empty } from './common';
import { TxnResult } from './sale';

export const ChipException = z.object({
  stan: z.number().int().positive(),
  kind: z.enum(['purchase', 'load']),
  /** grey: waiting for the card to be presented again; exception / mac2-invalid: for the manager. */
  state: z.enum(['grey', 'done', 'not-done', 'exception', 'mac2-invalid']),
  masked: z.string(),
  amountFen: Fen,
  reason: z.string().optional(),
  createdAt: z.string(),
});
export type ChipException = z.infer<typeof ChipException>;

export const chipMethods = {
  /**
   * The card of a torn chip transaction (CHIP_TORN) is presented again: the core decides from the
   * card whether the debit happened, proves it, and answers the final row. `stan`: the torn one.
   */
  'chip.resolve': method({
    req: z
      .object({ cardToken: z.string().min(1).max(64), stan: z.number().int().positive().optional() })
      .strict(),
    res: TxnResult,
    roles: SELLERS,
  }),
  /**
   * The manager stops waiting for a torn transaction's card (the customer left): declined
   * CHIP_EXCEPTION, kept on the list; the issuer decides at clearing.
   */
  'chip.abandon': method({
    req: z.object({ stan: z.number().int().positive() }).strict(),
    res: TxnResult,
    roles: ['manager'],
  }),
  /** Grey records still waiting for their card and chip exceptions: the manager's list. */
  'chip.exceptions': method({ req: Empty, res: z.array(ChipException), roles: ['manager', 'technician'] }),
};
