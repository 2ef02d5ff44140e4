/**
 * SM2 digital signatures, GB/T 32918.2-2016, on the recommended curve of GB/T 32918.5-2017.
 *
 * e = SM3(Z_A || M) with Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA) (§5.5), the
 * default ID is '1234567812345678' (GM/T 0009), signatures are DER SEQUENCE { r, s }.
 * Curve points and validation are @noble/curves; the scalar multiplications are our comb
 * (./sm2-comb.ts): k·G is a regular-digit comb (one complete mixed addition per window, no
 * digit-dependent branches) on a scalar-blinded k; verification is s·G + t·P with comb tables
 * for G and, in sm2Verifier, for the public key (variable-time is fine there: public data).
 */
import { randomBytes } from 'node:crypto';
import { asciiBytes, assertBytes, bigIntToBytes, bytesToBigInt, concatBytes } from './bytes';
import { CryptoError } from './errors';
import { sm3 } from './sm3';
import { Fn, N, SM2_CURVE, Sm2Point, VERIFIER_WINDOW, type Sm2PointT } from './sm2-curve';
import {
  FIELD_P,
  buildCombTable,
  combMultiSum,
  gComb,
  invP,
  mulP,
  prefixTable,
  windowsFor,
  type CombTable,
  type Proj,
} from './sm2-comb';
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
  return { privateKey, publicKey: mulG(d) };
}

export function sm2PublicKeyFromPrivate(priv: Uint8Array): Uint8Array {
  return mulG(parsePrivateKey(priv));
}

/** Blinded scalar for the comb: k + r·n (r: 64 random bits), plus n once more if even (the comb needs odd). */
function blind(k: bigint, rnd: Uint8Array): bigint {
  const r = bytesToBigInt(rnd.subarray(0, 8));
  const kb = k + r * N;
  return kb + (1n - (kb & 1n)) * N;
}

/** x of a projective comb result, after multiplying X, Z by a random λ so the inversion sees a fresh value. */
function affineXBlinded(R: Proj, rnd: Uint8Array): bigint {
  const lambda = (bytesToBigInt(rnd.subarray(8, 40)) % (FIELD_P - 1n)) + 1n;
  return mulP(mulP(R.X, lambda), invP(mulP(R.Z, lambda)));
}

/** d·G as 65-byte public key (secret d: blinded comb). */
function mulG(d: bigint): Uint8Array {
  const rnd = randomBytes(40);
  const R = combMultiSum([{ t: gComb(), k: blind(d, rnd) }]);
  const zi = invP(R.Z);
  return new Sm2Point(mulP(R.X, zi), mulP(R.Y, zi), 1n).toBytes(false);
}

const CURVE_BYTES = concatBytes(
  bigIntToBytes(SM2_CURVE.a, 32),
  bigIntToBytes(SM2_CURVE.b, 32),
  bigIntToBytes(SM2_CURVE.Gx, 32),
  bigIntToBytes(SM2_CURVE.Gy, 32),
);

/** Z_A = SM3(ENTL_A || ID_A || a || b || xG || yG || xA || yA), GB/T 32918.2 §5.5. */
export function sm2Z(
  publicKey: Uint8Array | Sm2PointT,
  userId: Uint8Array = SM2_DEFAULT_USER_ID,
): Uint8Array {
  assertBytes(userId, 'userId');
  if (userId.length > 8191)
    throw new CryptoError('BAD_INPUT', 'userId longer than 8191 bytes (ENTL is 16 bits)');
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
 * Signing core, GB/T 32918.2 §6.1 steps A3–A7: draws k uniformly in [1, n-1] and signs with it,
 * drawing again in the rare case the standard rejects k. `dInv1` = (1 + d)^-1 mod n.
 */
export function signDigest(d: bigint, dInv1: bigint, e: bigint): Uint8Array {
  for (;;) {
    const sig = signWithK(d, dInv1, e, randomScalar(N - 1n));
    if (sig) return sig;
  }
}

/**
 * Steps A4–A7 for a given k: (x1, y1) = k·G by the constant-time comb on a freshly blinded k
 * (k + r·n, new random r each call) with a randomised inversion, r = (e + x1) mod n,
 * s = (1 + d)^-1 · (k − r·d) mod n. Undefined when the standard rejects k (r = 0, r + k = n, s = 0).
 *
 * Internal: production code signs through signDigest, which draws k. Exported only so the
 * known-answer tests can sign with a published k (test/unit/crypto/sm2-kat.test.ts, which also
 * checks that nothing else in src/ calls it). Never call it with a k that is not fresh and secret.
 */
export function signWithK(d: bigint, dInv1: bigint, e: bigint, k: bigint): Uint8Array | undefined {
  if (k < 1n || k >= N) throw new CryptoError('BAD_INPUT', 'k outside [1, n-1]');
  const rnd = randomBytes(40);
  const x1 = affineXBlinded(combMultiSum([{ t: gComb(), k: blind(k, rnd) }]), rnd);
  const r = Fn.create(e + x1);
  if (r === 0n || r + k === N) return undefined;
  const s = Fn.mul(dInv1, Fn.sub(k, Fn.mul(r, d)));
  if (s === 0n) return undefined;
  return encodeSignature(r, s);
}

/** A scalar below n made odd for the comb (k or k + n: same multiple of a point of order n). */
const odd = (k: bigint): bigint => ((k & 1n) === 1n ? k : k + N);

/** The generator's comb table trimmed to verification scalars (< 2n). */
let gVerify: CombTable | undefined;
const gVerifyTable = (): CombTable => (gVerify ??= prefixTable(gComb(), 257));

/**
 * (e + x1) mod n == r for R = (X:Y:Z), without an inversion: x1 ≡ r − e (mod n) and x1 < p < 2n
 * leave two candidates c, c + n; check X == c·Z (mod p).
 */
function xMatches(R: Proj, e: bigint, r: bigint): boolean {
  if (R.Z === 0n) return false;
  const c = Fn.create(r - e);
  if (mulP(c, R.Z) === R.X) return true;
  return c + N < FIELD_P && mulP(c + N, R.Z) === R.X;
}

/** Verification core, GB/T 32918.2 §7.1 steps B1–B7 (B1/B2 done by decodeSignature). */
export function verifyDigest(P: Sm2PointT | CombTable, e: bigint, derSig: unknown): boolean {
  const sig = decodeSignature(derSig);
  if (!sig) return false;
  const { r, s } = sig;
  const t = Fn.create(r + s);
  if (t === 0n) return false;
  if ('xs' in P)
    return xMatches(
      combMultiSum([
        { t: gVerifyTable(), k: odd(s) },
        { t: P, k: odd(t) },
      ]),
      e,
      r,
    );
  // One-off key: s·G by the comb, t·P by noble's wNAF (building a key table costs more than it saves).
  const sG = combMultiSum([{ t: gVerifyTable(), k: odd(s) }]);
  const R = (sG.Z === 0n ? Sm2Point.ZERO : new Sm2Point(sG.X, sG.Y, sG.Z)).add(P.multiplyUnsafe(t));
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
  const pub = opts.publicKey ?? mulG(d);
  const e = digestE(sm2Z(pub, opts.userId), msg);
  return signDigest(d, Fn.inv(d + 1n), e);
}

/** Returns false for any malformed or non-matching signature; throws only for a bad public key. */
export function sm2Verify(
  publicKey: Uint8Array,
  msg: Uint8Array,
  derSig: Uint8Array,
  opts: Sm2Options = {},
): boolean {
  const P = parsePublicKey(publicKey);
  return verifyDigest(P, digestE(sm2Z(P, opts.userId), msg), derSig);
}

export interface Sm2VerifierOptions extends Sm2Options {
  /** Window size of the public-key comb table (default 8: 34 × 128 affine points, ~60 ms to build). */
  window?: number;
}

/** Verifier bound to one public key: Z cached, comb table of the key built at creation. */
export function sm2Verifier(
  publicKey: Uint8Array,
  opts: Sm2VerifierOptions = {},
): { verify(msg: Uint8Array, derSig: Uint8Array): boolean; publicKey: Uint8Array } {
  // A fresh point object, so the table belongs to this verifier and is freed with it.
  const P = parsePublicKey(publicKey);
  const z = sm2Z(P, opts.userId);
  const w = opts.window ?? VERIFIER_WINDOW;
  const table = buildCombTable(P, w, windowsFor(257, w));
  const pub = P.toBytes(false);
  return {
    publicKey: pub,
    verify: (msg, derSig) => verifyDigest(table, digestE(z, msg), derSig),
  };
}

/** Signer bound to one private key: public key, Z and (1 + d)^-1 computed once. */
export function sm2Signer(
  privateKey: Uint8Array,
  opts: Sm2Options = {},
): { sign(msg: Uint8Array): Uint8Array; publicKey: Uint8Array } {
  const d = parsePrivateKey(privateKey);
  const pub = mulG(d);
  const z = sm2Z(pub, opts.userId);
  const dInv1 = Fn.inv(d + 1n);
  return {
    publicKey: pub,
    sign: (msg) => signDigest(d, dInv1, digestE(z, msg)),
  };
}
