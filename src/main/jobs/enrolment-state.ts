/**
 * Each issuer entry's enrolment state in the terminal's `meta` table: the key version it has
 * acknowledged and when the terminal last signed on with it (for the technician: `tech.issuers`,
 * `cardtill issuers`). The home entry keeps the key names a single-issuer terminal always had
 * (`enrolled_key_version`), so an existing data dir is enrolled as before; any other entry's keys
 * carry `@<issuer id>`. Reads work on a read-only database (the CLI).
 */
import type { Db } from '../../shared/store/sqlite';

/** Protocols whose terminals enrol their key with the issuer (cardtill-json: `enrol`). */
export const ENROLLING_PROTOCOLS: ReadonlySet<string> = new Set(['cardtill-json']);

const keyOf = (name: string, issuerId: string, home: boolean) => (home ? name : `${name}@${issuerId}`);

function read(db: Db, key: string): string | undefined {
  return (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)
    ?.value;
}

function write(db: Db, key: string, value: string): void {
  db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}

export interface EnrolmentState {
  /** The newest terminal key version this issuer acknowledged (undefined: never enrolled). */
  keyVersion?: number;
  /** When the terminal last signed on with it (ISO), if it ever did since this was recorded. */
  lastSignOnAt?: string;
}

export function enrolmentState(db: Db, issuerId: string, home: boolean): EnrolmentState {
  const v = read(db, keyOf('enrolled_key_version', issuerId, home));
  const at = read(db, keyOf('last_sign_on_at', issuerId, home));
  return {
    ...(v !== undefined ? { keyVersion: Number(v) } : {}),
    ...(at !== undefined ? { lastSignOnAt: at } : {}),
  };
}

/** The issuer acknowledged this key version now (one transaction: both keys or neither). */
export function recordSignOn(db: Db, issuerId: string, home: boolean, keyVersion: number, at: Date): void {
  db.transaction(() => {
    write(db, keyOf('enrolled_key_version', issuerId, home), String(keyVersion));
    write(db, keyOf('last_sign_on_at', issuerId, home), at.toISOString());
  })();
}
