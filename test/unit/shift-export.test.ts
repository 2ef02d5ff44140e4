/**
 * CSV and PDF export. The PDF's text is extracted back — with `pdftotext` (poppler-utils) when the
 * machine has it, and always by our own reader of the embedded font's ToUnicode map and the page's
 * glyph runs — so "the Chinese is really in the PDF, as text" is checked, not assumed.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import {
  toCsv,
  auditCsv,
  reportCsv,
  linesToPdf,
  reportPdf,
  auditPdf,
  findCjkFont,
  CJK_FONT_CANDIDATES,
} from '../../src/main/shift/export';
import { layoutShiftReport } from '../../src/main/shift/report-layout';
import type { ShiftReport } from '../../src/shared/contract/manager';
import { TillError } from '../../src/shared/errors';
import { requireSystem } from '../helpers/require-system';

/** Inflates every FlateDecode stream of a PDF (pdfkit compresses content and CMaps). */
function streams(pdf: Buffer): string[] {
  const out: string[] = [];
  const s = pdf.toString('latin1');
  const re = /(?<!end)stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    const start = m.index + m[0].length;
    const end = s.indexOf('endstream', start);
    if (end < 0) break;
    try {
      out.push(zlib.inflateSync(pdf.subarray(start, end)).toString('latin1'));
    } catch {
      out.push(s.slice(start, end));
    }
    re.lastIndex = end + 'endstream'.length;
  }
  return out;
}

/** Text of a pdfkit PDF: glyph codes of the page's hex TJ runs mapped through the ToUnicode CMap. */
export function extractText(pdf: Buffer): string {
  const all = streams(pdf);
  const map = new Map<string, string>();
  for (const st of all.filter((x) => x.includes('begincmap'))) {
    for (const [, body] of st.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
      for (const [, lo, hi, dst] of body.matchAll(
        /<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]+>|\[[^\]]*\])/g,
      )) {
        const a = parseInt(lo, 16);
        const b = parseInt(hi, 16);
        const dsts = dst.startsWith('[') ? [...dst.matchAll(/<([0-9a-fA-F]+)>/g)].map((x) => x[1]) : null;
        for (let c = a; c <= b; c++) {
          const hex = dsts
            ? dsts[c - a]
            : (parseInt(dst.slice(1, -1), 16) + (c - a)).toString(16).padStart(4, '0');
          const chars = hex
            .match(/.{4}/g)!
            .map((u) => String.fromCharCode(parseInt(u, 16)))
            .join('');
          map.set(c.toString(16).padStart(4, '0'), chars);
        }
      }
    }
  }
  const lines: string[] = [];
  for (const st of all.filter((x) => /\bTJ\b/.test(x))) {
    for (const [, arr] of st.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      lines.push(
        [...arr.matchAll(/<([0-9a-fA-F]+)>/g)]
          .map(([, hex]) =>
            hex
              .match(/.{4}/g)!
              .map((g) => map.get(g.toLowerCase()) ?? '?')
              .join(''),
          )
          .join(''),
      );
    }
  }
  return lines.join('\n');
}

describe('CSV', () => {
  it('UTF-8 BOM, CRLF, RFC 4180 quoting, formula injection defused', () => {
    const csv = toCsv([
      ['a', 'b,c', 'say "hi"'],
      ['=SUM(A1)', -100, '王芳'],
    ]);
    expect(csv.startsWith('\ufeff')).toBe(true);
    expect(csv).toBe('\ufeffa,"b,c","say ""hi"""\r\n\'=SUM(A1),-100,王芳\r\n');
  });
  it('audit CSV: bilingual header, store-local time, action and detail in words and yuan', () => {
    const csv = auditCsv([
      {
        id: 1,
        at: '2026-12-01T16:30:05.000Z',
        operatorId: '1001',
        operatorRole: 'cashier',
        action: 'txn.void',
        outcome: 'ok',
        stan: 7,
        shiftId: 1,
        approvedBy: '2001',
        detail: 'void of 6 1250 fen 888801******0017',
      },
    ]);
    expect(csv.trim().split('\r\n')).toEqual([
      '编号 id,时间 time (Asia/Shanghai),操作员 operator,角色 role,操作 action,操作说明 action words,结果 outcome,流水号 STAN,班次 shift,授权人 approved by,详情 detail',
      '1,2026-12-02 00:30:05,1001,cashier,txn.void,撤销 Void,成功 ok,7,1,2001,撤销原流水 6，¥12.50，888801******0017',
    ]);
  });
  it('report CSV: bilingual header and labels, times in the configured zone, keys kept for programs', () => {
    const csv = reportCsv(REPORT, 'Asia/Shanghai');
    const rows = csv.replace('\ufeff', '').trim().split('\r\n');
    expect(rows[0]).toBe(
      '分类 section,项目 item,笔数 count,金额(分) amount_fen,金额(元) amount_yuan,说明 label',
    );
    expect(rows).toContain('header,opened_at,2026-12-01 20:00:00,,,开班时间 opened');
    expect(rows).toContain('header,time_zone,Asia/Shanghai,,,时区 time zone');
    expect(rows).toContain('type,net_card,,3250,32.50,卡净额 net card sales');
    expect(rows).toContain('tender,total_incl_cash,,4250,42.50,总销售额(含现金) total incl. cash');
    expect(csv).not.toMatch(/T\d\d:\d\d:\d\d\.\d+Z/); // no raw UTC instant
  });
});

const TOTALS: ShiftReport['totals'] = {
  sales: { count: 2, amountFen: 3250, cashFen: 1000 },
  voids: { count: 0, amountFen: 0, cashFen: 0 },
  refunds: { count: 0, amountFen: 0 },
  inquiries: { count: 0 },
  reversals: { count: 0, amountFen: 0 },
  declined: { count: 0, byCode: {} },
  pending: { count: 0 },
  online: { count: 2, amountFen: 3250 },
  offline: { count: 0, amountFen: 0 },
  netCardFen: 3250,
  netCashFen: 1000,
  tender: { cardFen: 3250, cashFen: 1000 },
  byHour: [{ hour: '20', count: 2, amountFen: 3250 }],
};
const REPORT: ShiftReport = {
  kind: 'Z',
  shiftId: 1,
  terminalId: 'T0000001',
  merchantId: 'M000000000001',
  merchantName: 'CardTill 演示商店',
  openedAt: '2026-12-01T12:00:00.000Z',
  openedBy: '2001',
  closedAt: '2026-12-01T13:00:00.000Z',
  closedBy: '2001',
  fromStan: 1,
  toStan: 2,
  openingFloatFen: 10000,
  totals: TOTALS,
  expectedCashFen: 11000,
  variance: null,
  queue: { offlineUnsent: 0, reversalsUnsent: 0 },
  exceptions: { beforeOpen: 0, declined: 0, pending: 0, reversals: 0 },
  journal: { ok: true, checked: 2, lastSeq: 2 },
  settlement: null,
  generatedAt: '2026-12-01T13:00:00.000Z',
};

const haveFont = requireSystem(
  'a CJK font',
  CJK_FONT_CANDIDATES.map(([f]) => f),
  'fonts-wqy-microhei',
);

describe.runIf(haveFont)('PDF', () => {
  it('embeds the CJK font and its Chinese comes back out as text', async () => {
    const pdf = await linesToPdf('Z 结班报表 Z REPORT', [
      '消费 SALES ×2    ¥20.50',
      '差异 短款 SHORT    -¥1.00',
      '王芳 李店长',
    ]);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/\/FontFile2/); // the TrueType program is embedded (a subset)
    expect(raw).toMatch(/WenQuanYi|Noto|YaHei|PingFang|SimSun|SimHei|Heiti|ArialUnicode/);
    const text = extractText(pdf);
    expect(text).toContain('结班报表');
    expect(text).toContain('短款 SHORT');
    expect(text).toContain('-¥1.00');
    expect(text).toContain('王芳 李店长');
    if (fs.existsSync('/usr/bin/pdftotext')) {
      const f = path.join(os.tmpdir(), `cardtill-${process.pid}.pdf`);
      fs.writeFileSync(f, pdf);
      const r = spawnSync('/usr/bin/pdftotext', [f, '-'], { encoding: 'utf8' });
      fs.rmSync(f);
      expect(r.stdout).toContain('结班报表');
      expect(r.stdout).toContain('王芳 李店长');
    }
  });
});

/**
 * The PDF exports are tables (issue 11 item 25): the amounts of the report stand in one right-aligned
 * column, checked on the page itself — pdftotext -bbox gives each word's box — and the page is
 * rendered with pdftoppm (poppler-utils) to a PNG in test-results for a person to look at.
 */
const havePoppler = requireSystem(
  'poppler-utils',
  ['/usr/bin/pdftotext', '/usr/bin/pdftoppm'],
  'poppler-utils',
);
describe.runIf(haveFont && havePoppler)('PDF tables', () => {
  const words = (pdf: Buffer, name: string) => {
    const dir = path.resolve('test-results/pdf');
    fs.mkdirSync(dir, { recursive: true });
    const f = path.join(dir, `${name}.pdf`);
    fs.writeFileSync(f, pdf);
    const png = spawnSync('/usr/bin/pdftoppm', [
      '-png',
      '-r',
      '60',
      '-f',
      '1',
      '-l',
      '1',
      f,
      path.join(dir, name),
    ]);
    expect(png.status).toBe(0);
    const html = spawnSync('/usr/bin/pdftotext', ['-bbox', f, '-'], { encoding: 'utf8' }).stdout;
    return [
      ...html.matchAll(
        /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g,
      ),
    ].map((m) => ({ x0: Number(m[1]), y: Number(m[2]), x1: Number(m[3]), text: m[4]! }));
  };

  it('the Z report: labels in one column, every amount right-aligned in the next', async () => {
    const doc = layoutShiftReport(REPORT, { width: 48 });
    const w = words(await reportPdf('CardTill Z T0000001 #1', doc), 'z-report');
    const amounts = w.filter((x) => /^-?¥[\d,]+\.\d\d$/.test(x.text));
    expect(amounts.length).toBeGreaterThan(8);
    const rights = amounts.map((a) => a.x1);
    expect(Math.max(...rights) - Math.min(...rights)).toBeLessThan(1.5); // one right edge
    const label = w.find((x) => x.text === '卡净额')!;
    const net = amounts.find((a) => Math.abs(a.y - label.y) < 3)!;
    expect(net.text).toBe('¥32.50'); // on the same row as its label
    expect(w.some((x) => x.text === '项目')).toBe(true); // the table's header
  });

  it('the audit log: a header row and one row per entry, columns in words', async () => {
    const entries = Array.from({ length: 3 }, (_, i) => ({
      id: i + 1,
      at: '2026-12-01T12:00:00.000Z',
      operatorId: '2001',
      operatorRole: 'manager',
      action: 'shift.open',
      outcome: 'ok' as const,
      stan: null,
      shiftId: 1,
      approvedBy: null,
      detail: 'float 10000',
    }));
    const w = words(await auditPdf('CardTill 审计日志 Audit log', entries, 'Asia/Shanghai'), 'audit');
    const times = w.filter((x) => x.text === '20:00:00');
    expect(times.length).toBe(3); // store-local, one per row
    const details = w.filter((x) => x.text === '¥100.00');
    expect(details.length).toBe(3);
    // Same column: every detail starts at one x.
    expect(Math.max(...details.map((d) => d.x0)) - Math.min(...details.map((d) => d.x0))).toBeLessThan(1);
    expect(w.map((x) => x.text).join(' ')).not.toMatch(/\bfen\b|shift\.open/);
  });
});

describe('no CJK font', () => {
  it('is a typed NO_CJK_FONT error naming where it looked', async () => {
    const none: Array<[string, undefined]> = [['/nonexistent/font.ttc', undefined]];
    expect(() => findCjkFont(none)).toThrow(TillError);
    try {
      findCjkFont(none);
    } catch (e) {
      expect((e as TillError).code).toBe('NO_CJK_FONT');
      expect((e as TillError).detail).toContain('/nonexistent/font.ttc');
    }
    await expect(linesToPdf('x', ['y'], ['/nonexistent/font.ttc', undefined])).rejects.toMatchObject({
      code: 'NO_CJK_FONT',
    });
  });
});
