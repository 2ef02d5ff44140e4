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
import { DEFAULT_TIME_ZONE, formatInZone } from '../../shared/local-time';
import { AUDIT_OUTCOME_WORDS, auditActionWords, auditDetailWords } from '../../shared/audit-words';
import { ERROR_WORDS, type ErrorCode } from '../../shared/errors';
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

/** Chinese beside each CSV item key, so a person reads the sheet and a program still finds the key. */
const ITEM_WORDS: Record<string, string> = {
  report: '报表 report',
  terminal: '终端号 terminal',
  merchant: '商户号 merchant',
  shift: '班次 shift',
  stan_range: '流水范围 STAN range',
  opened_at: '开班时间 opened',
  closed_at: '结班时间 closed',
  time_zone: '时区 time zone',
  sale: '消费 sales',
  void: '撤销 voids',
  refund: '退货 refunds',
  inquiry: '查询 inquiries',
  net_card: '卡净额 net card sales',
  card: '储值卡 card',
  cash: '现金 cash',
  total_incl_cash: '总销售额(含现金) total incl. cash',
  online: '联机 online',
  offline: '离线 offline',
  opening_float: '备用金 float',
  expected: '应有 expected',
  counted: '实点 counted',
  variance_balanced: '差异 平 balanced',
  variance_over: '差异 长款 over',
  variance_short: '差异 短款 short',
  offline_unsent: '离线未上送 offline unsent',
  reversals_unsent: '冲正待发 reversals queued',
};

/**
 * A kind's count and amount: from `byKind`, or — in a Z report frozen before it existed — from the
 * kind's own bucket (each of that release's kinds had a bucket to itself).
 */
function kindLine(t: ShiftReport['totals'], k: TxnKind): { count: number; amountFen: number } {
  const mine = t.byKind?.[k.type];
  if (mine) return mine;
  if (t.byKind || k.totals === null) return { count: 0, amountFen: 0 };
  // Kinds newer than that release (chip purchases) have no bucket field of their own.
  const b = (t as unknown as Partial<Record<string, { count: number; amountFen?: number }>>)[k.totals];
  return { count: b?.count ?? 0, amountFen: b?.amountFen ?? 0 };
}

/**
 * A report as CSV rows: section, item (a stable key), count, amount (fen), amount (yuan), and the
 * item in words (简体中文 + English). Headers in both languages; times in the store's time zone.
 */
export function reportCsv(r: ShiftReport, timeZone: string = DEFAULT_TIME_ZONE): string {
  const yuan = (f: number) => (f / 100).toFixed(2);
  const t = r.totals;
  const rows: unknown[][] = [
    ['section', 'item', 'count', 'amount_fen', 'amount_yuan', 'label'],
    ['header', 'report', `${r.kind}`, '', '', r.kind === 'Z' ? 'Z 结班报表 Z report' : 'X 班中报表 X report'],
    ['header', 'terminal', r.terminalId, '', ''],
    ['header', 'merchant', r.merchantId, '', ''],
    ['header', 'shift', r.shiftId, '', ''],
    ['header', 'stan_range', `${r.fromStan}-${r.toStan}`, '', ''],
    ['header', 'opened_at', formatInZone(r.openedAt, timeZone), '', ''],
    ['header', 'closed_at', formatInZone(r.closedAt, timeZone), '', ''],
    ['header', 'time_zone', timeZone, '', ''],
    // One line per kind (src/shared/txn-kinds.ts); the amount is blank for kinds that move no money.
    ...TXN_KINDS.list.map((k) => {
      const line = kindLine(t, k);
      const words = `${k.title.zh} ${k.title.en.toLowerCase()}`;
      return movesMoney(k)
        ? ['type', k.type, line.count, line.amountFen, yuan(line.amountFen), words]
        : ['type', k.type, line.count, '', '', words];
    }),
    ['type', 'net_card', '', t.netCardFen, yuan(t.netCardFen)],
    ['tender', 'card', '', t.tender.cardFen, yuan(t.tender.cardFen)],
    ['tender', 'cash', '', t.tender.cashFen, yuan(t.tender.cashFen)],
    ['tender', 'total_incl_cash', '', t.netCardFen + t.netCashFen, yuan(t.netCardFen + t.netCashFen)],
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
        '点钞 counted',
      ]),
      ['drawer', `variance_${r.variance.status}`, '', r.variance.varianceFen, yuan(r.variance.varianceFen)],
    );
  rows.push(
    ['queue', 'offline_unsent', r.queue.offlineUnsent, '', ''],
    ['queue', 'reversals_unsent', r.queue.reversalsUnsent, '', ''],
  );
  for (const [code, n] of Object.entries(t.declined.byCode))
    rows.push(['declined', code, n, '', '', `拒绝 declined: ${ERROR_WORDS[code as ErrorCode]?.zh ?? code}`]);
  for (const h of t.byHour)
    rows.push(['hour', h.hour, h.count, h.amountFen, yuan(h.amountFen), `${h.hour}:00 时段 hour`]);
  if (r.journal)
    rows.push([
      'journal',
      r.journal.ok ? 'ok' : 'FAILED',
      r.journal.checked,
      '',
      r.journal.problem ?? '',
      r.journal.ok ? '日志校验通过 journal verified' : '日志校验失败 journal check FAILED',
    ]);
  if (r.settlement) {
    rows.push(['settlement', r.settlement.status, r.settlement.batchNo, '', '', '对账 settlement']);
    for (const d of r.settlement.discrepancies)
      rows.push([
        `discrepancy_${d.kind}`,
        `stan ${d.stan} ${d.type}`,
        '',
        d.terminalFen ?? '',
        d.issuerFen ?? '',
        DISCREPANCY_WORDS[d.kind] ?? d.kind,
      ]);
  }
  // Several issuers: each one's sales, card net and batch settlement (the same fold, its rows).
  for (const p of r.issuers ?? []) {
    const it = p.totals;
    rows.push(
      [
        'issuer_sales',
        p.issuerId,
        it.sales.count,
        it.sales.amountFen,
        yuan(it.sales.amountFen),
        `${p.name} 消费 sales`,
      ],
      ['issuer_net_card', p.issuerId, '', it.netCardFen, yuan(it.netCardFen), `${p.name} 卡净额 net card`],
    );
    if (p.settlement)
      rows.push([
        'issuer_settlement',
        p.issuerId,
        p.settlement.batchNo,
        '',
        p.settlement.status,
        `${p.name} 对账 settlement`,
      ]);
  }
  // Every row gets its words: the ones not given above come from ITEM_WORDS (or stay empty).
  rows[0] = [
    '分类 section',
    '项目 item',
    '笔数 count',
    '金额(分) amount_fen',
    '金额(元) amount_yuan',
    '说明 label',
  ];
  for (const row of rows.slice(1)) if (row.length < 6) row[5] = ITEM_WORDS[String(row[1])] ?? '';
  return toCsv(rows);
}

const DISCREPANCY_WORDS: Record<string, string> = {
  missing_at_issuer: '发卡方缺失 missing at issuer',
  missing_at_terminal: '终端缺失 missing at terminal',
  amount_differs: '金额不符 amount differs',
  in_offline_queue: '仍在离线队列 still in offline queue',
};

/** The audit log as CSV: bilingual headers, store-local times, the action and detail in words beside the keys. */
export function auditCsv(entries: readonly AuditEntry[], timeZone: string = DEFAULT_TIME_ZONE): string {
  return toCsv([
    [
      '编号 id',
      `时间 time (${timeZone})`,
      '操作员 operator',
      '角色 role',
      '操作 action',
      '操作说明 action words',
      '结果 outcome',
      '流水号 STAN',
      '班次 shift',
      '授权人 approved by',
      '详情 detail',
    ],
    ...entries.map((e) => [
      e.id,
      formatInZone(e.at, timeZone),
      e.operatorId,
      e.operatorRole,
      e.action,
      `${auditActionWords(e.action, 'zh')} ${auditActionWords(e.action, 'en')}`,
      `${AUDIT_OUTCOME_WORDS[e.outcome].zh} ${e.outcome}`,
      e.stan,
      e.shiftId,
      e.approvedBy,
      auditDetailWords(e.detail, 'zh'),
    ]),
  ]);
}

function newPdf(
  title: string,
  font: [string, string | undefined] | undefined,
  layout: 'portrait' | 'landscape',
  draw: (doc: PDFKit.PDFDocument) => void,
): Promise<Buffer> {
  const [file, name] = font ?? findCjkFont();
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      layout,
      margin: 40,
      info: { Title: title, Producer: 'CardTill' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      if (name) doc.registerFont('cjk', file, name);
      else doc.registerFont('cjk', file);
      doc.font('cjk').fontSize(14).text(title);
      doc.moveDown(0.5).fontSize(10);
      draw(doc);
      doc.end();
    } catch (e) {
      reject(new TillError('NO_CJK_FONT', `${file}: ${(e as Error).message}`));
    }
  });
}

/** Lines of text to a PDF (A4, the CJK font embedded). `font` overrides the search (tests). */
export function linesToPdf(
  title: string,
  lines: readonly string[],
  font?: [string, string | undefined],
): Promise<Buffer> {
  return newPdf(title, font, 'portrait', (doc) => {
    for (const l of lines) doc.text(l);
  });
}

export interface PdfColumn {
  header: string;
  /** Share of the table's width (the shares are normalised). */
  weight: number;
  align?: 'left' | 'right';
}

/**
 * A table: a header row (repeated on every page), cells that wrap within their column, thin rules
 * between rows, a shaded row for a section heading (a row with only its first cell set and
 * `section: true`). What the report and audit PDFs are made of.
 */
export function drawTable(
  doc: PDFKit.PDFDocument,
  cols: readonly PdfColumn[],
  rows: ReadonlyArray<{ cells: readonly string[]; section?: boolean; bold?: boolean }>,
): void {
  const x0 = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const sum = cols.reduce((a, c) => a + c.weight, 0);
  const widths = cols.map((c) => (c.weight / sum) * width);
  const pad = 4;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  let y = doc.y;
  const rowHeight = (cells: readonly string[]) =>
    Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i]! - 2 * pad }))) + 2 * pad;
  const drawRow = (cells: readonly string[], opts: { fill?: string; span?: boolean; header?: boolean }) => {
    const h = opts.span
      ? doc.heightOfString(cells[0] || ' ', { width: width - 2 * pad }) + 2 * pad
      : rowHeight(cells);
    if (y + h > bottom()) {
      doc.addPage();
      y = doc.page.margins.top;
      if (!opts.header) header();
    }
    if (opts.fill) doc.save().rect(x0, y, width, h).fill(opts.fill).restore();
    doc.fillColor('#000');
    if (opts.span) doc.text(cells[0] ?? '', x0 + pad, y + pad, { width: width - 2 * pad, lineBreak: true });
    else {
      let x = x0;
      cells.forEach((c, i) => {
        doc.text(c, x + pad, y + pad, { width: widths[i]! - 2 * pad, align: cols[i]!.align ?? 'left' });
        x += widths[i]!;
      });
    }
    y += h;
    doc
      .save()
      .moveTo(x0, y)
      .lineTo(x0 + width, y)
      .lineWidth(0.4)
      .strokeColor('#b8bec8')
      .stroke()
      .restore();
  };
  const header = () =>
    drawRow(
      cols.map((c) => c.header),
      { fill: '#dfe5ee', header: true },
    );
  header();
  for (const r of rows) {
    if (r.section) drawRow(r.cells, { fill: '#f1f4f8', span: true });
    else drawRow(r.cells, {});
  }
  doc.x = x0;
  doc.y = y + 6;
}

/**
 * A shift report (the printed document) as a PDF table: each heading a shaded row, each
 * label/value pair a row with the amount right-aligned in its own column, free text a full row.
 */
export function reportPdf(
  title: string,
  receipt: ReceiptDoc,
  font?: [string, string | undefined],
): Promise<Buffer> {
  const rows: Array<{ cells: string[]; section?: boolean }> = [];
  const lines = receipt.lines;
  // The document's own title lines (merchant, report name, COPY) are the PDF's heading, not rows.
  let i = 0;
  const head: string[] = [];
  while (i < lines.length && lines[i]!.type === 'text' && (lines[i] as { align?: string }).align === 'center')
    head.push((lines[i++] as { text: string }).text);
  for (const l of lines.slice(i)) {
    if (l.type === 'pair') rows.push({ cells: [l.left.trim(), l.right] });
    else if (l.type === 'text')
      rows.push(
        l.bold || l.align === 'center' ? { cells: [l.text], section: true } : { cells: [l.text, ''] },
      );
  }
  return newPdf(title, font, 'portrait', (doc) => {
    for (const h of head) doc.fontSize(11).text(h);
    doc.moveDown(0.4).fontSize(10);
    drawTable(
      doc,
      [
        { header: '项目 ITEM', weight: 3 },
        { header: '金额/数量 AMOUNT', weight: 2, align: 'right' },
      ],
      rows,
    );
  });
}

/** The audit log as a PDF table (A4 landscape), times in the store's zone, actions in words. */
export function auditPdf(
  title: string,
  entries: readonly AuditEntry[],
  timeZone: string = DEFAULT_TIME_ZONE,
  font?: [string, string | undefined],
): Promise<Buffer> {
  return newPdf(title, font, 'landscape', (doc) => {
    doc.fontSize(8);
    drawTable(
      doc,
      [
        { header: `时间 TIME (${timeZone})`, weight: 14 },
        { header: '操作员 WHO', weight: 8 },
        { header: '操作 ACTION', weight: 18 },
        { header: '结果 OUTCOME', weight: 8 },
        { header: '流水号 STAN', weight: 7, align: 'right' },
        { header: '授权人 APPROVED', weight: 8 },
        { header: '详情 DETAIL', weight: 37 },
      ],
      entries.map((e) => ({
        cells: [
          formatInZone(e.at, timeZone),
          e.operatorId ?? '-',
          `${auditActionWords(e.action, 'zh')} ${auditActionWords(e.action, 'en')}`,
          `${AUDIT_OUTCOME_WORDS[e.outcome].zh} ${AUDIT_OUTCOME_WORDS[e.outcome].en}`,
          e.stan === null ? '' : String(e.stan).padStart(6, '0'),
          e.approvedBy ?? '',
          auditDetailWords(e.detail, 'zh'),
        ],
      })),
    );
  });
}
