/**
 * Each issuer's own store-and-forward on the queue screen (QueueStatus.issuers): its link, what
 * waits for it, what it has acknowledged, its hot-card list and its floor limit. Shown when the
 * terminal has more than one issuer entry; with one, the figures above are that issuer's.
 */
import type { IssuerQueueStatus } from '../../../shared/contract';
import { useT } from '../useLang';
import { useFormat } from '../../format';

export function IssuerQueues({ issuers }: { issuers: readonly IssuerQueueStatus[] }) {
  const { t, money } = useT();
  const f = useFormat();
  if (issuers.length < 2) return null;
  const linkWord = (l: IssuerQueueStatus['link']) =>
    l === 'online' ? t('online') : l === 'cut' ? t('linkCut') : t('offline');
  return (
    <>
      <h3>{t('queueByIssuer')}</h3>
      <table className="grid" data-testid="queue-issuers">
        <thead>
          <tr>
            <th>{t('queueIssuer')}</th>
            <th>{t('queueProtocol')}</th>
            <th>{t('queueLink')}</th>
            <th>{t('queueCount')}</th>
            <th>{t('queueTotal')}</th>
            <th>{t('queueForwarded')}</th>
            <th>{t('queueHotcards')}</th>
            <th>{t('queueFloorLimit')}</th>
            <th>{t('queueLastError')}</th>
          </tr>
        </thead>
        <tbody>
          {issuers.map((i) => (
            <tr key={i.issuerId} data-testid={`queue-issuer-${i.issuerId}`}>
              <td>
                {i.name} <span className="mono muted">{i.issuerId}</span>
                {i.home && <span className="tag">{t('queueIssuerHome')}</span>}
              </td>
              <td className="mono small">{i.protocol}</td>
              <td>
                <span
                  className={`pill link-${i.link}`}
                  data-testid={`queue-issuer-link-${i.issuerId}`}
                  data-link={i.link}
                >
                  {linkWord(i.link)}
                </span>
              </td>
              <td data-testid={`queue-issuer-count-${i.issuerId}`}>{i.count}</td>
              <td>{money(i.totalFen)}</td>
              <td>{i.forwardedCount}</td>
              {/* Version 0: no list ever came from this issuer (the ISO 8583 dialect has none) —
                  said in words, not as an empty "v0 / 0" list. */}
              <td data-testid={`queue-issuer-hotcards-${i.issuerId}`}>
                {i.hotcards.version ? `v${i.hotcards.version} / ${i.hotcards.count}` : t('hotcardsNone')}
              </td>
              <td>{money(i.limits.floorLimitFen)}</td>
              <td className="small">
                {i.lastError ? (
                  <>
                    {i.lastErrorAt && <span>{f.dateTime(i.lastErrorAt)} </span>}
                    {f.linkError(i.lastError)}
                    {i.lastErrorResolved && <span className="tag">{t('queueErrorResolved')}</span>}
                  </>
                ) : (
                  t('queueNone')
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
