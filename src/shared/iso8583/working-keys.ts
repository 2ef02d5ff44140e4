/**
 * Field 62 of the sign-on answer: PIK (16, encrypted under the TMK) + check (4) + MAK (16) +
 * check (4) = 40 bytes, for both key sets (ISO8583-CUP.md "Keys, MAC and password"). The host
 * builds it (wrapWorkingKeys); the terminal unwraps it and refuses the sign-on on a bad check.
 */
import { Iso8583Error, cupMac, macBlockOf, encodeFrame, type Iso8583Profile, type IsoMessage } from './index';
import type { KeySet } from './keysets';

export interface WorkingKeys {
  pik: Uint8Array;
  mak: Uint8Array;
}

export function wrapWorkingKeys(ks: KeySet, tmk: Uint8Array, keys: WorkingKeys): Uint8Array {
  const out = new Uint8Array(40);
  out.set(ks.encrypt(tmk, keys.pik), 0);
  out.set(ks.pikCheck(keys.pik), 16);
  out.set(ks.encrypt(tmk, keys.mak), 20);
  out.set(ks.makCheck(keys.mak), 36);
  return out;
}

/** Throws BAD_KEY (not 40 bytes) or BAD_KEY_CHECK (a check value does not match: a failed sign-on). */
export function unwrapWorkingKeys(ks: KeySet, tmk: Uint8Array, field62: Uint8Array): WorkingKeys {
  if (field62.length !== 40) throw new Iso8583Error('BAD_KEY', `field 62 of ${field62.length} bytes`, 62);
  const pik = ks.decrypt(tmk, field62.subarray(0, 16));
  const mak = ks.decrypt(tmk, field62.subarray(20, 36));
  if (!sameBytes(ks.pikCheck(pik), field62.subarray(16, 20)))
    throw new Iso8583Error('BAD_KEY_CHECK', 'PIK check value', 62);
  if (!sameBytes(ks.makCheck(mak), field62.subarray(36, 40)))
    throw new Iso8583Error('BAD_KEY_CHECK', 'MAK check value', 62);
  return { pik, mak };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The MAC of an encoded frame whose last field is 64 (its 8 bytes are not read). */
export function frameMac(
  profile: Iso8583Profile,
  ks: KeySet,
  mak: Uint8Array,
  frame: Uint8Array,
): Uint8Array {
  return cupMac(ks.macCipher(mak), macBlockOf(profile, frame));
}

/** Encodes `msg` with field 64 set to its MAC under `mak`. */
export function encodeWithMac(
  profile: Iso8583Profile,
  ks: KeySet,
  mak: Uint8Array,
  msg: IsoMessage,
): Uint8Array {
  const frame = encodeFrame(
    profile,
    { ...msg, fields: { ...msg.fields, 64: new Uint8Array(8) } },
    { keySet: ks.name },
  );
  frame.set(frameMac(profile, ks, mak, frame), frame.length - 8);
  return frame;
}
