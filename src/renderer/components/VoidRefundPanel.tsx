/**
 * Cashier: void a sale of the open shift, or refund against a STAN (partial allowed) or to the
 * card presented — each allowed by a manager's PIN typed here (OverrideDialog).
 */
import { useEffect, useState } from 'react';
import { call, loadRecent, searchReceipts } from '../actions';
import { BridgeError } from '../bridge';
import { useTill } from '../store';
import { useT } from './useLang';
import { OverrideDialog } from './OverrideDialog';
import { yuanToFen } from './manager/download';
import { stanText, clockTime } from './ResultPanel';
import type { Override, TxnResult } from '../../shared/contract';
import { TXN_KINDS } from '../../shared/txn-kinds';

/** STANs of sales a void has undone (approved voids name their sale in origStan). */
const VOIDING = new Set(TXN_KINDS.list.flatMap((k) => (k.voidedBy ? [k.voidedBy] : [])));
const voidable = (type: string) => TXN_KINDS.has(type) && TXN_KINDS.get(type).voidedBy !== undefined;

export function voidedStans(txns: readonly TxnResult[]): Set<number> {
  return new Set(
    // Any voiding kind (a sale's void, a card load's void_load: the kinds table's `voidedBy`).
    txns.filter((r) => VOIDING.has(r.type) && r.status === 'approved' && r.origStan).map((r) => r.origStan!),
  );
}

type Pending = { kind: 'void'; origStan: number } | { kind: 'refund'; origStan?: number; amountFen: number };

export function VoidRefundPanel() {
  const { t, err, money, lang } = useT();
  const recent = useTill((s) => s.cashier.recent);
  const card = useTill((s) => s.cashier.card);
  const setCashier = useTill((s) => s.setCashier);
  const [open, setOpen] = useState(false);
  const [stanInput, setStanInput] = useState('');
  const [amountText, setAmountText] = useState('');
  const [pending, setPending] = useState<Pending | null>(null);
  const [overrideError, setOverrideError] = useState<string | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);

  // The shift's transactions, so the proposed or typed STAN shows its amount and card, and a sale
  // already voided is neither proposed nor offered again (issue 11 #13).
  const [shiftTxns, setShiftTxns] = useState<TxnResult[]>([]);
  useEffect(() => {
    if (!open) return;
    void searchReceipts({})
      .then(setShiftTxns)
      .catch(() => setShiftTxns([]));
  }, [open, recent]);
  const known = [...recent, ...shiftTxns.filter((r) => !recent.some((x) => x.stan === r.stan))];
  const voided = voidedStans(known);
  const lastSale = known.find((r) => r.type === 'sale' && r.status === 'approved' && !voided.has(r.stan));
  const stan = Number(stanInput || lastSale?.stan || 0);
  // A sale, or a card sold or topped up (voided by void_load, issue 12).
  const target = known.find((r) => r.stan === stan && voidable(r.type) && r.status === 'approved');
  const isVoided = voided.has(stan);

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
          : r.declineCode === 'VOID_VALUE_SPENT'
            ? { ok: false, text: t('voidSpent', { why: err(r.declineCode), balance }) }
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
          value={stanInput}
          placeholder={lastSale ? String(lastSale.stan) : ''}
          onChange={(e) => setStanInput(e.target.value.replace(/\D/g, ''))}
          data-testid="void-stan"
        />
      </label>
      {stan > 0 && (
        <p className={isVoided ? 'error' : target ? 'void-target' : 'muted'} data-testid="void-target">
          {isVoided
            ? t('alreadyVoided', { stan: stanText(stan) })
            : target
              ? t('voidTarget', {
                  stan: stanText(target.stan),
                  amount: money(target.amountFen),
                  last4: target.masked.slice(-4),
                  time: clockTime(target.time, lang),
                })
              : t('stanUnknown', { stan: stanText(stan) })}
        </p>
      )}
      <div className="row">
        <button
          className="btn"
          disabled={!target || isVoided}
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
          disabled={!stan || isVoided || !yuanToFen(amountText)}
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
        <button className="btn" onClick={() => setOpen(false)} data-testid="void-refund-cancel">
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
