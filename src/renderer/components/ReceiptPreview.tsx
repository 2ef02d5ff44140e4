import { useEffect, useState } from 'react';
import QRCode from 'qrcode';
import { useTill } from '../store';
import { useT } from './useLang';
import type { ReceiptDoc, ReceiptLine } from '../../shared/receipt-doc';
import { charColumns, printedRows, type PrintedRow } from '../../shared/receipt-columns';
import './receipt-columns.css';

/**
 * One printed row: ASCII runs as text, every wide character (Chinese, ¥) in a box exactly two
 * columns wide, so the preview lines up like the paper whatever the font's CJK advance is.
 */
function Row({ row }: { row: PrintedRow }) {
  const parts: React.ReactNode[] = [];
  let run = '';
  let i = 0;
  for (const ch of row.text) {
    if (charColumns(ch) === 1) run += ch;
    else {
      if (run) parts.push(run);
      run = '';
      parts.push(
        <span key={i++} className="r-w2">
          {ch}
        </span>,
      );
    }
  }
  if (run) parts.push(run);
  return <div className={`r-line ${row.bold ? 'r-bold' : ''}`}>{parts}</div>;
}

function QrImage({ data }: { data: string }) {
  const [src, setSrc] = useState<string>('');
  useEffect(() => {
    void QRCode.toDataURL(data, { margin: 1, width: 160, errorCorrectionLevel: 'M' }).then(setSrc);
  }, [data]);
  return src ? <img className="receipt-qr" src={src} alt="QR" data-testid="receipt-qr" /> : null;
}

function Line({ line, width }: { line: ReceiptLine; width: 32 | 48 }) {
  switch (line.type) {
    case 'text':
    case 'pair':
    case 'rule':
      // Double-size text is centred by the browser; everything else is laid out in columns.
      if (line.type === 'text' && line.size === 2)
        return (
          <div className={`r-line align-${line.align ?? 'left'} r-big ${line.bold ? 'r-bold' : ''}`}>
            {line.text}
          </div>
        );
      return (
        <>
          {printedRows({ width, lines: [line] }).map((r, i) => (
            <Row key={i} row={r} />
          ))}
        </>
      );
    case 'qr':
      return (
        <div className="r-line align-center">
          <QrImage data={line.data} />
        </div>
      );
    case 'feed':
      return <div style={{ height: `${line.lines * 0.6}em` }} />;
    case 'cut':
      return <div className="r-cut">✂ - - - - - - - - - - - - -</div>;
  }
}

export function ReceiptView({ doc }: { doc: ReceiptDoc }) {
  return (
    <div className="receipt-paper" style={{ width: `${doc.width + 2}ch` }} data-testid="receipt-preview">
      {doc.lines.map((l, i) => (
        <Line key={i} line={l} width={doc.width} />
      ))}
    </div>
  );
}

export function ReceiptPreview() {
  const receipt = useTill((s) => s.cashier.receipt);
  const { t } = useT();
  if (!receipt) return <div className="receipt-empty muted">{t('receipt')}</div>;
  return <ReceiptView doc={receipt.doc} />;
}
