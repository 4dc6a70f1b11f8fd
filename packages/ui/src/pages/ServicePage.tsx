/** One service: RED charts over time, its operations, recent errors, links to its data. */
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { api, withParams } from '../api/client';
import type { OperationSummary, ServiceSeries, ServiceSummary, TraceSummary } from '../api/types';
import { DataTable } from '../components/DataTable';
import { Empty } from '../components/EmptyState';
import {
  errorRateColumn,
  latencyAndSpanColumns,
  requestRateColumn,
} from '../components/red-columns';
import { TimeSeriesChart, type Series } from '../components/TimeSeriesChart';
import {
  Button,
  ErrorNotice,
  PageHeader,
  Panel,
  ServiceDot,
  Skeleton,
  Stat,
  TableSkeleton,
} from '../components/ui';
import { serviceColor } from '../lib/colors';
import {
  formatCount,
  formatDurationNs,
  formatPercent,
  formatRate,
  formatTime,
  nsToMs,
} from '../lib/format';
import { rangeParams, useTimeRange } from '../lib/use-time-range';

const percent = (v: number) => formatPercent(v);
const duration = (v: number) => formatDurationNs(v);
const rate = (v: number) => formatRate(v);

export function ServicePage() {
  const { name } = useParams({ from: '/services/$name' });
  const range = useTimeRange();
  const params = rangeParams(range);
  const navigate = useNavigate();
  const base = `/api/v1/services/${encodeURIComponent(name)}`;
  const summary = useQuery({
    queryKey: ['services', params],
    queryFn: ({ signal }) =>
      api<{ services: ServiceSummary[] }>(withParams('/api/v1/services', params), { signal }),
    placeholderData: (p) => p,
  });
  const series = useQuery({
    queryKey: ['service-series', name, params],
    queryFn: ({ signal }) => api<ServiceSeries>(withParams(`${base}/series`, params), { signal }),
    placeholderData: (p) => p,
  });
  const operations = useQuery({
    queryKey: ['operations', name, params],
    queryFn: ({ signal }) =>
      api<{ operations: OperationSummary[] }>(withParams(`${base}/operations`, params), { signal }),
    placeholderData: (p) => p,
  });
  const errors = useQuery({
    queryKey: ['traces', { service: name, status: 'error', limit: 10 }, params],
    queryFn: ({ signal }) =>
      api<{ traces: TraceSummary[] }>(
        withParams('/api/v1/traces', { ...params, service: name, status: 'error', limit: 10 }),
        { signal },
      ),
    placeholderData: (p) => p,
  });
  const me = summary.data?.services.find((s) => s.name === name);

  const charts = useMemo(() => {
    const points = series.data?.points ?? [];
    const t = (p: { timeUnixNano: string }) => nsToMs(p.timeUnixNano);
    const requests: Series[] = [
      {
        name: 'requests/s',
        color: serviceColor(name),
        area: true,
        points: points.map((p) => [t(p), p.requestRate]),
      },
    ];
    const errorRate: Series[] = [
      {
        name: 'error rate',
        color: '#ef4444',
        area: true,
        points: points.map((p) => [t(p), p.errorRate]),
      },
    ];
    const latency: Series[] = [
      { name: 'p50', color: '#22c55e', points: points.map((p) => [t(p), p.p50Ns]) },
      { name: 'p95', color: '#f59e0b', points: points.map((p) => [t(p), p.p95Ns]) },
      { name: 'p99', color: '#ef4444', points: points.map((p) => [t(p), p.p99Ns]) },
    ];
    return { requests, errorRate, latency };
  }, [series.data, name]);

  const columns = useMemo<ColumnDef<OperationSummary>[]>(
    () => [
      {
        accessorKey: 'name',
        header: 'Operation',
        cell: ({ row }) => <span className="font-medium">{row.original.name}</span>,
      },
      requestRateColumn(),
      errorRateColumn(),
      ...latencyAndSpanColumns<OperationSummary>(),
    ],
    [],
  );

  return (
    <div className="flex flex-col gap-3 p-4">
      <PageHeader
        title={
          <span className="inline-flex items-center gap-2">
            <ServiceDot color={serviceColor(name)} />
            {name}
          </span>
        }
        subtitle={
          <Link to="/services" className="hover:text-accent">
            ← All services
          </Link>
        }
        actions={
          <>
            <Link to="/traces" search={{ service: name }}>
              <Button icon="traces">Traces</Button>
            </Link>
            <Link to="/logs" search={{ q: `service:${name}` }}>
              <Button icon="logs">Logs</Button>
            </Link>
          </>
        }
      />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-6">
        <Stat label="Requests" value={formatRate(me?.requestRate)} />
        <Stat
          label="Error rate"
          value={formatPercent(me?.errorRate)}
          tone={me?.errorRate ? 'danger' : undefined}
        />
        <Stat label="p50" value={formatDurationNs(me?.p50Ns)} />
        <Stat label="p95" value={formatDurationNs(me?.p95Ns)} />
        <Stat label="p99" value={formatDurationNs(me?.p99Ns)} />
        <Stat label="Logs" value={formatCount(me?.logCount)} />
      </div>
      {series.error && <ErrorNotice error={series.error} />}
      <div className="grid grid-cols-1 gap-3 lg:grid-cols-3">
        <Panel title="Requests per second">
          {series.data ? (
            <TimeSeriesChart series={charts.requests} formatValue={rate} testId="chart-requests" />
          ) : (
            <Skeleton className="m-3 h-40" />
          )}
        </Panel>
        <Panel title="Error rate">
          {series.data ? (
            <TimeSeriesChart series={charts.errorRate} formatValue={percent} />
          ) : (
            <Skeleton className="m-3 h-40" />
          )}
        </Panel>
        <Panel title="Latency">
          {series.data ? (
            <TimeSeriesChart series={charts.latency} formatValue={duration} legend />
          ) : (
            <Skeleton className="m-3 h-40" />
          )}
        </Panel>
      </div>
      <div className="grid grid-cols-1 gap-3 xl:grid-cols-[3fr_2fr]">
        <Panel title="Operations" bodyClassName="overflow-auto max-h-[420px]">
          {operations.error ? (
            <ErrorNotice error={operations.error} />
          ) : !operations.data ? (
            <TableSkeleton rows={5} />
          ) : operations.data.operations.length === 0 ? (
            <Empty>No operations in this range.</Empty>
          ) : (
            <DataTable
              data={operations.data.operations}
              columns={columns}
              initialSort={[{ id: 'requestRate', desc: true }]}
              onRowClick={(op) => {
                void navigate({ to: '/traces', search: { service: name, operation: op.name } });
              }}
            />
          )}
        </Panel>
        <Panel title="Recent errors" bodyClassName="overflow-auto max-h-[420px]">
          {errors.error ? (
            <ErrorNotice error={errors.error} />
          ) : !errors.data ? (
            <TableSkeleton rows={5} />
          ) : errors.data.traces.length === 0 ? (
            <Empty icon="check">No failed requests in this range.</Empty>
          ) : (
            <ul className="divide-y divide-line" data-testid="recent-errors">
              {errors.data.traces.map((t) => (
                <li key={t.traceId}>
                  <Link
                    to="/traces/$traceId"
                    params={{ traceId: t.traceId }}
                    className="flex items-center gap-3 px-3 py-2 hover:bg-hover"
                  >
                    <span className="tabular text-xs text-muted">
                      {formatTime(nsToMs(t.startTimeUnixNano))}
                    </span>
                    <span className="min-w-0 flex-1 truncate font-medium">{t.rootName}</span>
                    <span className="text-xs text-danger">{t.errorCount} errors</span>
                    <span className="tabular text-xs text-muted">
                      {formatDurationNs(t.durationNs)}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </Panel>
      </div>
    </div>
  );
}
