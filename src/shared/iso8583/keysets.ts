/**
 * The two key sets of ISO8583-CUP.md "Keys, MAC and password", as block ciphers for the pure MAC
 * and PIN-block code in src/shared/iso8583. Shared by the terminal's link and the issuer simulator.
 *
 *  - 3DES (60.3 `004`): TMK, PIK, MAK 16 bytes (2-key 3DES, OpenSSL `des-ede-ecb`). The MAC uses
 *    single DES under the MAK's first 8 bytes — OpenSSL 3 keeps single DES in its legacy provider,
 *    so it is computed as 2-key 3DES with K1 = K2 (EDE with equal keys is DES). No parity required.
 *  - SM4 (60.3 `005`, ours): all keys 16 bytes, the project's own SM4 (src/main/crypto/sm4.ts).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { sm4DecryptBlock, sm4EncryptBlock } from '../crypto/sm4';
import { Iso8583Error, type BlockCipher, type KeySetName } from './index';

export interface KeySet {
  readonly name: KeySetName;
  /** 60.3 of the sign-on that asks for this set. */
  readonly networkCode: '004' | '005';
  /** Field 53 sent with a PIN block. */
  readonly securityControl: string;
  /** Size of field 52. */
  readonly pinBlockBytes: 8 | 16;
  /** ECB under a 16-byte key (the TMK for working keys, the PIK for PIN blocks). */
  encrypt(key: Uint8Array, data: Uint8Array): Uint8Array;
  decrypt(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** The 4-byte check value of a PIK (and of the SM4 MAK). */
  pikCheck(pik: Uint8Array): Uint8Array;
  makCheck(mak: Uint8Array): Uint8Array;
  /** The cipher the MAC runs with. */
  macCipher(mak: Uint8Array): BlockCipher;
}

function key16(key: Uint8Array): Buffer {
  if (key.length !== 16) throw new Iso8583Error('BAD_KEY', `key of ${key.length} bytes, 16 needed`);
  return Buffer.from(key);
}

function ecb(algo: string, key: Buffer, data: Uint8Array, decrypt: boolean): Uint8Array {
  const c = decrypt ? createDecipheriv(algo, key, null) : createCipheriv(algo, key, null);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

function blocks(data: Uint8Array, bs: number, one: (b: Uint8Array) => Uint8Array): Uint8Array {
  if (data.length % bs !== 0)
    throw new Iso8583Error('BAD_KEY', `data of ${data.length} bytes is not whole blocks`);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i += bs) out.set(one(data.subarray(i, i + bs)), i);
  return out;
}

const check4 = (b: Uint8Array) => b.slice(0, 4);

/** Single DES under an 8-byte key: 2-key EDE with K1 = K2. */
function des(key8: Uint8Array, block: Uint8Array): Uint8Array {
  const k = Buffer.concat([Buffer.from(key8), Buffer.from(key8)]);
  return ecb('des-ede-ecb', k, block, false);
}

export const KEYSET_3DES: KeySet = {
  name: '3des',
  networkCode: '004',
  securityControl: '2600000000000000',
  pinBlockBytes: 8,
  encrypt: (key, data) => ecb('des-ede-ecb', key16(key), data, false),
  decrypt: (key, data) => ecb('des-ede-ecb', key16(key), data, true),
  pikCheck: (pik) => check4(ecb('des-ede-ecb', key16(pik), new Uint8Array(8), false)),
  // "the MAK's is single DES of 8 zero bytes under its first 8 bytes"
  makCheck: (mak) => check4(des(key16(mak).subarray(0, 8), new Uint8Array(8))),
  macCipher: (mak) => {
    const k = key16(mak).subarray(0, 8);
    return { blockSize: 8, encrypt: (b) => des(k, b) };
  },
};

export const KEYSET_SM4: KeySet = {
  name: 'sm4',
  networkCode: '005',
  securityControl: '2400000000000000',
  pinBlockBytes: 16,
  encrypt: (key, data) => blocks(data, 16, (b) => sm4EncryptBlock(key16(key), b)),
  decrypt: (key, data) => blocks(data, 16, (b) => sm4DecryptBlock(key16(key), b)),
  pikCheck: (pik) => check4(sm4EncryptBlock(key16(pik), new Uint8Array(16))),
  makCheck: (mak) => check4(sm4EncryptBlock(key16(mak), new Uint8Array(16))),
  macCipher: (mak) => {
    const k = key16(mak);
    return { blockSize: 16, encrypt: (b) => sm4EncryptBlock(k, b) };
  },
};

export const KEYSETS: Readonly<Record<KeySetName, KeySet>> = { '3des': KEYSET_3DES, sm4: KEYSET_SM4 };

export function keySetByNetworkCode(code: string | undefined): KeySet | undefined {
  return Object.values(KEYSETS).find((k) => k.networkCode === code);
}
