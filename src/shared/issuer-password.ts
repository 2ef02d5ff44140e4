/**
 * Wire schemas of the cardholder password (docs/issuer-protocol.md "Card password"): the PIN block
 * an `authorize` may carry, and the `password` message that sets or changes it. A PIN block is
 * src/shared/pin-block.ts' SM4 block under the terminal's PIN key, 32 hex characters.
 */
import { z } from 'zod';
import { AuthorizeRequest, CardOnWire, RequestHeader } from './issuer-protocol';

export const WirePinBlock = z.string().regex(/^[0-9A-F]{32}$/);

/** authorize with the password the cardholder typed (the issuer asked: PASSWORD_REQUIRED). */
export const AuthorizeWithPinRequest = AuthorizeRequest.extend({ pinBlock: WirePinBlock.optional() });

/** Set (no `pinBlock`: the card has none yet) or change (`pinBlock` = the old one) the password. */
export const PasswordRequest = RequestHeader.extend({
  type: z.literal('password'),
  card: CardOnWire,
  pinBlock: WirePinBlock.optional(),
  newPinBlock: WirePinBlock,
});

export type AuthorizeWithPinRequest = z.infer<typeof AuthorizeWithPinRequest>;
export type PasswordRequest = z.infer<typeof PasswordRequest>;
