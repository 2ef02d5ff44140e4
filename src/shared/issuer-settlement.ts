/**
 * Wire schemas of the void, refund and settle messages (docs/issuer-protocol.md "Void, refund,
 * settle"). Same signed envelope and header as every other message.
 */
import { z } from 'zod';
import { RequestHeader, CardOnWire } from './issuer-protocol';
import { MAX_FEN } from './money';
import { WireJournalHead } from './issuer-journal-head';
import { FIRST_RELEASE_SETTLEMENT_BUCKETS, SETTLEMENT_BUCKETS, type SettlementBucket } from './txn-kinds';
import { ChipClearingAnswer, ChipClearingItem } from './issuer-epurse';

const fen = z.number().int().min(0).max(MAX_FEN);
const stan = z.number().int().positive();

/** Undo an approved sale of the open batch in full; the issuer credits the card back. */
export const VoidRequest = RequestHeader.extend({ type: z.literal('void'), origStan: stan, amountFen: fen });

/**
 * Credit a card. Linked: `origStan` names the approved sale; the refunds of one sale never exceed
 * its amount in total. Unlinked (no origStan): `card` names the card to credit.
 */
export const RefundRequest = RequestHeader.extend({
  type: z.literal('refund'),
  origStan: stan.optional(),
  card: CardOnWire.optional(),
  amountFen: fen.refine((v) => v > 0, 'refund must be positive'),
}).refine((m) => m.origStan !== undefined || m.card !== undefined, 'origStan or card required');

/**
 * A batch's totals: `<bucket>Count` and `<bucket>Fen` for every settlement bucket of the kinds table
 * (src/shared/txn-kinds.ts SETTLEMENT_BUCKETS), so a kind with a new bucket is settled with no
 * edit here. The wire stays what it was: the first release's six fields are required; a bucket
 * added later (activate, topup, …) is 0 when absent, so an older terminal's or issuer's message and
 * a stored batch still parse and compare. A bucket this side does not know (a newer peer's) is kept
 * as it came, so the comparison sees it instead of dropping it.
 */
export type BatchTotals = { [B in SettlementBucket as `${B}Count` | `${B}Fen`]: number } & {
  [field: string]: number;
};

const count = z.number().int().min(0);
const bucketShape: Record<string, z.ZodType<number, unknown>> = {};
for (const b of SETTLEMENT_BUCKETS) {
  const first = FIRST_RELEASE_SETTLEMENT_BUCKETS.includes(b);
  bucketShape[`${b}Count`] = first ? count : count.default(0);
  bucketShape[`${b}Fen`] = first ? fen : fen.default(0);
}
const BUCKET_FIELD = /^[a-z][a-zA-Z0-9]{0,30}(Count|Fen)$/;
export const BatchTotals = z
  .object(bucketShape)
  .catchall(fen)
  .superRefine((t, ctx) => {
    for (const k of Object.keys(t))
      if (!BUCKET_FIELD.test(k))
        ctx.addIssue({ code: 'custom', message: `not a bucket field: ${k.slice(0, 40)}` });
  }) as unknown as z.ZodType<BatchTotals, unknown>;

/**
 * Settle a batch: the STANs fromStan..toStan, minus `excludedStans` (offline approvals still
 * unsent, carried to the next batch), plus `carriedStans` (carried in from earlier batches).
 */
export const SettleRequest = RequestHeader.extend({
  type: z.literal('settle'),
  batchNo: z.number().int().positive(),
  fromStan: stan,
  toStan: z.number().int().min(0),
  carriedStans: z.array(stan).max(100_000),
  excludedStans: z.array(stan).max(100_000),
  totals: BatchTotals,
  /** The terminal's journal head, acknowledged in the answer (./issuer-journal-head.ts). */
  journalHead: WireJournalHead.optional(),
  /** Chip purchases and loads of the batch with their TACs, for clearing (./issuer-epurse.ts). */
  chip: z.array(ChipClearingItem).max(100_000).optional(),
});

export const SettledTxn = z.object({
  stan,
  /** The settlement bucket of the transaction's kind (src/shared/txn-kinds.ts). */
  type: z.enum(SETTLEMENT_BUCKETS),
  amountFen: fen,
  time: z.string(),
});
export type SettledTxn = z.infer<typeof SettledTxn>;

/** The answer's `settlement` field: the issuer's own totals; its transactions when they differ. */
export const SettlementAnswer = z.object({
  batchNo: z.number().int().positive(),
  matched: z.boolean(),
  totals: BatchTotals,
  txns: z.array(SettledTxn).optional(),
  /** The clearing of the uploaded chip transactions, when there were any. */
  chip: ChipClearingAnswer.optional(),
});
export type SettlementAnswer = z.infer<typeof SettlementAnswer>;

export type VoidRequest = z.infer<typeof VoidRequest>;
export type RefundRequest = z.infer<typeof RefundRequest>;
export type SettleRequest = z.infer<typeof SettleRequest>;

/** Field by field; a bucket one side does not carry counts as 0 there (older messages, stored batches). */
export function totalsEqual(a: BatchTotals, b: BatchTotals): boolean {
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
    if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return true;
}

/**
 * Totals of settled transactions by bucket: every bucket of `buckets` (the production table's by
 * default) at zero, then each transaction added to its own — also one of a bucket not listed.
 */
export function totalsOf(
  txns: ReadonlyArray<{ type: string; amountFen: number }>,
  buckets: readonly string[] = SETTLEMENT_BUCKETS,
): BatchTotals {
  const t: Record<string, number> = {};
  for (const b of buckets) {
    t[`${b}Count`] = 0;
    t[`${b}Fen`] = 0;
  }
  for (const x of txns) addTo(t as BatchTotals, x.type, 1, x.amountFen);
  return t as BatchTotals;
}

/** Adds `n` transactions of `amountFen` in all to a bucket's two fields. */
export function addTo(t: BatchTotals, bucket: string, n: number, amountFen: number): void {
  t[`${bucket}Count`] = (t[`${bucket}Count`] ?? 0) + n;
  t[`${bucket}Fen`] = (t[`${bucket}Fen`] ?? 0) + amountFen;
}
