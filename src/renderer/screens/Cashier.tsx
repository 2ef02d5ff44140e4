import { useEffect, useState } from 'react';
import { useTill } from '../store';
import { useT } from '../components/useLang';
import { Keypad } from '../components/Keypad';
import { ReceiptPreview } from '../components/ReceiptPreview';
import { ResultPanel } from '../components/ResultPanel';
import { VoidRefundPanel } from '../components/VoidRefundPanel';
import { CashierCount } from '../components/CashierCount';
import { DeviceNotices } from '../components/DeviceNotices';
import { NoShiftBanner } from '../components/NoShiftBanner';
import { keypad, submit, setMode, enterCard, loadRecent } from '../actions';
import { cashierKeyHandler } from '../keys';
import { formatMoney } from '../../shared/money';

function WedgeField() {
  const { t } = useT();
  const [text, setText] = useState('');
  return (
    <form
      className="wedge"
      onSubmit={(e) => {
        e.preventDefault();
        const pan = text.replace(/\s/g, '');
        if (/^\d{12,19}$/.test(pan)) void enterCard(pan, 'wedge');
        setText('');
      }}
    >
      <label>
        {t('wedgeLabel')}
        <input
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t('wedgePlaceholder')}
          autoComplete="off"
          inputMode="numeric"
          data-testid="wedge-input"
        />
      </label>
    </form>
  );
}

export function Cashier() {
  const { t, err } = useT();
  const amountFen = useTill((s) => s.cashier.amountFen);
  const mode = useTill((s) => s.cashier.mode);
  const card = useTill((s) => s.cashier.card);
  const busy = useTill((s) => s.cashier.busy);
  const error = useTill((s) => s.cashier.error);
  const collect = useTill((s) => s.cashier.collect);
  const recent = useTill((s) => s.cashier.recent);

  useEffect(() => {
    window.addEventListener('keydown', cashierKeyHandler);
    void loadRecent();
    return () => window.removeEventListener('keydown', cashierKeyHandler);
  }, []);

  return (
    <main className="cashier" data-testid="cashier">
      <NoShiftBanner />
      <section className="cashier-main">
        <div className="mode-tabs">
          <button
            className={`tab ${mode === 'sale' ? 'active' : ''}`}
            onClick={() => setMode('sale')}
            data-testid="mode-sale"
          >
            F1 {t('sale')}
          </button>
          <button
            className={`tab ${mode === 'inquiry' ? 'active' : ''}`}
            onClick={() => setMode('inquiry')}
            data-testid="mode-inquiry"
          >
            F2 {t('balance')}
          </button>
        </div>
        {collect && (
          <div className="banner" data-testid="collect-prompt">
            {t('collectPrompt', { amount: formatMoney(collect.amountFen) })}
          </div>
        )}
        {mode === 'sale' && (
          <div className="amount" data-testid="amount">
            <span className="amount-label">{t('amount')}</span>
            <span className="amount-value">{formatMoney(amountFen)}</span>
          </div>
        )}
        <div className={`card-status ${card ? 'has-card' : ''}`} data-testid="card-status">
          {card ? (
            <>
              <span className="tag">{t('cardRead')}</span> <span className="mono">{card.masked}</span>{' '}
              <span className="muted">({card.entryMode})</span>
            </>
          ) : (
            <span>{t('presentCard')}</span>
          )}
        </div>
        <WedgeField />
        {busy && (
          <div className="processing" role="status" data-testid="processing">
            <span className="spinner" /> {t('processing')}
          </div>
        )}
        {error && (
          <div className="error" role="alert" data-testid="cashier-error">
            {err(error.code)}
          </div>
        )}
        <ResultPanel />
        <VoidRefundPanel />
        <CashierCount />
        <DeviceNotices />
        <p className="muted small">{t('keysHint')}</p>
      </section>
      <section className="cashier-keypad">
        <Keypad
          onKey={keypad}
          onOk={() => void submit()}
          okLabel={mode === 'sale' ? t('charge') : t('balance')}
          clearLabel={t('clear')}
          disabled={busy}
        />
      </section>
      <aside className="cashier-side">
        <ReceiptPreview />
        <h3>{t('recent')}</h3>
        <ul className="recent" data-testid="recent">
          {recent.map((r) => (
            <li key={r.stan} className={`recent-${r.status}`}>
              <span className="mono">{String(r.stan).padStart(6, '0')}</span>{' '}
              {r.type === 'inquiry' ? t('balance') : formatMoney(r.amountFen)}{' '}
              <span className="muted">{r.masked.slice(-4)}</span> {r.status === 'approved' ? '✓' : '✗'}
              {(r.type === 'void' || r.type === 'refund') && (
                <span className="tag" data-testid={`recent-kind-${r.stan}`}>
                  {t(r.type === 'void' ? 'act_void' : 'act_refund')}
                </span>
              )}
              {r.offline && <span className="tag">{t('offline')}</span>}
            </li>
          ))}
        </ul>
      </aside>
    </main>
  );
}
