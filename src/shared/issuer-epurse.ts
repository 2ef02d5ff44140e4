/**
 * Clearing of chip purchases and loads (PBOC e-purse, issue 14): what the terminal uploads in the
 * settle message for each one it journaled, and what the issuer reports back. The issuer verifies
 * each TAC with its own keys (only it and the card can compute one), keeps a shadow of each
 * card's chip balance and sequences, and reports what does not fit (docs/issuer-protocol.md
 * "Chip clearing").
 */
import { z } from 'zod';
import { MAX_FEN } from './money';
import { RequestHeader } from './issuer-protocol';

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9A-Fa-f]{${bytes * 2}}$`));

export const ChipClearingItem = z.object({
  stan: z.number().int().positive(),
  kind: z.enum(['purchase', 'load']),
  /** The application serial (20 BCD digits): the card number, the issuer's key diversification input. */
  cardSerial: z.string().regex(/^\d{20}$/),
  /** The card's offline (purchase) or online (load) sequence this transaction used. */
  seq: z.number().int().min(0).max(0xffff),
  amountFen: z.number().int().min(0).max(MAX_FEN),
  balanceAfterFen: z.number().int().min(0).max(MAX_FEN),
  terminalNumber: hex(6),
  /** The PSAM's transaction counter (purchase); '' for a load. */
  terminalSeq: z.union([hex(4), z.literal('')]),
  date: hex(4),
  time: hex(3),
  algId: z.number().int().min(0).max(255),
  tac: hex(4),
  /** Proved after tearing (GET TRANSACTION PROVE) rather than answered by DEBIT. */
  proved: z.boolean(),
});
export type ChipClearingItem = z.infer<typeof ChipClearingItem>;

/** What clearing found wrong with one uploaded chip transaction. */
export const ChipDiscrepancyKind = z.enum(['chip_bad_tac', 'chip_sequence_gap', 'chip_duplicate']);
export type ChipDiscrepancyKind = z.infer<typeof ChipDiscrepancyKind>;

export const ChipClearingAnswer = z.object({
  /** Accepted (TAC valid, not a duplicate) in this message, or earlier for the same STAN. */
  cleared: z.number().int().min(0),
  discrepancies: z.array(
    z.object({
      stan: z.number().int().positive(),
      kind: ChipDiscrepancyKind,
      /** For a gap: the sequence the issuer expected next. */
      expectedSeq: z.number().int().min(0).optional(),
    }),
  ),
});
export type ChipClearingAnswer = z.infer<typeof ChipClearingAnswer>;

/**
 * Load (圈存) authorisation, online only: the card's INITIALIZE FOR LOAD answer goes to the issuer,
 * which checks the card's MAC1 with its load key and answers MAC2 for CREDIT FOR LOAD (in the
 * answer's `mac2`). The value is paid in cash on the terminal, as a card-life top-up.
 */
export const ChipLoadAuthRequest = RequestHeader.extend({
  type: z.literal('chip-load-auth'),
  cardSerial: z.string().regex(/^\d{20}$/),
  amountFen: z.number().int().min(1).max(MAX_FEN),
  cashFen: z.number().int().min(1).max(MAX_FEN),
  balanceBeforeFen: z.number().int().min(0).max(MAX_FEN),
  onlineSeq: z.number().int().min(0).max(0xffff),
  algId: z.number().int().min(0).max(255),
  random: hex(4),
  terminalNumber: hex(6),
  mac1: hex(4),
  /** The card's BCD date and time (what MAC2 covers); the header's `time` is the ISO send time. */
  cardDate: hex(4),
  cardTime: hex(3),
}).refine((m) => m.cashFen >= m.amountFen, 'cashFen must cover amountFen');
export type ChipLoadAuthFields = Omit<
  z.infer<typeof ChipLoadAuthRequest>,
  keyof z.infer<typeof RequestHeader>
>;
