/**
 * The offline limits in force, in words and yuan — one table for the offline queue screen and the
 * manager's 限额与规则 tab, so the two never show a limit differently (and never a raw config key or
 * a figure in fen).
 */
import { useT } from '../useLang';
import type { QueueStatus } from '../../../shared/contract';

export function OfflineLimitsTable({ limits: L }: { limits: QueueStatus['limits'] }) {
  const { t, money } = useT();
  return (
    <>
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
            <th>{t('limitVelocityLabel')}</th>
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
    </>
  );
}
