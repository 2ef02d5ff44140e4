/**
 * Report and audit export: CSV (UTF-8 with BOM so Excel on a store PC opens Chinese correctly;
 * RFC 4180 quoting) and PDF (pdfkit, with a CJK font from the machine embedded as a subset, so the
 * PDF reads the same on any PC). No CJK font → a typed NO_CJK_FONT error, never a PDF of empty boxes.
 */
import fs from 'node:fs';
import PDFDocument from 'pdfkit';
import { TillError } from '../../shared/errors';
import type { ShiftReport, AuditEntry } from '../../shared/contract/manager';
import type { ReceiptDoc } from '../../shared/receipt-doc';
import { denominationLabel } from '../../shared/denominations';
import { TXN_KINDS, movesMoney, type TxnKind } from '../../shared/txn-kinds';

/** Where store PCs keep a Chinese font: Debian/Ubuntu kiosks, Windows, macOS. [file, font name inside a collection] */
export const CJK_FONT_CANDIDATES: ReadonlyArray<[string, string | undefined]> = [
  ['/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', 'WenQuanYiMicroHei'],
  ['/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', 'WenQuanYiZenHei'],
  ['/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', 'NotoSansCJKsc-Regular'],
  ['C:\\Windows\\Fonts\\msyh.ttc', 'MicrosoftYaHei'],
  ['C:\\Windows\\Fonts\\simhei.ttf', undefined],
  ['C:\\Windows\\Fonts\\simsun.ttc', 'SimSun'],
  ['/System/Library/Fonts/PingFang.ttc', 'PingFangSC-Regular'],
  ['/System/Library/Fonts/STHeiti Light.ttc', 'STHeitiSC-Light'],
  ['/Library/Fonts/Arial Unicode.ttf', undefined],
];

export function findCjkFont(
  candidates: ReadonlyArray<[string, string | undefined]> = CJK_FONT_CANDIDATES,
): [string, string | undefined] {
  const hit = candidates.find(([f]) => fs.existsSync(f));
  if (!hit) throw new TillError('NO_CJK_FONT', `looked in ${candidates.map(([f]) => f).join(', ')}`);
  return hit;
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  // RFC 4180 quoting; a leading =,+,-,@ is prefixed with ' so a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  return '\ufeff' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/**
 * A kind's count and amount: from `byKind`, or — in a Z report frozen before it existed — from the
 * kind's own bucket (each of that release's kinds had a bucket to itself).
 */
function kindLine(t: ShiftReport['totals'], k: TxnKind): { count: number; amountFen: number } {
  const mine = t.byKind?.[k.type];
  if (mine) return mine;
  if (t.byKind || k.totals === null) return { count: 0, amountFen: 0 };
  const b: { count: number; amountFen?: number } = t[k.totals];
  return { count: b.count, amountFen: b.amountFen ?? 0 };
}

/** A report as CSV rows: section, item, count, amount (fen), amount (yuan). */
export function reportCsv(r: ShiftReport): string {
  const yuan = (f: number) => (f / 100).toFixed(2);
  const t = r.totals;
  const rows: unknown[][] = [
    ['section', 'item', 'count', 'amount_fen', 'amount_yuan'],
    ['header', `${r.kind} report`, '', '', ''],
    ['header', 'terminal', r.terminalId, '', ''],
    ['header', 'merchant', r.merchantId, '', ''],
    ['header', 'shift', r.shiftId, '', ''],
    ['header', 'stan_range', `${r.fromStan}-${r.toStan}`, '', ''],
    ['header', 'opened_at', r.openedAt, '', ''],
    ['header', 'closed_at', r.closedAt ?? '', '', ''],
    // One line per kind (src/shared/txn-kinds.ts); the amount is blank for kinds that move no money.
    ...TXN_KINDS.list.map((k) => {
      const line = kindLine(t, k);
      return movesMoney(k)
        ? ['type', k.type, line.count, line.amountFen, yuan(line.amountFen)]
        : ['type', k.type, line.count, '', ''];
    }),
    ['type', 'net_card', '', t.netCardFen, yuan(t.netCardFen)],
    ['tender', 'card', '', t.tender.cardFen, yuan(t.tender.cardFen)],
    ['tender', 'cash', '', t.tender.cashFen, yuan(t.tender.cashFen)],
    ['channel', 'online', t.online.count, t.online.amountFen, yuan(t.online.amountFen)],
    ['channel', 'offline', t.offline.count, t.offline.amountFen, yuan(t.offline.amountFen)],
    ['drawer', 'opening_float', '', r.openingFloatFen, yuan(r.openingFloatFen)],
    ['drawer', 'expected', '', r.expectedCashFen, yuan(r.expectedCashFen)],
  ];
  if (r.variance)
    rows.push(
      ['drawer', 'counted', '', r.variance.countedFen, yuan(r.variance.countedFen)],
      // Count by denomination: item is the note or coin ("¥100", "¥0.50"), count how many, amount the subtotal.
      ...(r.variance.denominations ?? []).map((d) => [
        'drawer_count',
        denominationLabel(d.valueFen),
        d.count,
        d.valueFen * d.count,
        yuan(d.valueFen * d.count),
      ]),
      ['drawer', `variance_${r.variance.status}`, '', r.variance.varianceFen, yuan(r.variance.varianceFen)],
    );
  rows.push(
    ['queue', 'offline_unsent', r.queue.offlineUnsent, '', ''],
    ['queue', 'reversals_unsent', r.queue.reversalsUnsent, '', ''],
  );
  for (const [code, n] of Object.entries(t.declined.byCode)) rows.push(['declined', code, n, '', '']);
  for (const h of t.byHour) rows.push(['hour', h.hour, h.count, h.amountFen, yuan(h.amountFen)]);
  if (r.journal)
    rows.push(['journal', r.journal.ok ? 'ok' : 'FAILED', r.journal.checked, '', r.journal.problem ?? '']);
  if (r.settlement) {
    rows.push(['settlement', r.settlement.status, r.settlement.batchNo, '', '']);
    for (const d of r.settlement.discrepancies)
      rows.push([
        `discrepancy_${d.kind}`,
        `stan ${d.stan} ${d.type}`,
        '',
        d.terminalFen ?? '',
        d.issuerFen ?? '',
      ]);
  }
  return toCsv(rows);
}

export function auditCsv(entries: readonly AuditEntry[]): string {
  return toCsv([
    ['id', 'at', 'operator', 'role', 'action', 'outcome', 'stan', 'shift', 'approved_by', 'detail'],
    ...entries.map((e) => [
      e.id,
      e.at,
      e.operatorId,
      e.operatorRole,
      e.action,
      e.outcome,
      e.stan,
      e.shiftId,
      e.approvedBy,
      e.detail,
    ]),
  ]);
}

/** Lines of text to a PDF (A4, the CJK font embedded). `font` overrides the search (tests). */
export function linesToPdf(
  title: string,
  lines: readonly string[],
  font?: [string, string | undefined],
): Promise<Buffer> {
  const [file, name] = font ?? findCjkFont();
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 48, info: { Title: title, Producer: 'CardTill' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      if (name) doc.registerFont('cjk', file, name);
      else doc.registerFont('cjk', file);
      doc.font('cjk').fontSize(14).text(title);
      doc.moveDown(0.5).fontSize(10);
      for (const l of lines) doc.text(l);
      doc.end();
    } catch (e) {
      reject(new TillError('NO_CJK_FONT', `${file}: ${(e as Error).message}`));
    }
  });
}

export function receiptDocLines(doc: ReceiptDoc): string[] {
  return doc.lines.flatMap((l) =>
    l.type === 'text'
      ? [l.text]
      : l.type === 'pair'
        ? [`${l.left}    ${l.right}`]
        : l.type === 'rule'
          ? ['']
          : [],
  );
}
