/**
 * SM2 known-answer test on the recommended curve (GB/T 32918.5 / sm2p256v1) with SM3: a fixed
 * private key, user id, message and k, and the r and s another implementation computed for them.
 *
 * Source of the numbers (numbers only, no code taken): BouncyCastle Java,
 * core/src/test/java/org/bouncycastle/crypto/test/SM2SignerTest.java, doSignerTestFpStandardSM3
 * (bcgit/bc-java at 27ca1e81727ce8428c9c05b8212e9eb9f2545a1b). BouncyCastle's test random source
 * hands the given hex to its key generator and to SM2Signer's k draw unchanged (both in range).
 *
 * Our signing draws k itself; signWithK (sm2.ts) is the same blinded constant-time core with k
 * given. The GB/T 32918.2 Appendix A example is on a different test curve, which our code (a
 * fixed curve with precomputed comb tables) does not support, so it is not used here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fromHex,
  sm2PublicKeyFromPrivate,
  sm2Verifier,
  sm2Verify,
  sm3,
  toHex,
} from '../../../src/main/crypto/index';
import { decodeSignature, signDigest, signWithK, sm2Z } from '../../../src/main/crypto/sm2';
import { Fn } from '../../../src/main/crypto/sm2-curve';

const ascii = (s: string) => new TextEncoder().encode(s);
const big = (hex: string) => BigInt(`0x${hex}`);

const BC_STANDARD_SM3 = {
  privateKey: '110E7973206F68C19EE5F7328C036F26911C8C73B4E4F36AE3291097F8984FFC',
  userId: 'sm2test@example.com',
  message: 'hi chappy',
  k: '3174C6FFC3C279D2422F3FC0A9F3E574674A4490FE45A5325CAF7D3EC4C8F96C',
  r: '05890B9077B92E47B17A1FF42A814280E556AFD92B4A98B9670BF8B1A274C2FA',
  s: 'E3ABBB8DB2B6ECD9B24ECCEA7F679FB9A4B1DB52F4AA985E443AD73237FA1993',
};

describe('SM2 known answer (BouncyCastle SM2SignerTest, sm2p256v1 + SM3)', () => {
  const v = BC_STANDARD_SM3;
  const d = big(v.privateKey);
  const pub = sm2PublicKeyFromPrivate(fromHex(v.privateKey));
  const userId = ascii(v.userId);
  const msg = ascii(v.message);
  // e = SM3(Z_A ‖ M), Z_A with the vector's user id (GB/T 32918.2 §5.5, §6.1 A1–A2).
  const e = big(toHex(sm3(new Uint8Array([...sm2Z(pub, userId), ...msg]))));

  it('signing with the published k gives exactly the published r and s', () => {
    const sig = signWithK(d, Fn.inv(d + 1n), e, big(v.k));
    expect(sig).toBeDefined();
    const rs = decodeSignature(sig!);
    expect(rs && rs.r.toString(16).padStart(64, '0').toUpperCase()).toBe(v.r);
    expect(rs && rs.s.toString(16).padStart(64, '0').toUpperCase()).toBe(v.s);
    // Blinding changes every run, never the answer.
    expect(toHex(signWithK(d, Fn.inv(d + 1n), e, big(v.k))!)).toBe(toHex(sig!));
  });

  it('verify accepts the published signature, for that user id and message only', () => {
    const der = new Uint8Array([
      0x30,
      0x45,
      ...[0x02, 0x20, ...fromHex(v.r)],
      ...[0x02, 0x21, 0x00, ...fromHex(v.s)], // s has its top bit set: DER needs a leading 0
    ]);
    expect(sm2Verify(pub, msg, der, { userId })).toBe(true);
    expect(sm2Verifier(pub, { userId }).verify(msg, der)).toBe(true);
    expect(sm2Verify(pub, msg, der)).toBe(false); // default id 1234567812345678: another Z
    expect(sm2Verify(pub, ascii('hi chappY'), der, { userId })).toBe(false);
  });

  it('production signing (k drawn inside) verifies for the same key and id', () => {
    const sig = signDigest(d, Fn.inv(d + 1n), e);
    expect(sm2Verify(pub, msg, sig, { userId })).toBe(true);
    expect(toHex(sig)).not.toBe(toHex(signWithK(d, Fn.inv(d + 1n), e, big(v.k))!));
  });

  it('k outside [1, n-1] is refused', () => {
    expect(() => signWithK(d, Fn.inv(d + 1n), e, 0n)).toThrow(/k outside/);
    expect(() => signWithK(d, Fn.inv(d + 1n), e, Fn.ORDER)).toThrow(/k outside/);
  });

  it('nothing in src/ but sm2.ts calls signWithK (production signs through signDigest)', () => {
    const hits: string[] = [];
    const walk = (dir: string): void => {
      for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, ent.name);
        if (ent.isDirectory()) walk(p);
        else if (/\.(ts|tsx|mjs|js)$/.test(ent.name) && fs.readFileSync(p, 'utf8').includes('signWithK'))
          hits.push(path.relative(process.cwd(), p));
      }
    };
    walk(path.resolve('src'));
    expect(hits).toEqual([path.join('src', 'shared', 'crypto', 'sm2.ts')]);
  });
});
