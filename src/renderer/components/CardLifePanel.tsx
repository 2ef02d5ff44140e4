/**
 * Cashier: a card's life at the till — sell a card (售卡) or top one up (充值) for cash or by bank
 * transfer, cash one out (退卡) or replace one (换卡) with a manager's PIN. The card is presented as
 * for a sale, the value keyed on the till's own keypad, which this panel claims while it shows the
 * value (src/renderer/key-claim.ts). The core records the payment first and
 * then asks the issuer (src/main/terminal/card-life.ts); when it did not go through, the screen
 * says to hand the cash back, in plain words. The rules in force are shown (card.rules); the
 * buyer's ID, when typed, goes to the core with the call and is shown back masked only.
 */
import { useEffect, useState } from 'react';
import { call, loadRecent } from '../actions';
import { BridgeError } from '../bridge';
import { useTill } from '../store';
import { useT } from './useLang';
import { useClaimKeys } from '../key-claim';
import { OverrideDialog } from './OverrideDialog';
import { LoadFields, useLoadFields } from './CardLoadFields';
import { keypadAppend, keypadBackspace } from '../../shared/money';
import type { CardLifeResult, Override } from '../../shared/contract';
import type { CardRulesConfig } from '../../shared/card-rules';
import type { WordKey } from '../i18n';

type Op = 'activate' | 'topup' | 'cashout' | 'replace';
type Note = { ok: boolean; lines: string[] };

const TAB_WORD: Record<Op, WordKey> = {
  activate: 'clActivate',
  topup: 'clTopup',
  cashout: 'clCashout',
  replace: 'clReplace',
};

export function CardLifePanel() {
  const { t, err, money } = useT();
  const card = useTill((s) => s.cashier.card);
  const setCashier = useTill((s) => s.setCashier);
  const [open, setOpen] = useState(false);
  const [op, setOp] = useState<Op>('activate');
  const [valueFen, setValueFen] = useState(0);
  const loadFields = useLoadFields();
  const [oldCard, setOldCard] = useState('');
  const [reason, setReason] = useState<'lost' | 'damaged'>('lost');
  const [overrideFor, setOverrideFor] = useState<'cashout' | 'replace' | null>(null);
  const [overrideError, setOverrideError] = useState<string | null>(null);
  const [rules, setRules] = useState<CardRulesConfig | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<Note | null>(null);

  useEffect(() => {
    if (open && !rules) void call('card.rules', {}).then(setRules, () => setRules(null));
  }, [open, rules]);

  const key = (k: string) => {
    setNote(null);
    // Updates from the state before it, not this render's: keys typed faster than a render all count.
    if (k === 'back') setValueFen((v) => keypadBackspace(v));
    else if (k === 'clear') setValueFen(0);
    else setValueFen((v) => keypadAppend(v, k));
  };

  // Selling or topping up: the till's keypad and keys key this value, and OK sells (key-claim.ts).
  const loading = op === 'activate' || op === 'topup';
  useClaimKeys(
    open && loading,
    {
      id: 'card-life',
      testId: 'card-life-keypad',
      okLabel: t(op === 'activate' ? 'clGoActivate' : 'clGoTopup'),
      disabled: busy,
    },
    { key, ok: () => void load() },
  );

  const codeOf = (e: unknown) => (e instanceof BridgeError ? e.error.code : 'INTERNAL');

  const shownLoad = (out: CardLifeResult): Note => {
    const r = out.result;
    const buyer = out.buyer ? [t('clBuyerRecorded', { name: out.buyer.name, id: out.buyer.idNumber })] : [];
    if (r.status === 'approved') {
      const vars = {
        card: r.masked,
        balance: r.balanceFen !== undefined ? money(r.balanceFen) : '-',
        cap: out.capRemainingFen !== undefined ? money(out.capRemainingFen) : '-',
      };
      return {
        ok: true,
        lines: [
          t(op === 'activate' ? 'clSold' : 'clToppedUp', vars),
          ...(out.changeFen > 0 ? [t('clChange', { amount: money(out.changeFen) })] : []),
          ...buyer,
        ],
      };
    }
    return {
      ok: false,
      lines: [
        t('clFailed', { why: err(r.declineCode ?? 'ISSUER_ERROR') }),
        ...(out.handBackFen > 0 ? [t('clHandBack', { amount: money(out.handBackFen) })] : []),
      ],
    };
  };

  const load = async () => {
    if (!card || valueFen <= 0 || busy) return;
    setBusy(true);
    setNote(null);
    try {
      const out = await call(op === 'activate' ? 'card.activate' : 'card.topup', {
        cardToken: card.cardToken,
        valueFen,
        ...loadFields.payment(),
      });
      setNote(shownLoad(out));
      setCashier({ receipt: out.receipt, ...(out.result.status === 'approved' ? { card: null } : {}) });
      if (out.result.status === 'approved') {
        setValueFen(0);
        // The ID typed is not kept on the screen once it is recorded.
        loadFields.clear();
      }
      void loadRecent();
    } catch (e) {
      // Refused before anything was recorded (a rule, short cash, no card): nothing was taken.
      setNote({ ok: false, lines: [t('clFailed', { why: err(codeOf(e)) })] });
    } finally {
      setBusy(false);
    }
  };

  const withOverride = async (o: Override) => {
    const what = overrideFor;
    if (!what || !card) return;
    setBusy(true);
    try {
      if (what === 'cashout') {
        const out = await call('card.cashout', { cardToken: card.cardToken, override: o });
        const r = out.result;
        setNote(
          r.status === 'approved'
            ? { ok: true, lines: [t('clCashedOut', { card: r.masked, amount: money(out.payoutFen) })] }
            : { ok: false, lines: [t('clFailed', { why: err(r.declineCode ?? 'ISSUER_ERROR') })] },
        );
        if (out.receipt) setCashier({ receipt: out.receipt });
        if (r.status === 'approved') setCashier({ card: null });
      } else {
        const out = await call('card.replace', {
          oldCardNumber: oldCard.replace(/\s/g, ''),
          cardToken: card.cardToken,
          reason,
          override: o,
        });
        const r = out.result;
        setNote(
          r.status === 'approved'
            ? { ok: true, lines: [t('clReplaced', { amount: money(out.movedFen), card: out.newMasked })] }
            : { ok: false, lines: [t('clFailed', { why: err(r.declineCode ?? 'ISSUER_ERROR') })] },
        );
        setCashier({ receipt: out.receipt, ...(r.status === 'approved' ? { card: null } : {}) });
        if (r.status === 'approved') setOldCard('');
      }
      setOverrideFor(null);
      setOverrideError(null);
      void loadRecent();
    } catch (e) {
      const code = codeOf(e);
      // A wrong PIN keeps the dialog open; anything else closes it and says why.
      if (code === 'BAD_PIN' || code === 'FORBIDDEN' || code === 'OPERATOR_LOCKED')
        setOverrideError(err(code));
      else {
        setOverrideFor(null);
        setOverrideError(null);
        setNote({ ok: false, lines: [t('clFailed', { why: err(code) })] });
      }
    } finally {
      setBusy(false);
    }
  };

  if (!open)
    return (
      <button className="btn" onClick={() => setOpen(true)} data-testid="card-life-open">
        {t('clOpen')}
      </button>
    );
  return (
    <section className="void-refund card-life" data-testid="card-life">
      <h3>{t('clOpen')}</h3>
      <div className="mode-tabs">
        {(['activate', 'topup', 'cashout', 'replace'] as const).map((o) => (
          <button
            key={o}
            className={`tab ${op === o ? 'active' : ''}`}
            onClick={() => {
              setOp(o);
              setNote(null);
            }}
            data-testid={`card-life-${o}`}
          >
            {t(TAB_WORD[o])}
          </button>
        ))}
      </div>
      <p data-testid="card-life-card">
        {card ? <span className="mono">{card.masked}</span> : t('clNeedCard')}
      </p>
      {loading && (
        <>
          <p className="muted small">{t('clCashOnly')}</p>
          <div className="amount" data-testid="card-life-value">
            <span className="amount-label">{t('clValue')}</span>
            <span className="amount-value">{money(valueFen)}</span>
          </div>
          <LoadFields f={loadFields.f} />
        </>
      )}
      {op === 'cashout' && (
        <>
          <p className="muted small">
            {t('clCashoutHint', { max: rules ? money(rules.anonymousCashoutMaxFen) : '-' })}
          </p>
          <button
            className="btn primary"
            disabled={!card || busy}
            onClick={() => setOverrideFor('cashout')}
            data-testid="card-life-go-cashout"
          >
            {t('clGoCashout')}
          </button>
        </>
      )}
      {op === 'replace' && (
        <>
          <p className="muted small">{t('clReplaceHint')}</p>
          <label>
            {t('clOldCard')}
            <input
              className="mono"
              inputMode="numeric"
              value={oldCard}
              onChange={(e) => setOldCard(e.target.value.replace(/[^\d ]/g, ''))}
              data-testid="card-life-old-card"
            />
          </label>
          <label>
            {t('clReason')}
            <select
              value={reason}
              onChange={(e) => setReason(e.target.value as 'lost' | 'damaged')}
              data-testid="card-life-reason"
            >
              <option value="lost">{t('clLost')}</option>
              <option value="damaged">{t('clDamaged')}</option>
            </select>
          </label>
          <button
            className="btn primary"
            disabled={!card || busy || !/^\d{12,19}$/.test(oldCard.replace(/\s/g, ''))}
            onClick={() => setOverrideFor('replace')}
            data-testid="card-life-go-replace"
          >
            {t('clGoReplace')}
          </button>
        </>
      )}
      {rules && (
        <p className="muted small" data-testid="card-life-rules">
          {t('clRules')}:{' '}
          {t('clRulesLine', {
            reg: money(rules.registeredCapFen),
            anon: money(rules.anonymousCapFen),
            org: money(rules.organisationNoCashFromFen),
            person: money(rules.personNoCashFromFen),
            id: money(rules.anonymousIdFromFen),
            cashout: money(rules.anonymousCashoutMaxFen),
          })}
        </p>
      )}
      <div className="row">
        <button className="btn" onClick={() => setOpen(false)} data-testid="card-life-close">
          {t('cancel')}
        </button>
      </div>
      {note && (
        <div className={note.ok ? 'ok-note' : 'error'} role="status" data-testid="card-life-note">
          {note.lines.map((l) => (
            <p key={l}>{l}</p>
          ))}
        </div>
      )}
      {overrideFor && (
        <OverrideDialog
          action={overrideFor}
          error={overrideError}
          onConfirm={(o) => void withOverride(o)}
          onCancel={() => {
            setOverrideFor(null);
            setOverrideError(null);
          }}
        />
      )}
    </section>
  );
}
