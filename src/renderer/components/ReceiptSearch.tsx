/**
 * Cashier: find any receipt of the shift by STAN, the card's last 4 digits or the time, look at it
 * in the preview and reprint it as a copy — with a word on which receipt was printed and how
 * (issue 11 #13). The search runs in the core (`txn.search`); only masked cards come back.
 */
import { useState } from 'react';
import { searchReceipts, reprintReceipt, showReceipt } from '../actions';
import { useTill } from '../store';
import { useT } from './useLang';
import { stanText, clockTime } from './ResultPanel';
import type { TxnResult } from '../../shared/contract';
import type { WordKey } from '../i18n';

type By = 'stan' | 'last4' | 'time';

/** "14:05" → [today 14:05, 15:05) in the till's local time, as ISO instants. */
function hourFrom(hhmm: string): { from: string; to: string } | null {
  const m = /^([01]?\d|2[0-3])[:：]?([0-5]\d)$/.exec(hhmm.trim());
  if (!m) return null;
  const d = new Date();
  d.setHours(Number(m[1]), Number(m[2]), 0, 0);
  return { from: d.toISOString(), to: new Date(d.getTime() + 3_600_000).toISOString() };
}

export function typeWord(r: TxnResult): WordKey {
  return r.type === 'inquiry'
    ? 'balance'
    : r.type === 'void'
      ? 'act_void'
      : r.type === 'refund'
        ? 'act_refund'
        : 'sale';
}

export function ReceiptSearch() {
  const { t, money, lang } = useT();
  const [open, setOpen] = useState(false);
  const [by, setBy] = useState<By>('stan');
  const [text, setText] = useState('');
  const [rows, setRows] = useState<TxnResult[] | null>(null);
  const [bad, setBad] = useState(false);

  const run = async () => {
    const q = text.trim();
    const query =
      by === 'stan' && /^\d{1,6}$/.test(q) && Number(q) > 0
        ? { stan: Number(q) }
        : by === 'last4' && /^\d{4}$/.test(q)
          ? { last4: q }
          : by === 'time'
            ? hourFrom(q)
            : null;
    setBad(!query);
    if (!query) return;
    try {
      setRows(await searchReceipts(query));
    } catch {
      setRows([]); // signed out meanwhile: nothing to show
    }
  };

  if (!open)
    return (
      <button className="btn" onClick={() => setOpen(true)} data-testid="receipt-search-open">
        {t('findReceipt')}
      </button>
    );
  return (
    <section className="receipt-search" data-testid="receipt-search">
      <h3>{t('findReceipt')}</h3>
      <form
        className="receipt-search-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <select
          value={by}
          onChange={(e) => setBy(e.target.value as By)}
          aria-label={t('searchBy')}
          data-testid="receipt-search-by"
        >
          <option value="stan">{t('searchStan')}</option>
          <option value="last4">{t('searchLast4')}</option>
          <option value="time">{t('searchTime')}</option>
        </select>
        <input
          className="mono"
          value={text}
          inputMode={by === 'time' ? 'text' : 'numeric'}
          placeholder={by === 'time' ? '14:05' : by === 'last4' ? '0017' : '000123'}
          onChange={(e) => setText(e.target.value)}
          data-testid="receipt-search-input"
        />
        <button type="submit" className="btn primary" data-testid="receipt-search-go">
          {t('search')}
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => setOpen(false)}
          data-testid="receipt-search-close"
        >
          {t('close')}
        </button>
      </form>
      {by === 'time' && <p className="muted small">{t('searchTimeHint')}</p>}
      {bad && (
        <p className="error" role="alert" data-testid="receipt-search-bad">
          {t('searchBad')}
        </p>
      )}
      {rows && rows.length === 0 && <p className="muted">{t('noMatches')}</p>}
      {rows && rows.length > 0 && (
        <ul className="receipt-search-results" data-testid="receipt-search-results">
          {rows.map((r) => (
            <li key={r.stan} data-testid={`found-${r.stan}`}>
              <span className="mono">{stanText(r.stan)}</span>
              <span>{clockTime(r.time, lang)}</span>
              <span>{t(typeWord(r))}</span>
              <span>{r.type === 'inquiry' ? '' : money(r.amountFen)}</span>
              <span className="muted">{r.masked.slice(-4)}</span>
              <span className="muted">{r.status === 'approved' ? '✓' : '✗'}</span>
              <button
                className="btn small"
                onClick={() => void showReceipt(r.stan)}
                data-testid={`view-${r.stan}`}
              >
                {t('view')}
              </button>
              <button
                className="btn small"
                onClick={() => void reprintReceipt(r.stan)}
                data-testid={`reprint-${r.stan}`}
              >
                {t('reprint')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Which receipt was reprinted and what the printer did (search panel or "reprint last"). */
export function ReprintNote() {
  const { t, err } = useT();
  const reprint = useTill((s) => s.cashier.reprint);
  if (!reprint) return null;
  return (
    <p className={reprint.note === 'printed' ? 'ok-note' : 'error'} role="status" data-testid="reprint-note">
      {reprint.note === 'printed'
        ? t('reprintedStan', { stan: stanText(reprint.stan) })
        : t('reprintFailed', { stan: stanText(reprint.stan), why: err(reprint.note) })}
    </p>
  );
}
