/**
 * The cashier's side of the devices: keyboard-wedge frames decoded in the core, reprint of the last
 * receipt, and the events that tell the cashier about held receipts and scanned receipt QRs.
 */
import { z } from 'zod';
import { method, ALL_ROLES, SELLERS } from './common';
import { EntryMode } from '../devices';
import { ErrorCode } from '../errors';
import { CardSummary } from './sale';

/** What receipt.print / receipt.reprint / tech.printTest answer. */
export const PrintAnswer = z.object({
  printed: z.boolean(),
  held: z.boolean(),
  reason: ErrorCode.optional(),
  jobId: z.string(),
  deviceId: z.string(),
});
export type PrintAnswer = z.infer<typeof PrintAnswer>;

export const WedgeFrameResult = z.discriminatedUnion('kind', [
  /** A card: presented to the core for the next transaction (sellers) or only shown (technician). */
  z.object({
    kind: z.literal('card'),
    masked: z.string(),
    entryMode: EntryMode,
    card: CardSummary.optional(),
  }),
  /** A CardTill receipt QR: passed on as the `receipt.scanned` event. */
  z.object({ kind: z.literal('receipt') }),
]);
export type WedgeFrameResult = z.infer<typeof WedgeFrameResult>;

export const deviceIoMethods = {
  /**
   * A frame a keyboard-wedge scanner or magstripe reader typed into the window, as the renderer's
   * wedge classifier cut it out of the keystrokes (terminator removed). Decoded here with the
   * real codecs; errors SWIPE_UNREADABLE / SCAN_UNREADABLE.
   */
  'wedge.frame': method({
    req: z.object({ text: z.string().min(1).max(4096) }).strict(),
    res: WedgeFrameResult,
    roles: ALL_ROLES,
  }),
  /** Prints the last printed receipt again, under a "重打印 REPRINT" banner. */
  'receipt.reprint': method({ req: z.object({}).strict(), res: PrintAnswer, roles: SELLERS }),
};

export const PrintJobNote = z.object({
  jobId: z.string(),
  deviceId: z.string(),
  /** held: paper out / cover open / offline — it prints by itself when fixed; printed: it did;
   * lost: the printer's settings changed and nothing could take the job (reason PRINT_JOB_LOST). */
  state: z.enum(['held', 'printed', 'lost']),
  reason: ErrorCode.optional(),
  stan: z.number().int().optional(),
  heldCount: z.number().int().min(0),
});
export type PrintJobNote = z.infer<typeof PrintJobNote>;

export const deviceIoEvents = {
  'printer.job': PrintJobNote,
  /** A CardTill receipt QR (`CTR1…`) scanned on a scanner or the keyboard wedge (dispute desk). */
  'receipt.scanned': z.object({ deviceId: z.string(), text: z.string() }),
};
