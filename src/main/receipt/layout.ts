/**
 * Lays out a transaction receipt as a ReceiptDoc (src/shared/receipt-doc.ts): the same document is
 * printed as ESC/POS, shown in the preview, and rendered by the virtual printer. Chinese first,
 * English beside it, sized for 58 mm paper (32 columns) by default.
 * Shows the card's last 4 digits only (DESIGN.md "Money, cards, time").
 */
import type { ReceiptDoc, ReceiptLine } from '../../shared/receipt-doc';
import { formatMoney } from '../../shared/money';
import { ERROR_WORDS, type ErrorCode } from '../../shared/errors';
import type { TxnRow } from '../terminal/txn-store';
import { TXN_KINDS, kindOf, movesMoney, receiptTitle, type KindTable } from '../../shared/txn-kinds';

export interface ReceiptHeader {
  merchantName: string;
  merchantId: string;
  terminalId: string;
  width: 32 | 48;
  /**
   * The card's issuer entry's name, on a till with several (issue 13: receipts per issuer); absent
   * on a single-issuer till, whose receipts stay as they always were.
   */
  issuerName?: string;
}

/** Extra lines a later stage adds (verification code, signed QR) — kept out of the layout itself. */
export interface ReceiptExtras {
  lines?: ReceiptLine[];
}

export function formatStan(stan: number): string {
  return String(stan).padStart(6, '0');
}

/** Local time as a store shows it: 2026-11-22 14:03:05 (the terminal's zone). */
export function formatLocalTime(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function layoutReceipt(
  h: ReceiptHeader,
  row: TxnRow,
  opts: { copy?: boolean; extras?: ReceiptExtras; kinds?: KindTable; approvedBy?: string } = {},
): ReceiptDoc {
  // The title and whether an amount is printed come from the kind (src/shared/txn-kinds.ts); a
  // row of a type no kind declares is refused (UNKNOWN_TXN_KIND), not printed under a guess.
  const kind = kindOf(row.type, opts.kinds ?? TXN_KINDS);
  const lines: ReceiptLine[] = [
    { type: 'text', text: h.merchantName, align: 'center', size: 2, bold: true },
    { type: 'text', text: receiptTitle(kind), align: 'center', bold: true },
  ];
  if (opts.copy) lines.push({ type: 'text', text: '** 重印 COPY **', align: 'center' });
  if (row.offline === 1)
    lines.push({ type: 'text', text: '** 离线交易 OFFLINE **', align: 'center', bold: true });
  lines.push(
    { type: 'rule' },
    { type: 'pair', left: '商户号 MID', right: h.merchantId },
    { type: 'pair', left: '终端号 TID', right: h.terminalId },
    ...(h.issuerName ? [{ type: 'pair' as const, left: '发卡方 ISSUER', right: h.issuerName }] : []),
    { type: 'pair', left: '时间 TIME', right: formatLocalTime(row.updated_at) },
    { type: 'pair', left: '流水号 STAN', right: formatStan(row.stan) },
    { type: 'pair', left: '卡号 CARD', right: `**** ${row.masked.slice(-4)}` },
  );
  if (row.auth_code) lines.push({ type: 'pair', left: '授权码 AUTH', right: row.auth_code });
  // Void / refund: which sale they undo, and which manager allowed them (issue 11 #13).
  if (row.orig_stan)
    lines.push({ type: 'pair', left: '原流水号 ORIG STAN', right: formatStan(row.orig_stan) });
  if (opts.approvedBy) lines.push({ type: 'pair', left: '授权人 APPROVED BY', right: opts.approvedBy });
  lines.push({ type: 'rule' });
  if (movesMoney(kind)) {
    lines.push({ type: 'pair', left: '金额 AMOUNT', right: formatMoney(row.amount_fen), bold: true });
    if (kind.paidOnTerminal) {
      // Card life: the cash paid for the value loaded, not a second tender beside the card.
      // The void of a load gives that cash back (its drawer direction says so) — only when it
      // went through: a refused void gives nothing back.
      const back = kind.drawer.otherTender === 'out';
      if (row.other_tender_fen > 0 && (!back || row.status === 'approved'))
        lines.push({
          type: 'pair',
          left: back ? '退现金 CASH BACK' : '收现金 CASH TAKEN',
          right: formatMoney(row.other_tender_fen),
        });
    } else if (row.other_tender_fen > 0) {
      lines.push(
        { type: 'pair', left: '现金 CASH', right: formatMoney(row.other_tender_fen) },
        { type: 'pair', left: '合计 TOTAL', right: formatMoney(row.amount_fen + row.other_tender_fen) },
      );
    }
  }
  if (row.status === 'approved' && row.balance_fen !== null)
    lines.push({ type: 'pair', left: '余额 BALANCE', right: formatMoney(row.balance_fen) });
  // The issuer gave the money back (a reversal it acknowledged): the sale did not happen.
  if (row.status === 'reversed')
    lines.push({ type: 'pair', left: '结果 RESULT', right: '已冲正 REVERSED', bold: true });
  if (row.status === 'declined') {
    lines.push({ type: 'pair', left: '结果 RESULT', right: '拒绝 DECLINED', bold: true });
    const words = ERROR_WORDS[(row.decline_code ?? 'ISSUER_ERROR') as ErrorCode];
    if (words) lines.push({ type: 'text', text: words.zh });
  }
  lines.push(...(opts.extras?.lines ?? []));
  lines.push({ type: 'rule' });
  // Only an approved debit of the card (a sale) has a cardholder's signature line: not a decline,
  // an inquiry, a void or a refund (issue 11 #15).
  if (kind.card === 'debit' && row.status === 'approved')
    lines.push({ type: 'text', text: '持卡人签名 Signature: 免签', align: 'left' });
  lines.push(
    { type: 'text', text: '谢谢惠顾 Thank you', align: 'center' },
    { type: 'feed', lines: 3 },
    { type: 'cut' },
  );
  return { width: h.width, lines };
}
