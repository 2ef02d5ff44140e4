import { describe, expect, it } from 'vitest';
import { CryptoError, sm2GenerateKeyPair, toHex } from '../../../src/main/crypto/index';
import {
  openPrivateKey,
  sealPrivateKey,
  SCRYPT_DEFAULTS,
  type SealedKeyFile,
} from '../../../src/main/crypto/keystore';

const FAST = { N: 1 << 10 }; // tests only; production uses SCRYPT_DEFAULTS
const kp = sm2GenerateKeyPair();

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof CryptoError ? e.code : 'not a CryptoError';
  }
  return undefined;
}

describe('sealed key file', () => {
  it('defaults: scrypt N=2^15 r=8 p=1, round trip, JSON-safe', () => {
    const t0 = performance.now();
    const f = sealPrivateKey(kp.privateKey, 'correct horse battery', 7);
    const sealMs = performance.now() - t0;
    expect({ N: f.N, r: f.r, p: f.p }).toEqual(SCRYPT_DEFAULTS);
    expect(f).toMatchObject({ v: 1, kdf: 'scrypt', keyVersion: 7, publicKey: toHex(kp.publicKey) });
    const back = JSON.parse(JSON.stringify(f)) as SealedKeyFile;
    const t1 = performance.now();
    expect(toHex(openPrivateKey(back, 'correct horse battery'))).toBe(toHex(kp.privateKey));
    console.info(
      `keystore default scrypt: seal ${sealMs.toFixed(0)} ms, open ${(performance.now() - t1).toFixed(0)} ms`,
    );
  });

  it('wrong passphrase → WRONG_PASSPHRASE', () => {
    const f = sealPrivateKey(kp.privateKey, 'pass', 1, FAST);
    expect(code(() => openPrivateKey(f, 'Pass'))).toBe('WRONG_PASSPHRASE');
  });

  it('swapped public key, altered salt or sealed blob do not open', () => {
    const f = sealPrivateKey(kp.privateKey, 'pass', 1, FAST);
    const other = sm2GenerateKeyPair();
    expect(code(() => openPrivateKey({ ...f, publicKey: toHex(other.publicKey) }, 'pass'))).toBe(
      'WRONG_PASSPHRASE',
    );
    const salt = Buffer.from(f.salt, 'base64');
    salt[0]! ^= 1;
    expect(code(() => openPrivateKey({ ...f, salt: salt.toString('base64') }, 'pass'))).toBe(
      'WRONG_PASSPHRASE',
    );
    const sealed = Buffer.from(f.sealed, 'base64');
    sealed[20]! ^= 1;
    expect(code(() => openPrivateKey({ ...f, sealed: sealed.toString('base64') }, 'pass'))).toBe(
      'WRONG_PASSPHRASE',
    );
    expect(code(() => openPrivateKey({ ...f, N: 1000 }, 'pass'))).toBe('BAD_INPUT');
    expect(code(() => openPrivateKey({ ...f, v: 2 } as unknown as SealedKeyFile, 'pass'))).toBe('BAD_INPUT');
  });

  it('uses the injected clock and rejects bad inputs', () => {
    const f = sealPrivateKey(kp.privateKey, 'pass', 2, {
      ...FAST,
      now: () => new Date('2030-01-02T03:04:05Z'),
    });
    expect(f.createdAt).toBe('2030-01-02T03:04:05.000Z');
    expect(code(() => sealPrivateKey(new Uint8Array(32), 'pass', 1, FAST))).toBe('BAD_KEY');
    expect(code(() => sealPrivateKey(kp.privateKey, '', 1, FAST))).toBe('BAD_INPUT');
    expect(code(() => sealPrivateKey(kp.privateKey, 'x', -1, FAST))).toBe('BAD_INPUT');
  });
});
