/**
 * Reconciliation (对账): the terminal's batch against the issuer's answer. Pure
 * (test/unit/shift-reconcile.test.ts). When the totals match the batch is settled; otherwise
 * every transaction is compared by STAN and each difference gets a kind and what the manager
 * should do about it.
 */
import type { SettledTxn } from '../../shared/issuer-settlement';

export type DiscrepancyKind =
  | 'missing_at_issuer'
  | 'missing_at_terminal'
  | 'amount_differs'
  | 'in_offline_queue'
  // Sent and not answered yet (an iso8583-cup 0400 or 0220): the batch waits for it.
  | 'unanswered_at_issuer'
  // Chip clearing (PBOC e-purse, src/shared/issuer-epurse.ts), reported by the issuer.
  | 'chip_bad_tac'
  | 'chip_sequence_gap'
  | 'chip_duplicate';

export interface Discrepancy {
  kind: DiscrepancyKind;
  stan: number;
  type: string;
  terminalFen: number | null;
  issuerFen: number | null;
  time: string;
  /** What the manager should do, 简体中文 and English. */
  action: { zh: string; en: string };
}

export const DISCREPANCY_ACTIONS: Record<DiscrepancyKind, { zh: string; en: string }> = {
  missing_at_issuer: {
    zh: '发卡方没有此笔记录：卡未被扣款/入账。请将签名小票和流水号提交发卡方补登，不要重做交易。',
    en: 'The issuer has no record: the card was not charged/credited. Send the signed receipt and STAN to the issuer for manual posting; do not redo the sale.',
  },
  missing_at_terminal: {
    zh: '发卡方有此笔记录而本终端没有：核对日志与小票；若交易并未发生，请发卡方冲正退回持卡人。',
    en: 'The issuer recorded a transaction this terminal has no record of: check the journal and receipts; if it never happened, ask the issuer to reverse it to the cardholder.',
  },
  amount_differs: {
    zh: '双方金额不一致：以终端签名日志和小票为凭证，联系发卡方调账。',
    en: 'Amounts differ: the signed journal record and receipt are the evidence; ask the issuer to adjust.',
  },
  in_offline_queue: {
    zh: '仍在离线队列中，尚未送达发卡方：恢复联网并上送队列，将在下一批次结算。',
    en: 'Still in the offline queue, not yet at the issuer: restore the link and forward the queue; it settles with the next batch.',
  },
  unanswered_at_issuer: {
    zh: '已发往发卡方但尚未获应答（冲正或退货/通知）：恢复联网后终端会自动重发，然后重新结算。',
    en: 'Sent to the issuer and not answered yet (a reversal, refund or advice): the till sends it again once the link is back; then settle again.',
  },
  chip_bad_tac: {
    zh: '芯片交易的TAC校验失败：发卡方不认可此笔扣款。保留签名日志，联系发卡方核查该卡与PSAM。',
    en: 'The chip transaction’s TAC failed the issuer’s check: it does not accept this debit. Keep the signed journal and ask the issuer to examine the card and the PSAM.',
  },
  chip_sequence_gap: {
    zh: '该卡的芯片交易序号有缺口：有交易未上送（可能在别处或未决灰记录）。核对本机待定芯片交易并联系发卡方。',
    en: 'A gap in the card’s chip sequence: a transaction was not uploaded (elsewhere, or a grey record). Check this till’s unresolved chip transactions and ask the issuer.',
  },
  chip_duplicate: {
    zh: '重复的芯片交易（同一卡同一序号已清算）：不会重复入账。核对日志，如为重复记录请联系技术员。',
    en: 'A duplicate chip transaction (same card and sequence already cleared): not counted twice. Check the journal; call the technician if the till recorded it twice.',
  },
};

export interface TerminalItem {
  stan: number;
  /** The settlement bucket of the row's kind (src/shared/txn-kinds.ts), as the issuer answers it. */
  type: string;
  amountFen: number;
  time: string;
}

/**
 * `queued`: STANs of this batch not yet at the issuer (unsent offline advices, or a declined
 * sale whose reversal is still queued — the issuer may still count it until the reversal lands).
 */
export function reconcile(
  terminal: readonly TerminalItem[],
  issuer: readonly SettledTxn[],
  queued: ReadonlyArray<{ stan: number; type: string; amountFen: number; time: string }>,
): Discrepancy[] {
  const out: Discrepancy[] = [];
  const queuedStans = new Set(queued.map((q) => q.stan));
  const issuerBy = new Map(issuer.map((i) => [i.stan, i]));
  const terminalBy = new Map(terminal.map((t) => [t.stan, t]));
  for (const q of queued) {
    out.push({
      kind: 'in_offline_queue',
      stan: q.stan,
      type: q.type,
      terminalFen: q.amountFen,
      issuerFen: issuerBy.get(q.stan)?.amountFen ?? null,
      time: q.time,
      action: DISCREPANCY_ACTIONS.in_offline_queue,
    });
  }
  for (const t of terminal) {
    if (queuedStans.has(t.stan)) continue;
    const i = issuerBy.get(t.stan);
    if (!i)
      out.push({
        kind: 'missing_at_issuer',
        stan: t.stan,
        type: t.type,
        terminalFen: t.amountFen,
        issuerFen: null,
        time: t.time,
        action: DISCREPANCY_ACTIONS.missing_at_issuer,
      });
    else if (i.amountFen !== t.amountFen || i.type !== t.type)
      out.push({
        kind: 'amount_differs',
        stan: t.stan,
        type: t.type,
        terminalFen: t.amountFen,
        issuerFen: i.amountFen,
        time: t.time,
        action: DISCREPANCY_ACTIONS.amount_differs,
      });
  }
  for (const i of issuer) {
    if (terminalBy.has(i.stan) || queuedStans.has(i.stan)) continue;
    out.push({
      kind: 'missing_at_terminal',
      stan: i.stan,
      type: i.type,
      terminalFen: null,
      issuerFen: i.amountFen,
      time: i.time,
      action: DISCREPANCY_ACTIONS.missing_at_terminal,
    });
  }
  return out.sort((a, b) => a.stan - b.stan);
}
