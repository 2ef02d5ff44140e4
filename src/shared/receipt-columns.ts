/**
 * A ReceiptDoc as the lines a receipt printer prints, in columns: the on-screen preview and the
 * report PDF use this, so what the manager sees lines up exactly like the paper.
 *
 * Column rule = the printer's (src/drivers/printer/text.ts `charColumns`): an ASCII character is
 * one column (12 dots, Font A), every other character two (24 dots: Chinese, full-width, and ¥,
 * which the printer prints as the full-width ￥). A browser's monospace font does not draw a CJK
 * glyph exactly two columns wide, so the preview puts every wide character in a 2ch box
 * (ReceiptPreview.tsx); with this rule both agree. Pure, no DOM, no Node.
 */
import type { ReceiptDoc, ReceiptLine } from './receipt-doc';

export function charColumns(ch: string): 1 | 2 {
  return ch.codePointAt(0)! < 0x80 ? 1 : 2;
}

export function columns(s: string): number {
  let n = 0;
  for (const ch of s) n += charColumns(ch);
  return n;
}

/** Splits into pieces of at most `width` columns, never inside a character (as the printer does). */
export function wrapColumns(s: string, width: number): string[] {
  if (s === '') return [''];
  const out: string[] = [];
  let cur = '';
  let cols = 0;
  for (const ch of s) {
    const w = charColumns(ch);
    if (cols + w > width && cur !== '') {
      out.push(cur);
      cur = '';
      cols = 0;
    }
    cur += ch;
    cols += w;
  }
  out.push(cur);
  return out;
}

/**
 * Splits at spaces into lines of at most `width` columns, so a name ("演示发卡方 Demo issuer
 * (JSON) (default)") breaks between words, not inside one; a word wider than a line is cut as
 * wrapColumns cuts it.
 */
export function wrapWords(s: string, width: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of s.split(' ')) {
    const next = cur ? `${cur} ${word}` : word;
    if (columns(next) <= width) {
      cur = next;
      continue;
    }
    if (cur) out.push(cur);
    const pieces = wrapColumns(word, width);
    cur = pieces.pop()!;
    out.push(...pieces);
  }
  out.push(cur);
  return out;
}

/** One printed line: its text padded to the paper's columns (size 2 lines count double). */
export interface PrintedRow {
  text: string;
  bold?: boolean;
  big?: boolean;
  /** The source line's kind, so a consumer (PDF) can draw rules and label/value pairs as such. */
  kind: 'text' | 'pair' | 'rule' | 'other';
  /** For a pair that fits on one line: where the value starts (in columns). */
  left?: string;
  right?: string;
}

function aligned(s: string, width: number, align: 'left' | 'center' | 'right'): string {
  const room = Math.max(0, width - columns(s));
  if (align === 'right') return ' '.repeat(room) + s;
  if (align === 'center') return ' '.repeat(Math.floor(room / 2)) + s;
  return s;
}

function rowsOf(l: ReceiptLine, width: number): PrintedRow[] {
  switch (l.type) {
    case 'text': {
      const big = l.size === 2;
      const avail = big ? Math.floor(width / 2) : width;
      return l.text
        .replace(/\r\n?/g, '\n')
        .split('\n')
        .flatMap((para) => wrapColumns(para, avail))
        .map((piece) => ({
          kind: 'text' as const,
          text: aligned(piece, avail, l.align ?? 'left'),
          ...(l.bold ? { bold: true } : {}),
          ...(big ? { big: true } : {}),
        }));
    }
    case 'pair': {
      const b = l.bold ? { bold: true } : {};
      const gap = width - columns(l.left) - columns(l.right);
      if (gap >= 1)
        return [
          { kind: 'pair', text: l.left + ' '.repeat(gap) + l.right, left: l.left, right: l.right, ...b },
        ];
      // Too long for one line: the label wraps, the value goes right-aligned below (the printer's way).
      return [
        ...wrapColumns(l.left, width).map((p) => ({ kind: 'pair' as const, text: p, ...b })),
        ...wrapColumns(l.right, width).map((p) => ({
          kind: 'pair' as const,
          text: aligned(p, width, 'right'),
          ...b,
        })),
      ];
    }
    case 'rule': {
      const ch = l.char ?? '-';
      return [{ kind: 'rule', text: ch.repeat(Math.floor(width / charColumns(ch))) }];
    }
    default:
      return [];
  }
}

/** Every printed line of a document (QR codes, feeds and cuts are not text and are left out). */
export function printedRows(doc: ReceiptDoc): PrintedRow[] {
  return doc.lines.flatMap((l) => rowsOf(l, doc.width));
}
