import { useTill } from '../store';
import { useT } from './useLang';
import { submit, printReceipt, nextSale, splitOffer, acceptSplit } from '../actions';
import { formatMoney } from '../../shared/money';
import { useState } from 'react';
import { OverrideDialog } from './OverrideDialog';

/** Offline declines a manager may lift with a PIN (src/offline-queue/policy.ts: floor, total, per-card). */
const OVERRIDABLE = new Set(['OFFLINE_FLOOR_LIMIT', 'OFFLINE_TOTAL_LIMIT', 'OFFLINE_CARD_LIMIT']);

export const stanText = (stan: number) => String(stan).padStart(6, '0');

/** A time of day in the screen's language (the till's own time zone). */
export function clockTime(iso: string, lang: 'zh' | 'en'): string {
  return new Date(iso).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** Approved / declined in plain words, with the split-tender offer when the balance is short. */
export function ResultPanel() {
  const { t, err, lang } = useT();
  const result = useTill((s) => s.cashier.result);
  const amountFen = useTill((s) => s.cashier.amountFen);
  const card = useTill((s) => s.cashier.card);
  const cashDueFen = useTill((s) => s.cashier.cashDueFen);
  const printNote = useTill((s) => s.cashier.printNote);
  const blockedUntil = useTill((s) => s.cashier.blockedUntil);
  const [askOverride, setAskOverride] = useState(false);
  if (!result) return null;
  // Paid on the chip (PBOC e-purse): the balance shown is the card's own, after the debit.
  const chip = result.type === 'chip_purchase';

  if (result.status === 'approved') {
    return (
      <div className="result approved" data-testid="result" data-status="approved">
        <div className="result-title">
          ✓ {t('approved')}
          {result.offline && <span className="tag warn">{t('offline')}</span>}
          {chip && (
            <span className="tag" data-testid="result-chip">
              {t('chipPaid')}
            </span>
          )}
        </div>
        {(result.type === 'sale' || chip) && (
          <div className="result-amount">{formatMoney(result.amountFen)}</div>
        )}
        {result.balanceFen !== undefined && (
          <div data-testid="result-balance">
            {result.type === 'inquiry' ? t('cardBalance') : chip ? t('chipBalance') : t('remaining')}:{' '}
            <strong>{formatMoney(result.balanceFen)}</strong>
          </div>
        )}
        {cashDueFen > 0 && (
          <div className="cash-due" data-testid="cash-due">
            {t('cashDue')}: <strong>{formatMoney(cashDueFen)}</strong>
          </div>
        )}
        <div className="muted" data-testid="result-stan">
          {t('stan')} {String(result.stan).padStart(6, '0')}
        </div>
        <div className="row">
          <button className="btn" onClick={() => void printReceipt()} data-testid="print-receipt">
            F4 {t('printReceipt')}
          </button>
          <button className="btn primary" onClick={nextSale} data-testid="next-sale">
            {t('newSale')}
          </button>
        </div>
        {printNote && (
          <div className="muted" role="status" data-testid="print-note">
            {printNote === 'printed'
              ? t('printedStan', { stan: stanText(result.stan) })
              : t('reprintFailed', { stan: stanText(result.stan), why: err(printNote) })}
          </div>
        )}
      </div>
    );
  }

  const split = splitOffer({ result, card, amountFen });
  return (
    <div
      className="result declined"
      data-testid="result"
      data-status="declined"
      data-code={result.declineCode}
    >
      <div className="result-title">✗ {t('declined')}</div>
      <div className="decline-reason" data-testid="decline-reason">
        {err(result.declineCode ?? 'ISSUER_ERROR')}
      </div>
      {blockedUntil && (
        <div className="blocked-until" data-testid="blocked-until">
          {t('blockedUntil', {
            time: clockTime(blockedUntil, lang),
            minutes: String(Math.max(1, Math.ceil((Date.parse(blockedUntil) - Date.now()) / 60_000))),
          })}
        </div>
      )}
      <div className="muted" data-testid="result-stan">
        {t('stan')} {String(result.stan).padStart(6, '0')}
      </div>
      {result.balanceFen !== undefined && (
        <div>
          {t('cardBalance')}: {formatMoney(result.balanceFen)}
        </div>
      )}
      {card && result.declineCode && OVERRIDABLE.has(result.declineCode) && (
        <button className="btn" onClick={() => setAskOverride(true)} data-testid="offline-override">
          {t('overrideAsk')}
        </button>
      )}
      {askOverride && (
        <OverrideDialog
          action="offline_over_limit"
          onConfirm={(o) => {
            setAskOverride(false);
            void submit(undefined, o);
          }}
          onCancel={() => setAskOverride(false)}
        />
      )}
      {split && (
        <div className="split" data-testid="split-offer">
          <p>{t('splitOffer', { card: formatMoney(split.cardFen), cash: formatMoney(split.otherFen) })}</p>
          <button className="btn primary" onClick={() => void acceptSplit()} data-testid="split-confirm">
            F3 {t('splitConfirm')}
          </button>
        </div>
      )}
    </div>
  );
}
