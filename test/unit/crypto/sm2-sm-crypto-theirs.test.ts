// We verify >= 1,000 signatures made by sm-crypto. ~20 ms per sm-crypto signature.
import smCrypto from 'sm-crypto';
import { describe, expect, it } from 'vitest';
import {
  fromHex,
  sm2PublicKeyFromPrivate,
  sm2Verifier,
  sm2Verify,
  toHex,
} from '../../../src/main/crypto/index';
import { INTEROP_COUNT, randomMessages } from './sm2-sm-crypto.shared';

describe('SM2 interop: sm-crypto → ours', () => {
  it(`we verify ${INTEROP_COUNT} sm-crypto signatures; wrong message rejected`, () => {
    const { privateKey, publicKey } = smCrypto.sm2.generateKeyPairHex();
    const pub = fromHex(publicKey);
    expect(toHex(sm2PublicKeyFromPrivate(fromHex(privateKey.padStart(64, '0'))))).toBe(publicKey);
    const verifier = sm2Verifier(pub);
    const msgs = randomMessages(INTEROP_COUNT);
    let ok = 0;
    let rejectedTampered = 0;
    const t0 = performance.now();
    msgs.forEach((m, i) => {
      const sig = fromHex(
        smCrypto.sm2.doSignature(Array.from(m), privateKey, { hash: true, der: true, publicKey }),
      );
      if (i % 2 ? verifier.verify(m, sig) : sm2Verify(pub, m, sig)) ok++;
      const t = new Uint8Array([...m, 1]);
      if (!verifier.verify(t, sig)) rejectedTampered++;
    });
    console.info(`sm-crypto→ours: ${msgs.length} in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(ok).toBe(msgs.length);
    expect(rejectedTampered).toBe(msgs.length);
  }, 180_000);
});
