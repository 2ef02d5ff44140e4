/**
 * Today at a glance: sales by hour (bars), tender mix (doughnut) and spending beside card sales
 * and top-ups (bars), drawn with Apache ECharts.
 * Why ECharts: an Apache Software Foundation project with steady releases, canvas rendering that
 * needs no inline <style> or eval (our CSP is `script-src 'self'; style-src 'self'`), tree-shakable
 * imports (only the bar and pie charts reach the bundle), and Chinese-first locale and docs — the
 * store's own language. See docs/architecture.md "Libraries and why".
 */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useT } from '../useLang';

echarts.use([BarChart, PieChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

/**
 * One ECharts instance on a div, resized whenever the div changes size (ResizeObserver — a window
 * resize, a tab shown again, the grid reflowing at 1024 px): the canvas always fills its box.
 */
function useChart(option: echarts.EChartsCoreOption) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    const box = el.current;
    if (!box) return;
    chart.current = echarts.init(box, undefined, { renderer: 'canvas' });
    const observer = new ResizeObserver(() => chart.current?.resize());
    observer.observe(box);
    return () => {
      observer.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);
  return el;
}

export function SalesByHourChart({
  byHour,
}: {
  byHour: Array<{ hour: string; count: number; amountFen: number }>;
}) {
  const { t, money } = useT();
  const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
  const by = new Map(byHour.map((h) => [h.hour, h]));
  const ref = useChart({
    animation: false,
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => money(Math.round(Number(v) * 100)) },
    // Money ticks as everywhere (¥0.80, ¥1,000.00); the grid makes room for the longest label.
    grid: { left: 8, right: 12, top: 16, bottom: 28, containLabel: true },
    xAxis: { type: 'category', data: hours },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => money(Math.round(v * 100)) } },
    series: [
      {
        name: t('salesByHour'),
        type: 'bar',
        itemStyle: { color: '#0b6bcb' },
        data: hours.map((h) => (by.get(h)?.amountFen ?? 0) / 100),
      },
    ],
  });
  return (
    <div ref={ref} className="chart" data-testid="chart-by-hour" role="img" aria-label={t('salesByHour')} />
  );
}

/**
 * Tender mix: a doughnut, and the names, amounts and shares as an HTML legend under it — text the browser wraps, so it is never cut to "…" on a narrow screen.
 */
export function TenderMixChart({ cardFen, cashFen }: { cardFen: number; cashFen: number }) {
  const { t, money } = useT();
  const card = Math.max(0, cardFen);
  const cash = Math.max(0, cashFen);
  const total = card + cash;
  const parts = [
    { key: 'card', name: t('tenderCard'), fen: card, color: '#0b6bcb' },
    { key: 'cash', name: t('tenderCash'), fen: cash, color: '#a15c00' },
  ].filter((d) => d.fen > 0);
  const ref = useChart({
    animation: false,
    tooltip: { trigger: 'item', valueFormatter: (v: unknown) => money(Math.round(Number(v) * 100)) },
    series: [
      {
        type: 'pie',
        radius: ['45%', '75%'],
        // The words and shares are in the HTML legend below: a canvas label is clipped or cut to "…".
        label: { show: false },
        labelLine: { show: false },
        data: parts.map((d) => ({ name: d.name, value: d.fen / 100, itemStyle: { color: d.color } })),
      },
    ],
  });
  const pct = (fen: number) => `${Math.round((fen * 100) / total)}%`;
  return (
    <div className="chart-wrap">
      <div ref={ref} className="chart" data-testid="chart-tender" role="img" aria-label={t('tenderMix')} />
      {total <= 0 && <div className="chart-empty muted">{t('noSalesYet')}</div>}
      {total > 0 && (
        <ul className="tender-legend" data-testid="tender-legend">
          {parts.map((d) => (
            <li key={d.key} data-testid={`tender-${d.key}`}>
              <span className={`swatch ${d.key}`} />
              {d.name} {money(d.fen)} · {pct(d.fen)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * Spending beside card sales, top-ups and cash-outs (issue 12): one horizontal bar per X/Z line,
 * its value in yuan; the names and amounts are HTML under the chart, like the tender legend.
 */
export function MoneyByKindChart({ bars }: { bars: Array<{ key: string; name: string; fen: number }> }) {
  const { t, money } = useT();
  const ref = useChart({
    animation: false,
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => money(Math.round(Number(v) * 100)) },
    grid: { left: 72, right: 12, top: 8, bottom: 24 },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => money(Math.round(v * 100)) } },
    yAxis: { type: 'category', data: bars.map((b) => b.name), inverse: true },
    series: [
      {
        name: t('moneyByKind'),
        type: 'bar',
        itemStyle: { color: '#0b6bcb' },
        data: bars.map((b) => Math.max(0, b.fen) / 100),
      },
    ],
  });
  return (
    <div className="chart-wrap">
      <div
        ref={ref}
        className="chart"
        data-testid="chart-money-by-kind"
        role="img"
        aria-label={t('moneyByKind')}
      />
      <ul className="tender-legend" data-testid="money-by-kind-legend">
        {bars.map((b) => (
          <li key={b.key} data-testid={`money-${b.key}`}>
            {b.name} {money(b.fen)}
          </li>
        ))}
      </ul>
    </div>
  );
}
