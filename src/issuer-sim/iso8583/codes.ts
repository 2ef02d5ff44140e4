/** Field 39 response codes of ISO8583-CUP.md "Response codes", and the ledger's declines mapped onto them. */
import type { ErrorCode } from '../../shared/errors';

export const RC = {
  approved: '00',
  insufficientBalance: '51',
  expired: '54',
  lost: '41',
  frozen: '62',
  notActivated: '78',
  unknownCard: '14',
  wrongPassword: '55',
  passwordTriesExceeded: '75',
  overLimit: '61',
  invalid: '12',
  formatError: '30',
  originalNotFound: '25',
  duplicate: '94',
  macError: 'A0',
  hostMalfunction: '96',
} as const;
export type ResponseCode = (typeof RC)[keyof typeof RC];

/** The ledger's card checks (IssuerLedger.checkCard) in this dialect's words. */
export const RC_OF_LEDGER: Partial<Record<ErrorCode, ResponseCode>> = {
  CARD_UNKNOWN: RC.unknownCard,
  CARD_LOST: RC.lost,
  CARD_FROZEN: RC.frozen,
  CARD_NOT_ACTIVATED: RC.notActivated,
  CARD_EXPIRED: RC.expired,
  // Cashed out or replaced: the card is no longer usable (12, invalid transaction).
  CARD_CLOSED: RC.invalid,
  CARD_REPLACED: RC.invalid,
  INSUFFICIENT_BALANCE: RC.insufficientBalance,
  // The balance cap of a load (src/shared/card-rules.ts): "exceeds amount limit".
  CARD_CAP_EXCEEDED: RC.overLimit,
  ALREADY_REVERSED: RC.invalid,
  DUPLICATE_STAN: RC.duplicate,
};
