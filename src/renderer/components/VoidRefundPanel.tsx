/**
 * Cashier: void a sale of the open shift, or refund against a STAN (partial allowed) or to the
 * card presented — each allowed by a manager's PIN typed here (OverrideDialog).
 */
import { useState } from 'react';
import { call, loadRecent } from '../actions';
import { BridgeError } from '../bridge';
import { useTill } from '../store';
import { useT } from './useLang';
import { OverrideDialog } from './OverrideDialog';
import { yuanToFen } from './manager/download';
import type { Override } from '../../shared/contract';

type Pending = { kind: 'void'; origStan: number } | { kind: 'refund'; origStan?: number; amountFen: number };

export function VoidRefundPanel() {
  const { t, err, money } = useT();
  const recent = useTill((s) => s.cashier.recent);
  const card = useTill((s) => s.cashier.card);
  const setCashier = useTill((s) => s.setCashier);
  const [open, setOpen] = useState(false);
  const [stanText, setStanText] = useState('');
  const [amountText, setAmountText] = useState('');
  const [pending, setPending] = useState<Pending | null>(null);
  const [overrideError, setOverrideError] = useState<string | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);

  const lastSale = recent.find((r) => r.type === 'sale' && r.status === 'approved');
  const stan = Number(stanText || lastSale?.stan || 0);

  const run = async (o: Override) => {
    if (!pending) return;
    try {
      const out =
        pending.kind === 'void'
          ? await call('txn.void', { origStan: pending.origStan, override: o })
          : await call(
              'txn.refund',
              pending.origStan
                ? { origStan: pending.origStan, amountFen: pending.amountFen, override: o }
                : { cardToken: card?.cardToken ?? '', amountFen: pending.amountFen, override: o },
            );
      setPending(null);
      setOverrideError(null);
      const r = out.result;
      const balance = r.balanceFen !== undefined ? money(r.balanceFen) : '-';
      setNote(
        r.status === 'approved'
          ? {
              ok: true,
              text: t(pending.kind === 'refund' ? 'refundDone' : r.offline ? 'voidDoneOffline' : 'voidDone', {
                balance,
              }),
            }
          : { ok: false, text: t('txnFailed', { why: err(r.declineCode ?? 'ISSUER_ERROR') }) },
      );
      if (out.receipt) setCashier({ receipt: out.receipt });
      void loadRecent();
    } catch (e) {
      const code = e instanceof BridgeError ? e.error.code : 'INTERNAL';
      if (code === 'BAD_PIN' || code === 'FORBIDDEN' || code === 'OPERATOR_LOCKED')
        setOverrideError(err(code));
      else {
        setPending(null);
        setNote({ ok: false, text: t('txnFailed', { why: err(code) }) });
      }
    }
  };

  if (!open)
    return (
      <button className="btn" onClick={() => setOpen(true)} data-testid="void-refund-open">
        {t('voidRefund')}
      </button>
    );
  return (
    <section className="void-refund" data-testid="void-refund">
      <h3>{t('voidRefund')}</h3>
      <label>
        {t('origStan')}
        <input
          className="mono"
          inputMode="numeric"
          value={stanText}
          placeholder={lastSale ? String(lastSale.stan) : ''}
          onChange={(e) => setStanText(e.target.value.replace(/\D/g, ''))}
          data-testid="void-stan"
        />
      </label>
      <div className="row">
        <button
          className="btn"
          disabled={!stan}
          onClick={() => setPending({ kind: 'void', origStan: stan })}
          data-testid="void-btn"
        >
          {t('doVoid')}
        </button>
      </div>
      <label>
        {t('refundAmount')}
        <input
          className="mono"
          inputMode="decimal"
          value={amountText}
          onChange={(e) => setAmountText(e.target.value)}
          data-testid="refund-amount"
        />
      </label>
      <div className="row">
        <button
          className="btn"
          disabled={!stan || !yuanToFen(amountText)}
          onClick={() => setPending({ kind: 'refund', origStan: stan, amountFen: yuanToFen(amountText)! })}
          data-testid="refund-btn"
        >
          {t('doRefund')}
        </button>
        <button
          className="btn"
          disabled={!card || !yuanToFen(amountText)}
          onClick={() => setPending({ kind: 'refund', amountFen: yuanToFen(amountText)! })}
          data-testid="refund-unlinked-btn"
        >
          {t('unlinkedRefund')}
        </button>
        <button className="btn" onClick={() => setOpen(false)}>
          {t('cancel')}
        </button>
      </div>
      {note && (
        <p className={note.ok ? 'ok-note' : 'error'} role="status" data-testid="void-refund-note">
          {note.text}
        </p>
      )}
      {pending && (
        <OverrideDialog
          action={pending.kind}
          error={overrideError}
          onConfirm={(o) => void run(o)}
          onCancel={() => {
            setPending(null);
            setOverrideError(null);
          }}
        />
      )}
    </section>
  );
}
