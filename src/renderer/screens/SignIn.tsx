import { useEffect, useRef, useState } from 'react';
import { call, signIn } from '../actions';
import { useT } from '../components/useLang';
import { Keypad } from '../components/Keypad';
import type { Operator } from '../../shared/contract';
import type { ApiErrorShape } from '../../shared/errors';
import { useFormat } from '../format';

export function SignIn() {
  const { t, err } = useT();
  const f = useFormat();
  const [operators, setOperators] = useState<Operator[]>([]);
  const [selected, setSelected] = useState<string>('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<ApiErrorShape | null>(null);

  useEffect(() => {
    void call('auth.operators', {}).then((ops) => {
      setOperators(ops);
      if (ops[0]) setSelected(ops[0].id);
    });
  }, []);

  const submit = async () => {
    if (!selected || pin.length < 4) return;
    const e = await signIn(selected, pin);
    setPin('');
    setError(e);
  };
  // Enter signs in wherever the focus is (an operator button, the keypad): the keyboard's Enter
  // must never "press" the focused button instead (issue 11 #4). One listener, the latest submit.
  const submitRef = useRef(submit);
  submitRef.current = submit;
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'Enter' || e.defaultPrevented) return;
      e.preventDefault();
      void submitRef.current();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
  const onKey = (k: string) => {
    if (k === 'back') setPin((p) => p.slice(0, -1));
    else if (k === 'clear') setPin('');
    else setPin((p) => (p + k).slice(0, 8));
  };

  return (
    <main className="signin" data-testid="signin">
      <h1>{t('appName')}</h1>
      <div className="signin-grid">
        <section>
          <h2>{t('chooseOperator')}</h2>
          <div className="operator-list">
            {operators.map((o) => (
              <button
                key={o.id}
                className={`btn operator-btn ${selected === o.id ? 'selected' : ''}`}
                onClick={() => setSelected(o.id)}
                data-testid={`operator-${o.id}`}
              >
                <span className="op-name">{o.name}</span>
                <span className="muted">
                  {o.id} · {t(`role_${o.role}`)}
                </span>
              </button>
            ))}
          </div>
        </section>
        <section>
          <h2>{t('enterPin')}</h2>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <input
              className="pin-input"
              type="password"
              inputMode="numeric"
              autoComplete="off"
              value={pin}
              onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
              aria-label={t('pin')}
              data-testid="pin-input"
              autoFocus
            />
          </form>
          <Keypad
            onKey={onKey}
            onOk={() => void submit()}
            okLabel={t('signIn')}
            clearLabel={t('clear')}
            testId="pin-keypad"
          />
          {error && (
            <p className="error" role="alert" data-testid="signin-error">
              {err(error.code)}
              {error.detail ? ` (${f.errorDetail(error.code, error.detail)})` : ''}
            </p>
          )}
        </section>
      </div>
    </main>
  );
}
