/**
 * ANSI X9.8 (ISO 9564-1) format 0 PIN block (ISO8583-CUP.md "Password (PIN) block"):
 * PIN field `0N` + digits + `F` pad to 8 bytes, XOR the PAN field `0000` + the 12 rightmost PAN
 * digits before the check digit. The SM4 set (ours) appends 8 `FF` bytes to make one 16-byte block.
 * Pure: encryption is done by the caller's cipher. The clear block is never logged or stored.
 */
import { Iso8583Error } from './errors';

function panField(pan: string): Uint8Array {
  if (!/^\d{13,19}$/.test(pan)) throw new Iso8583Error('BAD_PIN_BLOCK', 'card number for the PIN block');
  const twelve = pan.slice(-13, -1);
  const out = new Uint8Array(8);
  for (let i = 0; i < 6; i++) out[2 + i] = (Number(twelve[2 * i]) << 4) | Number(twelve[2 * i + 1]);
  return out;
}

/** The clear 8-byte format-0 block of a 4–12 digit password for `pan`. */
export function pinBlockFormat0(pin: string, pan: string): Uint8Array {
  if (!/^\d{4,12}$/.test(pin)) throw new Iso8583Error('BAD_PIN_BLOCK', 'password must be 4-12 digits');
  const s = ('0' + pin.length.toString(16).toUpperCase() + pin).padEnd(16, 'F');
  const p = panField(pan);
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16) ^ p[i]!;
  return out;
}

/** The password back out of a clear format-0 block; throws BAD_PIN_BLOCK when malformed. */
export function pinFromFormat0(block: Uint8Array, pan: string): string {
  if (block.length !== 8) throw new Iso8583Error('BAD_PIN_BLOCK', 'format 0 block is 8 bytes');
  const p = panField(pan);
  let s = '';
  for (let i = 0; i < 8; i++) s += (block[i]! ^ p[i]!).toString(16).padStart(2, '0').toUpperCase();
  const m = /^0([4-9A-C])(\d+)(F*)$/.exec(s);
  if (!m || m[2]!.length !== parseInt(m[1]!, 16))
    throw new Iso8583Error('BAD_PIN_BLOCK', 'not a format 0 block');
  return m[2]!;
}
