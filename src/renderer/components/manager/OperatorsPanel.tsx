/** Operators: add, disable/enable, reset PIN. PINs go straight to the core, which keeps only scrypt hashes. */
import { useEffect, useState } from 'react';
import { call } from '../../actions';
import { BridgeError } from '../../bridge';
import { useT } from '../useLang';
import type { Res, Role } from '../../../shared/contract';
import type { WordKey } from '../../i18n';
import { useFormat } from '../../format';

export function OperatorsPanel() {
  const { t, err } = useT();
  const f = useFormat();
  const [rows, setRows] = useState<Res<'operators.list'>>([]);
  const [form, setForm] = useState({ id: '', name: '', role: 'cashier' as Role, pin: '' });
  const [pins, setPins] = useState<Record<string, string>>({});
  const [note, setNote] = useState('');
  const load = () => void call('operators.list', {}).then(setRows);
  useEffect(load, []);
  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      setNote(t('saved'));
      load();
    } catch (e) {
      setNote(
        e instanceof BridgeError
          ? `${err(e.error.code)}${e.error.detail ? ` (${e.error.detail})` : ''}`
          : String(e),
      );
    }
  };
  return (
    <section className="panel" data-testid="mgr-operators">
      <table className="grid">
        <thead>
          <tr>
            <th>{t('opId')}</th>
            <th>{t('opName')}</th>
            <th>{t('opRole')}</th>
            <th>{t('colStatus')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((o) => (
            <tr key={o.id} data-testid={`op-row-${o.id}`}>
              <td className="mono">{o.id}</td>
              <td>{o.name}</td>
              <td>{t(`role_${o.role}` as WordKey)}</td>
              <td>
                {o.disabled && <span className="tag warn">{t('disabled')}</span>}
                {o.lockedUntil && (
                  <span className="tag warn">{t('lockedUntil', { t: f.time(o.lockedUntil) })}</span>
                )}
              </td>
              <td className="row">
                <button
                  className="btn small"
                  onClick={() =>
                    void act(() => call('operators.setDisabled', { id: o.id, disabled: !o.disabled }))
                  }
                  data-testid={`op-toggle-${o.id}`}
                >
                  {o.disabled ? t('enable') : t('disable')}
                </button>
                <input
                  className="pin-small"
                  type="password"
                  inputMode="numeric"
                  placeholder={t('newPin')}
                  value={pins[o.id] ?? ''}
                  onChange={(e) =>
                    setPins({ ...pins, [o.id]: e.target.value.replace(/\D/g, '').slice(0, 8) })
                  }
                  data-testid={`op-pin-${o.id}`}
                />
                <button
                  className="btn small"
                  disabled={(pins[o.id] ?? '').length < 4}
                  onClick={() => void act(() => call('operators.resetPin', { id: o.id, pin: pins[o.id]! }))}
                  data-testid={`op-reset-${o.id}`}
                >
                  {t('resetPin')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void act(() => call('operators.add', form)).then(() =>
            setForm({ id: '', name: '', role: 'cashier', pin: '' }),
          );
        }}
      >
        <strong>{t('addOperator')}</strong>
        <input
          placeholder={t('opId')}
          value={form.id}
          onChange={(e) => setForm({ ...form, id: e.target.value.replace(/\D/g, '') })}
          data-testid="op-new-id"
        />
        <input
          placeholder={t('opName')}
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
          data-testid="op-new-name"
        />
        <select
          value={form.role}
          onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
          data-testid="op-new-role"
        >
          <option value="cashier">{t('role_cashier')}</option>
          <option value="manager">{t('role_manager')}</option>
          <option value="technician">{t('role_technician')}</option>
        </select>
        <input
          type="password"
          inputMode="numeric"
          placeholder={t('pin')}
          value={form.pin}
          onChange={(e) => setForm({ ...form, pin: e.target.value.replace(/\D/g, '').slice(0, 8) })}
          data-testid="op-new-pin"
        />
        <button className="btn primary" type="submit" data-testid="op-add">
          {t('addOperator')}
        </button>
      </form>
      {note && (
        <p className="muted" data-testid="op-note">
          {note}
        </p>
      )}
    </section>
  );
}
