/**
 * The terminal's SM2 signing key and its SM4 data key, created on first run and kept only sealed
 * (src/main/crypto/keystore.ts) under the secret from ./secret.ts.
 *
 * Layout in <data-dir>/keys:
 *   terminal-key-v<N>.json  sealed SM2 private key of key version N (old versions kept: old journal
 *                           records and receipts still verify after a rotation)
 *   current                 the key version in use
 *   data-key.json           sealed 32-byte key for card numbers at rest (sealSm4) and receipt QR details
 *   receipt-key.json        sealed 32-byte receipt key K_r from the issuer's enrolment answer
 *                           (src/main/receipt/code.ts: the receipt's verification code)
 *   pin-key.json            sealed 32-byte PIN key K_pin from the same answer (src/shared/pin-key.ts:
 *                           the cardholder's password block, src/shared/pin-block.ts)
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sm2GenerateKeyPair, sm2Signer, sm2Verifier, toHex, fromHex } from '../crypto';
import { sealPrivateKey, openPrivateKey, type SealedKeyFile } from '../crypto/keystore';
import type { KeySecret } from './secret';
import { sm4PinKey } from '../../shared/pin-key';

export interface TerminalKeys {
  keyVersion: number;
  publicKey: Uint8Array;
  publicKeyHex: string;
  /** Public key of every key version this terminal has had (journal and receipt verification). */
  publicKeys: Map<number, Uint8Array>;
  sign(bytes: Uint8Array): Uint8Array;
  /**
   * Signs with an older key version of this terminal (opened from its sealed file on demand): the
   * enrolled key endorses the next one at the issuer (src/main/issuer/enrol.ts). Undefined if absent.
   */
  signWith(keyVersion: number, bytes: Uint8Array): Uint8Array | undefined;
  /** Verifier for any key version this terminal has had (journal verification after rotation). */
  verifierFor(keyVersion: number): { verify(msg: Uint8Array, sig: Uint8Array): boolean } | undefined;
  dataKey: Uint8Array;
  /** The issuer-derived receipt key K_r; undefined until the first enrolment answer. */
  receiptKey: Uint8Array | undefined;
  /** Stores K_r (sealed like the other keys) and makes it current. */
  setReceiptKey(key: Uint8Array): void;
  /**
   * The SM4 key of the cardholder's PIN blocks (the first 16 bytes of the issuer's K_pin,
   * src/shared/pin-key.ts); undefined until an enrolment answer carried it.
   */
  pinKey: Uint8Array | undefined;
  /** Stores K_pin (32 bytes, sealed like the other keys) and makes it current. */
  setPinKey(key: Uint8Array): void;
  created: boolean;
}

function keyDir(dataDir: string): string {
  return path.join(dataDir, 'keys');
}

function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function currentKeyVersion(dataDir: string): number | undefined {
  const f = path.join(keyDir(dataDir), 'current');
  return fs.existsSync(f) ? Number(fs.readFileSync(f, 'utf8').trim()) : undefined;
}

/** Public keys of every version, without the secret: enough to verify. */
export function publicKeys(dataDir: string): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  const dir = keyDir(dataDir);
  if (!fs.existsSync(dir)) return out;
  for (const name of fs.readdirSync(dir)) {
    const m = /^terminal-key-v(\d+)\.json$/.exec(name);
    if (!m) continue;
    const file = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as SealedKeyFile;
    out.set(Number(m[1]), fromHex(file.publicKey));
  }
  return out;
}

function createKeyVersion(dataDir: string, version: number, secret: KeySecret): void {
  const kp = sm2GenerateKeyPair();
  writeJsonAtomic(
    path.join(keyDir(dataDir), `terminal-key-v${version}.json`),
    sealPrivateKey(kp.privateKey, secret.secret, version, { N: secret.sealCost?.N }),
  );
  fs.writeFileSync(path.join(keyDir(dataDir), 'current'), String(version), { mode: 0o600 });
}

/**
 * Makes a new key version current; the old ones stay (sealed) so old journal records and receipts
 * still verify. The running app keeps signing with the version it loaded; the next start loads the
 * new one and enrols it with the issuer (src/main/app.ts, enrolled_key_version in meta).
 * The secret must open the existing keys: rotation is refused with WRONG_PASSPHRASE otherwise, so a
 * wrong passphrase cannot leave the terminal with versions sealed under different secrets.
 */
export function rotateTerminalKey(dataDir: string, secret: KeySecret): number {
  const cur = currentKeyVersion(dataDir);
  if (cur !== undefined)
    openPrivateKey(
      JSON.parse(
        fs.readFileSync(path.join(keyDir(dataDir), `terminal-key-v${cur}.json`), 'utf8'),
      ) as SealedKeyFile,
      secret.secret,
    );
  const next = (currentKeyVersion(dataDir) ?? 0) + 1;
  createKeyVersion(dataDir, next, secret);
  return next;
}

export function loadOrCreateTerminalKeys(dataDir: string, secret: KeySecret): TerminalKeys {
  const dir = keyDir(dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  let created = false;
  if (currentKeyVersion(dataDir) === undefined) {
    createKeyVersion(dataDir, 1, secret);
    created = true;
  }
  const dataKeyFile = path.join(dir, 'data-key.json');
  if (!fs.existsSync(dataKeyFile))
    writeJsonAtomic(
      dataKeyFile,
      sealPrivateKey(randomBytes(32), secret.secret, 0, { N: secret.sealCost?.N }),
    );
  const version = currentKeyVersion(dataDir)!;
  const sealed = JSON.parse(
    fs.readFileSync(path.join(dir, `terminal-key-v${version}.json`), 'utf8'),
  ) as SealedKeyFile;
  const priv = openPrivateKey(sealed, secret.secret);
  const signer = sm2Signer(priv);
  const dataKey = openPrivateKey(
    JSON.parse(fs.readFileSync(dataKeyFile, 'utf8')) as SealedKeyFile,
    secret.secret,
  );
  const receiptKeyFile = path.join(dir, 'receipt-key.json');
  let receiptKey = fs.existsSync(receiptKeyFile)
    ? openPrivateKey(JSON.parse(fs.readFileSync(receiptKeyFile, 'utf8')) as SealedKeyFile, secret.secret)
    : undefined;
  const pinKeyFile = path.join(dir, 'pin-key.json');
  let pinKey = fs.existsSync(pinKeyFile)
    ? openPrivateKey(JSON.parse(fs.readFileSync(pinKeyFile, 'utf8')) as SealedKeyFile, secret.secret)
    : undefined;
  const pubs = publicKeys(dataDir);
  const verifiers = new Map<number, ReturnType<typeof sm2Verifier>>();
  return {
    keyVersion: version,
    publicKey: signer.publicKey,
    publicKeyHex: toHex(signer.publicKey),
    publicKeys: pubs,
    sign: (b) => signer.sign(b),
    signWith(v, b) {
      if (v === version) return signer.sign(b);
      const file = path.join(dir, `terminal-key-v${v}.json`);
      if (!fs.existsSync(file)) return undefined;
      return sm2Signer(
        openPrivateKey(JSON.parse(fs.readFileSync(file, 'utf8')) as SealedKeyFile, secret.secret),
      ).sign(b);
    },
    verifierFor(v) {
      let ver = verifiers.get(v);
      if (!ver) {
        const pub = pubs.get(v);
        if (!pub) return undefined;
        ver = sm2Verifier(pub);
        verifiers.set(v, ver);
      }
      return ver;
    },
    dataKey,
    get receiptKey() {
      return receiptKey;
    },
    setReceiptKey(key) {
      writeJsonAtomic(receiptKeyFile, sealPrivateKey(key, secret.secret, 0, { N: secret.sealCost?.N }));
      receiptKey = key;
    },
    get pinKey() {
      return pinKey && sm4PinKey(pinKey);
    },
    setPinKey(key) {
      writeJsonAtomic(pinKeyFile, sealPrivateKey(key, secret.secret, 0, { N: secret.sealCost?.N }));
      pinKey = key;
    },
    created,
  };
}

/**
 * The store's symmetric keys without creating anything (CLI, dispute tools): the data key and, if
 * enrolled, the receipt key. Throws CryptoError('WRONG_PASSPHRASE') for the wrong secret.
 */
export function openStoreKeys(
  dataDir: string,
  secret: KeySecret,
): { dataKey: Uint8Array; receiptKey?: Uint8Array } {
  const dir = keyDir(dataDir);
  const read = (name: string) =>
    openPrivateKey(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as SealedKeyFile, secret.secret);
  const dataKey = read('data-key.json');
  return fs.existsSync(path.join(dir, 'receipt-key.json'))
    ? { dataKey, receiptKey: read('receipt-key.json') }
    : { dataKey };
}
