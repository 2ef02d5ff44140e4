/**
 * Dispute desk (manager): a receipt QR scanned or pasted → genuine or forged, and with the store's
 * key the decrypted transaction and the verification code the paper must show
 * (src/main/receipt/verify-receipt.ts).
 */
import { z } from 'zod';
import { method } from './common';

export const ReceiptDetails = z.object({
  terminalId: z.string(),
  merchantId: z.string(),
  stan: z.number().int(),
  type: z.string(),
  status: z.string(),
  offline: z.boolean(),
  amountFen: z.number().int(),
  balanceFen: z.number().int().optional(),
  time: z.string(),
  last4: z.string(),
});
export type ReceiptDetails = z.infer<typeof ReceiptDetails>;

export const ReceiptVerdict = z.object({
  genuine: z.boolean(),
  /** Why not genuine: not a CardTill code, another terminal, unknown key version, bad signature,
   * no signed journal record says what it says, the journal has no such STAN. */
  reason: z
    .enum(['malformed', 'unknown-terminal', 'unknown-key', 'signature', 'journal-mismatch', 'not-in-journal'])
    .optional(),
  terminalId: z.string().optional(),
  keyVersion: z.number().int().optional(),
  stan: z.number().int().optional(),
  details: ReceiptDetails.optional(),
  /** "1234 5678": the verification code the genuine paper receipt carries. */
  code: z.string().optional(),
});
export type ReceiptVerdict = z.infer<typeof ReceiptVerdict>;

export const disputeMethods = {
  'dispute.verifyReceipt': method({
    req: z.object({ text: z.string().max(4000) }).strict(),
    res: ReceiptVerdict,
    roles: ['manager'],
  }),
};
