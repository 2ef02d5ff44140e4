/**
 * Checking a scanned or pasted receipt QR: genuine (the terminal key of that version signed it) or
 * forged; with the store's data key, the decrypted details; with K_r, the verification code the
 * receipt must show. Never throws on outside input.
 */
import { sm2Verify } from '../crypto';
import { formatCode, receiptCode } from './code';
import { decryptReceiptQr, parseReceiptQr, receiptQrKey, type ReceiptDetails } from './qr';
import { codeFields } from './signed-receipt';
import type { Db } from '../store/sqlite';
import { recordsOf } from '../journal/row-record';
import type { JournalBody } from '../journal/journal';
import { verifierCache, type VerifyFn } from '../journal/verify';

export interface ReceiptVerifyKeys {
  /** This store's terminal id: a receipt naming another terminal is not ours to vouch for. */
  terminalId?: string;
  publicKeys: Map<number, Uint8Array>;
  /** Cached verifiers (the app's), else a one-off sm2Verify. */
  verifierFor?(keyVersion: number): { verify(msg: Uint8Array, sig: Uint8Array): boolean } | undefined;
  dataKey?: Uint8Array;
  receiptKey?: Uint8Array;
}

export type ReceiptVerdict =
  | {
      genuine: true;
      terminalId: string;
      keyVersion: number;
      stan: number;
      details?: ReceiptDetails;
      code?: string;
    }
  | {
      genuine: false;
      /**
       * journal-mismatch: signed by our key, but no signed journal record of that STAN says what
       * the receipt says (made from an edited row); not-in-journal: the journal has no such STAN.
       */
      reason:
        | 'malformed'
        | 'unknown-terminal'
        | 'unknown-key'
        | 'signature'
        | 'journal-mismatch'
        | 'not-in-journal';
      terminalId?: string;
      keyVersion?: number;
      stan?: number;
    };

export function verifyReceiptQr(text: string, keys: ReceiptVerifyKeys): ReceiptVerdict {
  const q = parseReceiptQr(typeof text === 'string' ? text.trim() : '');
  if (!q) return { genuine: false, reason: 'malformed' };
  const where = { terminalId: q.terminalId, keyVersion: q.keyVersion, stan: q.stan };
  if (keys.terminalId !== undefined && q.terminalId !== keys.terminalId)
    return { genuine: false, reason: 'unknown-terminal', ...where };
  const pub = keys.publicKeys.get(q.keyVersion);
  if (!pub) return { genuine: false, reason: 'unknown-key', ...where };
  let ok = false;
  try {
    const v = keys.verifierFor?.(q.keyVersion);
    ok = v ? v.verify(q.signed, q.signatureDer) : sm2Verify(pub, q.signed, q.signatureDer);
  } catch {
    ok = false;
  }
  if (!ok) return { genuine: false, reason: 'signature', ...where };
  const details = keys.dataKey ? (decryptReceiptQr(q, receiptQrKey(keys.dataKey)) ?? undefined) : undefined;
  const code =
    details && keys.receiptKey ? formatCode(receiptCode(keys.receiptKey, codeFields(details))) : undefined;
  return { genuine: true, ...where, ...(details ? { details } : {}), ...(code ? { code } : {}) };
}

function saysTheSame(b: JournalBody, d: ReceiptDetails): boolean {
  return (
    b.stan === d.stan &&
    b.type === d.type &&
    b.status === d.status &&
    b.offline === d.offline &&
    b.amountFen === d.amountFen &&
    b.balanceFen === d.balanceFen &&
    // The QR carries whole seconds (./qr.ts), the journal milliseconds.
    Math.floor(Date.parse(b.time) / 1000) === Math.floor(Date.parse(d.time) / 1000) &&
    b.masked.slice(-4).padStart(4, '0') === d.last4
  );
}

/**
 * A genuine signature is not enough: the terminal key signs whatever row it is given, so a
 * receipt made from a `txns` row edited on disk is signed too. Genuine only if a journal record of
 * that STAN — whose own SM2 signature holds — says exactly what the receipt says. Needs the
 * decrypted details (the store's data key); without them the verdict is returned unchanged.
 */
export function checkAgainstJournal(
  v: ReceiptVerdict,
  db: Db,
  keys: Pick<ReceiptVerifyKeys, 'publicKeys' | 'verifierFor'>,
): ReceiptVerdict {
  if (!v.genuine || !v.details) return v;
  const where = { terminalId: v.terminalId, keyVersion: v.keyVersion, stan: v.stan };
  const recs = recordsOf(db, v.stan);
  if (recs.length === 0) return { genuine: false, reason: 'not-in-journal', ...where };
  const verify: VerifyFn = verifierCache(keys);
  const d = v.details;
  const ok = recs.some((r) => saysTheSame(r.body, d) && verify(r.keyVersion, r.bytes, r.sig));
  return ok ? v : { genuine: false, reason: 'journal-mismatch', ...where };
}
