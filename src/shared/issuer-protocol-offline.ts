/**
 * Wire messages of store-and-forward (docs/issuer-protocol.md, "advice" and "hotcards").
 * An advice tells the issuer about sales the terminal approved while it could not reach it; a
 * batch carries many, and the signed answer carries one result per advice. Each advice is applied
 * at most once per (terminalId, advice stan), like any request.
 */
import { z } from 'zod';
import { ErrorCode } from './errors';
import { MAX_FEN } from './money';
import { RequestHeader, CardOnWire, ResultCode } from './issuer-protocol';

const fen = z.number().int().min(0).max(MAX_FEN);
const stan = z.number().int().positive();
const pan = z.string().regex(/^\d{12,19}$/);

/** Most advices one batch may carry (the issuer's request body limit is 1 MiB). */
export const MAX_ADVICES_PER_BATCH = 1000;

export const AdviceItem = z
  .object({
    /** The STAN the offline sale (or void) was recorded under; never sent to the issuer before. */
    stan,
    /**
     * `sale` (absent in advices written before voids could be queued) or `void`: the cashier
     * voided an offline sale before its advice reached the issuer. A void advice follows its
     * sale's advice in STAN order, so the issuer always applies the sale first.
     */
    kind: z.enum(['sale', 'void']).optional(),
    /** For `void`: the STAN of the offline sale it voids (in full). */
    origStan: stan.optional(),
    /** When the sale was approved offline (terminal time, ISO 8601). */
    time: z.string(),
    card: CardOnWire,
    amountFen: fen,
    otherTenderFen: fen,
  })
  .strict()
  .refine((a) => (a.kind === 'void') === (a.origStan !== undefined), {
    message: 'a void advice names its origStan; a sale advice has none',
  });
export type AdviceItem = z.infer<typeof AdviceItem>;

export const AdviceRequest = RequestHeader.extend({
  type: z.literal('advice'),
  advices: z.array(AdviceItem).min(1).max(MAX_ADVICES_PER_BATCH),
});
export type AdviceRequest = z.infer<typeof AdviceRequest>;

export const AdviceResult = z.object({
  stan,
  /** approved = applied (now or by an earlier copy of this advice); declined = refused for good. */
  result: ResultCode,
  code: ErrorCode.optional(),
  balanceFen: fen.optional(),
});
export type AdviceResult = z.infer<typeof AdviceResult>;
/** The answer's own fields (besides the common answer fields). */
export const AdviceAnswer = z.object({ results: z.array(AdviceResult) });

export const HotcardsRequest = RequestHeader.extend({
  type: z.literal('hotcards'),
  sinceVersion: z.number().int().min(0),
});
export type HotcardsRequest = z.infer<typeof HotcardsRequest>;
export const HotcardsAnswer = z.object({
  /** The list's version after applying this answer. */
  version: z.number().int().min(0),
  /** true: `add` is the whole list (replace); false: a delta since the request's sinceVersion. */
  full: z.boolean(),
  add: z.array(pan),
  remove: z.array(pan),
});
export type HotcardsAnswer = z.infer<typeof HotcardsAnswer>;
