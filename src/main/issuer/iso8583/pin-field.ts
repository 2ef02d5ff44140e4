/**
 * Fields 26 / 52 / 53 of a request the cardholder typed a password for (ISO8583-CUP.md "Field
 * encodings" and "Password (PIN) block"), made under the PIK of this adapter's own sign-on:
 *
 *   52 (3DES set) = 3DES-ECB(PIK, format 0 block)                 8 bytes
 *   52 (SM4 set)  = SM4-ECB(PIK, format 0 block ‖ FF×8)           16 bytes
 *   26 = `06` (PIN capture code: passwords are 6 digits; "present exactly when 52 is")
 *   53 = the key set's security control (`26…` format 0 under double-length 3DES, `24…` SM4)
 *
 * 22 is not touched: its third digit `1` says the terminal can take a PIN, and the page's own
 * no-password frame carries `021` too (docs/issuer-protocol.md, ISO ambiguity 27).
 *
 * Built at send only and never stored (store.ts NEVER_STORED); every buffer that held the clear
 * block is zeroed before return.
 */
import { pinBlockFormat0, type IsoFields } from '../../../shared/iso8583';
import type { KeySet } from './keysets';

/** 26 = `06`: the page's passwords are 6 digits. */
export const PIN_CAPTURE_CODE = '06';

/** The encrypted format-0 block of field 52 for this key set (throws Iso8583Error BAD_PIN_BLOCK on a bad password or PAN). */
export function field52(ks: KeySet, pik: Uint8Array, password: string, pan: string): Uint8Array {
  const clear = pinBlockFormat0(password, pan);
  const block = new Uint8Array(ks.pinBlockBytes).fill(0xff);
  block.set(clear);
  clear.fill(0);
  try {
    return ks.encrypt(pik, block);
  } finally {
    block.fill(0);
  }
}

/** 26, 52 and 53 together ("26/52/53 not together" is a format error at the host). */
export function passwordFields(ks: KeySet, pik: Uint8Array, password: string, pan: string): IsoFields {
  return { 26: PIN_CAPTURE_CODE, 52: field52(ks, pik, password, pan), 53: ks.securityControl };
}
