/**
 * The tamper-evident journal (DESIGN.md promise 5). Each record's body is canonical JSON; its
 * signed bytes are exactly canonicalBytes(body), and body includes prevHash and keyVersion, so the
 * SM2 signature covers the chain link too. hash = SM3(prevHash ‖ signedBytes). The first record's
 * prevHash is 64 zeros.
 *
 * append() must be called inside the caller's SQLite transaction together with the state change
 * it records: either both are on disk or neither.
 */
import type { Db } from '../store/sqlite';
import { canonicalBytes } from '../../shared/canonical-json';
import { sm3, toHex, fromHex } from '../crypto';
import { concatBytes } from '../crypto/bytes';

export const GENESIS_HASH = '0'.repeat(64);

export interface JournalBody {
  seq: number;
  stan: number;
  type: string;
  status: string;
  amountFen: number;
  otherTenderFen: number;
  balanceFen?: number;
  masked: string;
  /** base64 of the SM4-sealed card number (sealSm4 with the data key). */
  panEnc?: string;
  offline: boolean;
  declineCode?: string;
  authCode?: string;
  origStan?: number;
  operatorId?: string;
  /**
   * The issuer entry the row belongs to (txns.issuer_id; 'none' for a card no range took): signed,
   * so a row cannot be moved into another issuer's batch (issue 13: the journal per issuer).
   * Absent on records written before it (their row's issuer is not vouched for by the record).
   */
  issuerId?: string;
  /** A chip purchase / load (issue 14): the card's sequence, balance after, PSAM counter, TAC. */
  chip?: {
    kind: 'purchase' | 'load';
    seq: number;
    balanceAfterFen: number;
    terminalNumber: string;
    terminalSeq: string;
    date: string;
    time: string;
    algId: number;
    tac: string;
    proved: boolean;
  };
  time: string;
  terminalId: string;
  keyVersion: number;
  prevHash: string;
}

export interface JournalRow {
  seq: number;
  stan: number;
  type: string;
  body: string;
  prev_hash: string;
  hash: string;
  sig: Buffer;
  key_version: number;
  created_at: string;
}

export interface JournalSigner {
  keyVersion: number;
  sign(bytes: Uint8Array): Uint8Array;
}

export function chainHash(prevHashHex: string, signedBytes: Uint8Array): string {
  return toHex(sm3(concatBytes(fromHex(prevHashHex), signedBytes)));
}

/** Who hears of appends to a database's journal (the head keeper, ./head-keeper.ts). */
const appendListeners = new WeakMap<Db, () => void>();
export function onJournalAppend(db: Db, fn: () => void): void {
  appendListeners.set(db, fn);
}

export function lastJournalRow(db: Db): Pick<JournalRow, 'seq' | 'hash'> | undefined {
  return db.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1').get() as
    Pick<JournalRow, 'seq' | 'hash'> | undefined;
}

export function appendJournal(
  db: Db,
  signer: JournalSigner,
  rec: Omit<JournalBody, 'seq' | 'prevHash' | 'keyVersion'>,
): JournalBody {
  const last = lastJournalRow(db);
  const body: JournalBody = {
    ...rec,
    seq: (last?.seq ?? 0) + 1,
    prevHash: last?.hash ?? GENESIS_HASH,
    keyVersion: signer.keyVersion,
  };
  const bytes = canonicalBytes(body);
  const hash = chainHash(body.prevHash, bytes);
  const sig = signer.sign(bytes);
  db.prepare(
    'INSERT INTO journal (seq, stan, type, body, prev_hash, hash, sig, key_version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(
    body.seq,
    body.stan,
    body.type,
    new TextDecoder().decode(bytes),
    body.prevHash,
    hash,
    Buffer.from(sig),
    body.keyVersion,
    body.time,
  );
  appendListeners.get(db)?.();
  return body;
}
