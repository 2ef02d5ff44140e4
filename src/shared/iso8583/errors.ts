/**
 * The one error type of the ISO 8583 codec, MAC and key code. `code` is stable and safe to branch
 * on; `message` is for logs and never holds key material, PIN blocks or a full card number.
 *
 * Two families (ISO8583-CUP.md "Details both sides must agree on"):
 *  - frame errors (the bytes cannot be parsed): the host closes the connection, the terminal treats
 *    the frame as no answer — TRUNCATED … BAD_CHARSET.
 *  - message errors (parsed, but not a message of the profile): a host answers `30` —
 *    UNKNOWN_MESSAGE, MISSING_FIELD, UNEXPECTED_FIELD, BAD_SUBFIELD.
 */
export type Iso8583ErrorCode =
  // frame
  | 'TRUNCATED'
  | 'TRAILING_BYTES'
  | 'BAD_LENGTH'
  | 'BAD_TPDU'
  | 'BAD_HEADER'
  | 'BAD_BCD'
  | 'BAD_PAD'
  | 'BAD_BITMAP'
  | 'UNKNOWN_FIELD'
  | 'BAD_CHARSET'
  // message
  | 'UNKNOWN_MESSAGE'
  | 'MISSING_FIELD'
  | 'UNEXPECTED_FIELD'
  | 'BAD_SUBFIELD'
  // building a message (a caller's bug, never outside bytes)
  | 'BAD_VALUE'
  // security
  | 'BAD_MAC'
  | 'BAD_KEY'
  | 'BAD_KEY_CHECK'
  | 'BAD_PIN_BLOCK';

export class Iso8583Error extends Error {
  readonly code: Iso8583ErrorCode;
  /** The field the error is about, when there is one. */
  readonly field: number | undefined;

  constructor(code: Iso8583ErrorCode, message: string, field?: number) {
    super(`${code}: ${message}`);
    this.name = 'Iso8583Error';
    this.code = code;
    this.field = field;
  }
}

export function isIso8583Error(e: unknown, code?: Iso8583ErrorCode): e is Iso8583Error {
  return e instanceof Iso8583Error && (code === undefined || e.code === code);
}

/** Frame errors mean "close the connection"; the rest are answerable. */
export const FRAME_ERRORS: ReadonlySet<Iso8583ErrorCode> = new Set([
  'TRUNCATED',
  'TRAILING_BYTES',
  'BAD_LENGTH',
  'BAD_TPDU',
  'BAD_HEADER',
  'BAD_BCD',
  'BAD_PAD',
  'BAD_BITMAP',
  'UNKNOWN_FIELD',
  'BAD_CHARSET',
]);
