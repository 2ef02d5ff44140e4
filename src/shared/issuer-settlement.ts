/**
 * Wire schemas of the void, refund and settle messages (docs/issuer-protocol.md "Void, refund,
 * settle"). Same signed envelope and header as every other message.
 */
import { z } from 'zod';
import { RequestHeader, CardOnWire } from './issuer-protocol';
import { MAX_FEN } from './money';
import { WireJournalHead } from './issuer-journal-head';
import { SETTLEMENT_BUCKETS, type SettlementBucket } from './txn-kinds';
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

export const BatchTotals = z.object({
  saleCount: z.number().int().min(0),
  saleFen: fen,
  voidCount: z.number().int().min(0),
  voidFen: fen,
  refundCount: z.number().int().min(0),
  refundFen: fen,
  // Card life (issue 12), added after the first release: absent in an older message means none.
  activateCount: z.number().int().min(0).default(0),
  activateFen: fen.default(0),
  topupCount: z.number().int().min(0).default(0),
  topupFen: fen.default(0),
});
export type BatchTotals = z.infer<typeof BatchTotals>;

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

export function totalsEqual(a: BatchTotals, b: BatchTotals): boolean {
  return (
    a.saleCount === b.saleCount &&
    a.saleFen === b.saleFen &&
    a.voidCount === b.voidCount &&
    a.voidFen === b.voidFen &&
    a.refundCount === b.refundCount &&
    a.refundFen === b.refundFen &&
    (a.activateCount ?? 0) === (b.activateCount ?? 0) &&
    (a.activateFen ?? 0) === (b.activateFen ?? 0) &&
    (a.topupCount ?? 0) === (b.topupCount ?? 0) &&
    (a.topupFen ?? 0) === (b.topupFen ?? 0)
  );
}

/** Totals of settled transactions by bucket. */
export function totalsOf(txns: ReadonlyArray<{ type: SettlementBucket; amountFen: number }>): BatchTotals {
  const t: BatchTotals = {
    saleCount: 0,
    saleFen: 0,
    voidCount: 0,
    voidFen: 0,
    refundCount: 0,
    refundFen: 0,
    activateCount: 0,
    activateFen: 0,
    topupCount: 0,
    topupFen: 0,
  };
  for (const x of txns) {
    t[`${x.type}Count`]++;
    t[`${x.type}Fen`] += x.amountFen;
  }
  return t;
}
