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
import { FileBatchPanel } from '../components/manager/FileBatchPanel';
import { useFormat, useOperatorName } from '../format';
import { OfflineLimitsTable } from '../components/manager/OfflineLimits';
import { IssuerQueues } from '../components/manager/IssuerQueues';

function age(seconds: number | null, t: ReturnType<typeof useT>['t']): string {
  if (seconds === null) return t('queueNone');
  if (seconds < 120) return t('offSeconds', { n: String(seconds) });
  return t('offMinutes', { n: String(Math.floor(seconds / 60)) });
}

export function OfflineQueue() {
  const { t, err, money } = useT();
  const f = useFormat();
  const opName = useOperatorName();
  const [s, setS] = useState<QueueStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [note, setNote] = useState('');

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
    setNote('');
    const before = s?.count ?? 0;
    try {
      const next = await call('queue.forward', {});
      setS(next);
      // Always say what happened: a cut link answers without an error, so say it here.
      if (next.link !== 'online' && next.count > 0) setError(t('forwardNoLink'));
      else if (next.count > 0) setNote(t('forwardLeft', { n: String(next.count) }));
      else setNote(before > 0 ? t('forwardAllSent') : t('forwardNothing'));
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
                  {t('queueNextProbe')} {f.time(s.nextProbeAt)}
                </span>
              )}
            </td>
            <th>{t('queueLastError')}</th>
            <td className="small" data-testid="queue-last-error">
              {s.lastError ? (
                <>
                  {s.lastErrorAt && <span>{f.dateTime(s.lastErrorAt)} </span>}
                  {f.linkError(s.lastError)}
                  {f.linkErrorIsOther(s.lastError) && <span className="mono muted"> {s.lastError}</span>}
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
            <td className="small">{s.lastContactAt ? f.dateTime(s.lastContactAt) : t('queueNone')}</td>
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
        {note && (
          <span className="ok-note" role="status" data-testid="queue-note">
            {note}
          </span>
        )}
        {error && (
          <span className="error" role="alert" data-testid="queue-error">
            {error}
          </span>
        )}
      </div>

      <IssuerQueues issuers={s.issuers} />

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
                <td>
                  {t(
                    x.kind === 'void'
                      ? 'queueKindVoid'
                      : x.kind === 'refund'
                        ? 'queueKindRefund'
                        : 'queueKindSale',
                  )}
                </td>
                <td className="mono">{x.masked}</td>
                <td>{money(x.amountFen)}</td>
                <td>{err(x.code)}</td>
                <td>
                  {x.acknowledgedAt ? (
                    t('queueAcked', { who: opName(x.acknowledgedBy) })
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

      <FileBatchPanel />

      <h3>{t('queueLimits')}</h3>
      <OfflineLimitsTable limits={s.limits} />
    </section>
  );
}
