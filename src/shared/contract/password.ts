/**
 * The cardholder password at the till (issue 12, 密码支付; src/main/terminal/password.ts). The
 * digits cross the boundary once, in the call, and the core turns them into a PIN block at once:
 * no answer, event, log line or stored row carries them. The format (6 digits) is checked by the
 * core with its own typed error (PASSWORD_FORMAT), so these schemas only bound the length.
 */
import { z } from 'zod';
import { method, SELLERS } from './common';
import { TxnResult } from './sale';

/** What the cardholder typed: the core checks it is 6 digits (PASSWORD_FORMAT). */
export const TypedPassword = z.string().max(12);

export const passwordMethods = {
  /**
   * Set (the card has none yet: no `oldPassword`) or change the presented card's password: the
   * new one typed twice (PASSWORD_MISMATCH when they differ, before anything is sent). Online
   * only; its own STAN, journaled as type `password`; the issuer checks the old one and counts
   * wrong tries like a sale's (PASSWORD_WRONG, then PASSWORD_LOCKED).
   */
  'card.setPassword': method({
    req: z
      .object({
        cardToken: z.string().min(1).max(64),
        oldPassword: TypedPassword.optional(),
        newPassword: TypedPassword,
        confirmPassword: TypedPassword,
      })
      .strict(),
    res: TxnResult,
    roles: SELLERS,
  }),
};
