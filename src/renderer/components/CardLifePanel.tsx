/**
 * Cashier: sell a card (售卡) or top one up (充值) for cash — the card presented as for a sale, the
 * value keyed on the same amount keypad. The core records the cash first and then asks the issuer
 * (src/main/terminal/card-life.ts); when it did not go through, the screen says to hand the cash
 * back, in plain words.
 */
import { useState } from 'react';
import { call, loadRecent } from '../actions';
import { BridgeError } from '../bridge';
import { useTill } from '../store';
import { useT } from './useLang';
import { Keypad } from './Keypad';
import { yuanToFen } from './manager/download';
import { keypadAppend, keypadBackspace } from '../../shared/money';
import type { CardLifeResult } from '../../shared/contract';

type Op = 'activate' | 'topup';

export function CardLifePanel() {
  const { t, err, money } = useT();
  const card = useTill((s) => s.cashier.card);
  const setCashier = useTill((s) => s.setCashier);
  const [open, setOpen] = useState(false);
  const [op, setOp] = useState<Op>('activate');
  const [valueFen, setValueFen] = useState(0);
  const [tenderText, setTenderText] = useState('');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; lines: string[] } | null>(null);

  const key = (k: string) => {
    setNote(null);
    if (k === 'back') setValueFen(keypadBackspace(valueFen));
    else if (k === 'clear') setValueFen(0);
    else setValueFen(keypadAppend(valueFen, k));
  };

  const shown = (out: CardLifeResult): { ok: boolean; lines: string[] } => {
    const r = out.result;
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
        ],
      };
    }
    return {
      ok: false,
      lines: [
        t('clFailed', { why: err(r.declineCode ?? 'ISSUER_ERROR') }),
        t('clHandBack', { amount: money(out.handBackFen) }),
      ],
    };
  };

  const go = async () => {
    if (!card || valueFen <= 0 || busy) return;
    const tenderFen = tenderText ? yuanToFen(tenderText) : undefined;
    setBusy(true);
    setNote(null);
    try {
      const out = await call(op === 'activate' ? 'card.activate' : 'card.topup', {
        cardToken: card.cardToken,
        valueFen,
        ...(tenderFen ? { tenderFen } : {}),
      });
      setNote(shown(out));
      setCashier({ receipt: out.receipt, ...(out.result.status === 'approved' ? { card: null } : {}) });
      if (out.result.status === 'approved') {
        setValueFen(0);
        setTenderText('');
      }
      void loadRecent();
    } catch (e) {
      // Refused before anything was recorded (cap, short cash, no card): nothing was taken.
      const code = e instanceof BridgeError ? e.error.code : 'INTERNAL';
      setNote({ ok: false, lines: [t('clFailed', { why: err(code) })] });
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
        {(['activate', 'topup'] as const).map((o) => (
          <button
            key={o}
            className={`tab ${op === o ? 'active' : ''}`}
            onClick={() => {
              setOp(o);
              setNote(null);
            }}
            data-testid={`card-life-${o}`}
          >
            {t(o === 'activate' ? 'clActivate' : 'clTopup')}
          </button>
        ))}
      </div>
      <p className="muted small">{t('clCashOnly')}</p>
      <div className="amount" data-testid="card-life-value">
        <span className="amount-label">{t('clValue')}</span>
        <span className="amount-value">{money(valueFen)}</span>
      </div>
      <p data-testid="card-life-card">
        {card ? <span className="mono">{card.masked}</span> : t('clNeedCard')}
      </p>
      <Keypad
        onKey={key}
        onOk={() => void go()}
        okLabel={t(op === 'activate' ? 'clGoActivate' : 'clGoTopup')}
        clearLabel={t('clear')}
        disabled={busy}
        testId="card-life-keypad"
      />
      <label>
        {t('clTender')}
        <input
          className="mono"
          inputMode="decimal"
          value={tenderText}
          onChange={(e) => setTenderText(e.target.value)}
          data-testid="card-life-tender"
        />
      </label>
      <div className="row">
        <button className="btn" onClick={() => setOpen(false)}>
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
    </section>
  );
}
