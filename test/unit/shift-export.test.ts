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
import { toCsv, auditCsv, linesToPdf, findCjkFont, CJK_FONT_CANDIDATES } from '../../src/main/shift/export';
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
  it('audit CSV has a header and one line per entry', () => {
    const csv = auditCsv([
      {
        id: 1,
        at: 'T',
        operatorId: '1001',
        operatorRole: 'cashier',
        action: 'txn.void',
        outcome: 'ok',
        stan: 7,
        shiftId: 1,
        approvedBy: '2001',
        detail: 'void of 6',
      },
    ]);
    expect(csv.trim().split('\r\n')).toEqual([
      'id,at,operator,role,action,outcome,stan,shift,approved_by,detail',
      '1,T,1001,cashier,txn.void,ok,7,1,2001,void of 6',
    ]);
  });
});

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
