/**
 * The drawer count (点钞), by note and coin or by total, for the cashier and the manager alike.
 * It records the count with `shift.count` and nothing else: the expected figure is never asked
 * for nor shown (blind count); only what was counted is, as a running total.
 *
 * Money stays integer fen: a count is whole digits, a value a fen constant
 * (src/shared/denominations.ts), the total typed by hand goes through parseYuan (no float).
 */
import { useState } from 'react';
import { call } from '../actions';
import { BridgeError } from '../bridge';
import { useT } from './useLang';
import { parseYuan } from '../../shared/money';
import {
  RMB_DENOMINATIONS_FEN,
  denominationLabel,
  sumDenominations,
  type Denomination,
} from '../../shared/denominations';
import type { WordKey } from '../i18n';

/** At most 99,999 of one note: five digits, within the contract's 100,000. */
const MAX_DIGITS = 5;
const JIAO_WORDS: Record<number, WordKey> = { 50: 'cntJiao5', 10: 'cntJiao1' };

const digitsOnly = (text: string) => text.replace(/\D/g, '').slice(0, MAX_DIGITS);
const countOf = (text: string | undefined) => (text ? Number(text) : 0);

interface Props {
  /** Called once the count is recorded, with what was counted (never what was expected). */
  onRecorded: (out: { countedAt: string; countedFen: number }) => void;
  onCancel?: () => void;
  submitLabel?: string;
}

export function CountDrawer({ onRecorded, onCancel, submitLabel }: Props) {
  const { t, err, money } = useT();
  const [counts, setCounts] = useState<Record<number, string>>({});
  const [byTotal, setByTotal] = useState(false);
  const [totalText, setTotalText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const rows: Denomination[] = RMB_DENOMINATIONS_FEN.map((valueFen) => ({
    valueFen,
    count: countOf(counts[valueFen]),
  }));
  const notesFen = sumDenominations(rows);
  const totalFen = byTotal ? parseYuan(totalText) : notesFen;
  const touched = byTotal ? totalFen !== null : Object.values(counts).some((c) => c !== '');
  const setCount = (valueFen: number, text: string) => setCounts((c) => ({ ...c, [valueFen]: text }));
  const step = (valueFen: number, by: 1 | -1) =>
    setCount(valueFen, digitsOnly(String(Math.max(0, countOf(counts[valueFen]) + by))));

  const submit = async () => {
    if (totalFen === null || !touched || busy) return;
    setBusy(true);
    setError('');
    try {
      const out = await call(
        'shift.count',
        byTotal ? { countedFen: totalFen } : { countedFen: totalFen, denominations: rows },
      );
      onRecorded({ countedAt: out.countedAt, countedFen: totalFen });
    } catch (e) {
      setError(e instanceof BridgeError ? err(e.error.code) : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="count-drawer"
      data-testid="count-drawer"
      data-mode={byTotal ? 'total' : 'notes'}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{t('cntTitle')}</h3>
      <p className="muted">{t('cntHint')}</p>
      {!byTotal && (
        <table className="count-rows">
          <thead>
            <tr>
              <th>{t('cntValue')}</th>
              <th>{t('cntCount')}</th>
              <th>{t('cntSubtotal')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ valueFen, count }) => (
              <tr key={valueFen} data-testid={`count-row-${valueFen}`}>
                <th scope="row" className="count-value">
                  {denominationLabel(valueFen)}
                  {JIAO_WORDS[valueFen] && <div className="muted small">{t(JIAO_WORDS[valueFen])}</div>}
                </th>
                <td className="count-cell">
                  <button
                    type="button"
                    className="count-step"
                    aria-label={`${t('cntFewer')} ${denominationLabel(valueFen)}`}
                    onClick={() => step(valueFen, -1)}
                    disabled={count === 0}
                    data-testid={`count-minus-${valueFen}`}
                  >
                    −
                  </button>
                  <input
                    className="count-input mono"
                    inputMode="numeric"
                    pattern="[0-9]*"
                    autoComplete="off"
                    aria-label={`${t('cntCount')} ${denominationLabel(valueFen)}`}
                    value={counts[valueFen] ?? ''}
                    placeholder="0"
                    onChange={(e) => setCount(valueFen, digitsOnly(e.target.value))}
                    data-testid={`count-input-${valueFen}`}
                  />
                  <button
                    type="button"
                    className="count-step"
                    aria-label={`${t('cntMore')} ${denominationLabel(valueFen)}`}
                    onClick={() => step(valueFen, 1)}
                    data-testid={`count-plus-${valueFen}`}
                  >
                    +
                  </button>
                </td>
                <td className="mono count-subtotal">{count ? money(valueFen * count) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {byTotal && (
        <label>
          {t('cntTotalLabel')}
          <input
            className="mono big-input"
            inputMode="decimal"
            autoComplete="off"
            value={totalText}
            onChange={(e) => setTotalText(e.target.value)}
            data-testid="count-total-input"
            autoFocus
          />
        </label>
      )}
      <div className="count-total">
        {t('cntRunningTotal')}{' '}
        <strong className="mono" data-testid="count-total">
          {totalFen === null ? '—' : money(totalFen)}
        </strong>
      </div>
      <button
        type="button"
        className="btn small"
        onClick={() => {
          setByTotal(!byTotal);
          setError('');
        }}
        data-testid="count-mode"
      >
        {byTotal ? t('cntByNotes') : t('cntByTotal')}
      </button>
      <div className="row">
        <button
          type="submit"
          className="btn primary big"
          disabled={!touched || totalFen === null || busy}
          data-testid="count-submit"
        >
          {submitLabel ?? t('cntSubmit')}
        </button>
        {onCancel && (
          <button type="button" className="btn big" onClick={onCancel} data-testid="count-cancel">
            {t('cancel')}
          </button>
        )}
      </div>
      {error && (
        <p className="error" role="alert" data-testid="count-error">
          {error}
        </p>
      )}
    </form>
  );
}
