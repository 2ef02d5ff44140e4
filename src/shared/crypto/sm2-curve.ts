/**
 * The SM2 recommended curve, GB/T 32918.5-2017 (y² = x³ + ax + b over F_p, 256 bits, h = 1),
 * as a @noble/curves short-Weierstrass point type.
 */
import { weierstrass, type WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';
import { Field } from '@noble/curves/abstract/modular.js';

/** Curve parameters, GB/T 32918.5-2017 §2 (identical to OpenSSL's `SM2` / `sm2p256v1`). */
export const SM2_CURVE = {
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  h: 1n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
} as const;

export const Fp = Field(SM2_CURVE.p);
export const Fn = Field(SM2_CURVE.n);

export const Sm2Point = weierstrass<bigint>(SM2_CURVE, { Fp, Fn });
export type Sm2PointT = WeierstrassPoint<bigint>;

/** Window size for per-public-key comb tables built by sm2Verifier() (./sm2-comb.ts). */
export const VERIFIER_WINDOW = 8;

export const N = SM2_CURVE.n;
