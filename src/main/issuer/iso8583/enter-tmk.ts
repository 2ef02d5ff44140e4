/**
 * The technician enters an `iso8583-cup` entry's terminal master key: the ONE path behind both
 * `cardtill keys tmk` (src/cli/commands/keys-tmk.ts) and the technician's screen (`tech.enterTmk`,
 * src/main/api/handlers/tech-tmk.ts). It checks the key against the check value (the entry's
 * `tmkCheck`, or the CLI's `--check`), seals it under the data key (tmk.ts) and reports what it
 * replaced. The key itself is never returned, logged or kept: only its public check value is.
 * Every refusal is a TillError whose words (ERROR_WORDS) say nothing was stored.
 */
import fs from 'node:fs';
import { TillError } from '../../../shared/errors';
import { Iso8583Error } from '../../../shared/iso8583';
import type { IssuerEntryConfig } from '../../config/config';
import type { AuditLog } from '../../audit/audit-log';
import { KEYSETS, type KeySet } from './keysets';
import { storeTmk, tmkFile } from './tmk';

/** What is stored for an entry (read from keys/tmk-<id>.json without opening the seal). */
export interface StoredTmk {
  keySet: string;
  /** Its check value (public: the host's key sheet prints it). */
  check: string;
  enteredAt: string;
}

export function storedTmk(dataDir: string, issuerId: string): StoredTmk | undefined {
  const file = tmkFile(dataDir, issuerId);
  if (!fs.existsSync(file)) return undefined;
  try {
    const f = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StoredTmk>;
    return { keySet: String(f.keySet), check: String(f.check), enteredAt: String(f.enteredAt) };
  } catch {
    return undefined;
  }
}

export interface EnterTmkInput {
  dataDir: string;
  dataKey: Uint8Array;
  issuerId: string;
  /** The entry from the config (undefined: the CLI without one, then keySetName and check say). */
  entry: IssuerEntryConfig | undefined;
  tmkHex: string;
  /** Overrides the entry's key set (CLI `--keyset`). */
  keySetName?: string;
  /** Overrides the entry's `tmkCheck` (CLI `--check`: the key sheet's). */
  check?: string;
  now?: Date;
  /**
   * Where the entry is recorded (the screen: the app's, as the signed-in technician; the CLI: the
   * terminal database's, as the OS user): keys.tmk.enter / keys.tmk.replace with the issuer and
   * the check value, or keys.tmk.enter failed with the code. Never the key.
   */
  audit?: AuditLog;
}

export interface EnterTmkResult {
  issuerId: string;
  keySet: KeySet['name'];
  /** The stored key's check value, upper case. */
  check: string;
  /** A key was stored before and is now replaced. */
  replaced: boolean;
}

/**
 * Checks, seals and stores. Throws TillError: NOT_FOUND (no such entry and no key set given),
 * BAD_REQUEST (not an iso8583-cup entry), TMK_CHECK_REQUIRED, TMK_INVALID (not 32 hex digits),
 * TMK_CHECK_MISMATCH (a typo) — nothing is written on any of them.
 */
export function enterTmk(i: EnterTmkInput): EnterTmkResult {
  try {
    const r = checkSealStore(i);
    i.audit?.record({
      action: r.replaced ? 'keys.tmk.replace' : 'keys.tmk.enter',
      detail: `issuer ${r.issuerId} check ${r.check}`,
    });
    return r;
  } catch (e) {
    if (e instanceof TillError)
      i.audit?.record({ action: 'keys.tmk.enter', outcome: 'failed', detail: e.code });
    throw e;
  }
}

function checkSealStore(i: EnterTmkInput): EnterTmkResult {
  const { entry, issuerId } = i;
  if (entry && entry.protocol !== 'iso8583-cup')
    throw new TillError('BAD_REQUEST', `issuer ${issuerId} is not an iso8583-cup entry`);
  const keySetName = i.keySetName ?? (entry ? (entry.iso8583?.keySet ?? '3des') : undefined);
  const keySet = keySetName ? KEYSETS[keySetName as keyof typeof KEYSETS] : undefined;
  if (!keySet)
    throw new TillError(
      'NOT_FOUND',
      entry ? `unknown key set ${keySetName}` : `no issuer ${issuerId} in the config (and no key set given)`,
    );
  const check = i.check ?? entry?.iso8583?.tmkCheck;
  if (!check || !/^[0-9a-fA-F]{8}$/.test(check))
    throw new TillError('TMK_CHECK_REQUIRED', `issuer ${issuerId}`);
  const replaced = storedTmk(i.dataDir, issuerId) !== undefined;
  try {
    const stored = storeTmk(i.dataDir, i.dataKey, issuerId, keySet, i.tmkHex.trim(), check, i.now);
    return { issuerId, keySet: keySet.name, check: stored, replaced };
  } catch (e) {
    if (!(e instanceof Iso8583Error)) throw e;
    // The detail names the entry and the expected check value (public), never the key typed.
    throw e.code === 'BAD_KEY_CHECK'
      ? new TillError('TMK_CHECK_MISMATCH', `issuer ${issuerId}, check value ${check.toUpperCase()}`)
      : new TillError('TMK_INVALID', `issuer ${issuerId}`);
  }
}
