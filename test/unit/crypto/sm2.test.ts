import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  SM2_DEFAULT_USER_ID,
  fromHex,
  sm2GenerateKeyPair,
  sm2PrivateKeyFromPem,
  sm2PrivateKeyToPem,
  sm2PublicKeyFromPem,
  sm2PublicKeyFromPrivate,
  sm2PublicKeyToPem,
  sm2Sign,
  sm2Signer,
  sm2Verifier,
  sm2Verify,
  toHex,
} from '../../../src/main/crypto/index';
import { decodeSignature, signWithK, sm2Z } from '../../../src/main/crypto/sm2';
import { Fn } from '../../../src/main/crypto/sm2-curve';

const kp = sm2GenerateKeyPair();
const verifier = sm2Verifier(kp.publicKey);
const signer = sm2Signer(kp.privateKey);
const msg = new TextEncoder().encode('STAN 000123 amount 1999 fen');

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof CryptoError ? e.code : 'not a CryptoError';
  }
  return undefined;
}

describe('SM2 keys', () => {
  it('generates valid key pairs; public key derives from private', () => {
    expect(kp.privateKey.length).toBe(32);
    expect(kp.publicKey.length).toBe(65);
    expect(kp.publicKey[0]).toBe(4);
    expect(toHex(sm2PublicKeyFromPrivate(kp.privateKey))).toBe(toHex(kp.publicKey));
    expect(toHex(signer.publicKey)).toBe(toHex(kp.publicKey));
  });

  it('default user id is ASCII 1234567812345678', () => {
    expect(new TextDecoder().decode(SM2_DEFAULT_USER_ID)).toBe('1234567812345678');
  });

  it('rejects bad keys with BAD_KEY', () => {
    expect(code(() => sm2PublicKeyFromPrivate(new Uint8Array(32)))).toBe('BAD_KEY'); // d = 0
    expect(code(() => sm2PublicKeyFromPrivate(new Uint8Array(31)))).toBe('BAD_KEY');
    const nMinus1 = fromHex('fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54122');
    expect(code(() => sm2PublicKeyFromPrivate(nMinus1))).toBe('BAD_KEY');
    const offCurve = kp.publicKey.slice();
    offCurve[64]! ^= 1;
    expect(code(() => sm2Verify(offCurve, msg, new Uint8Array(70)))).toBe('BAD_KEY');
    expect(code(() => sm2Verifier(new Uint8Array(64)))).toBe('BAD_KEY');
  });

  it('PEM round trips', () => {
    const pubPem = sm2PublicKeyToPem(kp.publicKey);
    expect(pubPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(toHex(sm2PublicKeyFromPem(pubPem))).toBe(toHex(kp.publicKey));
    const privPem = sm2PrivateKeyToPem(kp.privateKey);
    expect(privPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(toHex(sm2PrivateKeyFromPem(privPem))).toBe(toHex(kp.privateKey));
    expect(code(() => sm2PublicKeyFromPem(privPem))).toBe('BAD_INPUT');
    expect(
      code(() => sm2PublicKeyFromPem('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')),
    ).toBe('BAD_INPUT');
  });

  it('rejects a P-256 SPKI (not the SM2 curve)', () => {
    // openssl ecparam -name prime256v1 -genkey | openssl ec -pubout
    const p256 =
      '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEjSnNbIpvPDfIShOg3ehc2+KKx1sO\n' +
      'rJtbnxXbC8ObUaXK+qlxy7RVcPfL2VfXKF3upd2pMWeZBiRQBhO0KOupEQ==\n-----END PUBLIC KEY-----\n';
    expect(code(() => sm2PublicKeyFromPem(p256))).toBe('BAD_KEY');
  });
});

describe('SM2 signatures', () => {
  it('sign/verify round trip, all four combinations of one-shot and bound', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (m) => {
        const s1 = sm2Sign(kp.privateKey, m);
        const s2 = signer.sign(m);
        for (const s of [s1, s2]) {
          expect(sm2Verify(kp.publicKey, m, s)).toBe(true);
          expect(verifier.verify(m, s)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('signatures are strict DER SEQUENCE { r, s }', () => {
    const s = signer.sign(msg);
    expect(s[0]).toBe(0x30);
    expect(s[1]).toBe(s.length - 2);
    expect(decodeSignature(s)).not.toBeNull();
  });

  it('wrong user id fails; matching custom user id verifies', () => {
    const alice = new TextEncoder().encode('ALICE123@YAHOO.COM');
    const s = sm2Sign(kp.privateKey, msg, { userId: alice });
    expect(sm2Verify(kp.publicKey, msg, s)).toBe(false);
    expect(sm2Verify(kp.publicKey, msg, s, { userId: alice })).toBe(true);
    expect(sm2Verifier(kp.publicKey, { userId: alice }).verify(msg, s)).toBe(true);
    expect(sm2Verify(kp.publicKey, msg, signer.sign(msg), { userId: alice })).toBe(false);
    expect(sm2Verify(kp.publicKey, msg, signer.sign(msg), { userId: new Uint8Array(0) })).toBe(false);
  });

  it('any flipped bit in message or signature fails', () => {
    const s = signer.sign(msg);
    for (let i = 0; i < msg.length * 8; i += 3) {
      const m = msg.slice();
      m[i >> 3]! ^= 1 << (i & 7);
      expect(verifier.verify(m, s)).toBe(false);
    }
    for (let i = 0; i < s.length * 8; i++) {
      const t = s.slice();
      t[i >> 3]! ^= 1 << (i & 7);
      expect(verifier.verify(msg, t)).toBe(false);
    }
  });

  it('another key does not verify', () => {
    const other = sm2GenerateKeyPair();
    expect(sm2Verify(other.publicKey, msg, signer.sign(msg))).toBe(false);
  });

  it('garbage DER returns false, never throws (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 90 }), (g) => {
        expect(sm2Verify(kp.publicKey, msg, g)).toBe(false);
        expect(verifier.verify(msg, g)).toBe(false);
      }),
      { numRuns: 500 },
    );
    const s = signer.sign(msg);
    const bad: unknown[] = [
      undefined,
      null,
      'x',
      [1, 2],
      new Uint8Array(0),
      s.subarray(0, s.length - 1),
      new Uint8Array([...s, 0]),
    ];
    for (const b of bad) expect(verifier.verify(msg, b as Uint8Array)).toBe(false);
  });

  it('rejects non-minimal DER, r or s out of range, and raw r||s', () => {
    const { r, s } = decodeSignature(signer.sign(msg))!;
    const hex = (n: bigint): string => n.toString(16).padStart(64, '0');
    const raw = fromHex(hex(r) + hex(s));
    expect(verifier.verify(msg, raw)).toBe(false);
    // Extra leading zero in r (non-minimal INTEGER) — OpenSSL and sm-crypto reject it too.
    const rb = fromHex('00' + hex(r));
    const sb = fromHex((s >> 255n ? '00' : '') + hex(s).replace(/^00/, ''));
    const nonMinimal = new Uint8Array([
      0x30,
      2 + rb.length + 2 + sb.length,
      0x02,
      rb.length,
      ...rb,
      0x02,
      sb.length,
      ...sb,
    ]);
    if (!(r >> 255n)) expect(verifier.verify(msg, nonMinimal)).toBe(false);
    const n = Fn.ORDER;
    const withS = (sv: bigint): Uint8Array => {
      const enc = (v: bigint): number[] => {
        let h = v.toString(16);
        if (h.length % 2) h = '0' + h;
        if (parseInt(h.slice(0, 2), 16) & 0x80) h = '00' + h;
        return [0x02, h.length / 2, ...fromHex(h)];
      };
      const body = [...enc(r), ...enc(sv)];
      return new Uint8Array([0x30, body.length, ...body]);
    };
    expect(verifier.verify(msg, withS(s))).toBe(true);
    expect(verifier.verify(msg, withS(s + n))).toBe(false);
    expect(verifier.verify(msg, withS(0n))).toBe(false);
    expect(verifier.verify(msg, withS(n - r))).toBe(false); // t = r + s = n
  });

  it('fixed-k signing is deterministic despite the blinding (KAT harness)', () => {
    const d = BigInt('0x' + toHex(kp.privateKey));
    const e = BigInt('0x' + toHex(sm2Z(kp.publicKey))) % Fn.ORDER; // any e works for the harness
    const a = signWithK(d, Fn.inv(d + 1n), e, 12345678901234567890n);
    const b = signWithK(d, Fn.inv(d + 1n), e, 12345678901234567890n);
    expect(a).toBeDefined();
    expect(toHex(a!)).toBe(toHex(b!));
  });

  it('random byte inputs round trip for fresh keys (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (m) => {
        const k = sm2GenerateKeyPair();
        expect(sm2Verify(k.publicKey, m, sm2Sign(k.privateKey, m, { publicKey: k.publicKey }))).toBe(true);
        expect(toHex(sm2PrivateKeyFromPem(sm2PrivateKeyToPem(k.privateKey)))).toBe(toHex(k.privateKey));
        expect(toHex(sm2PublicKeyFromPem(sm2PublicKeyToPem(k.publicKey)))).toBe(toHex(k.publicKey));
      }),
      { numRuns: 30 },
    );
  });
});
