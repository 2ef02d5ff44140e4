/**
 * The lines that make a receipt verifiable (DESIGN.md promise 6): the dynamic verification code
 * (./code.ts, issuer-recomputable) and the signed, encrypted QR (./qr.ts). Added to the layout
 * through layoutReceipt's `extras`, so the layout itself stays about presentation.
 */
import type { ReceiptLine } from '../../shared/receipt-doc';
import type { TxnRow } from '../terminal/txn-store';
import type { ReceiptExtras } from './layout';
import { formatCode, receiptCode, type CodeFields } from './code';
import { encodeReceiptQr, receiptQrKey, type ReceiptDetails } from './qr';

export interface ReceiptSigningKeys {
  keyVersion: number;
  sign(bytes: Uint8Array): Uint8Array;
  dataKey: Uint8Array;
  readonly receiptKey: Uint8Array | undefined;
}

/** QR module size in printer dots: a version-9 code (53 modules + 8 quiet) is 366 of 384 dots on 58 mm. */
export const RECEIPT_QR_MODULE = 6;

export function rowDetails(row: TxnRow, terminalId: string, merchantId: string): ReceiptDetails {
  return {
    terminalId,
    merchantId,
    stan: row.stan,
    type: row.type,
    status: row.status,
    offline: row.offline === 1,
    amountFen: row.amount_fen,
    ...(row.balance_fen !== null ? { balanceFen: row.balance_fen } : {}),
    time: row.updated_at,
    last4: row.masked.slice(-4).padStart(4, '0'),
  };
}

export function codeFields(d: ReceiptDetails): CodeFields {
  return {
    terminalId: d.terminalId,
    stan: d.stan,
    type: d.type,
    status: d.status,
    amountFen: d.amountFen,
    balanceFen: d.balanceFen ?? null,
    time: d.time,
  };
}

/**
 * Builds the extras for one transaction row. The code and the QR's details depend only on the row;
 * the SM2 signature is randomized, so a reprint's QR text differs but verifies the same.
 */
export function createReceiptExtras(
  keys: ReceiptSigningKeys,
  terminalId: string,
  merchantId: string,
): (row: TxnRow) => ReceiptExtras {
  const qrKey = receiptQrKey(keys.dataKey);
  return (row) => {
    const d = rowDetails(row, terminalId, merchantId);
    const rk = keys.receiptKey;
    const lines: ReceiptLine[] = [
      { type: 'rule' },
      {
        type: 'pair',
        left: '验证码 CODE',
        right: rk ? formatCode(receiptCode(rk, codeFields(d))) : '待开通 PENDING',
        bold: true,
      },
      { type: 'qr', data: encodeReceiptQr(d, keys.keyVersion, qrKey, keys.sign), size: RECEIPT_QR_MODULE },
      { type: 'text', text: '扫码验真 Scan to verify', align: 'center' },
    ];
    return { lines };
  };
}
