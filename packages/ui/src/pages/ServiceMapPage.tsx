/** Who calls whom: services sized by request rate, coloured by error rate; click to open one. */
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useCallback, useMemo } from 'react';
import { api, withParams } from '../api/client';
import type { ServiceMap, ServiceSummary } from '../api/types';
import { chartTheme, EChart, useThemeVersion, type ChartInstance } from '../components/EChart';
import { NoDataState } from '../components/EmptyState';
import { ErrorNotice, PageHeader, Panel, Skeleton } from '../components/ui';
import { formatDurationNs, formatPercent, formatRate } from '../lib/format';
import { rangeParams, useTimeRange } from '../lib/use-time-range';

/** Green → amber → red as the error rate goes 0 → 2% → 10%+. */
function errorColor(rate: number | null): string {
  if (rate === null || rate < 0.005) return '#10b981';
  if (rate < 0.02) return '#84cc16';
  if (rate < 0.05) return '#f59e0b';
  return '#ef4444';
}

const SHAPES: Record<string, string> = {
  service: 'circle',
  database: 'rect',
  queue: 'diamond',
  external: 'triangle',
};

export function ServiceMapPage() {
  const range = useTimeRange();
  const params = rangeParams(range);
  const navigate = useNavigate();
  const themeVersion = useThemeVersion();
  const map = useQuery({
    queryKey: ['service-map', params],
    queryFn: ({ signal }) => api<ServiceMap>(withParams('/api/v1/service-map', params), { signal }),
    placeholderData: (p) => p,
  });
  const services = useQuery({
    queryKey: ['services', params],
    queryFn: ({ signal }) =>
      api<{ services: ServiceSummary[] }>(withParams('/api/v1/services', params), { signal }),
    placeholderData: (p) => p,
  });
  const option = useMemo(() => {
    if (!map.data) return null;
    const theme = chartTheme();
    const stats = new Map((services.data?.services ?? []).map((s) => [s.name, s]));
    const maxRate = Math.max(0.001, ...[...stats.values()].map((s) => s.requestRate));
    const maxCalls = Math.max(0.001, ...map.data.edges.map((e) => e.callRate));
    return {
      animationDuration: 300,
      tooltip: {
        backgroundColor: theme.panel,
        borderColor: theme.line,
        textStyle: { color: theme.fg, fontSize: 12 },
        formatter: (p: { dataType: string; data: { tip: string } }) => p.data.tip,
      },
      series: [
        {
          type: 'graph',
          layout: 'force',
          roam: true,
          draggable: true,
          force: { repulsion: 420, edgeLength: [90, 180], gravity: 0.08 },
          label: { show: true, position: 'bottom', color: theme.fg, fontSize: 11 },
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: 7,
          lineStyle: { opacity: 0.7, curveness: 0.12 },
          emphasis: { focus: 'adjacency', lineStyle: { width: 3 } },
          data: map.data.nodes.map((n) => {
            const s = stats.get(n.id);
            const size =
              n.type === 'service' ? 18 + 34 * Math.sqrt((s?.requestRate ?? 0) / maxRate) : 16;
            return {
              id: n.id,
              name: n.id,
              symbol: SHAPES[n.type] ?? 'circle',
              symbolSize: size,
              nodeType: n.type,
              itemStyle: {
                color: n.type === 'service' ? errorColor(s?.errorRate ?? null) : theme.muted,
                borderColor: theme.panel,
                borderWidth: 2,
              },
              tip:
                n.type === 'service'
                  ? `<b>${n.id}</b><br/>${formatRate(s?.requestRate)} · errors ${formatPercent(s?.errorRate)} · p95 ${formatDurationNs(s?.p95Ns)}`
                  : `<b>${n.id}</b><br/>${n.type}${n.system ? ` (${n.system})` : ''}`,
            };
          }),
          links: map.data.edges.map((e) => ({
            source: e.source,
            target: e.target,
            lineStyle: {
              width: 1 + 4 * Math.sqrt(e.callRate / maxCalls),
              color: e.errorRate > 0.02 ? '#ef4444' : theme.muted,
            },
            tip: `${e.source} → ${e.target}<br/>${formatRate(e.callRate)} · errors ${formatPercent(e.errorRate)} · p95 ${formatDurationNs(e.p95Ns)}`,
          })),
        },
      ],
    };
  }, [map.data, services.data, themeVersion]);
  const onReady = useCallback(
    (chart: ChartInstance) => {
      chart.off('click');
      chart.on('click', (event: unknown) => {
        const e = event as { dataType?: string; data?: { id?: string; nodeType?: string } };
        if (e.dataType === 'node' && e.data?.nodeType === 'service' && e.data.id) {
          void navigate({ to: '/services/$name', params: { name: e.data.id } });
        }
      });
    },
    [navigate],
  );
  return (
    <div className="flex h-full flex-col gap-3 p-4">
      <PageHeader
        title="Service map"
        subtitle="Node size: request rate · colour: error rate (green < 0.5%, red ≥ 5%) · edge width: call rate. Click a service to open it."
      />
      <Panel className="min-h-[480px] flex-1">
        {map.error ? (
          <ErrorNotice error={map.error} />
        ) : !option || !map.data ? (
          <Skeleton className="m-3 h-[440px]" />
        ) : map.data.nodes.length === 0 ? (
          <NoDataState what="services" />
        ) : (
          <EChart
            option={option}
            onReady={onReady}
            className="h-full min-h-[460px]"
            testId="service-map"
          />
        )}
      </Panel>
    </div>
  );
}
