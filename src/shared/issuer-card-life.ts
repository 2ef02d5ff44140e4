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

const load = {
  card: CardOnWire,
  /** The value loaded onto the card. */
  amountFen: positiveFen,
  /** What the terminal took for it; at least the value. */
  cashFen: positiveFen,
};
const paidInFull = (m: { amountFen: number; cashFen: number }) => m.cashFen >= m.amountFen;

/** Sell a card: not_activated → active with an initial value. */
export const ActivateRequest = RequestHeader.extend({ type: z.literal('activate'), ...load }).refine(
  paidInFull,
  'cashFen must cover amountFen',
);
/** Add value to an active card. */
export const TopupRequest = RequestHeader.extend({ type: z.literal('topup'), ...load }).refine(
  paidInFull,
  'cashFen must cover amountFen',
);

export type ActivateRequest = z.infer<typeof ActivateRequest>;
export type TopupRequest = z.infer<typeof TopupRequest>;
