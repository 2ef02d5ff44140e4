/**
 * Today at a glance: the open shift, key figures, the two charts, queue and exceptions.
 * "卡净额 Net card sales" and "总销售额（含现金）Total incl. cash" are the two sales figures, defined once
 * (docs/manager.md) and shown under the same labels in the shift list and the X/Z reports.
 */
import { useEffect, useState } from 'react';
import { call } from '../../actions';
import { useT } from '../useLang';
import { SalesByHourChart, TenderMixChart } from './DayCharts';
import type { Res, QueueStatus } from '../../../shared/contract';
import { OfflineLimitsTable } from './OfflineLimits';

export function TodayPanel() {
  const { t, money } = useT();
  const [d, setD] = useState<Res<'manager.dashboard'> | null>(null);
  useEffect(() => {
    const load = () =>
      void call('manager.dashboard', {})
        .then(setD)
        .catch(() => {});
    load();
    const timer = setInterval(load, 10_000);
    return () => clearInterval(timer);
  }, []);
  if (!d) return null;
  const x = d.totals;
  return (
    <div className="mgr-today" data-testid="mgr-today">
      <div className="tiles">
        <div className="tile">
          <span className="muted">{t('netCardSales')}</span>
          <strong data-testid="today-net-card">{money(x.netCardFen)}</strong>
        </div>
        <div className="tile">
          <span className="muted">{t('totalInclCash')}</span>
          <strong data-testid="today-total">{money(x.netCardFen + x.netCashFen)}</strong>
        </div>
        <div className="tile">
          <span className="muted">{t('salesCount')}</span>
          <strong>{x.sales.count}</strong>
        </div>
        <div className="tile">
          <span className="muted">{t('voidsLabel')}</span>
          <strong>
            {x.voids.count} · {money(x.voids.amountFen)}
          </strong>
        </div>
        <div className="tile">
          <span className="muted">{t('refundsLabel')}</span>
          <strong>
            {x.refunds.count} · {money(x.refunds.amountFen)}
          </strong>
        </div>
        {/* Card life beside spending: value loaded for cash (absent from totals of older versions). */}
        {x.cardsSold && (
          <div className="tile">
            <span className="muted">{t('clCardsSold')}</span>
            <strong data-testid="today-cards-sold">
              {x.cardsSold.count} · {money(x.cardsSold.amountFen)}
            </strong>
          </div>
        )}
        {x.topups && (
          <div className="tile">
            <span className="muted">{t('clTopups')}</span>
            <strong data-testid="today-topups">
              {x.topups.count} · {money(x.topups.amountFen)}
            </strong>
          </div>
        )}
      </div>
      <div className="charts">
        <section className="panel">
          <h3>{t('salesByHour')}</h3>
          <SalesByHourChart byHour={x.byHour} />
        </section>
        <section className="panel">
          <h3>{t('tenderMix')}</h3>
          <TenderMixChart cardFen={x.tender.cardFen} cashFen={x.tender.cashFen} />
        </section>
      </div>
      <div className="tiles">
        <div className={`tile ${d.queue.offlineUnsent ? 'warn' : ''}`}>
          <span className="muted">{t('offlineUnsent')}</span>
          <strong>{d.queue.offlineUnsent}</strong>
        </div>
        <div className={`tile ${d.queue.reversalsUnsent ? 'warn' : ''}`}>
          <span className="muted">{t('reversalsUnsent')}</span>
          <strong>{d.queue.reversalsUnsent}</strong>
        </div>
        <div className="tile">
          <span className="muted">{t('declinedLabel')}</span>
          <strong>{d.exceptions.declined}</strong>
        </div>
        <div className={`tile ${d.exceptions.unsettledBatches ? 'warn' : ''}`}>
          <span className="muted">{t('unsettledBatches')}</span>
          <strong>{d.exceptions.unsettledBatches}</strong>
        </div>
        <div className={`tile ${d.exceptions.unacknowledged ? 'warn' : ''}`}>
          <span className="muted">{t('unacknowledged')}</span>
          <strong>{d.exceptions.unacknowledged}</strong>
        </div>
      </div>
    </div>
  );
}

/** The offline limits in force (the same table as the offline queue screen's). */
export function LimitsPanel() {
  const { t } = useT();
  const [limits, setLimits] = useState<QueueStatus['limits'] | null>(null);
  useEffect(
    () =>
      void call('queue.status', {})
        .then((q) => setLimits(q.limits))
        .catch(() => {}),
    [],
  );
  return (
    <section className="panel" data-testid="mgr-limits">
      <h3>{t('mgrLimits')}</h3>
      {limits ? <OfflineLimitsTable limits={limits} /> : <p className="muted">{t('noLimits')}</p>}
    </section>
  );
}
