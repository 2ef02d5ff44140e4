/**
 * Authenticated encryption for data at rest (encrypt-then-MAC):
 *
 *   sealed = version(1) || iv(16) || SM4-CBC(encKey, iv, plain) || HMAC-SM3(macKey, version||iv||ct||aad)(32)
 *
 * encKey = HMAC-SM3(masterKey, "CardTill/seal/v1/enc")[0..16), macKey = HMAC-SM3(masterKey,
 * "CardTill/seal/v1/mac"). The tag is checked (in constant time) before anything is decrypted,
 * and every failure — wrong key, wrong aad, any flipped byte, truncation — is the same
 * CryptoError('AUTH_FAILED'), so there is no padding oracle. The ciphertext length is fixed by
 * the sealed length, so version||iv||ct||aad is an unambiguous encoding.
 */
import { randomBytes } from 'node:crypto';
import { asciiBytes, assertBytes, concatBytes, timingSafeEqualBytes, wipe } from './bytes';
import { CryptoError } from './errors';
import { HmacSm3, hmacSm3 } from './hmac';
import { sm4CbcDecrypt, sm4CbcEncrypt } from './sm4-modes';

export const SEAL_VERSION = 1;
const IV_LEN = 16;
const TAG_LEN = 32;
const HEADER = 1 + IV_LEN;
const EMPTY = new Uint8Array(0);
const LABEL_ENC = asciiBytes('CardTill/seal/v1/enc');
const LABEL_MAC = asciiBytes('CardTill/seal/v1/mac');

/** Smallest sealed value: header, one CBC block (empty plaintext pads to 16), tag. */
export const SEAL_OVERHEAD_MIN = HEADER + 16 + TAG_LEN;

function deriveKeys(masterKey: Uint8Array): { enc: Uint8Array; mac: Uint8Array } {
  assertBytes(masterKey, 'masterKey');
  if (masterKey.length !== 32)
    throw new CryptoError('BAD_KEY', `masterKey must be 32 bytes, got ${masterKey.length}`);
  const encFull = hmacSm3(masterKey, LABEL_ENC);
  const enc = encFull.slice(0, 16);
  wipe(encFull);
  return { enc, mac: hmacSm3(masterKey, LABEL_MAC) };
}

function tag(mac: Uint8Array, head: Uint8Array, aad: Uint8Array): Uint8Array {
  return new HmacSm3(mac).update(head).update(aad).digest();
}

export function sealSm4(masterKey: Uint8Array, plain: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array {
  assertBytes(plain, 'plaintext');
  assertBytes(aad, 'aad');
  const { enc, mac } = deriveKeys(masterKey);
  try {
    const iv = new Uint8Array(randomBytes(IV_LEN));
    const ct = sm4CbcEncrypt(enc, iv, plain);
    const body = concatBytes(Uint8Array.of(SEAL_VERSION), iv, ct);
    return concatBytes(body, tag(mac, body, aad));
  } finally {
    wipe(enc, mac);
  }
}

export function openSm4(masterKey: Uint8Array, sealed: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array {
  assertBytes(sealed, 'sealed');
  assertBytes(aad, 'aad');
  const { enc, mac } = deriveKeys(masterKey);
  try {
    const ctLen = sealed.length - HEADER - TAG_LEN;
    if (ctLen < 16 || ctLen % 16 !== 0)
      throw new CryptoError('AUTH_FAILED', 'sealed data has an invalid length');
    const body = sealed.subarray(0, sealed.length - TAG_LEN);
    const expected = tag(mac, body, aad);
    const ok = timingSafeEqualBytes(expected, sealed.subarray(sealed.length - TAG_LEN));
    if (!ok || sealed[0] !== SEAL_VERSION) {
      throw new CryptoError(
        'AUTH_FAILED',
        'sealed data failed authentication (wrong key, wrong aad or tampered)',
      );
    }
    try {
      return sm4CbcDecrypt(enc, sealed.subarray(1, HEADER), sealed.subarray(HEADER, HEADER + ctLen));
    } catch (e) {
      // Unreachable unless the MAC key is shared with a broken writer: still no distinct signal.
      throw new CryptoError('AUTH_FAILED', 'sealed data failed authentication', { cause: e });
    }
  } finally {
    wipe(enc, mac);
  }
}
