/** A line chart over the global time range, with brush-to-zoom setting the range. */
import { useCallback, useMemo } from 'react';
import { absolute } from '../lib/time-range';
import { useTimeRange } from '../lib/use-time-range';
import { chartTheme, EChart, timeAxisBase, useThemeVersion, type ChartInstance } from './EChart';

export interface Series {
  name: string;
  color?: string;
  points: [number, number | null][];
  area?: boolean;
}

export function TimeSeriesChart({
  series,
  formatValue,
  className = 'h-48',
  testId,
  legend = false,
  stack = false,
  bars = false,
}: {
  series: Series[];
  formatValue?: (value: number) => string;
  className?: string;
  testId?: string;
  legend?: boolean;
  stack?: boolean;
  bars?: boolean;
}) {
  const range = useTimeRange();
  const themeVersion = useThemeVersion();
  const option = useMemo(() => {
    const theme = chartTheme();
    const base = timeAxisBase(theme, range.fromMs, range.toMs);
    return {
      ...base,
      color: series.flatMap((s) => (s.color ? [s.color] : [])),
      grid: { ...base.grid, top: legend ? 28 : 12, left: 56 },
      legend: legend
        ? {
            type: 'scroll',
            top: 0,
            left: 0,
            textStyle: { color: theme.muted, fontSize: 11 },
            icon: 'roundRect',
            itemWidth: 10,
            itemHeight: 4,
          }
        : undefined,
      tooltip: {
        ...base.tooltip,
        valueFormatter: formatValue
          ? (v: unknown) => (typeof v === 'number' ? formatValue(v) : '—')
          : undefined,
      },
      yAxis: { ...base.yAxis, axisLabel: { ...base.yAxis.axisLabel, formatter: formatValue } },
      toolbox: { show: false },
      brush: {
        toolbox: [],
        xAxisIndex: 0,
        brushStyle: { color: 'rgba(99,102,241,0.15)', borderColor: theme.accent },
      },
      series: series.map((s) => ({
        name: s.name,
        type: bars ? 'bar' : 'line',
        stack: stack ? 'total' : undefined,
        data: s.points,
        // Isolated points of a sparse series would be invisible without a symbol.
        showSymbol: s.points.filter(([, v]) => v !== null).length < 12,
        symbolSize: 4,
        connectNulls: false,
        lineStyle: { width: 1.5 },
        areaStyle: s.area ? { opacity: 0.12 } : undefined,
        itemStyle: s.color ? { color: s.color } : undefined,
        barMaxWidth: 14,
      })),
    };
    // themeVersion: recompute the colours when the theme changes.
  }, [series, range.fromMs, range.toMs, formatValue, legend, stack, bars, themeVersion]);

  const onReady = useCallback(
    (chart: ChartInstance) => {
      chart.dispatchAction({
        type: 'takeGlobalCursor',
        key: 'brush',
        brushOption: { brushType: 'lineX', brushMode: 'single' },
      });
      chart.off('brushEnd');
      chart.on('brushEnd', (event: unknown) => {
        const area = (event as { areas?: { coordRange?: [number, number] }[] }).areas?.[0];
        if (!area?.coordRange) return;
        const [from, to] = area.coordRange;
        if (to - from < 1000) return;
        const next = absolute(from, to);
        range.setRange(next.from, next.to);
      });
    },
    [range],
  );

  return <EChart option={option} onReady={onReady} className={className} testId={testId} />;
}
