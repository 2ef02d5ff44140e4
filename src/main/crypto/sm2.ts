/**
 * SM2 digital signatures, GB/T 32918.2-2016, on the recommended curve of GB/T 32918.5-2017.
 *
 * e = SM3(Z_A || M) with Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA) (§5.5), the
 * default ID is '1234567812345678' (GM/T 0009), signatures are DER SEQUENCE { r, s }.
 * Point arithmetic is @noble/curves; k·G uses noble's constant-time, scalar-blinded path over a
 * precomputed window table of G. Verification is variable-time (public data only).
 */
import { randomBytes } from 'node:crypto';
import { asciiBytes, assertBytes, bigIntToBytes, bytesToBigInt, concatBytes } from './bytes';
import { CryptoError } from './errors';
import { sm3 } from './sm3';
import { Fn, N, SM2_CURVE, Sm2Point, VERIFIER_WINDOW, base, type Sm2PointT } from './sm2-curve';
import { TAG, derSeq, derUint, expectTlv, parseUint, readChildren } from './asn1';

/** Default signer identity, ASCII '1234567812345678' (GM/T 0009-2012 §10). */
export const SM2_DEFAULT_USER_ID: Uint8Array = asciiBytes('1234567812345678');

export interface Sm2KeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

export interface Sm2Options {
  userId?: Uint8Array;
}

/** Private key bytes → scalar d ∈ [1, n-2] (n-1 is excluded: 1 + d must be invertible, §6.1). */
export function parsePrivateKey(priv: Uint8Array): bigint {
  if (!(priv instanceof Uint8Array) || priv.length !== 32) {
    throw new CryptoError('BAD_KEY', 'SM2 private key must be 32 bytes');
  }
  const d = bytesToBigInt(priv);
  if (d < 1n || d > N - 2n) throw new CryptoError('BAD_KEY', 'SM2 private key out of range');
  return d;
}

/** Public key bytes (65-byte 04||x||y, or 33-byte compressed) → validated curve point. */
export function parsePublicKey(pub: Uint8Array): Sm2PointT {
  if (!(pub instanceof Uint8Array) || (pub.length !== 65 && pub.length !== 33)) {
    throw new CryptoError('BAD_KEY', 'SM2 public key must be 65 bytes (04||x||y)');
  }
  try {
    return Sm2Point.fromBytes(pub); // checks the point is on the curve and not infinity
  } catch (e) {
    throw new CryptoError('BAD_KEY', 'SM2 public key is not a valid curve point', { cause: e });
  }
}

function randomScalar(max: bigint): bigint {
  // Rejection sampling: uniform in [1, max].
  for (;;) {
    const k = bytesToBigInt(randomBytes(32));
    if (k >= 1n && k <= max) return k;
  }
}

export function sm2GenerateKeyPair(): Sm2KeyPair {
  const d = randomScalar(N - 2n);
  const privateKey = bigIntToBytes(d, 32);
  return { privateKey, publicKey: base().multiply(d).toBytes(false) };
}

export function sm2PublicKeyFromPrivate(priv: Uint8Array): Uint8Array {
  return base().multiply(parsePrivateKey(priv)).toBytes(false);
}

const CURVE_BYTES = concatBytes(
  bigIntToBytes(SM2_CURVE.a, 32),
  bigIntToBytes(SM2_CURVE.b, 32),
  bigIntToBytes(SM2_CURVE.Gx, 32),
  bigIntToBytes(SM2_CURVE.Gy, 32),
);

/** Z_A = SM3(ENTL_A || ID_A || a || b || xG || yG || xA || yA), GB/T 32918.2 §5.5. */
export function sm2Z(publicKey: Uint8Array | Sm2PointT, userId: Uint8Array = SM2_DEFAULT_USER_ID): Uint8Array {
  assertBytes(userId, 'userId');
  if (userId.length > 8191) throw new CryptoError('BAD_INPUT', 'userId longer than 8191 bytes (ENTL is 16 bits)');
  const P = publicKey instanceof Uint8Array ? parsePublicKey(publicKey) : publicKey;
  const xy = P.toBytes(false).subarray(1);
  const entl = userId.length * 8;
  return sm3(concatBytes(Uint8Array.of(entl >>> 8, entl & 0xff), userId, CURVE_BYTES, xy));
}

function digestE(z: Uint8Array, msg: Uint8Array): bigint {
  assertBytes(msg, 'message');
  return bytesToBigInt(sm3(concatBytes(z, msg)));
}

/** DER SEQUENCE { INTEGER r, INTEGER s }. */
export function encodeSignature(r: bigint, s: bigint): Uint8Array {
  return derSeq(derUint(r), derUint(s));
}

/** Strict DER decode with 1 <= r, s <= n-1; null for anything else (never throws). */
export function decodeSignature(der: unknown): { r: bigint; s: bigint } | null {
  try {
    if (!(der instanceof Uint8Array) || der.length > 80) return null;
    const seq = expectTlv(der, 0, TAG.SEQUENCE);
    if (seq.end !== der.length) return null;
    const items = readChildren(seq.value);
    if (items.length !== 2) return null;
    const r = parseUint(items[0]!);
    const s = parseUint(items[1]!);
    if (r < 1n || r >= N || s < 1n || s >= N) return null;
    return { r, s };
  } catch {
    return null;
  }
}

/**
 * Signing core, GB/T 32918.2 §6.1 steps A3–A7. `dInv1` = (1 + d)^-1 mod n.
 * `fixedK` exists only for known-answer tests.
 */
export function signDigest(d: bigint, dInv1: bigint, e: bigint, fixedK?: bigint): Uint8Array {
  for (;;) {
    const k = fixedK ?? randomScalar(N - 1n);
    const x1 = base().multiply(k).toAffine().x;
    const r = Fn.create(e + x1);
    if (r === 0n || r + k === N) {
      if (fixedK !== undefined) throw new CryptoError('BAD_INPUT', 'fixed k rejected');
      continue;
    }
    const s = Fn.mul(dInv1, Fn.sub(k, Fn.mul(r, d)));
    if (s === 0n) {
      if (fixedK !== undefined) throw new CryptoError('BAD_INPUT', 'fixed k rejected');
      continue;
    }
    return encodeSignature(r, s);
  }
}

/** Verification core, GB/T 32918.2 §7.1 steps B1–B7 (B1/B2 done by decodeSignature). */
export function verifyDigest(P: Sm2PointT, e: bigint, derSig: unknown): boolean {
  const sig = decodeSignature(derSig);
  if (!sig) return false;
  const { r, s } = sig;
  const t = Fn.create(r + s);
  if (t === 0n) return false;
  const R = base().multiplyUnsafe(s).add(P.multiplyUnsafe(t));
  if (R.is0()) return false;
  return Fn.create(e + R.toAffine().x) === r;
}

export function sm2Sign(
  privateKey: Uint8Array,
  msg: Uint8Array,
  opts: Sm2Options & { publicKey?: Uint8Array } = {},
): Uint8Array {
  const d = parsePrivateKey(privateKey);
  // A caller-supplied publicKey saves one k·G; it must belong to privateKey.
  const pub = opts.publicKey ?? base().multiply(d).toBytes(false);
  const e = digestE(sm2Z(pub, opts.userId), msg);
  return signDigest(d, Fn.inv(d + 1n), e);
}

/** Returns false for any malformed or non-matching signature; throws only for a bad public key. */
export function sm2Verify(publicKey: Uint8Array, msg: Uint8Array, derSig: Uint8Array, opts: Sm2Options = {}): boolean {
  const P = parsePublicKey(publicKey);
  return verifyDigest(P, digestE(sm2Z(P, opts.userId), msg), derSig);
}

export interface Sm2VerifierOptions extends Sm2Options {
  /** Window size of the public-key table (default 8: ~4k points, built once, ~60 ms). */
  window?: number;
}

/** Verifier bound to one public key: Z cached, window table of the key built on first verify. */
export function sm2Verifier(
  publicKey: Uint8Array,
  opts: Sm2VerifierOptions = {},
): { verify(msg: Uint8Array, derSig: Uint8Array): boolean; publicKey: Uint8Array } {
  // A fresh point object, so the table belongs to this verifier and is freed with it.
  const P = parsePublicKey(publicKey);
  const z = sm2Z(P, opts.userId);
  P.precompute(opts.window ?? VERIFIER_WINDOW, true);
  const pub = P.toBytes(false);
  return {
    publicKey: pub,
    verify: (msg, derSig) => verifyDigest(P, digestE(z, msg), derSig),
  };
}

/** Signer bound to one private key: public key, Z and (1 + d)^-1 computed once. */
export function sm2Signer(
  privateKey: Uint8Array,
  opts: Sm2Options = {},
): { sign(msg: Uint8Array): Uint8Array; publicKey: Uint8Array } {
  const d = parsePrivateKey(privateKey);
  const pub = base().multiply(d).toBytes(false);
  const z = sm2Z(pub, opts.userId);
  const dInv1 = Fn.inv(d + 1n);
  return {
    publicKey: pub,
    sign: (msg) => signDigest(d, dInv1, digestE(z, msg)),
  };
}
