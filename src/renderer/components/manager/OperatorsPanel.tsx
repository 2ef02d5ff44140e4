/**
 * Operators: add, disable/enable, reset PIN. PINs go straight to the core, which keeps only scrypt
 * hashes. The form checks what it can first and says it in words; a refused add keeps what was
 * typed (except the PIN). Nobody is offered 停用 on themselves, and disabling someone is confirmed.
 */
import { useEffect, useState } from 'react';
import { call } from '../../actions';
import { BridgeError } from '../../bridge';
import { useT } from '../useLang';
import { useTill } from '../../store';
import type { Res, Role } from '../../../shared/contract';
import type { WordKey } from '../../i18n';
import { useFormat } from '../../format';

type Form = { id: string; name: string; role: Role; pin: string };
const EMPTY: Form = { id: '', name: '', role: 'cashier', pin: '' };

/** The first rule the form breaks, as a word key (the contract's rules: src/shared/contract/manager.ts). */
function formProblem(f: Form): WordKey | null {
  if (!/^\d{3,8}$/.test(f.id)) return 'opIdRule';
  if (f.name.trim().length < 1 || f.name.length > 40) return 'opNameRule';
  if (!/^\d{4,8}$/.test(f.pin)) return 'opPinRule';
  return null;
}

export function OperatorsPanel() {
  const { t, err } = useT();
  const f = useFormat();
  const me = useTill((s) => s.session.info?.operator?.id);
  const [rows, setRows] = useState<Res<'operators.list'>>([]);
  const [form, setForm] = useState<Form>(EMPTY);
  const [pins, setPins] = useState<Record<string, string>>({});
  const [note, setNote] = useState<{ text: string; bad: boolean } | null>(null);
  const [disabling, setDisabling] = useState<string | null>(null);
  const load = () => void call('operators.list', {}).then(setRows);
  useEffect(load, []);
  /** Words for a refused call: the code's words, never the core's technical detail. */
  const words = (e: unknown, id?: string) =>
    e instanceof BridgeError
      ? e.error.code === 'INVALID_STATE' && id
        ? t('opExists', { id })
        : err(e.error.code)
      : String(e);
  const act = async (fn: () => Promise<unknown>, ok: string = t('saved')): Promise<boolean> => {
    try {
      await fn();
      setNote({ text: ok, bad: false });
      load();
      return true;
    } catch (e) {
      setNote({ text: words(e), bad: true });
      return false;
    }
  };
  const add = async () => {
    const problem = formProblem(form);
    if (problem) return setNote({ text: t(problem), bad: true });
    try {
      await call('operators.add', { ...form, name: form.name.trim() });
      setNote({ text: t('opAdded', { id: form.id }), bad: false });
      setForm(EMPTY);
      load();
    } catch (e) {
      // Keep what was typed so it can be corrected; only the PIN is cleared.
      setForm({ ...form, pin: '' });
      setNote({ text: words(e, form.id), bad: true });
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
              <td>
                {o.name}
                {o.id === me && <span className="muted"> {t('opThisIsYou')}</span>}
              </td>
              <td>{t(`role_${o.role}` as WordKey)}</td>
              <td>
                {o.disabled && <span className="tag warn">{t('disabled')}</span>}
                {o.lockedUntil && (
                  <span className="tag warn">{t('lockedUntil', { t: f.time(o.lockedUntil) })}</span>
                )}
              </td>
              <td className="row">
                {o.id !== me &&
                  (disabling === o.id ? (
                    <span className="confirm" role="alertdialog" data-testid={`op-confirm-${o.id}`}>
                      {t('confirmDisable', { name: o.name, id: o.id })}{' '}
                      <button
                        className="btn small danger"
                        onClick={() =>
                          void act(() => call('operators.setDisabled', { id: o.id, disabled: true })).then(
                            () => setDisabling(null),
                          )
                        }
                        data-testid={`op-confirm-yes-${o.id}`}
                      >
                        {t('confirmDisableYes')}
                      </button>
                      <button className="btn small" onClick={() => setDisabling(null)}>
                        {t('cancel')}
                      </button>
                    </span>
                  ) : (
                    <button
                      className="btn small"
                      onClick={() =>
                        o.disabled
                          ? void act(() => call('operators.setDisabled', { id: o.id, disabled: false }))
                          : setDisabling(o.id)
                      }
                      data-testid={`op-toggle-${o.id}`}
                    >
                      {o.disabled ? t('enable') : t('disable')}
                    </button>
                  ))}
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
        className="row op-add-form"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <strong>{t('addOperator')}</strong>
        <input
          placeholder={t('opId')}
          value={form.id}
          onChange={(e) => setForm({ ...form, id: e.target.value.replace(/\D/g, '').slice(0, 8) })}
          data-testid="op-new-id"
        />
        <input
          placeholder={t('opName')}
          value={form.name}
          maxLength={40}
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
        <p
          className={note.bad ? 'error' : 'muted'}
          role={note.bad ? 'alert' : undefined}
          data-testid="op-note"
        >
          {note.text}
        </p>
      )}
    </section>
  );
}
