/**
 * SM2 keys as PEM, interoperable with OpenSSL 3:
 * - public:  SubjectPublicKeyInfo (RFC 5480) with id-ecPublicKey and the SM2 curve OID
 *            1.2.156.10197.1.301 (GM/T 0006), key = BIT STRING 04||x||y;
 * - private: PKCS#8 PrivateKeyInfo (RFC 5208) wrapping an ECPrivateKey (RFC 5915), the same
 *            layout `openssl genpkey -algorithm SM2` writes. SEC1 "EC/SM2 PRIVATE KEY" is read too.
 */
import { bigIntToBytes, bytesToBigInt, concatBytes } from './bytes';
import { CryptoError } from './errors';
import {
  TAG,
  derOid,
  derSeq,
  derTlv,
  derUint,
  expectTlv,
  oidEquals,
  parseUint,
  readChildren,
  type Tlv,
} from './asn1';
import { parsePrivateKey, parsePublicKey, sm2PublicKeyFromPrivate } from './sm2';

const OID_EC_PUBLIC_KEY = derOid('1.2.840.10045.2.1');
const OID_SM2 = derOid('1.2.156.10197.1.301');
const ALGORITHM = derSeq(OID_EC_PUBLIC_KEY, OID_SM2);

function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function fromPem(pem: string, labels: string[]): { label: string; der: Uint8Array } {
  if (typeof pem !== 'string') throw new CryptoError('BAD_INPUT', 'PEM must be a string');
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m || !labels.includes(m[1]!)) {
    throw new CryptoError('BAD_INPUT', `expected a PEM block labelled ${labels.join(' or ')}`);
  }
  const body = m[2]!.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new CryptoError('BAD_INPUT', 'PEM body is not base64');
  return { label: m[1]!, der: new Uint8Array(Buffer.from(body, 'base64')) };
}

function checkAlgorithm(alg: Tlv): void {
  const parts = alg.tag === TAG.SEQUENCE ? readChildren(alg.value) : [];
  if (parts.length !== 2 || !oidEquals(parts[0]!, OID_EC_PUBLIC_KEY) || !oidEquals(parts[1]!, OID_SM2)) {
    throw new CryptoError(
      'BAD_KEY',
      'not an SM2 key (expected id-ecPublicKey with curve 1.2.156.10197.1.301)',
    );
  }
}

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CryptoError) throw e;
    throw new CryptoError('BAD_INPUT', 'malformed key', { cause: e });
  }
}

export function sm2PublicKeyToPem(pub: Uint8Array): string {
  const raw = parsePublicKey(pub).toBytes(false);
  const spki = derSeq(ALGORITHM, derTlv(TAG.BIT_STRING, concatBytes(Uint8Array.of(0), raw)));
  return toPem('PUBLIC KEY', spki);
}

export function sm2PublicKeyFromPem(pem: string): Uint8Array {
  const { der } = fromPem(pem, ['PUBLIC KEY']);
  return wrap(() => {
    const seq = expectTlv(der, 0, TAG.SEQUENCE);
    const [alg, bits] = readChildren(seq.value);
    if (!alg || !bits || bits.tag !== TAG.BIT_STRING || bits.value[0] !== 0) {
      throw new CryptoError('BAD_INPUT', 'malformed SubjectPublicKeyInfo');
    }
    checkAlgorithm(alg);
    return parsePublicKey(bits.value.subarray(1)).toBytes(false);
  });
}

/** ECPrivateKey (RFC 5915): SEQUENCE { 1, OCTET STRING d, [1] BIT STRING publicKey }. */
function ecPrivateKey(priv: Uint8Array): Uint8Array {
  const pub = sm2PublicKeyFromPrivate(priv);
  return derSeq(
    derUint(1n),
    derTlv(TAG.OCTET_STRING, priv),
    derTlv(0xa1, derTlv(TAG.BIT_STRING, concatBytes(Uint8Array.of(0), pub))),
  );
}

export function sm2PrivateKeyToPem(priv: Uint8Array): string {
  parsePrivateKey(priv);
  const pkcs8 = derSeq(derUint(0n), ALGORITHM, derTlv(TAG.OCTET_STRING, ecPrivateKey(priv)));
  return toPem('PRIVATE KEY', pkcs8);
}

function parseEcPrivateKey(der: Uint8Array, allowParams: boolean): Uint8Array {
  const seq = expectTlv(der, 0, TAG.SEQUENCE);
  const items = readChildren(seq.value);
  if (items.length < 2 || parseUint(items[0]!) !== 1n || items[1]!.tag !== TAG.OCTET_STRING) {
    throw new CryptoError('BAD_INPUT', 'malformed ECPrivateKey');
  }
  for (const extra of items.slice(2)) {
    if (extra.tag === 0xa0) {
      // [0] parameters: must name the SM2 curve when present.
      const oid = expectTlv(extra.value, 0, TAG.OID);
      if (!allowParams || !oidEquals(oid, OID_SM2))
        throw new CryptoError('BAD_KEY', 'EC key is not on the SM2 curve');
    }
  }
  const d = bytesToBigInt(items[1]!.value);
  const priv = bigIntToBytes(d, 32);
  parsePrivateKey(priv);
  return priv;
}

export function sm2PrivateKeyFromPem(pem: string): Uint8Array {
  const { label, der } = fromPem(pem, ['PRIVATE KEY', 'EC PRIVATE KEY', 'SM2 PRIVATE KEY']);
  return wrap(() => {
    if (label !== 'PRIVATE KEY') {
      // SEC1 form must carry the SM2 curve OID, otherwise it could be a key on another curve.
      const items = readChildren(expectTlv(der, 0, TAG.SEQUENCE).value);
      if (!items.some((t) => t.tag === 0xa0))
        throw new CryptoError('BAD_KEY', 'SEC1 key without curve parameters');
      return parseEcPrivateKey(der, true);
    }
    const seq = expectTlv(der, 0, TAG.SEQUENCE);
    const [version, alg, key] = readChildren(seq.value);
    if (!version || !alg || !key || parseUint(version) !== 0n || key.tag !== TAG.OCTET_STRING) {
      throw new CryptoError(
        'BAD_INPUT',
        'malformed PKCS#8 PrivateKeyInfo (encrypted keys are not supported)',
      );
    }
    checkAlgorithm(alg);
    return parseEcPrivateKey(key.value, true);
  });
}
