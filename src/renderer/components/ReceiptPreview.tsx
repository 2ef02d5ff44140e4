import { useEffect, useState } from 'react';
import QRCode from 'qrcode';
import { useTill } from '../store';
import { useT } from './useLang';
import type { ReceiptDoc, ReceiptLine } from '../../shared/receipt-doc';

/** Display width of a string on a receipt: CJK and full-width characters take two columns. */
export function columns(s: string): number {
  let n = 0;
  for (const ch of s)
    n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(
      ch,
    )
      ? 2
      : 1;
  return n;
}

function QrImage({ data }: { data: string }) {
  const [src, setSrc] = useState<string>('');
  useEffect(() => {
    void QRCode.toDataURL(data, { margin: 1, width: 160, errorCorrectionLevel: 'M' }).then(setSrc);
  }, [data]);
  return src ? <img className="receipt-qr" src={src} alt="QR" data-testid="receipt-qr" /> : null;
}

function Line({ line, width }: { line: ReceiptLine; width: number }) {
  switch (line.type) {
    case 'text':
      return (
        <div
          className={`r-line align-${line.align ?? 'left'} ${line.size === 2 ? 'r-big' : ''} ${line.bold ? 'r-bold' : ''}`}
        >
          {line.text}
        </div>
      );
    case 'pair': {
      const gap = Math.max(1, width - columns(line.left) - columns(line.right));
      return (
        <div className={`r-line ${line.bold ? 'r-bold' : ''}`}>
          {line.left + ' '.repeat(gap) + line.right}
        </div>
      );
    }
    case 'rule':
      return <div className="r-line">{(line.char ?? '-').repeat(width)}</div>;
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
