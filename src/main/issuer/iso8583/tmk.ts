/**
 * The terminal master key at rest: sealed like the other keys (src/main/crypto/seal.ts, under the
 * terminal's data key), bound to its issuer entry by the seal's associated data, so a sealed TMK
 * copied to another entry does not open. The technician enters it once (as hex, with its check
 * value read off the host's key sheet); only the sealed form is ever written.
 */
import { openSm4, sealSm4 } from '../../crypto/seal';
import { asciiBytes, fromHex, toHex } from '../../crypto/bytes';
import { Iso8583Error } from '../../../shared/iso8583';
import type { KeySet } from './keysets';

const aad = (issuerId: string) => asciiBytes(`CardTill/iso8583/tmk/v1/${issuerId}`);

/**
 * Checks a TMK typed by the technician against its check value (the first 4 bytes of the key's
 * encryption of a zero block, as the page defines for working keys) and seals it.
 * Throws BAD_KEY (not 16 bytes of hex) or BAD_KEY_CHECK (a typo).
 */
export function sealTmk(
  dataKey: Uint8Array,
  issuerId: string,
  ks: KeySet,
  tmkHex: string,
  checkHex: string,
): string {
  if (!/^[0-9a-fA-F]{32}$/.test(tmkHex)) throw new Iso8583Error('BAD_KEY', 'a TMK is 32 hex digits');
  const tmk = fromHex(tmkHex.toLowerCase());
  if (toHex(ks.pikCheck(tmk)) !== checkHex.toLowerCase())
    throw new Iso8583Error('BAD_KEY_CHECK', 'the TMK does not match its check value');
  return toHex(sealSm4(dataKey, tmk, aad(issuerId)));
}

/** The TMK back, for the adapter; throws CryptoError AUTH_FAILED on any other key, entry or byte. */
export function openTmk(dataKey: Uint8Array, issuerId: string, sealedHex: string): Uint8Array {
  return openSm4(dataKey, fromHex(sealedHex), aad(issuerId));
}
