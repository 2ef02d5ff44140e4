/**
 * Cashier: batch card sale (批量售卡) — cards read one after another, or a range of consecutive
 * numbers, one value each, one payment: cash, or a bank transfer and its reference, with the
 * buyer's name and ID number when the rules need them (the payment and buyer fields are the single
 * sale's, CardLoadFields.tsx; what this order needs is judged here on its total with the shared
 * rules of src/shared/card-rules.ts, and again by the core). The core sells each card on its own
 * (src/main/terminal/card-batch.ts) and answers card by card; the screen shows which were
 * activated, what is paid (only those), and what to give back.
 *
 * One by one: every card presented while this list is open (swiped, tapped, scanned by the wedge,
 * or typed into the field here, which presents it like the card-number field) is moved into the
 * batch in the core (`card.batchHold`): the screen holds only masks. A range is previewed with the
 * core's own rule (expandCardRange) and sent as its two ends.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { call, loadRecent } from '../actions';
import { BridgeError } from '../bridge';
import { useTill } from '../store';
import { useT } from './useLang';
import { yuanToFen } from './manager/download';
import { PAN_RE, maskPan } from '../../shared/card';
import { TillError } from '../../shared/errors';
import { expandCardRange, type CardBatchResult } from '../../shared/contract/card-batch';
import { cashAllowed, needsBuyerId, type CardRulesConfig } from '../../shared/card-rules';
import { LoadFields, useLoadFields, type LoadNeeds } from './CardLoadFields';

type Mode = 'scan' | 'range';

export function BatchActivatePanel() {
  const { t, err, money } = useT();
  const setCashier = useTill((s) => s.setCashier);
  const presented = useTill((s) => s.cashier.card);
  const [open, setOpen] = useState(false);
  const [mode, setMode] = useState<Mode>('scan');
  const [held, setHeld] = useState<string[]>([]);
  const [scanText, setScanText] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [valueText, setValueText] = useState('');
  const loadFields = useLoadFields();
  const { payBy, setPayBy, buyerKind } = loadFields.f;
  const [rules, setRules] = useState<CardRulesConfig | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [out, setOut] = useState<CardBatchResult | null>(null);
  const [printNote, setPrintNote] = useState<string | null>(null);

  // The cards the batch would sell (masked), or the reason it cannot (in words, nothing sent).
  const cards = useMemo((): { list: string[]; why?: string } => {
    if (mode === 'scan') return { list: held };
    if (!from || !to) return { list: [] };
    try {
      return { list: expandCardRange(from.trim(), to.trim()).map(maskPan) };
    } catch (e) {
      return { list: [], why: e instanceof TillError ? e.code : 'CARD_RANGE_INVALID' };
    }
  }, [mode, held, from, to]);
  const scanning = open && mode === 'scan' && !out;

  // What the core already holds for the batch (a reload of the screen keeps the list).
  useEffect(() => {
    if (scanning)
      void call('card.batchHeld', {})
        .then((h) => setHeld(h.masked))
        .catch(() => {});
  }, [scanning]);
  // A card presented while the list is open joins the batch (once per presentation).
  const taken = useRef<string | null>(null);
  useEffect(() => {
    if (!scanning || !presented || taken.current === presented.cardToken) return;
    taken.current = presented.cardToken;
    call('card.batchHold', { cardToken: presented.cardToken })
      .then((h) => {
        setHeld(h.masked);
        setProblem(null);
      })
      .catch((e) => setProblem(err(e instanceof BridgeError ? e.error.code : 'INTERNAL')));
  }, [scanning, presented, err]);
  const valueFen = yuanToFen(valueText) ?? 0;
  const totalFen = valueFen * cards.list.length;

  useEffect(() => {
    if (open && !rules) void call('card.rules', {}).then(setRules, () => setRules(null));
  }, [open, rules]);
  // What the rules ask of the whole order: the buyer's ID, no cash. The core judges it again.
  const need: LoadNeeds = rules
    ? {
        id: needsBuyerId({ kind: 'activate', registered: undefined, purchaseFen: totalFen }, rules),
        noCash: !cashAllowed({ buyer: buyerKind, purchaseFen: totalFen }, rules),
      }
    : { id: false, noCash: false };
  // Over the non-cash line cash is not offered: the form turns to the transfer by itself.
  useEffect(() => {
    if (need.noCash && payBy === 'cash') setPayBy('bank_transfer');
  }, [need.noCash, payBy]);

  // A number typed here is presented like the card-number field's; the effect above holds it.
  const addTyped = () => {
    const pan = scanText.replace(/\s/g, '');
    if (!PAN_RE.test(pan)) return setProblem(t('cbBadNumber'));
    setScanText('');
    call('card.enter', { pan, entryMode: 'wedge' }).catch((e) =>
      setProblem(err(e instanceof BridgeError ? e.error.code : 'INTERNAL')),
    );
  };

  const go = async () => {
    if (busy || valueFen <= 0 || cards.list.length === 0) return;
    setBusy(true);
    setProblem(null);
    setPrintNote(null);
    try {
      const r = await call('card.batchActivate', {
        ...(mode === 'scan' ? { held: true as const } : { range: { from: from.trim(), to: to.trim() } }),
        valueFen,
        ...loadFields.payment(),
      });
      setOut(r);
      setHeld([]);
      // The ID typed is not kept on the screen once it is recorded (the answer shows it masked).
      loadFields.clearId();
      setCashier({ receipt: r.receipt });
      void loadRecent();
    } catch (e) {
      // Refused for the whole batch before anything was recorded: nothing was taken.
      setProblem(err(e instanceof BridgeError ? e.error.code : 'INTERNAL'));
    } finally {
      setBusy(false);
    }
  };

  const print = async () => {
    if (!out) return;
    const stans = out.items.flatMap((i) => (i.stan ? [i.stan] : []));
    if (!stans.length) return;
    try {
      const p = await call('card.batchPrint', {
        stans,
        tenderFen: out.tenderFen,
        notSent: out.items.filter((i) => i.status === 'not_sent').length,
      });
      setPrintNote(p.printed ? t('cbPrinted') : err(p.reason ?? 'PRINTER_OFFLINE'));
    } catch (e) {
      setPrintNote(err(e instanceof BridgeError ? e.error.code : 'INTERNAL'));
    }
  };

  const reset = () => {
    setOut(null);
    setHeld([]);
    void call('card.batchRelease', {}).catch(() => {});
    setFrom('');
    setTo('');
    loadFields.clear();
    setProblem(null);
    setPrintNote(null);
  };

  if (!open)
    return (
      <button className="btn" onClick={() => setOpen(true)} data-testid="batch-open">
        {t('cbOpen')}
      </button>
    );
  return (
    <section className="void-refund card-life" data-testid="batch">
      <h3>{t('cbOpen')}</h3>
      <p className="muted small">{t('clCashOnly')}</p>
      {!out && (
        <>
          <div className="mode-tabs">
            {(['scan', 'range'] as const).map((m) => (
              <button
                key={m}
                className={`tab ${mode === m ? 'active' : ''}`}
                onClick={() => setMode(m)}
                data-testid={`batch-mode-${m}`}
              >
                {t(m === 'scan' ? 'cbScanMode' : 'cbRangeMode')}
              </button>
            ))}
          </div>
          {mode === 'scan' ? (
            <label>
              {t('cbScan')}
              <input
                className="mono"
                inputMode="numeric"
                autoComplete="off"
                value={scanText}
                onChange={(e) => setScanText(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    e.stopPropagation();
                    addTyped();
                  }
                }}
                data-testid="batch-scan"
              />
            </label>
          ) : (
            <div className="row">
              <label>
                {t('cbFrom')}
                <input
                  className="mono"
                  inputMode="numeric"
                  autoComplete="off"
                  value={from}
                  onChange={(e) => setFrom(e.target.value)}
                  data-testid="batch-from"
                />
              </label>
              <label>
                {t('cbTo')}
                <input
                  className="mono"
                  inputMode="numeric"
                  autoComplete="off"
                  value={to}
                  onChange={(e) => setTo(e.target.value)}
                  data-testid="batch-to"
                />
              </label>
            </div>
          )}
          <ol className="batch-list" data-testid="batch-list">
            {cards.list.map((masked, i) => (
              <li key={`${masked}-${i}`} className="mono">
                {masked}
                {mode === 'scan' && (
                  <button
                    className="btn small"
                    onClick={() =>
                      void call('card.batchRelease', { index: i })
                        .then((h) => setHeld(h.masked))
                        .catch(() => {})
                    }
                    aria-label={t('cbRemove')}
                  >
                    ×
                  </button>
                )}
              </li>
            ))}
          </ol>
          {cards.why && (
            <div className="error" role="alert" data-testid="batch-range-error">
              {err(cards.why)}
            </div>
          )}
          <label>
            {t('cbValue')}
            <input
              className="mono"
              inputMode="decimal"
              value={valueText}
              onChange={(e) => setValueText(e.target.value)}
              data-testid="batch-value"
            />
          </label>
          <LoadFields f={loadFields.f} need={need} testIdPrefix="batch" />
          <p data-testid="batch-summary">
            {t('cbSummary', { n: String(cards.list.length), value: money(valueFen), total: money(totalFen) })}
          </p>
          <div className="row">
            <button
              className="btn primary"
              disabled={busy || valueFen <= 0 || cards.list.length === 0}
              onClick={() => void go()}
              data-testid="batch-go"
            >
              {t(payBy === 'cash' ? 'cbGo' : 'cbGoTransfer')}
            </button>
            <button className="btn" onClick={() => setOpen(false)}>
              {t('cancel')}
            </button>
          </div>
        </>
      )}
      {problem && (
        <div className="error" role="alert" data-testid="batch-error">
          {problem}
        </div>
      )}
      {out && (
        <>
          <ol className="batch-list" data-testid="batch-items">
            {out.items.map((i, n) => (
              <li key={`${i.masked}-${n}`} data-testid={`batch-item-${n}`} data-status={i.status}>
                <span className="mono">{i.masked}</span>{' '}
                {i.status === 'approved'
                  ? `${t('cbApproved')} ${money(i.valueFen)}`
                  : i.status === 'declined'
                    ? t('cbDeclined', { why: err(i.declineCode ?? 'ISSUER_ERROR') })
                    : t('cbNotSent')}
              </li>
            ))}
          </ol>
          <div
            className={out.activatedCount === out.items.length ? 'ok-note' : 'error'}
            role="status"
            data-testid="batch-note"
          >
            <p>
              {t('cbDone', {
                ok: String(out.activatedCount),
                n: String(out.items.length),
                paid: money(out.paidFen),
              })}
            </p>
            {out.buyer && <p>{t('clBuyerRecorded', { name: out.buyer.name, id: out.buyer.idNumber })}</p>}
            {out.paidBy === 'bank_transfer' && (
              <p>{t('cbPaidTransfer', { amount: money(out.tenderFen), ref: out.transferRef ?? '-' })}</p>
            )}
            {out.transferRefundFen > 0 && (
              <p>{t('cbTransferRefund', { amount: money(out.transferRefundFen) })}</p>
            )}
            {out.giveBackFen > 0 && (
              <p>
                {t('cbGiveBack', {
                  amount: money(out.giveBackFen),
                  change: money(out.changeFen),
                  handBack: money(out.handBackFen),
                })}
              </p>
            )}
          </div>
          <div className="row">
            <button className="btn" onClick={() => void print()} data-testid="batch-print">
              {t('cbPrint')}
            </button>
            <button className="btn" onClick={reset} data-testid="batch-new">
              {t('cbNew')}
            </button>
          </div>
          {printNote && <p data-testid="batch-print-note">{printNote}</p>}
        </>
      )}
    </section>
  );
}
