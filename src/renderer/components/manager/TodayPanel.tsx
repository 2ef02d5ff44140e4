/**
 * Today at a glance: the open shift, key figures, the two charts, queue and exceptions.
 * "卡净额 Net card sales" and "总销售额（含现金）Total incl. cash" are the two sales figures, defined once
 * (docs/manager.md) and shown under the same labels in the shift list and the X/Z reports.
 */
import { CardRulesTable } from './CardRulesTable';
import { useEffect, useState } from 'react';
import { call } from '../../actions';
import { useT } from '../useLang';
import { SalesByHourChart, TenderMixChart, MoneyByKindChart } from './DayCharts';
import type { Res, QueueStatus } from '../../../shared/contract';
import { OfflineLimitsTable } from './OfflineLimits';
import { TXN_KINDS } from '../../../shared/txn-kinds';
import { WORDS, type WordKey } from '../../i18n';

type Totals = Res<'manager.dashboard'>['totals'];

/** The X/Z lines added after the first release that these totals carry (card life), in report order. */
function cardLines(x: Totals): Array<{ bucket: string; line: { count: number; amountFen?: number } }> {
  const lines = x as unknown as Record<string, { count: number; amountFen?: number } | undefined>;
  return TXN_KINDS.totalsLines.flatMap((l) => {
    const line = lines[l.bucket];
    return !l.firstRelease && line && !(l.quietWhenZero && line.count === 0)
      ? [{ bucket: l.bucket, line }]
      : [];
  });
}
/** The line's words (./i18n/card-money.ts), or the cards-sold word for a line without its own yet. */
const wordOf = (bucket: string): WordKey =>
  `line_${bucket}` in WORDS ? (`line_${bucket}` as WordKey) : 'line_cardsSold';
/** cardsSold → cards-sold (the e2e tests' names). */
const testIdOf = (bucket: string) => bucket.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

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
        {/* Card life beside spending: every later X/Z line the totals carry (cards sold, top-ups,
            cash-outs, replacements — src/shared/txn-kinds.ts TOTALS_LINE_DECLS), count and value. */}
        {cardLines(x).map(({ bucket, line }) => (
          <div className="tile" key={bucket}>
            <span className="muted">{t(wordOf(bucket))}</span>
            <strong data-testid={`today-${testIdOf(bucket)}`}>
              {line.count} · {money(line.amountFen ?? 0)}
            </strong>
          </div>
        ))}
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
        <section className="panel wide">
          <h3>{t('moneyByKind')}</h3>
          <MoneyByKindChart
            bars={[
              { key: 'sales', name: t('line_sales'), fen: x.sales.amountFen },
              ...cardLines(x).map(({ bucket, line }) => ({
                key: bucket,
                name: t(wordOf(bucket)),
                fen: line.amountFen ?? 0,
              })),
            ]}
          />
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
      <h3>{t('mgrOfflineLimits')}</h3>
      {limits ? <OfflineLimitsTable limits={limits} /> : <p className="muted">{t('noLimits')}</p>}
      <CardRulesTable />
    </section>
  );
}
