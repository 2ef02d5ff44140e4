/**
 * The rows behind the offline queue's counts (`queue.items`): which advices wait, in the order the
 * forwarder will send them, with how often an upload was tried and why it failed; and the ones
 * forwarded lately with the issuer's outcome. Refreshed on every `queue.changed` (the forwarder and
 * the acknowledge button emit it) and every few seconds, like the status above it.
 */
import { useT } from '../useLang';
import { useQueueRead } from './use-queue-read';
import type { QueueItem } from '../../../shared/contract';
import { useFormat, useOperatorName } from '../../format';

const stanText = (n: number) => String(n).padStart(6, '0');

export function QueueItems() {
  const { t, err, money } = useT();
  const f = useFormat();
  const opName = useOperatorName();
  const [q] = useQueueRead('queue.items');

  if (!q) return null;
  const kind = (i: QueueItem) =>
    i.kind === 'void'
      ? i.origStan === null
        ? t('queueKindVoid')
        : t('queueVoidOf', { stan: stanText(i.origStan) })
      : t('queueKindSale');
  const showing = (n: number, total: number) =>
    n < total && (
      <span className="muted small" data-testid="queue-showing">
        {' '}
        {t('queueShowing', { n: n.toLocaleString(), total: total.toLocaleString() })}
      </span>
    );

  return (
    <>
      <h3>
        {t('queueWaitingTitle')}
        {showing(q.waiting.length, q.waitingTotal)}
      </h3>
      {q.waiting.length === 0 ? (
        <p className="muted" data-testid="queue-waiting-empty">
          {t('queueWaitingEmpty')}
        </p>
      ) : (
        <table className="grid small" data-testid="queue-waiting">
          <thead>
            <tr>
              <th>{t('queueColStan')}</th>
              <th>{t('queueColKind')}</th>
              <th>{t('queueColTime')}</th>
              <th>{t('queueColCard')}</th>
              <th>{t('queueColAmount')}</th>
              <th>{t('queueColAttempts')}</th>
              <th>{t('queueLastError')}</th>
            </tr>
          </thead>
          <tbody>
            {q.waiting.map((i) => (
              <tr key={i.stan} data-testid={`waiting-${i.stan}`} data-kind={i.kind}>
                <td className="mono">{stanText(i.stan)}</td>
                <td>
                  {kind(i)}
                  {/* The issuer it goes to (a single-issuer till's rows say 'default': no tag). */}
                  {i.issuerId !== 'default' && (
                    <span className="tag mono" data-testid={`queue-item-issuer-${i.stan}`}>
                      {i.issuerId}
                    </span>
                  )}
                </td>
                <td>{f.dateTime(i.time)}</td>
                <td className="mono">{i.masked}</td>
                <td>
                  {money(i.amountFen)}
                  {i.overrideBy && (
                    <span className="tag warn">{t('queueOverrideBy', { who: opName(i.overrideBy) })}</span>
                  )}
                </td>
                <td data-testid={`waiting-attempts-${i.stan}`}>{i.attempts}</td>
                <td className={i.lastError ? 'error' : 'muted'}>
                  {i.lastError ? f.linkError(i.lastError) : '—'}
                  {i.lastError && f.linkErrorIsOther(i.lastError) && (
                    <span className="mono muted"> {i.lastError}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>
        {t('queueRecentTitle')}
        {showing(q.forwarded.length, q.forwardedTotal)}
      </h3>
      {q.forwarded.length === 0 ? (
        <p className="muted" data-testid="queue-recent-empty">
          {t('queueRecentEmpty')}
        </p>
      ) : (
        <table className="grid small" data-testid="queue-recent">
          <thead>
            <tr>
              <th>{t('queueColStan')}</th>
              <th>{t('queueColKind')}</th>
              <th>{t('queueColCard')}</th>
              <th>{t('queueColAmount')}</th>
              <th>{t('queueColForwardedAt')}</th>
              <th>{t('queueColOutcome')}</th>
            </tr>
          </thead>
          <tbody>
            {q.forwarded.map((i) => (
              <tr key={i.stan} data-testid={`forwarded-${i.stan}`} data-outcome={i.outcome}>
                <td className="mono">{stanText(i.stan)}</td>
                <td>
                  {kind(i)}
                  {/* The issuer it goes to (a single-issuer till's rows say 'default': no tag). */}
                  {i.issuerId !== 'default' && (
                    <span className="tag mono" data-testid={`queue-item-issuer-${i.stan}`}>
                      {i.issuerId}
                    </span>
                  )}
                </td>
                <td className="mono">{i.masked}</td>
                <td>{money(i.amountFen)}</td>
                <td>{f.dateTime(i.forwardedAt)}</td>
                <td className={i.outcome === 'accepted' ? 'ok-note' : 'error'}>
                  {i.outcome === 'accepted'
                    ? t('queueOutcomeAccepted')
                    : i.issuerCode
                      ? t('queueRejectedWhy', { why: err(i.issuerCode) })
                      : t('queueOutcomeRejected')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
