/**
 * The shape of an ISO 8583 profile: the field table and the message set as data, so a host that
 * differs from ISO8583-CUP.md is a new profile object, not new code. The codec (codec.ts) reads
 * only this; the CUP profile is cup-profile.ts.
 */

/** n numeric (BCD), an alphanumeric (ASCII), ans printable (ASCII), b binary, z track-2 (BCD, D = separator). */
export type FieldFormat = 'n' | 'an' | 'ans' | 'b' | 'z';

/** How a variable field's length prefix is written: BCD (LL = 1 byte, LLL = 2 bytes) or ASCII digits. */
export type LengthEncoding = 'bcd' | 'ascii';

export type KeySetName = '3des' | 'sm4';

export interface FieldSpec {
  readonly name: string;
  readonly format: FieldFormat;
  readonly kind: 'fixed' | 'LLVAR' | 'LLLVAR';
  /** Fixed length, or the maximum of a variable one: digits for n and z, bytes for an, ans and b. */
  readonly length: number;
  /** Overrides the profile's length encoding for this field. */
  readonly lengthEncoding?: LengthEncoding;
  /**
   * Where the `0` pad nibble of an odd digit count goes: `left` (right-justified, fixed n such as
   * 22 `021` → `00 21`) or `right` (left-justified, the variable fields such as 2 and 60).
   */
  readonly pad?: 'left' | 'right';
  /** A fixed b field whose size follows the key set (52: 8 bytes 3DES, 16 bytes SM4). */
  readonly lengthByKeySet?: Readonly<Record<KeySetName, number>>;
}

/** Which fields a message carries: listed once, `optional` are the page's `?` fields. */
export interface FieldList {
  readonly mandatory: readonly number[];
  readonly optional: readonly number[];
}

export interface MessageSpec {
  /** Our name for the transaction (the message set below is keyed by it). */
  readonly name: string;
  readonly mti: string;
  /** Field 3, when the message carries one fixed by its type (reversal: the original's). */
  readonly processingCode?: string;
  /** 60.1; null when it is the original's (reversal). */
  readonly typeCode: string | null;
  /** 60.3 values that select this message (network management: sign-on, echo, settlement). */
  readonly networkCodes?: readonly string[];
  readonly request: FieldList;
  readonly answer: FieldList & { readonly mti: string };
}

export interface Iso8583Profile {
  readonly name: string;
  /** TPDU: 5 bytes, the first one this id. */
  readonly tpduId: number;
  /** Header: this many bytes, starting with `headerPrefix`; the nibble after it is the processing requirement. */
  readonly headerLength: number;
  readonly headerPrefix: readonly number[];
  /** The bytes after the 2-byte length: at least TPDU + header + MTI + bitmap, at most this. */
  readonly minMessageBytes: number;
  readonly maxMessageBytes: number;
  readonly lengthEncoding: LengthEncoding;
  readonly defaultKeySet: KeySetName;
  readonly fields: Readonly<Record<number, FieldSpec>>;
  readonly messages: readonly MessageSpec[];
}
