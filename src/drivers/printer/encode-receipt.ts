/**
 * ReceiptDoc → ESC/POS bytes. Pure: the same document always gives the same bytes (snapshot
 * tests in test/fixtures/escpos). Layout is done here, in columns, so that what the decoder reads
 * back is exactly what the paper shows; the printer's own line wrapping is never relied on.
 */
import { ReceiptDoc, type ReceiptLine } from '../../shared/receipt-doc';
import * as cmd from './escpos';
import { PrinterError } from './errors';
import { columns, gb18030, printable, wrap } from './text';

type Align = 0 | 1 | 2;

class Builder {
  private out: number[] = [];
  private cur = { align: 0 as Align, size: 0, bold: false };

  push(...bytes: readonly number[] | number[]): void {
    for (const b of bytes) this.out.push(b);
  }
  bytes(b: Uint8Array): void {
    for (const x of b) this.out.push(x);
  }
  /** Emits mode commands only when the mode changes. */
  mode(align: Align, size: number, bold: boolean): void {
    if (align !== this.cur.align) this.push(...cmd.align(align));
    if (size !== this.cur.size) this.push(...cmd.size(size));
    if (bold !== this.cur.bold) this.push(...cmd.bold(bold));
    this.cur = { align, size, bold };
  }
  line(text: string): void {
    this.bytes(gb18030(text));
    this.push(cmd.LF);
  }
  result(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

const ALIGN: Record<string, Align> = { left: 0, center: 1, right: 2 };

export function encodeReceipt(input: ReceiptDoc, opts: { width?: 32 | 48 } = {}): Uint8Array {
  const parsed = ReceiptDoc.safeParse(input);
  if (!parsed.success)
    throw new PrinterError('INVALID_DOC', `receipt document is malformed: ${parsed.error.message}`);
  const doc = parsed.data;
  const width = opts.width ?? doc.width;
  const b = new Builder();
  b.push(...cmd.INIT, ...cmd.KANJI_ON);
  for (const l of doc.lines) encodeLine(b, l, width);
  b.mode(0, 0, false);
  return b.result();
}

function encodeLine(b: Builder, l: ReceiptLine, width: number): void {
  switch (l.type) {
    case 'text': {
      const big = l.size === 2;
      b.mode(ALIGN[l.align ?? 'left']!, big ? 0x11 : 0, !!l.bold);
      const avail = big ? Math.floor(width / 2) : width;
      for (const para of printable(l.text.replace(/\r\n?/g, '\n')).split('\n'))
        for (const piece of wrap(para, avail)) b.line(piece);
      return;
    }
    case 'pair': {
      b.mode(0, 0, !!l.bold);
      const left = printable(l.left);
      const right = printable(l.right);
      const gap = width - columns(left) - columns(right);
      if (gap >= 1) {
        b.line(left + ' '.repeat(gap) + right);
      } else {
        for (const piece of wrap(left, width)) b.line(piece);
        for (const piece of wrap(right, width)) b.line(' '.repeat(width - columns(piece)) + piece);
      }
      return;
    }
    case 'rule': {
      b.mode(0, 0, false);
      const ch = printable(l.char ?? '-');
      b.line(ch.repeat(Math.floor(width / columns(ch))));
      return;
    }
    case 'qr': {
      const data = new TextEncoder().encode(l.data);
      if (data.length === 0 || data.length > cmd.QR_MAX_BYTES)
        throw new PrinterError(
          'INVALID_DOC',
          `QR data must be 1..${cmd.QR_MAX_BYTES} bytes, got ${data.length}`,
        );
      b.mode(1, 0, false);
      b.push(
        ...cmd.QR_MODEL_2,
        ...cmd.qrModuleSize(l.size ?? 6),
        ...cmd.QR_EC_M,
        ...cmd.qrStore(data),
        ...cmd.QR_PRINT,
      );
      b.push(cmd.LF);
      return;
    }
    case 'feed':
      b.push(...cmd.feedLines(l.lines));
      return;
    case 'cut':
      b.push(...cmd.CUT_PARTIAL_FEED);
      return;
  }
}
