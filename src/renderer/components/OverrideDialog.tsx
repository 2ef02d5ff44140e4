/**
 * The manager-override PIN dialog: a manager picks their name and types their PIN on the cashier's
 * screen to allow one privileged action. The PIN goes to the core with that action's call and is
 * checked there (src/main/auth/override.ts); nothing is remembered here.
 */
import { useEffect, useState } from 'react';
import { call } from '../actions';
import { useT } from './useLang';
import type { Operator, Override } from '../../shared/contract';
import type { WordKey } from '../i18n';

export function OverrideDialog(props: {
  action: 'void' | 'refund' | 'z_reprint' | 'force_close' | 'offline_over_limit';
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
  return (
    <div className="modal-backdrop">
      <form
        className="modal"
        role="dialog"
        data-testid="override-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (who && /^\d{4,8}$/.test(pin)) props.onConfirm({ operatorId: who, pin });
          setPin('');
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
        {props.error && (
          <p className="error" role="alert" data-testid="override-error">
            {props.error}
          </p>
        )}
        <div className="row">
          <button type="submit" className="btn primary" data-testid="override-ok">
            {t('ok')}
          </button>
          <button type="button" className="btn" onClick={props.onCancel} data-testid="override-cancel">
            {t('cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
