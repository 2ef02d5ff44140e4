/**
 * The cardholder password on the cashier's screen (issue 12, 密码支付), both on the PIN pad
 * (./PinPad.tsx), which keeps the digits out of the DOM, the store and any log:
 *
 *  - SalePasswordPrompt: after a sale declined PASSWORD_REQUIRED or PASSWORD_WRONG with the card
 *    still presented, the pad opens; OK retries the same sale with the password (actions.submit),
 *    which the core turns into a PIN block at once. PASSWORD_LOCKED closes it (the decline says why).
 *    The ECR's sale (`sale.collect`) asks through the same pad: its prompt event carries the
 *    decline, and OK / cancel go back to the core's waiting collect (`sale.collectPassword`),
 *    which runs the sale again (src/main/terminal/collect.ts).
 *  - CardPasswordPanel: set or change the presented card's password — old (or "no password yet"),
 *    new, new again — then one `card.setPassword` call. The entries are held in a ref only until
 *    that call is made, and dropped on cancel.
 */
import { useRef, useState } from 'react';
import { call, loadRecent, submit } from '../actions';
import { BridgeError } from '../bridge';
import { useTill } from '../store';
import { useT } from './useLang';
import { PinPad } from './PinPad';

const ASKS_PASSWORD = new Set(['PASSWORD_REQUIRED', 'PASSWORD_WRONG']);

/** The pad's answer to a waiting ECR collect; the pad closes until the core asks again. */
function answerCollect(entry: { password: string } | { cancel: true }): void {
  const c = useTill.getState().cashier.collect;
  if (c) useTill.getState().setCashier({ collect: { amountFen: c.amountFen } });
  void call('sale.collectPassword', entry).catch((e: unknown) =>
    useTill.getState().setCashier({
      error: { code: e instanceof BridgeError ? e.error.code : 'INTERNAL', message: 'collect password' },
    }),
  );
}

export function SalePasswordPrompt() {
  const { t, err, money } = useT();
  const collect = useTill((s) => s.cashier.collect);
  const result = useTill((s) => s.cashier.result);
  const card = useTill((s) => s.cashier.card);
  const busy = useTill((s) => s.cashier.busy);
  const amountFen = useTill((s) => s.cashier.amountFen);
  const [dismissed, setDismissed] = useState<number | null>(null);
  if (collect?.password) {
    const ask = collect.password;
    return (
      <PinPad
        key={ask.stan} // a new try, a fresh pad
        title={t('pinTitleSale')}
        subtitle={t('pinAmount', { amount: money(collect.amountFen) })}
        error={ask.declineCode === 'PASSWORD_WRONG' ? err('PASSWORD_WRONG') : null}
        onSubmit={(password) => answerCollect({ password })}
        onCancel={() => answerCollect({ cancel: true })}
        testId="sale-pinpad"
      />
    );
  }
  const asks =
    !!result &&
    !!card &&
    !busy &&
    result.type === 'sale' &&
    result.status === 'declined' &&
    ASKS_PASSWORD.has(result.declineCode ?? '') &&
    dismissed !== result.stan;
  if (!asks) return null;
  return (
    <PinPad
      title={t('pinTitleSale')}
      subtitle={t('pinAmount', { amount: money(result.amountFen || amountFen) })}
      error={result.declineCode === 'PASSWORD_WRONG' ? err('PASSWORD_WRONG') : null}
      onSubmit={(password) => void submit(undefined, undefined, password)}
      onCancel={() => setDismissed(result.stan)}
      testId="sale-pinpad"
    />
  );
}

type Step = 'old' | 'new' | 'confirm';

/**
 * The issuer's answer is unknown (lost, unverifiable, or not recorded): the core has queued the
 * change's reversal, the issuer puts the previous password back — the change did not take.
 */
const NOT_TAKEN = new Set(['ISSUER_UNREACHABLE', 'ISSUER_BAD_SIGNATURE', 'OUTCOME_UNKNOWN']);

export function CardPasswordPanel() {
  const { t, err } = useT();
  const card = useTill((s) => s.cashier.card);
  const [step, setStep] = useState<Step | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  /** The entries of this one change, until the call: never state, never the store. */
  const entries = useRef<{ old?: string; next?: string }>({});

  const drop = () => {
    entries.current = {};
    setStep(null);
  };
  const send = async (confirmPassword: string) => {
    const { old, next } = entries.current;
    entries.current = {};
    setStep(null);
    if (!card || next === undefined) return;
    setBusy(true);
    try {
      const r = await call('card.setPassword', {
        cardToken: card.cardToken,
        ...(old !== undefined ? { oldPassword: old } : {}),
        newPassword: next,
        confirmPassword,
      });
      setNote(
        r.status === 'approved'
          ? { ok: true, text: t('pwDone', { card: r.masked }) }
          : NOT_TAKEN.has(r.declineCode ?? '')
            ? { ok: false, text: t('pwNotTaken') }
            : { ok: false, text: t('pwFailed', { why: err(r.declineCode ?? 'ISSUER_ERROR') }) },
      );
      void loadRecent();
    } catch (e) {
      const code = e instanceof BridgeError ? e.error.code : 'INTERNAL';
      setNote({
        ok: false,
        text: NOT_TAKEN.has(code) ? t('pwNotTaken') : t('pwFailed', { why: err(code) }),
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="card-password" data-testid="card-password">
      <button
        type="button"
        className="btn"
        disabled={busy}
        onClick={() => {
          setNote(null);
          if (!card) return setNote({ ok: false, text: t('pwNeedCard') });
          entries.current = {};
          setStep('old');
        }}
        data-testid="card-password-open"
      >
        {t('pwOpen')}
      </button>
      {note && (
        <p className={note.ok ? 'ok' : 'error'} role="status" data-testid="card-password-note">
          {note.text}
        </p>
      )}
      {step === 'old' && (
        <PinPad
          title={t('pinTitleOld')}
          onSubmit={(p) => {
            entries.current.old = p;
            setStep('new');
          }}
          alt={{ label: t('pinNoOld'), onClick: () => setStep('new') }}
          onCancel={drop}
          testId="pw-old"
        />
      )}
      {step === 'new' && (
        <PinPad
          title={t('pinTitleNew')}
          onSubmit={(p) => {
            entries.current.next = p;
            setStep('confirm');
          }}
          onCancel={drop}
          testId="pw-new"
        />
      )}
      {step === 'confirm' && (
        <PinPad
          title={t('pinTitleConfirm')}
          onSubmit={(p) => void send(p)}
          onCancel={drop}
          testId="pw-confirm"
        />
      )}
    </div>
  );
}
