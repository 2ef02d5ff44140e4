/**
 * The cardholder password (PIN) block of the SM4 key set, as ../shared/ISO8583-CUP.md "Password
 * (PIN) block" fixes it, for both wire protocols:
 *
 *   clear      = ANSI X9.8 format 0: PIN field `0N` ‖ digits ‖ `F` pad, XOR the PAN field `0000` ‖
 *                the 12 rightmost PAN digits before the check digit (8 bytes, bound to the card)
 *   SM4 block  = SM4-ECB(PIN key, clear ‖ FF×8)                      (16 bytes; field 52)
 *
 * The format 0 arithmetic is the ISO 8583 codec's one (src/shared/iso8583/pin-block.ts: one
 * implementation); this module adds the SM4 step and the two ends that use it — the terminal core
 * builds blocks (src/main/terminal/password.ts), the issuer simulator opens them
 * (src/issuer-sim/handlers-password.ts). Pure and runtime-neutral. Every intermediate buffer
 * holding the password is zeroed before return; a JavaScript string cannot be, which is why the
 * password is a string only for the moment it is turned into the block.
 */
import { sm4DecryptBlock, sm4EncryptBlock } from './crypto';
import { pinBlockFormat0, pinFromFormat0 } from './iso8583/pin-block';

/** What the contract and the issuer accept: six digits (ISO8583-CUP.md: field 26 = `06`). */
export const PASSWORD_RE = /^\d{6}$/;

/** The clear format 0 block (throws Iso8583Error BAD_PIN_BLOCK for a PIN not 4–12 digits or a bad PAN). */
export const clearPinBlock = (password: string, pan: string): Uint8Array => pinBlockFormat0(password, pan);

/** The SM4 key set's field 52: SM4-ECB(key, clear ‖ FF×8), 16 bytes. */
export function sm4PinBlock(password: string, pan: string, pinKey: Uint8Array): Uint8Array {
  if (pinKey.length !== 16) throw new RangeError('the SM4 PIN key is 16 bytes');
  const block = new Uint8Array(16).fill(0xff);
  const clear = pinBlockFormat0(password, pan);
  block.set(clear);
  clear.fill(0);
  const out = sm4EncryptBlock(pinKey, block);
  block.fill(0);
  return out;
}

/**
 * The issuer's side: the password inside an SM4 PIN block for this card, or null when the block
 * is not one (wrong key, another card, bad padding) — ISO8583-CUP.md: "a malformed block is a
 * wrong try", so the caller counts null as a wrong password.
 */
export function openSm4PinBlock(block: Uint8Array, pan: string, pinKey: Uint8Array): string | null {
  if (block.length !== 16 || pinKey.length !== 16) return null;
  const plain = sm4DecryptBlock(pinKey, block);
  try {
    for (let i = 8; i < 16; i++) if (plain[i] !== 0xff) return null;
    return pinFromFormat0(plain.subarray(0, 8), pan);
  } catch {
    return null; // not a format 0 block for this card
  } finally {
    plain.fill(0);
  }
}
