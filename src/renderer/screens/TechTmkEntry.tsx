/**
 * An ISO 8583 entry's terminal master key on the technician's issuer list: whether one is stored
 * and its check value (public), the issuer's check value, and the entry form (`tech.enterTmk`,
 * the same path as `cardtill keys tmk`). The key is typed into a masked, uncontrolled field: it is
 * never in React state or the store, and the field is emptied as soon as it is submitted (or the
 * replacement is cancelled). Replacing a stored key asks first.
 */
import { useRef, useState } from 'react';
import type { Res } from '../../shared/contract';
import { call } from '../actions';
import { useT } from '../components/useLang';

type Tmk = NonNullable<Res<'tech.issuers'>['issuers'][number]['tmk']>;

export function TechTmkEntry({
  issuerId,
  tmk,
  onEntered,
}: {
  issuerId: string;
  tmk: Tmk;
  onEntered: () => void;
}) {
  const { t, err } = useT();
  const field = useRef<HTMLInputElement>(null);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [out, setOut] = useState<{ ok: boolean; text: string } | null>(null);

  const takeKey = (): string => {
    const el = field.current;
    const v = el?.value ?? '';
    if (el) el.value = '';
    return v;
  };
  const submit = async (replace: boolean) => {
    const tmkHex = takeKey();
    setAsking(false);
    setBusy(true);
    try {
      const r = await call('tech.enterTmk', { issuerId, tmkHex, ...(replace ? { replace } : {}) });
      setOut(
        r.signOn.ok
          ? { ok: true, text: t('techTmkDone', { check: r.check }) }
          : { ok: false, text: t('techTmkSignOnFailed', { check: r.check, detail: r.signOn.detail ?? '' }) },
      );
      onEntered();
    } catch (e) {
      const code = (e as { error?: { code: string } }).error?.code ?? 'INTERNAL';
      setOut({ ok: false, text: err(code) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="small" data-testid={`tech-tmk-${issuerId}`} data-stored={tmk.stored}>
      <div data-testid={`tech-tmk-state-${issuerId}`}>
        {tmk.stored ? t('techTmkStored', { check: tmk.check ?? '' }) : t('techTmkNone')}
      </div>
      {tmk.expectedCheck && (
        <div className="muted mono">{t('techTmkExpected', { check: tmk.expectedCheck })}</div>
      )}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (tmk.stored) setAsking(true);
          else void submit(false);
        }}
      >
        <input
          ref={field}
          type="password"
          className="mono"
          autoComplete="off"
          spellCheck={false}
          maxLength={32}
          placeholder={t('techTmkInput')}
          aria-label={t('techTmk')}
          data-testid={`tech-tmk-input-${issuerId}`}
        />
        <button
          className="btn small"
          type="submit"
          disabled={busy}
          data-testid={`tech-tmk-submit-${issuerId}`}
        >
          {t('techTmkSubmit')}
        </button>
      </form>
      {asking && (
        <span className="confirm" role="alertdialog" data-testid={`tech-tmk-confirm-${issuerId}`}>
          {t('techTmkReplaceAsk', { check: tmk.check ?? '' })}{' '}
          <button
            className="btn small danger"
            onClick={() => void submit(true)}
            data-testid={`tech-tmk-confirm-yes-${issuerId}`}
          >
            {t('techTmkReplaceYes')}
          </button>
          <button
            className="btn small"
            onClick={() => {
              takeKey();
              setAsking(false);
            }}
          >
            {t('cancel')}
          </button>
        </span>
      )}
      {out && (
        <div
          className={out.ok ? 'muted' : 'error'}
          data-testid={`tech-tmk-result-${issuerId}`}
          data-ok={out.ok}
        >
          {out.text}
        </div>
      )}
    </div>
  );
}
