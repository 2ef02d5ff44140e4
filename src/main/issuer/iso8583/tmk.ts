/**
 * The terminal master key at rest: sealed like the other keys (src/main/crypto/seal.ts, under the
 * terminal's data key), bound to its issuer entry by the seal's associated data, so a sealed TMK
 * copied to another entry does not open. The technician enters it once (`cardtill keys tmk
 * --issuer ID`, as hex on standard input, with its check value read off the host's key sheet);
 * only the sealed form is ever written, in keys/tmk-<issuer id>.json beside the terminal's keys.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openSm4, sealSm4 } from '../../crypto/seal';
import { asciiBytes, fromHex, toHex } from '../../crypto/bytes';
import { Iso8583Error, type KeySetName } from '../../../shared/iso8583';
import type { KeySet } from './keysets';

const aad = (issuerId: string) => asciiBytes(`CardTill/iso8583/tmk/v1/${issuerId}`);

/**
 * Checks a TMK typed by the technician against its check value (the first 4 bytes of the key's
 * encryption of a zero block, as the page defines for working keys) and seals it.
 * Throws BAD_KEY (not 16 bytes of hex) or BAD_KEY_CHECK (a typo).
 */
export function sealTmk(
  dataKey: Uint8Array,
  issuerId: string,
  ks: KeySet,
  tmkHex: string,
  checkHex: string,
): string {
  if (!/^[0-9a-fA-F]{32}$/.test(tmkHex)) throw new Iso8583Error('BAD_KEY', 'a TMK is 32 hex digits');
  const tmk = fromHex(tmkHex.toLowerCase());
  if (toHex(ks.pikCheck(tmk)) !== checkHex.toLowerCase())
    throw new Iso8583Error('BAD_KEY_CHECK', 'the TMK does not match its check value');
  return toHex(sealSm4(dataKey, tmk, aad(issuerId)));
}

/** The TMK back, for the adapter; throws CryptoError AUTH_FAILED on any other key, entry or byte. */
export function openTmk(dataKey: Uint8Array, issuerId: string, sealedHex: string): Uint8Array {
  return openSm4(dataKey, fromHex(sealedHex), aad(issuerId));
}

/** What keys/tmk-<id>.json holds: never the key in clear. */
interface TmkFile {
  issuerId: string;
  keySet: KeySetName;
  /** The check value the technician confirmed (8 hex digits). */
  check: string;
  sealed: string;
  enteredAt: string;
}

export function tmkFile(dataDir: string, issuerId: string): string {
  return path.join(dataDir, 'keys', `tmk-${issuerId}.json`);
}

/** Seals and writes an entry's TMK (0600, atomically). Returns its check value. */
export function storeTmk(
  dataDir: string,
  dataKey: Uint8Array,
  issuerId: string,
  ks: KeySet,
  tmkHex: string,
  checkHex: string,
  now: Date = new Date(),
): string {
  const sealed = sealTmk(dataKey, issuerId, ks, tmkHex, checkHex);
  const file = tmkFile(dataDir, issuerId);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const body: TmkFile = {
    issuerId,
    keySet: ks.name,
    check: checkHex.toUpperCase(),
    sealed,
    enteredAt: now.toISOString(),
  };
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(body, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
  return body.check;
}

/**
 * An entry's TMK, opened for its adapter. Throws Iso8583Error BAD_KEY when none was entered, or it
 * was entered for the other key set; BAD_KEY_CHECK when it is not the key the config names
 * (`tmkCheck`) — the adapter then signs on to nobody and every request stays `not-sent`.
 */
export function loadTmk(
  dataDir: string,
  dataKey: Uint8Array,
  issuerId: string,
  ks: KeySet,
  expectedCheck?: string,
): Uint8Array {
  const file = tmkFile(dataDir, issuerId);
  if (!fs.existsSync(file))
    throw new Iso8583Error(
      'BAD_KEY',
      `no terminal master key for issuer ${issuerId}: enter it with \`cardtill keys tmk --issuer ${issuerId}\``,
    );
  const f = JSON.parse(fs.readFileSync(file, 'utf8')) as TmkFile;
  if (f.keySet !== ks.name)
    throw new Iso8583Error(
      'BAD_KEY',
      `the TMK of issuer ${issuerId} was entered for ${f.keySet}, not ${ks.name}`,
    );
  const tmk = openTmk(dataKey, issuerId, f.sealed);
  if (expectedCheck && toHex(ks.pikCheck(tmk)) !== expectedCheck.toLowerCase())
    throw new Iso8583Error('BAD_KEY_CHECK', `the TMK of issuer ${issuerId} is not the one the config names`);
  return tmk;
}
