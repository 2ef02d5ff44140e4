/**
 * The manager-override PIN dialog: a manager picks their name and types their PIN on the cashier's
 * screen to allow one privileged action. The PIN goes to the core with that action's call and is
 * checked there (src/main/auth/override.ts); nothing is remembered here.
 *
 * A touch-only till uses the on-screen keypad; a keyboard uses the PIN field. While the dialog is
 * open it owns the keys (window capture phase, after the wedge): digits go to the PIN, Enter
 * confirms, Esc closes — none of them reaches the cashier's bindings behind it (issue 11 #10).
 */
import { useEffect, useRef, useState } from 'react';
import { call } from '../actions';
import { useT } from './useLang';
import { Keypad } from './Keypad';
import type { Operator, Override } from '../../shared/contract';
import type { WordKey } from '../i18n';

export type OverrideActionName =
  | 'void'
  | 'refund'
  | 'manual_entry'
  | 'z_reprint'
  | 'force_close'
  | 'offline_over_limit'
  | 'cashout'
  | 'replace';

export function OverrideDialog(props: {
  action: OverrideActionName;
  error?: string | null;
  onConfirm: (o: Override) => void;
  onCancel: () => void;
  /** Why the override is asked and what it does (e.g. the force-close's unsent sales). */
  children?: React.ReactNode;
}) {
  const { t } = useT();
  const [managers, setManagers] = useState<Operator[]>([]);
  const [who, setWho] = useState('');
  const [pin, setPin] = useState('');
  useEffect(() => {
    void call('auth.operators', {}).then((ops) => {
      const m = ops.filter((o) => o.role === 'manager');
      setManagers(m);
      if (m[0]) setWho(m[0].id);
    });
  }, []);

  const confirm = () => {
    if (who && /^\d{4,8}$/.test(pin)) props.onConfirm({ operatorId: who, pin });
    setPin('');
  };
  const onKey = (k: string) => {
    if (k === 'back') setPin((p) => p.slice(0, -1));
    else if (k === 'clear') setPin('');
    else setPin((p) => (p + k).slice(0, 8));
  };

  const latest = useRef({ confirm, onKey, cancel: props.onCancel });
  latest.current = { confirm, onKey, cancel: props.onCancel };
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      const inPin = e.target instanceof HTMLInputElement && e.target.dataset.testid === 'override-pin';
      const inSelect = e.target instanceof HTMLSelectElement;
      if (e.key === 'Escape') latest.current.cancel();
      else if (e.key === 'Enter' && !inSelect) latest.current.confirm();
      else if (/^[0-9]$/.test(e.key) && !inPin) latest.current.onKey(e.key);
      else if (e.key === 'Backspace' && !inPin) latest.current.onKey('back');
      else if (!/^F\d+$/.test(e.key)) return; // typing in the PIN field itself, Tab, arrows
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, []);

  return (
    <div className="modal-backdrop">
      <form
        className="modal override-modal"
        role="dialog"
        aria-modal="true"
        data-testid="override-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          confirm();
        }}
      >
        <h3>{t('overrideTitle', { action: t(`act_${props.action}` as WordKey) })}</h3>
        {props.children}
        <label>
          {t('overrideManager')}
          <select value={who} onChange={(e) => setWho(e.target.value)} data-testid="override-operator">
            {managers.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} ({m.id})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('overridePin')}
          <input
            className="pin-input"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
            data-testid="override-pin"
            autoFocus
          />
        </label>
        <Keypad
          onKey={onKey}
          onOk={confirm}
          okLabel={t('ok')}
          clearLabel={t('clear')}
          testId="override-keypad"
        />
        {props.error && (
          <p className="error" role="alert" data-testid="override-error">
            {props.error}
          </p>
        )}
        {/* One OK: the keypad's (a second one here read as two different confirmations). */}
        <div className="row">
          <button type="button" className="btn" onClick={props.onCancel} data-testid="override-cancel">
            Esc {t('cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
