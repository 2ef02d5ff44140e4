/**
 * X and Z reports as a ReceiptDoc: the same document prints on the receipt printer (ESC/POS),
 * shows in the on-screen preview and feeds the PDF export. Chinese first, English beside it.
 * A Z report printed a second time is marked "副本 COPY" at top and bottom.
 */
import type { ReceiptDoc, ReceiptLine } from '../../shared/receipt-doc';
import type { ShiftReport } from '../../shared/contract/manager';
import { formatMoney } from '../../shared/money';
import { denominationLabel } from '../../shared/denominations';
import { formatLocalTime as formatMachineTime, formatStan } from '../receipt/layout';
import { formatInZone } from '../../shared/local-time';
import { ERROR_WORDS, type ErrorCode } from '../../shared/errors';
import { TXN_KINDS, settlementTypeTitle, type KindTable } from '../../shared/txn-kinds';
import { issuerSectionLines } from './issuer-report-layout';
import { typeLinePairs } from './type-lines';

/** The Z's words for each settlement outcome: every status has its own (an exhaustive record). */
const SETTLEMENT_WORDS: Record<NonNullable<ShiftReport['settlement']>['status'], string> = {
  settled: '已平 SETTLED',
  unmatched: '不平 UNMATCHED',
  unreachable: '未送达 UNREACHABLE',
  refused: '发卡方拒绝 REFUSED',
  bad_answer: '应答无效 BAD ANSWER',
};

const KIND_WORDS: Record<string, string> = {
  missing_at_issuer: '发卡方缺失 MISSING@ISSUER',
  missing_at_terminal: '终端缺失 MISSING@TERMINAL',
  amount_differs: '金额不符 AMOUNT DIFFERS',
  in_offline_queue: '离线队列中 IN QUEUE',
};

const signed = (fen: number) =>
  fen < 0 ? `-${formatMoney(-fen)}` : fen > 0 ? `+${formatMoney(fen)}` : formatMoney(0);

export function layoutShiftReport(
  r: ShiftReport,
  opts: {
    width: 32 | 48;
    copy?: boolean;
    ack?: { acked_by: string; acked_at: string; note: string | null } | null;
    /** The store's time zone (config `timeZone`): times print in it; without, the machine's zone. */
    timeZone?: string;
    /** The kinds table; the real one except in tests that declare an extra kind. */
    kinds?: KindTable;
  },
): ReceiptDoc {
  const kinds = opts.kinds ?? TXN_KINDS;
  const formatLocalTime = (iso: string) =>
    opts.timeZone ? formatInZone(iso, opts.timeZone) : formatMachineTime(iso);
  const L: ReceiptLine[] = [];
  const pair = (left: string, right: string, bold = false) =>
    L.push({ type: 'pair', left, right, ...(bold ? { bold } : {}) });
  const text = (t: string, align: 'left' | 'center' = 'left', bold = false) =>
    L.push({ type: 'text', text: t, align, ...(bold ? { bold } : {}) });
  L.push({ type: 'text', text: r.merchantName, align: 'center', size: 2, bold: true });
  text(r.kind === 'Z' ? 'Z 结班报表 Z REPORT' : 'X 班中报表 X REPORT', 'center', true);
  if (opts.copy) text('** 副本 COPY **', 'center', true);
  L.push({ type: 'rule' });
  pair('商户号 MID', r.merchantId);
  pair('终端号 TID', r.terminalId);
  pair('班次 SHIFT', r.shiftId ? String(r.shiftId) : '-');
  if (r.settlement && !r.issuers) pair('批次 BATCH', String(r.settlement.batchNo));
  pair('开班 OPEN', r.shiftId ? formatLocalTime(r.openedAt) : '-');
  if (r.openedBy) pair('开班人 BY', r.openedBy);
  if (r.closedAt) pair('结班 CLOSE', formatLocalTime(r.closedAt));
  if (r.closedBy) pair('结班人 BY', r.closedBy);
  pair('流水 STAN', `${formatStan(r.fromStan)}-${formatStan(Math.max(r.toStan, r.fromStan - 1))}`);
  pair('打印 PRINTED', formatLocalTime(r.generatedAt));
  L.push({ type: 'rule' });
  const t = r.totals;
  text('按类型 BY TYPE', 'left', true);
  // The named lines, as the kinds table declares them (src/shared/txn-kinds.ts TOTALS_LINE_DECLS).
  for (const [left, right] of typeLinePairs(t, kinds)) pair(left, right);
  pair('卡净额 NET CARD', formatMoney(t.netCardFen), true);
  L.push({ type: 'rule' });
  text('按支付 BY TENDER', 'left', true);
  pair('储值卡 CARD', formatMoney(t.tender.cardFen));
  pair('现金(分单) CASH', formatMoney(t.tender.cashFen));
  pair('总销售额(含现金) TOTAL', formatMoney(t.netCardFen + t.netCashFen));
  pair(`联机 ONLINE ×${t.online.count}`, formatMoney(t.online.amountFen));
  pair(`离线 OFFLINE ×${t.offline.count}`, formatMoney(t.offline.amountFen));
  L.push({ type: 'rule' });
  text('钱箱 DRAWER', 'left', true);
  pair('备用金 FLOAT', formatMoney(r.openingFloatFen));
  // What each kind moved in the drawer (a sale's cash part in, a card sold's cash in, a cash-out's
  // out): float + these = expected. Read from byKind, so a new kind's cash is listed with no edit.
  for (const [type, k] of Object.entries(t.byKind ?? {})) {
    if (!k.cashFen) continue;
    const words = kinds.has(type) ? `${kinds.get(type).title.zh} ${kinds.get(type).title.en}` : type;
    pair(`  ${words}`, signed(k.cashFen));
  }
  if (r.variance) {
    pair('应有 EXPECTED', formatMoney(r.variance.expectedFen));
    pair('实点 COUNTED', formatMoney(r.variance.countedFen));
    // The count by denomination (点钞明细), as the cashier entered it: "¥100 ×3  ¥300.00".
    for (const d of r.variance.denominations ?? [])
      pair(`  ${denominationLabel(d.valueFen)} ×${d.count}`, formatMoney(d.valueFen * d.count));
    const w =
      r.variance.status === 'balanced'
        ? '平 BALANCED'
        : r.variance.status === 'over'
          ? '长款 OVER'
          : '短款 SHORT';
    pair(`差异 ${w}`, signed(r.variance.varianceFen), true);
    // Who acknowledged and when on one line, the note on its own (a time is never split by a wrap).
    if (opts.ack) {
      pair(`已确认 ${opts.ack.acked_by}`, formatLocalTime(opts.ack.acked_at));
      if (opts.ack.note) text(`确认说明 ACK NOTE ${opts.ack.note}`);
    } else if (r.variance.needsAck) text('** 待店长确认 ACK PENDING **', 'center', true);
  } else pair('应有 EXPECTED', formatMoney(r.expectedCashFen));
  L.push({ type: 'rule' });
  text('队列与异常 QUEUE/EXCEPTIONS', 'left', true);
  // A Z is frozen at close: its queue figures are as they were then (the settlement below is live).
  const atClose = r.kind === 'Z';
  pair(atClose ? '结班时未上送 UNSENT AT CLOSE' : '离线未上送 OFFLINE UNSENT', String(r.queue.offlineUnsent));
  pair(
    atClose ? '结班时冲正待发 REV. AT CLOSE' : '冲正待发 REVERSALS QUEUED',
    String(r.queue.reversalsUnsent),
  );
  pair('拒绝 DECLINED', String(r.exceptions.declined));
  // A decline reason in words (简体中文; the code beside it for the issuer's help desk).
  for (const [code, n] of Object.entries(t.declined.byCode))
    pair(`  ${ERROR_WORDS[code as ErrorCode]?.zh ?? ''} ${code}`.trimEnd(), String(n));
  pair('冲正 REVERSALS', String(r.exceptions.reversals));
  if (r.exceptions.beforeOpen) pair('开班前交易 BEFORE OPEN', String(r.exceptions.beforeOpen));
  if (r.exceptions.pending) pair('处理中 PENDING', String(r.exceptions.pending));
  if (r.journal) {
    L.push({ type: 'rule' });
    pair('日志校验 JOURNAL', r.journal.ok ? `OK ×${r.journal.checked}` : 'FAILED 失败', !r.journal.ok);
    if (r.journal.problem) text(r.journal.problem);
    if (r.journal.acknowledgedBy) text(`店长已确认 ACK BY ${r.journal.acknowledgedBy}`);
    // The head (seq + SM3 chain hash) on paper: a later journal must contain exactly this record.
    if (r.journal.headSeq !== undefined && r.journal.headHash) {
      pair('日志头 HEAD', `#${r.journal.headSeq}`);
      text(r.journal.headHash.slice(0, 32));
      text(r.journal.headHash.slice(32));
    }
  }
  // Several issuers: each one's batch and settlement in its own section below.
  if (r.settlement && !r.issuers) {
    L.push({ type: 'rule' });
    const s = r.settlement;
    pair('对账 RECONCILE', SETTLEMENT_WORDS[s.status], s.status !== 'settled');
    if (s.issuerCode) text(`发卡方代码 ISSUER CODE ${s.issuerCode}`);
    if (s.forced) text('强制结班 FORCED CLOSE');
    if (s.issuerTotals)
      pair('发卡方 ISSUER', `${s.issuerTotals.saleCount}/${formatMoney(s.issuerTotals.saleFen ?? 0)}`);
    for (const d of s.discrepancies) {
      text(`${formatStan(d.stan)} ${KIND_WORDS[d.kind] ?? d.kind}`);
      pair(
        `  ${settlementTypeTitle(d.type, kinds) ?? d.type}`,
        `${d.terminalFen === null ? '-' : formatMoney(d.terminalFen)} / ${d.issuerFen === null ? '-' : formatMoney(d.issuerFen)}`,
      );
    }
    if (s.carriedIn.length) pair('上批结转 CARRIED IN', String(s.carriedIn.length));
  }
  L.push(...issuerSectionLines(r, kinds, opts.width));
  L.push({ type: 'rule' });
  if (t.byHour.length) {
    text('时段 BY HOUR', 'left', true);
    for (const h of t.byHour) pair(`${h.hour}:00 ×${h.count}`, formatMoney(h.amountFen));
    L.push({ type: 'rule' });
  }
  if (opts.copy) text('** 副本 COPY **', 'center', true);
  L.push({ type: 'feed', lines: 3 }, { type: 'cut' });
  return { width: opts.width, lines: L };
}

/** Plain text of a ReceiptDoc (CSV/PDF export, CLI). */
export function docToText(doc: ReceiptDoc): string[] {
  return doc.lines.flatMap((l) =>
    l.type === 'text'
      ? [l.text]
      : l.type === 'pair'
        ? [`${l.left}  ${l.right}`]
        : l.type === 'rule'
          ? ['-'.repeat(doc.width)]
          : [],
  );
}
