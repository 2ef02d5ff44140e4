import { useEffect, useState } from 'react';
import { useTill } from '../store';
import { useT } from '../components/useLang';
import { Keypad } from '../components/Keypad';
import { ReceiptPreview } from '../components/ReceiptPreview';
import { ResultPanel } from '../components/ResultPanel';
import { VoidRefundPanel, voidedStans } from '../components/VoidRefundPanel';
import { CardLifePanel } from '../components/CardLifePanel';
import { BatchActivatePanel } from '../components/BatchActivatePanel';
import { CardPasswordPanel, SalePasswordPrompt } from '../components/CardPassword';
import { ReceiptSearch, ReprintNote } from '../components/ReceiptSearch';
import { IdleWarning } from '../components/IdleWarning';
import { CashierCount } from '../components/CashierCount';
import { DeviceNotices } from '../components/DeviceNotices';
import { NoShiftBanner } from '../components/NoShiftBanner';
import { OverrideDialog } from '../components/OverrideDialog';
import type { Override } from '../../shared/contract';
import { WORDS, type WordKey } from '../i18n';
import { keypad, submit, setMode, enterCard, loadRecent } from '../actions';
import { cashierKeyHandler } from '../keys';
import { useKeyOwner } from '../key-claim';
import { formatMoney } from '../../shared/money';
import { useFormat } from '../format';

/** Puts the keyboard back on the amount (the cashier's keys), away from any text field. */
function focusAmount(): void {
  const el =
    document.querySelector<HTMLElement>('[data-focus="amount"]') ??
    document.querySelector<HTMLElement>('[data-testid="cashier"]');
  el?.focus();
}

/**
 * The card-number field. A wedge scanner's fast frame never gets here (src/renderer/wedge.ts
 * consumes it and sends it to the core as `wedge.frame`); what is submitted here was typed or
 * pasted by a person, so it is manual entry and needs a manager's PIN (docs/manager.md; the core
 * enforces it in card.enter — issue 11 #9). Afterwards the focus goes back to the amount.
 */
function WedgeField() {
  const { t, err } = useT();
  const [text, setText] = useState('');
  const [manualPan, setManualPan] = useState<string | null>(null);
  const [overrideError, setOverrideError] = useState<string | null>(null);
  const done = () => {
    setManualPan(null);
    setOverrideError(null);
    focusAmount();
  };
  const enter = async (pan: string, override?: Override) => {
    const e = await enterCard(pan, 'manual', override);
    if (!e) return done();
    if (e.code === 'OVERRIDE_REQUIRED') {
      useTill.getState().setCashier({ error: null });
      setManualPan(pan);
    } else if (override && (e.code === 'BAD_PIN' || e.code === 'FORBIDDEN' || e.code === 'OPERATOR_LOCKED')) {
      useTill.getState().setCashier({ error: null });
      setOverrideError(err(e.code));
    } else done();
  };
  return (
    <>
      <form
        className="wedge"
        onSubmit={(e) => {
          e.preventDefault();
          const pan = text.replace(/\s/g, '');
          setText('');
          if (/^\d{12,19}$/.test(pan)) void enter(pan);
          else focusAmount();
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
      {manualPan && (
        <OverrideDialog
          action="manual_entry"
          error={overrideError}
          onConfirm={(o) => void enter(manualPan, o)}
          onCancel={done}
        />
      )}
    </>
  );
}

export function Cashier() {
  const { t, err } = useT();
  const f = useFormat();
  const amountFen = useTill((s) => s.cashier.amountFen);
  const mode = useTill((s) => s.cashier.mode);
  const card = useTill((s) => s.cashier.card);
  const busy = useTill((s) => s.cashier.busy);
  const error = useTill((s) => s.cashier.error);
  const chipTorn = useTill((s) => s.cashier.chipTorn);
  const collect = useTill((s) => s.cashier.collect);
  const recent = useTill((s) => s.cashier.recent);
  const voided = voidedStans(recent);
  // A panel with its own amount (selling a card) holds the keypad: the sale's amount is hidden.
  const owner = useKeyOwner();

  // A card scanned into the focused card-number field (the wedge consumed it): the keys go back
  // to the amount, so the next digits are not typed into the field (issue 11 #8).
  useEffect(() => {
    if (card && document.activeElement?.getAttribute('data-testid') === 'wedge-input') focusAmount();
  }, [card]);

  useEffect(() => {
    window.addEventListener('keydown', cashierKeyHandler);
    void loadRecent();
    return () => window.removeEventListener('keydown', cashierKeyHandler);
  }, []);

  return (
    <div className="cashier-wrap">
      <main className="cashier" data-testid="cashier" tabIndex={-1}>
        <section className="cashier-main">
          <IdleWarning />
          <NoShiftBanner />
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
          {mode === 'sale' && !owner && (
            <div className="amount" data-testid="amount" data-focus="amount" tabIndex={-1}>
              <span className="amount-label">{t('amount')}</span>
              <span className="amount-value">{formatMoney(amountFen)}</span>
            </div>
          )}
          <div className={`card-status ${card ? 'has-card' : ''}`} data-testid="card-status">
            {card ? (
              <>
                <span className="tag">{t('cardRead')}</span> <span className="mono">{card.masked}</span>{' '}
                <span className="muted">({f.entryMode(card.entryMode)})</span>
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
          {chipTorn && (
            <div className="error" role="alert" data-testid="chip-torn">
              {t('chipPresentAgain', { stan: String(chipTorn.stan).padStart(6, '0') })}
            </div>
          )}
          <ResultPanel />
          <SalePasswordPrompt />
          <div className="cashier-tools">
            <VoidRefundPanel />
            <CardLifePanel />
            <BatchActivatePanel />
            <CardPasswordPanel />
            <ReceiptSearch />
          </div>
          <CashierCount />
          <DeviceNotices />
          <ReprintNote />
          <p className="muted small">{t('keysHint')}</p>
        </section>
        <section className="cashier-keypad">
          {owner ? (
            <Keypad
              onKey={(k) => owner.handlers.key(k)}
              onOk={() => owner.handlers.ok()}
              okLabel={owner.okLabel}
              clearLabel={t('clear')}
              disabled={owner.disabled}
              testId={owner.testId}
            />
          ) : (
            <Keypad
              onKey={keypad}
              onOk={() => void submit()}
              okLabel={mode === 'sale' ? t('charge') : t('balance')}
              clearLabel={t('clear')}
              disabled={busy}
            />
          )}
        </section>
        <aside className="cashier-side">
          <ReceiptPreview />
          <h3>{t('recent')}</h3>
          <ul className="recent" data-testid="recent">
            {recent.map((r) => (
              <li key={r.stan} className={`recent-${r.status}`} data-testid={`recent-${r.stan}`}>
                <span className="mono">{String(r.stan).padStart(6, '0')}</span>{' '}
                {r.type === 'inquiry'
                  ? t('balance')
                  : r.type === 'password'
                    ? t('txnkind_password')
                    : // A replacement moves no money in or out (amount 0): what moved is the new card's balance.
                      formatMoney(r.type === 'replace' ? (r.balanceFen ?? 0) : r.amountFen)}{' '}
                <span className="muted">{r.masked.slice(-4)}</span>{' '}
                {voided.has(r.stan) ? (
                  <span className="tag" data-testid={`recent-voided-${r.stan}`}>
                    {t('voided')}
                  </span>
                ) : r.status === 'approved' ? (
                  '✓'
                ) : (
                  '✗'
                )}
                {kindLabel(r.type) && (
                  <span className="tag" data-testid={`recent-kind-${r.stan}`}>
                    {t(kindLabel(r.type)!)}
                  </span>
                )}
                {r.offline && <span className="tag">{t('offline')}</span>}
              </li>
            ))}
          </ul>
        </aside>
      </main>
    </div>
  );
}

/**
 * The recent list's label of a row's kind: none for a sale or an inquiry (the amount and the
 * "balance" word say it), the kind's word otherwise (撤销, 退货, 售卡, 充值, 退卡, 换卡 …).
 */
function kindLabel(type: string): WordKey | undefined {
  if (type === 'sale' || type === 'inquiry' || type === 'reversal') return undefined;
  if (type === 'void') return 'act_void';
  if (type === 'refund') return 'act_refund';
  const key = `txnKind_${type}`;
  return key in WORDS ? (key as WordKey) : undefined;
}
