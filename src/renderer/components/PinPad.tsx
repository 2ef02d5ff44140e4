/**
 * The on-screen PIN pad for the cardholder's 6-digit card password (issue 12, 密码支付). The
 * default way to take a password: a hardware PIN pad on a serial port would be a device kind of
 * its own (src/drivers), not this.
 *
 * What the typed digits never do (docs/security.md "Card password"):
 *  - appear on screen or in the DOM: only dots are drawn, and the digits live in a ref, not in an
 *    input's value, an attribute or React state (the state holds only how many were typed);
 *  - reach the zustand store, sessionStorage/localStorage or a log: `onSubmit` gets them once and
 *    the ref is emptied before it is called; closing the pad empties it too.
 *
 * While open it owns the keys (window capture phase, like OverrideDialog): digits, Backspace,
 * Enter (OK) and Esc (cancel) go to the pad and never to the cashier's amount behind it. The
 * keypad is in the fixed 1–9, 0 order a POS PIN pad has.
 */
import { useEffect, useRef, useState } from 'react';
import { useT } from './useLang';

const LENGTH = 6;
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'back'];
const keepFocus = (e: { preventDefault(): void }) => e.preventDefault();

export function PinPad(props: {
  title: string;
  /** A line under the title (the amount of the sale). */
  subtitle?: string;
  /** Why the last try was refused (PASSWORD_WRONG words), shown until the next key. */
  error?: string | null;
  onSubmit: (password: string) => void;
  onCancel: () => void;
  /** An extra way out (change: "the card has no password yet"). */
  alt?: { label: string; onClick: () => void };
  testId?: string;
}) {
  const { t } = useT();
  const digits = useRef('');
  const [count, setCount] = useState(0);
  const [short, setShort] = useState(false);
  const [error, setError] = useState(props.error ?? null);
  useEffect(() => setError(props.error ?? null), [props.error]);

  const clear = () => {
    digits.current = '';
    setCount(0);
  };
  const key = (k: string) => {
    setShort(false);
    setError(null);
    if (k === 'back') digits.current = digits.current.slice(0, -1);
    else if (k === 'clear') digits.current = '';
    else if (/^[0-9]$/.test(k) && digits.current.length < LENGTH) digits.current += k;
    setCount(digits.current.length);
  };
  const ok = () => {
    if (digits.current.length !== LENGTH) return setShort(true);
    const typed = digits.current;
    clear(); // emptied before it leaves: the pad keeps nothing
    props.onSubmit(typed);
  };
  const cancel = () => {
    clear();
    props.onCancel();
  };

  const latest = useRef({ key, ok, cancel });
  latest.current = { key, ok, cancel };
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (/^[0-9]$/.test(e.key)) latest.current.key(e.key);
      else if (e.key === 'Backspace') latest.current.key('back');
      else if (e.key === 'Enter') latest.current.ok();
      else if (e.key === 'Escape') latest.current.cancel();
      else if (!/^F\d+$/.test(e.key)) return;
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => {
      window.removeEventListener('keydown', onKeyDown, true);
      digits.current = ''; // unmounted mid-entry (sign-out, next customer): nothing stays behind
    };
  }, []);

  const testId = props.testId ?? 'pinpad';
  return (
    <div className="modal-backdrop">
      <div className="modal pinpad-modal" role="dialog" aria-modal="true" data-testid={testId}>
        <h3>{props.title}</h3>
        {props.subtitle && <p className="pinpad-subtitle">{props.subtitle}</p>}
        <div
          className="pin-dots"
          data-testid={`${testId}-dots`}
          data-count={count}
          aria-label={`${count}/${LENGTH}`}
        >
          {Array.from({ length: LENGTH }, (_, i) => (
            <span key={i} className={`pin-dot ${i < count ? 'filled' : ''}`}>
              {i < count ? '●' : '○'}
            </span>
          ))}
        </div>
        <p className="muted small">{t('pinHint')}</p>
        <div className="keypad pin-keys" data-testid={`${testId}-keys`}>
          {KEYS.map((k) => (
            <button
              key={k}
              type="button"
              className={`key ${k === 'clear' ? 'key-clear' : ''}`}
              onMouseDown={keepFocus}
              onClick={() => key(k)}
              data-key={k}
            >
              {k === 'back' ? '⌫' : k === 'clear' ? t('clear') : k}
            </button>
          ))}
        </div>
        {(short || error) && (
          <p className="error" role="alert" data-testid={`${testId}-error`}>
            {short ? t('pinNeedSix') : error}
          </p>
        )}
        <div className="row">
          <button
            type="button"
            className="btn primary"
            onMouseDown={keepFocus}
            onClick={ok}
            data-testid={`${testId}-ok`}
          >
            {t('ok')}
          </button>
          {props.alt && (
            <button
              type="button"
              className="btn"
              onMouseDown={keepFocus}
              onClick={props.alt.onClick}
              data-testid={`${testId}-alt`}
            >
              {props.alt.label}
            </button>
          )}
          <button
            type="button"
            className="btn"
            onMouseDown={keepFocus}
            onClick={cancel}
            data-testid={`${testId}-cancel`}
          >
            {t('pinCancel')}
          </button>
        </div>
      </div>
    </div>
  );
}
