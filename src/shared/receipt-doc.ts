/**
 * A receipt (or report, or test page) as a device-independent document. The terminal core lays
 * out receipts as ReceiptDoc; the ESC/POS builder turns one into printer bytes; the virtual printer
 * and the on-screen preview render the same document. One layout, three outputs.
 */
import { z } from 'zod';

export const ReceiptLine = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('text'),
    text: z.string(),
    align: z.enum(['left', 'center', 'right']).optional(),
    /** 1 = normal, 2 = double width and height (ESC/POS GS ! 0x11). */
    size: z.union([z.literal(1), z.literal(2)]).optional(),
    bold: z.boolean().optional(),
  }),
  /** Two columns on one line: label left, value right (totals, balances). */
  z.object({ type: z.literal('pair'), left: z.string(), right: z.string(), bold: z.boolean().optional() }),
  z.object({ type: z.literal('rule'), char: z.string().length(1).optional() }),
  z.object({ type: z.literal('qr'), data: z.string(), size: z.number().int().min(1).max(16).optional() }),
  z.object({ type: z.literal('feed'), lines: z.number().int().min(1).max(10) }),
  z.object({ type: z.literal('cut') }),
]);
export type ReceiptLine = z.infer<typeof ReceiptLine>;

export const ReceiptDoc = z.object({
  /** Characters per line at size 1: 32 for 58 mm paper, 48 for 80 mm (Font A, 12×24 dots). */
  width: z.union([z.literal(32), z.literal(48)]),
  lines: z.array(ReceiptLine),
});
export type ReceiptDoc = z.infer<typeof ReceiptDoc>;
