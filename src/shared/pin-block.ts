/**
 * The cardholder password (PIN) block, ANSI X9.8 / ISO 9564-1 format 0, as ../shared/ISO8583-CUP.md
 * "Password (PIN) block" fixes it for the SM4 key set:
 *
 *   PIN field  = 0 ‖ N ‖ the N digits ‖ F padding            (16 nibbles, 8 bytes)
 *   PAN field  = 0000 ‖ the 12 rightmost PAN digits before the check digit (8 bytes)
 *   clear      = PIN field XOR PAN field                       (bound to the card number)
 *   SM4 block  = SM4-ECB(PIN key, clear ‖ FF×8)                (16 bytes; field 52 of the SM4 set)
 *
 * Pure and runtime-neutral: the terminal core builds blocks (src/main/terminal/password.ts), the
 * issuer simulator opens them (src/issuer-sim/handlers-password.ts). Every intermediate buffer
 * holding the password is zeroed before return; a JavaScript string cannot be, which is why the
 * password is a string only for the moment it is turned into the PIN field.
 */
import { sm4DecryptBlock, sm4EncryptBlock } from './crypto';

/** What the contract and the issuer accept: six digits (ISO8583-CUP.md: field 26 = `06`). */
export const PASSWORD_RE = /^\d{6}$/;
/** Format 0 itself allows 4–12 digits; the pure functions accept that range. */
const FORMAT0_RE = /^\d{4,12}$/;

export class PinBlockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PinBlockError';
  }
}

/** 8 bytes: `0N` + digits + `F` padding. Never logged: it is the password in nibbles. */
export function pinField(password: string): Uint8Array {
  if (!FORMAT0_RE.test(password)) throw new PinBlockError('a format 0 PIN is 4 to 12 digits');
  const nibbles = [0, password.length, ...Array.from(password, Number)];
  while (nibbles.length < 16) nibbles.push(0xf);
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = (nibbles[2 * i]! << 4) | nibbles[2 * i + 1]!;
  nibbles.fill(0);
  return out;
}

/** 8 bytes: `0000` + the 12 rightmost digits of the PAN without its check digit. */
export function panField(pan: string): Uint8Array {
  if (!/^\d{13,19}$/.test(pan)) throw new PinBlockError('a PAN for a PIN block is 13 to 19 digits');
  const digits = '0000' + pan.slice(-13, -1);
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The clear format 0 block (PIN field XOR PAN field). */
export function clearPinBlock(password: string, pan: string): Uint8Array {
  const p = pinField(password);
  const a = panField(pan);
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = p[i]! ^ a[i]!;
  p.fill(0);
  return out;
}

/** The SM4 key set's field 52: SM4-ECB(key, clear ‖ FF×8), 16 bytes. */
export function sm4PinBlock(password: string, pan: string, pinKey: Uint8Array): Uint8Array {
  if (pinKey.length !== 16) throw new PinBlockError('the PIN key is 16 bytes');
  const block = new Uint8Array(16).fill(0xff);
  const clear = clearPinBlock(password, pan);
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
    const a = panField(pan);
    const nibbles: number[] = [];
    for (let i = 0; i < 8; i++) {
      const b = plain[i]! ^ a[i]!;
      nibbles.push(b >> 4, b & 0xf);
    }
    const n = nibbles[1]!;
    if (nibbles[0] !== 0 || n < 4 || n > 12) return null;
    const digits = nibbles.slice(2, 2 + n);
    const pad = nibbles.slice(2 + n);
    if (digits.some((d) => d > 9) || pad.some((d) => d !== 0xf)) return null;
    return digits.join('');
  } finally {
    plain.fill(0);
  }
}
