/**
 * The manager's view of store-and-forward: how much is waiting (count, total, oldest age), the
 * issuer link as the forwarder knows it, the last error, a "forward now" button, which advices
 * wait and which were forwarded lately (QueueItems), the advices the issuer refused for good (each
 * must be acknowledged) and the offline limits in force.
 * Follows `queue.changed` events; polls every few seconds so the oldest age keeps moving.
 */
import { useCallback, useEffect, useState } from 'react';
import { useT } from '../components/useLang';
import { call } from '../actions';
import { getBridge } from '../bridge';
import type { QueueStatus } from '../../shared/contract';
import { QueueItems } from '../components/manager/QueueItems';
import { DeadLetters } from '../components/manager/DeadLetters';

function age(seconds: number | null, t: ReturnType<typeof useT>['t']): string {
  if (seconds === null) return t('queueNone');
  if (seconds < 120) return t('offSeconds', { n: String(seconds) });
  return t('offMinutes', { n: String(Math.floor(seconds / 60)) });
}

export function OfflineQueue() {
  const { t, err, money } = useT();
  const [s, setS] = useState<QueueStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const refresh = useCallback(async () => {
    try {
      setS(await call('queue.status', {}));
    } catch {
      // signed out meanwhile
    }
  }, []);

  useEffect(() => {
    void refresh();
    const off = getBridge().on('queue.changed', (next) => setS(next));
    const timer = setInterval(() => void refresh(), 3000);
    return () => {
      off();
      clearInterval(timer);
    };
  }, [refresh]);

  const forwardNow = async () => {
    setBusy(true);
    setError('');
    try {
      setS(await call('queue.forward', {}));
    } catch (e) {
      const code = (e as { error?: { code?: string } }).error?.code;
      setError(code ? err(code) : String((e as Error).message));
    } finally {
      setBusy(false);
    }
  };

  const ack = async (stan: number) => {
    try {
      setS(await call('queue.ackException', { stan }));
    } catch (e) {
      const code = (e as { error?: { code?: string } }).error?.code;
      setError(code ? err(code) : String((e as Error).message));
    }
  };

  if (!s) return <section className="offline-queue" data-testid="offline-queue" />;
  const linkWord = s.link === 'online' ? t('online') : s.link === 'cut' ? t('linkCut') : t('offline');
  const L = s.limits;
  return (
    <section className="offline-queue" data-testid="offline-queue">
      <h2>{t('queueTitle')}</h2>
      <table className="grid">
        <tbody>
          <tr>
            <th>{t('queueCount')}</th>
            <td data-testid="queue-count">{s.count}</td>
            <th>{t('queueTotal')}</th>
            <td data-testid="queue-total">{money(s.totalFen)}</td>
          </tr>
          <tr>
            <th>{t('queueOldest')}</th>
            <td data-testid="queue-oldest">{age(s.oldestAgeSeconds, t)}</td>
            <th>{t('queueForwarded')}</th>
            <td data-testid="queue-forwarded">{s.forwardedCount}</td>
          </tr>
          <tr>
            <th>{t('queueLink')}</th>
            <td>
              <span className={`pill link-${s.link}`} data-testid="queue-link" data-link={s.link}>
                {linkWord}
              </span>
              {s.link === 'offline' && s.nextProbeAt && (
                <span className="small muted" data-testid="queue-next-probe">
                  {' '}
                  {t('queueNextProbe')} {new Date(s.nextProbeAt).toLocaleTimeString()}
                </span>
              )}
            </td>
            <th>{t('queueLastError')}</th>
            <td className="small" data-testid="queue-last-error">
              {s.lastError ? (
                <>
                  {s.lastErrorAt && <span className="mono">{new Date(s.lastErrorAt).toLocaleString()} </span>}
                  {s.lastError}
                  {s.lastErrorResolved && (
                    <span className="tag" data-testid="queue-error-resolved">
                      {t('queueErrorResolved')}
                    </span>
                  )}
                </>
              ) : (
                t('queueNone')
              )}
            </td>
          </tr>
          <tr>
            <th>{t('queueLastContact')}</th>
            <td className="small">
              {s.lastContactAt ? new Date(s.lastContactAt).toLocaleString() : t('queueNone')}
            </td>
            <th>{t('queueHotcards')}</th>
            <td data-testid="queue-hotcards">
              v{s.hotcards.version} / {s.hotcards.count}
            </td>
          </tr>
        </tbody>
      </table>
      <div className="row">
        <button
          className="btn primary"
          onClick={() => void forwardNow()}
          disabled={busy}
          data-testid="queue-forward"
        >
          {busy ? t('queueForwarding') : t('queueForwardNow')}
        </button>
        {error && (
          <span className="error" data-testid="queue-error">
            {error}
          </span>
        )}
      </div>

      <QueueItems />

      <h3>{t('queueExceptions')}</h3>
      {s.exceptions.length === 0 ? (
        <p className="muted" data-testid="queue-no-exceptions">
          {t('queueNoExceptions')}
        </p>
      ) : (
        <table className="grid" data-testid="queue-exceptions">
          <tbody>
            {s.exceptions.map((x) => (
              <tr key={x.stan} data-testid={`exception-${x.stan}`}>
                <td className="mono">{String(x.stan).padStart(6, '0')}</td>
                <td>{t(x.kind === 'void' ? 'queueKindVoid' : 'queueKindSale')}</td>
                <td className="mono">{x.masked}</td>
                <td>{money(x.amountFen)}</td>
                <td>{err(x.code)}</td>
                <td>
                  {x.acknowledgedAt ? (
                    t('queueAcked', { who: x.acknowledgedBy ?? '' })
                  ) : (
                    <button
                      className="btn small"
                      onClick={() => void ack(x.stan)}
                      data-testid={`ack-${x.stan}`}
                    >
                      {t('queueAck')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <DeadLetters />

      <h3>{t('queueLimits')}</h3>
      {!L.enabled && <p className="error">{t('limitDisabled')}</p>}
      <table className="grid" data-testid="queue-limits">
        <tbody>
          <tr>
            <th>{t('limitFloor')}</th>
            <td data-testid="limit-floor">{money(L.floorLimitFen)}</td>
            <th>{t('limitTotal')}</th>
            <td data-testid="limit-total">{money(L.totalLimitFen)}</td>
          </tr>
          <tr>
            <th>{t('limitCardDay')}</th>
            <td>
              {L.perCardDailyCount} / {money(L.perCardDailyFen)}
            </td>
            <th>{t('limitMaxAge')}</th>
            <td>{t('offMinutes', { n: String(L.maxAgeMinutes) })}</td>
          </tr>
          <tr>
            <th>{t('limitBalance')}</th>
            <td>{L.requireKnownBalance ? t('offYes') : t('offNo')}</td>
            <th />
            <td>
              {t('limitVelocity', {
                n: String(L.velocityCount),
                w: String(L.velocityWindowSeconds),
                b: String(L.velocityBlockSeconds),
              })}
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
