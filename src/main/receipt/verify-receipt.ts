/**
 * Checking a scanned or pasted receipt QR: genuine (the terminal key of that version signed it) or
 * forged; with the store's data key, the decrypted details; with K_r, the verification code the
 * receipt must show. Never throws on outside input.
 */
import { sm2Verify } from '../crypto';
import { formatCode, receiptCode } from './code';
import { decryptReceiptQr, parseReceiptQr, receiptQrKey, type ReceiptDetails } from './qr';
import { codeFields } from './signed-receipt';

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
      reason: 'malformed' | 'unknown-terminal' | 'unknown-key' | 'signature';
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
