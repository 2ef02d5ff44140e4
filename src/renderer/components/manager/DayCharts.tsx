/**
 * Today at a glance: sales by hour (bars) and tender mix (doughnut), drawn with Apache ECharts.
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

function useChart(option: echarts.EChartsCoreOption) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!el.current) return;
    chart.current = echarts.init(el.current, undefined, { renderer: 'canvas' });
    const onResize = () => chart.current?.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
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
    grid: { left: 48, right: 12, top: 16, bottom: 28 },
    xAxis: { type: 'category', data: hours },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `¥${v}` } },
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

export function TenderMixChart({ cardFen, cashFen }: { cardFen: number; cashFen: number }) {
  const { t, money } = useT();
  const ref = useChart({
    animation: false,
    tooltip: { trigger: 'item', valueFormatter: (v: unknown) => money(Math.round(Number(v) * 100)) },
    legend: { bottom: 0 },
    series: [
      {
        type: 'pie',
        radius: ['45%', '70%'],
        data: [
          { name: t('tenderCard'), value: Math.max(0, cardFen) / 100, itemStyle: { color: '#0b6bcb' } },
          { name: t('tenderCash'), value: Math.max(0, cashFen) / 100, itemStyle: { color: '#a15c00' } },
        ].filter((d) => d.value > 0),
      },
    ],
  });
  return (
    <div className="chart-wrap">
      <div ref={ref} className="chart" data-testid="chart-tender" role="img" aria-label={t('tenderMix')} />
      {cardFen <= 0 && cashFen <= 0 && <div className="chart-empty muted">{t('noSalesYet')}</div>}
    </div>
  );
}
