/**
 * Batch activation (售卡, 批量; issue 12): a list of card numbers — scanned one after another, or a
 * range from–to of consecutive numbers — sold with one value each for one payment (cash, or a bank
 * transfer with its reference; the buyer's ID when the rules need it, as for `card.activate`). Each card
 * is its own activation (its own STAN, idempotent at the issuer) through the one runner
 * (src/main/terminal/card-batch.ts); a card that fails is shown as failed and is not paid for.
 *
 * `expandCardRange` is pure and shared: the screen previews a range with the same rule the core
 * applies.
 */
import { z } from 'zod';
import { Fen, method, SELLERS } from './common';
import { Receipt } from './sale';
import { Buyer } from './card-life';
import { ErrorCode, TillError } from '../errors';
import { PAN_RE, isLuhnValid, luhnCheckDigit } from '../card';

/** At most this many cards in one batch (a company's order of 200 gift cards fits). */
export const BATCH_MAX_CARDS = 200;

const pan = z.string().regex(PAN_RE);
const value = Fen.refine((v) => v > 0, 'value must be positive');

export const CardBatchRequest = z
  .object({
    /** Card numbers as scanned (wedge / barcode), in order. */
    cards: z.array(pan).min(1).max(BATCH_MAX_CARDS).optional(),
    /** Or a range of consecutive numbers, first and last included. */
    range: z.object({ from: pan, to: pan }).strict().optional(),
    /** Or the cards read into the batch one by one (`card.batchHold`: swiped, tapped, scanned). */
    held: z.literal(true).optional(),
    /** The value loaded onto each card. */
    valueFen: value,
    /** The cash handed over for the whole batch; at least value × cards (default: exactly that). Cash only. */
    tenderFen: value.optional(),
    /**
     * How the whole order is paid (default cash), as for `card.activate`: a bank transfer where the
     * non-cash rule forbids cash (an organisation ≥ ¥5,000.00, a person ≥ ¥50,000.00), its
     * reference recorded with every card's activation; `stored_value` is accepted only to be
     * refused in words (CARD_TENDER_NOT_ALLOWED).
     */
    tender: z.enum(['cash', 'bank_transfer', 'stored_value']).optional(),
    /** The bank transfer's reference, for `bank_transfer`. */
    transferRef: z.string().trim().min(1).max(40).optional(),
    /** Who buys the whole order; name and ID number when the rules need them (≥ ¥10,000.00 of anonymous cards). */
    buyer: Buyer.optional(),
  })
  .strict()
  .refine(
    (r) => [r.cards, r.range, r.held].filter((x) => x !== undefined).length === 1,
    'one of cards, range or held',
  );
export type CardBatchRequest = z.infer<typeof CardBatchRequest>;

export const CardBatchItem = z.object({
  masked: z.string(),
  valueFen: Fen,
  /**
   * approved: activated and paid for. declined: the issuer (or the till) said no, or the outcome was
   * lost and it is being reversed — not paid for. not_sent: not tried, because the link failed on
   * an earlier card — not paid for, sell it again later.
   */
  status: z.enum(['approved', 'declined', 'not_sent']),
  stan: z.number().int().positive().optional(),
  declineCode: ErrorCode.optional(),
  balanceFen: Fen.optional(),
});
export type CardBatchItem = z.infer<typeof CardBatchItem>;

export const CardBatchResult = z.object({
  items: z.array(CardBatchItem),
  /** The cards activated, and what they are paid: the only cash the drawer keeps. */
  activatedCount: z.number().int().min(0),
  paidFen: Fen,
  /** Value × cards asked for. */
  requestedFen: Fen,
  /** How the order was paid: cash into the drawer, or a bank transfer (never in the drawer). */
  paidBy: z.enum(['cash', 'bank_transfer']),
  /** The cash handed over; for a bank transfer, the transfer's amount (= requested). */
  tenderFen: Fen,
  /** Change on the whole order (tender − requested); 0 for a transfer. */
  changeFen: Fen,
  /** Cash: the value of the cards not activated, handed back. 0 for a transfer. */
  handBackFen: Fen,
  /** Cash to give back to the customer in all: change + hand-back. 0 for a transfer. */
  giveBackFen: Fen,
  /**
   * Bank transfer: the value of the cards not activated, owed back to the buyer by the store's
   * bank (never out of the drawer). 0 for cash.
   */
  transferRefundFen: Fen,
  /** The bank transfer's reference, as recorded with every card. */
  transferRef: z.string().optional(),
  /** The buyer's ID as recorded with every card, masked (张*, 110***********1234). */
  buyer: z.object({ name: z.string(), idNumber: z.string() }).optional(),
  /** The customer copy listing every card (from the signed journal's rows). */
  receipt: Receipt,
});
export type CardBatchResult = z.infer<typeof CardBatchResult>;

const Held = z.object({ masked: z.array(z.string()) });

export const cardBatchMethods = {
  /**
   * Moves the card presented now (swiped, tapped, scanned or keyed — `card.presented`) into the batch
   * being put together: the core keeps it in memory, the screen gets its mask. CARD_BATCH_DUPLICATE
   * for a card already in it, CARD_BATCH_TOO_LARGE past 200.
   */
  'card.batchHold': method({
    req: z.object({ cardToken: z.string().min(1).max(64) }).strict(),
    res: Held,
    roles: SELLERS,
  }),
  /** The cards held for the batch (masked), e.g. after the screen was reloaded. */
  'card.batchHeld': method({ req: z.object({}).strict(), res: Held, roles: SELLERS, passive: true }),
  /** Takes one card out of the batch (by its place in the list), or all when no index. */
  'card.batchRelease': method({
    req: z.object({ index: z.number().int().min(0).max(BATCH_MAX_CARDS).optional() }).strict(),
    res: Held,
    roles: SELLERS,
  }),
  /**
   * Sell a batch of not-yet-activated cards, one value each, one payment (cash or a bank
   * transfer), the buyer's ID when the rules need it. The rules judge the whole order. Online only.
   */
  'card.batchActivate': method({ req: CardBatchRequest, res: CardBatchResult, roles: SELLERS }),
  /** Print the batch's customer copy (laid out again from the journal rows of its STANs). */
  'card.batchPrint': method({
    req: z
      .object({
        stans: z.array(z.number().int().positive()).min(1).max(BATCH_MAX_CARDS),
        tenderFen: Fen,
        notSent: z.number().int().min(0).max(BATCH_MAX_CARDS),
      })
      .strict(),
    res: z.object({ printed: z.boolean(), held: z.boolean(), reason: ErrorCode.optional() }),
    roles: SELLERS,
  }),
};

/**
 * The card numbers from `from` to `to`, both included. When both are Luhn-valid (closed-loop card
 * numbers end in a check digit, ISO/IEC 7812-1), the numbers without their check digit are
 * consecutive and each gets its own check digit; otherwise the whole numbers are consecutive.
 * Refused (CARD_RANGE_INVALID): different lengths, from after to, one end Luhn-valid and the other
 * not; CARD_BATCH_TOO_LARGE over `max` cards.
 */
export function expandCardRange(from: string, to: string, max = BATCH_MAX_CARDS): string[] {
  if (!PAN_RE.test(from) || !PAN_RE.test(to) || from.length !== to.length)
    throw new TillError('CARD_RANGE_INVALID', 'first and last must be card numbers of the same length');
  const luhn = isLuhnValid(from);
  if (luhn !== isLuhnValid(to))
    throw new TillError('CARD_RANGE_INVALID', 'one end has a valid check digit, the other not');
  const body = (p: string) => (luhn ? p.slice(0, -1) : p);
  const lo = BigInt(body(from));
  const hi = BigInt(body(to));
  if (hi < lo) throw new TillError('CARD_RANGE_INVALID', 'the last number is before the first');
  if (hi - lo + 1n > BigInt(max)) throw new TillError('CARD_BATCH_TOO_LARGE', `more than ${max} cards`);
  const width = body(from).length;
  const out: string[] = [];
  for (let n = lo; n <= hi; n++) {
    const b = n.toString().padStart(width, '0');
    out.push(luhn ? b + String(luhnCheckDigit(b)) : b);
  }
  return out;
}

/** The batch's card numbers: the list as given (no number twice) or the range expanded. */
export function batchCards(r: Pick<CardBatchRequest, 'cards' | 'range'>, max = BATCH_MAX_CARDS): string[] {
  if (r.range) return expandCardRange(r.range.from, r.range.to, max);
  const cards = r.cards ?? [];
  if (cards.length > max) throw new TillError('CARD_BATCH_TOO_LARGE', `more than ${max} cards`);
  const seen = new Set<string>();
  for (const c of cards) {
    if (seen.has(c)) throw new TillError('CARD_BATCH_DUPLICATE', `card ${c.slice(-4)} twice`);
    seen.add(c);
  }
  return [...cards];
}
