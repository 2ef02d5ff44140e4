/**
 * The journal as JSON lines for a third party (auditor, issuer, court): each line carries exactly
 * the bytes that were signed (`signedBytes`, base64), the DER signature, the chain hashes and the
 * key version, so `openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678`
 * with the terminal's public key (`cardtill keys public --version N`) checks every record without
 * our code. Card numbers appear only masked; panEnc (SM4-sealed) is inside signedBytes as signed.
 */
import type { Db } from '../store/sqlite';
import type { JournalBody, JournalRow } from './journal';

export interface JournalExportLine {
  seq: number;
  stan: number;
  type: string;
  status: string;
  amountFen: number;
  masked: string;
  time: string;
  keyVersion: number;
  prevHash: string;
  chainHash: string;
  /** base64 of the exact signed bytes (canonical JSON of the record body). */
  signedBytes: string;
  /** base64 of the DER SM2 signature. */
  signature: string;
}

export function* exportJournal(db: Db): Generator<JournalExportLine> {
  const rows = db
    .prepare(
      'SELECT seq, stan, type, body, prev_hash, hash, sig, key_version, created_at FROM journal ORDER BY seq',
    )
    .iterate() as IterableIterator<JournalRow>;
  for (const r of rows) {
    let body: Partial<JournalBody> = {};
    try {
      body = JSON.parse(r.body) as JournalBody;
    } catch {
      // Exported as stored; `journal verify` names the broken record.
    }
    yield {
      seq: r.seq,
      stan: r.stan,
      type: r.type,
      status: String(body.status ?? ''),
      amountFen: Number(body.amountFen ?? 0),
      masked: String(body.masked ?? ''),
      time: r.created_at,
      keyVersion: r.key_version,
      prevHash: r.prev_hash,
      chainHash: r.hash,
      signedBytes: Buffer.from(r.body, 'utf8').toString('base64'),
      signature: Buffer.from(r.sig).toString('base64'),
    };
  }
}
