// sm-crypto (pure JS, jsbn) verifies >= 1,000 signatures made by us. ~20 ms per sm-crypto verify.
import smCrypto from 'sm-crypto';
import { describe, expect, it } from 'vitest';
import { sm2GenerateKeyPair, sm2Sign, sm2Signer, toHex } from '../../../src/main/crypto/index';
import { INTEROP_COUNT, randomMessages } from './sm2-sm-crypto.shared';

describe('SM2 interop: ours → sm-crypto', () => {
  it(`sm-crypto verifies ${INTEROP_COUNT} of our signatures ({ hash: true, der: true })`, () => {
    const kp = sm2GenerateKeyPair();
    const signer = sm2Signer(kp.privateKey);
    const pub = toHex(kp.publicKey);
    const msgs = randomMessages(INTEROP_COUNT);
    let ok = 0;
    const t0 = performance.now();
    msgs.forEach((m, i) => {
      const sig = i % 2 ? signer.sign(m) : sm2Sign(kp.privateKey, m);
      if (smCrypto.sm2.doVerifySignature(Array.from(m), toHex(sig), pub, { hash: true, der: true })) ok++;
    });
    console.info(`ours→sm-crypto: ${msgs.length} in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(ok).toBe(msgs.length);
  }, 180_000);

  it('custom user id interoperates', () => {
    const kp = sm2GenerateKeyPair();
    const m = new TextEncoder().encode('receipt');
    const sig = sm2Sign(kp.privateKey, m, { userId: new TextEncoder().encode('CardTill-T0001') });
    const opts = { hash: true, der: true, userId: 'CardTill-T0001' };
    expect(smCrypto.sm2.doVerifySignature(Array.from(m), toHex(sig), toHex(kp.publicKey), opts)).toBe(true);
    expect(
      smCrypto.sm2.doVerifySignature(Array.from(m), toHex(sig), toHex(kp.publicKey), {
        hash: true,
        der: true,
      }),
    ).toBe(false);
  });
});
