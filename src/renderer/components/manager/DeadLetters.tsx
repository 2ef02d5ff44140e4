/**
 * The job queue's dead-letter list (`jobs.deadLetters`): reversals, settlements and enrolments
 * the issuer refused for good. Each waits for a manager's acknowledgement; nothing is deleted.
 * Refreshed on `queue.changed` (the queue emits it when a job goes dead or is acknowledged) and
 * every few seconds, like the rest of the queue screen.
 */
import { useCallback, useEffect, useState } from 'react';
import { useT } from '../useLang';
import { call } from '../../actions';
import { getBridge } from '../../bridge';
import type { DeadLetter, DeadLetters as List } from '../../../shared/contract';

const stanText = (n: number) => String(n).padStart(6, '0');
/** The issuer's answer can be long (a validation report): its first words here, all of it on hover. */
const brief = (s: string | null) => {
  const first = (s ?? '').split(/[{\n]/)[0].trim();
  return first.length > 80 ? `${first.slice(0, 80)}…` : first;
};

export function DeadLetters() {
  const { t, err, money } = useT();
  const [d, setD] = useState<List | null>(null);
  const [error, setError] = useState('');

  const refresh = useCallback(async () => {
    try {
      setD(await call('jobs.deadLetters', {}));
    } catch {
      // signed out meanwhile
    }
  }, []);

  useEffect(() => {
    void refresh();
    const off = getBridge().on('queue.changed', () => void refresh());
    const timer = setInterval(() => void refresh(), 3000);
    return () => {
      off();
      clearInterval(timer);
    };
  }, [refresh]);

  const ack = async (id: number) => {
    setError('');
    try {
      setD(await call('jobs.ackDeadLetter', { id }));
    } catch (e) {
      const code = (e as { error?: { code?: string } }).error?.code;
      setError(code ? err(code) : String((e as Error).message));
    }
  };

  if (!d) return null;
  const what = (x: DeadLetter) =>
    x.kind === 'reversal'
      ? t('deadKindReversal', { stan: x.stan === null ? x.ref : stanText(x.stan) })
      : x.kind === 'settlement'
        ? t('deadKindSettlement', { batch: x.summary })
        : x.kind === 'enrolment'
          ? t('deadKindEnrolment', { v: x.summary })
          : t('deadKindAdvice');
  return (
    <section data-testid="dead-letters">
      <h3>{t('deadTitle')}</h3>
      <p className="muted small" data-testid="dead-waiting">
        {t('deadWaiting', {
          r: String(d.waiting.reversal),
          s: String(d.waiting.settlement),
          e: String(d.waiting.enrolment),
        })}
      </p>
      {d.items.length === 0 ? (
        <p className="muted" data-testid="dead-none">
          {t('deadNone')}
        </p>
      ) : (
        <>
          <p className="small">{t('deadHint')}</p>
          <table className="grid" data-testid="dead-list">
            <thead>
              <tr>
                <th>{t('deadColWhat')}</th>
                <th>{t('deadColCard')}</th>
                <th>{t('deadColAmount')}</th>
                <th>{t('deadColAttempts')}</th>
                <th>{t('deadColWhy')}</th>
                <th>{t('deadColAt')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {d.items.map((x) => (
                <tr key={x.id} data-testid={`dead-${x.id}`}>
                  <td>{what(x)}</td>
                  <td className="mono">{x.kind === 'reversal' ? x.summary : ''}</td>
                  <td>{x.amountFen === null ? '' : money(x.amountFen)}</td>
                  <td>{x.attempts}</td>
                  <td className="small" title={x.lastError ?? ''}>
                    {brief(x.lastError)}
                  </td>
                  <td className="small">{new Date(x.deadAt).toLocaleString()}</td>
                  <td>
                    {x.acknowledgedAt ? (
                      t('queueAcked', { who: x.acknowledgedBy ?? '' })
                    ) : (
                      <button
                        className="btn small"
                        onClick={() => void ack(x.id)}
                        data-testid={`dead-ack-${x.id}`}
                      >
                        {t('queueAck')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {error && (
        <span className="error" data-testid="dead-error">
          {error}
        </span>
      )}
    </section>
  );
}
