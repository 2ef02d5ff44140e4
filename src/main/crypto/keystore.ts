/**
 * Passphrase-sealed SM2 private key file (JSON).
 *
 *   master = scrypt(secret, salt, N, r, p, 32 bytes)     (node:crypto; available in Electron too)
 *   sealed = sealSm4(master, privateKey, aad = publicKey)  (see seal.ts)
 *
 * Default cost N = 2^15, r = 8, p = 1 (32 MiB, ≈100 ms on the checkout PCs); the parameters are
 * stored in the file so they can be raised later without breaking old files. Binding the public
 * key as aad means a file whose publicKey field was swapped does not open.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { fromHex, toHex, wipe } from '../../shared/crypto/bytes';
import { CryptoError } from '../../shared/crypto/errors';
import { openSm4, sealSm4 } from '../../shared/crypto/seal';
import { parsePrivateKey, sm2PublicKeyFromPrivate } from '../../shared/crypto/sm2';

export interface SealedKeyFile {
  v: 1;
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  /** base64, 16 random bytes */
  salt: string;
  /** base64 of sealSm4(master, privateKey, publicKey) */
  sealed: string;
  keyVersion: number;
  /** hex, 65 bytes 04||x||y */
  publicKey: string;
  /** ISO-8601 */
  createdAt: string;
}

export const SCRYPT_DEFAULTS = { N: 1 << 15, r: 8, p: 1 } as const;

export interface SealKeyOptions {
  /** scrypt cost; tests may lower it. N must be a power of two. */
  N?: number;
  r?: number;
  p?: number;
  /** Injectable clock for createdAt. */
  now?: () => Date;
}

function deriveMaster(secret: string, salt: Uint8Array, N: number, r: number, p: number): Uint8Array {
  if (typeof secret !== 'string' || secret.length === 0)
    throw new CryptoError('BAD_INPUT', 'passphrase must be a non-empty string');
  if (!Number.isInteger(N) || N < 2 || (N & (N - 1)) !== 0 || N > 1 << 20)
    throw new CryptoError('BAD_INPUT', 'invalid scrypt N');
  if (!Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16) {
    throw new CryptoError('BAD_INPUT', 'invalid scrypt r/p');
  }
  const maxmem = 128 * N * r * p + 128 * r * (p + 2) + (1 << 20);
  return new Uint8Array(scryptSync(secret.normalize('NFC'), salt, 32, { N, r, p, maxmem }));
}

export function sealPrivateKey(
  priv: Uint8Array,
  secret: string,
  keyVersion: number,
  opts: SealKeyOptions = {},
): SealedKeyFile {
  parsePrivateKey(priv);
  if (!Number.isSafeInteger(keyVersion) || keyVersion < 0)
    throw new CryptoError('BAD_INPUT', 'keyVersion must be a non-negative integer');
  const { N = SCRYPT_DEFAULTS.N, r = SCRYPT_DEFAULTS.r, p = SCRYPT_DEFAULTS.p } = opts;
  const salt = new Uint8Array(randomBytes(16));
  const pub = sm2PublicKeyFromPrivate(priv);
  const master = deriveMaster(secret, salt, N, r, p);
  try {
    const sealed = sealSm4(master, priv, pub);
    return {
      v: 1,
      kdf: 'scrypt',
      N,
      r,
      p,
      salt: Buffer.from(salt).toString('base64'),
      sealed: Buffer.from(sealed).toString('base64'),
      keyVersion,
      publicKey: toHex(pub),
      createdAt: (opts.now ? opts.now() : new Date()).toISOString(),
    };
  } finally {
    wipe(master);
  }
}

function b64(s: unknown, what: string): Uint8Array {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s))
    throw new CryptoError('BAD_INPUT', `${what} is not base64`);
  return new Uint8Array(Buffer.from(s, 'base64'));
}

/** Throws CryptoError('WRONG_PASSPHRASE') when the tag fails; BAD_INPUT for a malformed file. */
export function openPrivateKey(file: SealedKeyFile, secret: string): Uint8Array {
  if (!file || typeof file !== 'object' || file.v !== 1 || file.kdf !== 'scrypt') {
    throw new CryptoError('BAD_INPUT', 'not a version 1 scrypt sealed key file');
  }
  const salt = b64(file.salt, 'salt');
  const sealed = b64(file.sealed, 'sealed');
  const pub = fromHex(String(file.publicKey));
  const master = deriveMaster(secret, salt, file.N, file.r, file.p);
  let priv: Uint8Array;
  try {
    priv = openSm4(master, sealed, pub);
  } catch (e) {
    if (e instanceof CryptoError && e.code === 'AUTH_FAILED') {
      throw new CryptoError('WRONG_PASSPHRASE', 'wrong passphrase, or the key file was altered', {
        cause: e,
      });
    }
    throw e;
  } finally {
    wipe(master);
  }
  if (toHex(sm2PublicKeyFromPrivate(priv)) !== toHex(pub)) {
    wipe(priv);
    throw new CryptoError('BAD_KEY', 'sealed private key does not match the stored public key');
  }
  return priv;
}
