/**
 * The per-issuer section of an X/Z on a terminal with more than one issuer entry (report-layout.ts
 * calls it): for each issuer, home first, its batch, its own totals (the same fold over its rows)
 * and, on a Z, its batch's settlement. A single-issuer report has no such section.
 */
import type { ReceiptLine } from '../../shared/receipt-doc';
import type { ShiftReport, SettlementInfo } from '../../shared/contract/manager';
import { formatMoney } from '../../shared/money';
import { TXN_KINDS, type KindTable } from '../../shared/txn-kinds';
import { typeLinePairs } from './type-lines';
import { wrapWords } from '../../shared/receipt-columns';

const SETTLEMENT_WORDS: Record<SettlementInfo['status'], string> = {
  settled: '已平 SETTLED',
  unmatched: '不平 UNMATCHED',
  unreachable: '未送达 UNREACHABLE',
  refused: '发卡方拒绝 REFUSED',
  bad_answer: '应答无效 BAD ANSWER',
};

export function issuerSectionLines(
  r: ShiftReport,
  kinds: KindTable = TXN_KINDS,
  width: number = 32,
): ReceiptLine[] {
  if (!r.issuers?.length) return [];
  const L: ReceiptLine[] = [];
  const pair = (left: string, right: string, bold = false) =>
    L.push({ type: 'pair', left, right, ...(bold ? { bold } : {}) });
  const text = (t: string, bold = false) =>
    L.push({ type: 'text', text: t, align: 'left', ...(bold ? { bold } : {}) });
  L.push({ type: 'rule' });
  text('按发卡方 BY ISSUER', true);
  for (const p of r.issuers) {
    const t = p.totals;
    // Broken between words: the printer would cut "(default)" into "(d" and "efault)".
    for (const line of wrapWords(`${p.name} (${p.issuerId})`, width)) text(line, true);
    if (p.batchNo !== null) pair('  批次 BATCH', String(p.batchNo));
    // The same BY TYPE lines as the shift's, from the kinds table (./type-lines.ts).
    for (const [left, right] of typeLinePairs(t, kinds)) pair(`  ${left}`, right);
    pair(`  离线 OFFLINE ×${t.offline.count}`, formatMoney(t.offline.amountFen));
    pair('  卡净额 NET CARD', formatMoney(t.netCardFen), true);
    if (r.kind !== 'Z') continue;
    const s = p.settlement;
    if (!s) {
      pair('  对账 RECONCILE', p.batchNo === null ? '无批次 NO BATCH' : '-');
      continue;
    }
    pair('  对账 RECONCILE', SETTLEMENT_WORDS[s.status], s.status !== 'settled');
    if (s.issuerCode) text(`  发卡方代码 ISSUER CODE ${s.issuerCode}`);
    if (s.discrepancies.length) pair('  差异 DISCREPANCIES', String(s.discrepancies.length));
    if (s.carriedOut.length) pair('  结转下批 CARRIED OUT', String(s.carriedOut.length));
  }
  return L;
}
