/** Trace search: the search language, filters, a duration-over-time scatter, the results. */
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useCallback, useMemo, useState } from 'react';
import { api, ApiError, withParams } from '../api/client';
import type { OperationSummary, ServiceSummary, SqlResult, TraceSummary } from '../api/types';
import {
  chartTheme,
  EChart,
  timeAxisBase,
  useThemeVersion,
  type ChartInstance,
} from '../components/EChart';
import { NoDataState, Empty } from '../components/EmptyState';
import { SearchBar, SPAN_FIELDS } from '../components/SearchBar';
import {
  Badge,
  Button,
  cx,
  ErrorNotice,
  Input,
  PageHeader,
  Panel,
  Select,
  ServiceDot,
  TableSkeleton,
} from '../components/ui';
import { serviceColor } from '../lib/colors';
import { formatDurationNs, formatTime, nsToMs, relativeAge } from '../lib/format';
import { absolute } from '../lib/time-range';
import { rangeParams, useTimeRange } from '../lib/use-time-range';
import type { TracesSearch } from '../router';

const route = getRouteApi('/traces');
const SPAN_ATTRIBUTE_KEYS_SQL = `SELECT k, count(*) AS n FROM (
  SELECT unnest(json_keys(attributes)) AS k
  FROM (SELECT attributes FROM spans ORDER BY start_time_unix_nano DESC LIMIT 5000)
) GROUP BY k ORDER BY n DESC LIMIT 300`;
const LIMIT = 500;

export function TracesPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const range = useTimeRange();
  const params = rangeParams(range);
  const setSearch = useCallback(
    (patch: Partial<TracesSearch>) => {
      void navigate({ search: (prev) => ({ ...prev, ...patch }) });
    },
    [navigate],
  );
  const filters = {
    q: search.q,
    service: search.service,
    operation: search.operation,
    minDuration: search.minDuration,
    maxDuration: search.maxDuration,
    status: search.status,
  };
  const traces = useQuery({
    queryKey: ['traces', filters, params],
    queryFn: ({ signal }) =>
      api<{ traces: TraceSummary[] }>(
        withParams('/api/v1/traces', { ...filters, ...params, limit: LIMIT }),
        { signal },
      ),
    placeholderData: (p) => p,
  });
  const services = useQuery({
    queryKey: ['services', params],
    queryFn: ({ signal }) =>
      api<{ services: ServiceSummary[] }>(withParams('/api/v1/services', params), { signal }),
    placeholderData: (p) => p,
  });
  const operations = useQuery({
    queryKey: ['operations', search.service, params],
    queryFn: ({ signal }) =>
      api<{ operations: OperationSummary[] }>(
        withParams(`/api/v1/services/${encodeURIComponent(search.service!)}/operations`, params),
        { signal },
      ),
    enabled: search.service !== undefined,
    placeholderData: (p) => p,
  });
  // Facets for completion: the attribute keys of the newest spans in range (a fixed query).
  const attributeKeys = useQuery({
    queryKey: ['span-attribute-keys', params],
    queryFn: ({ signal }) =>
      api<SqlResult>('/api/v1/sql', {
        method: 'POST',
        signal,
        body: { query: SPAN_ATTRIBUTE_KEYS_SQL, from: String(params.from), to: String(params.to) },
      }),
    staleTime: 60_000,
    placeholderData: (p) => p,
  });
  const fields = useMemo(
    () => [
      ...SPAN_FIELDS,
      ...(attributeKeys.data?.rows ?? [])
        .map(([key, count]) => ({
          name: String(key),
          detail: `attribute · ${String(count)} spans`,
        }))
        .filter((f) => !SPAN_FIELDS.some((known) => known.name === f.name)),
    ],
    [attributeKeys.data],
  );
  const serviceNames = useMemo(
    () => (services.data?.services ?? []).filter((s) => s.spanCount > 0).map((s) => s.name),
    [services.data],
  );
  const valuesFor = useCallback(
    async (field: string) => {
      if (field === 'service' || field === 'service.name') return serviceNames;
      if (field === 'status') return ['error', 'ok', 'unset'];
      if (field === 'kind') return ['server', 'client', 'producer', 'consumer', 'internal'];
      return [];
    },
    [serviceNames],
  );
  const [selected, setSelected] = useState<string[]>([]);
  const searchError =
    traces.error instanceof ApiError && traces.error.status === 400 ? traces.error.message : null;
  const list = traces.data?.traces ?? [];
  const maxDuration = Math.max(1, ...list.map((t) => Number(t.durationNs)));

  return (
    <div className="flex flex-col gap-3 p-4">
      <PageHeader
        title="Traces"
        subtitle="A trace matches when one of its spans satisfies every condition."
        actions={
          <Button
            icon="compare"
            disabled={selected.length !== 2}
            onClick={() => {
              void navigate({ to: '/compare', search: { a: selected[0], b: selected[1] } });
            }}
          >
            Compare {selected.length}/2
          </Button>
        }
      />
      <SearchBar
        value={search.q ?? ''}
        onSubmit={(q) => {
          setSearch({ q: q || undefined });
        }}
        fields={fields}
        valuesFor={valuesFor}
        placeholder='service:checkout duration>250ms status:error "timeout" …'
        error={searchError}
      />
      <div className="flex flex-wrap items-center gap-2">
        <Select
          aria-label="Service"
          value={search.service ?? ''}
          onChange={(e) => {
            setSearch({ service: e.target.value || undefined, operation: undefined });
          }}
        >
          <option value="">All services</option>
          {serviceNames.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </Select>
        <Select
          aria-label="Operation"
          value={search.operation ?? ''}
          disabled={search.service === undefined}
          onChange={(e) => {
            setSearch({ operation: e.target.value || undefined });
          }}
        >
          <option value="">All operations</option>
          {(operations.data?.operations ?? []).map((op) => (
            <option key={op.name}>{op.name}</option>
          ))}
        </Select>
        <DurationInput
          label="Min duration"
          value={search.minDuration}
          onCommit={(v) => {
            setSearch({ minDuration: v });
          }}
        />
        <DurationInput
          label="Max duration"
          value={search.maxDuration}
          onCommit={(v) => {
            setSearch({ maxDuration: v });
          }}
        />
        <Select
          aria-label="Status"
          value={search.status ?? ''}
          onChange={(e) => {
            setSearch({ status: e.target.value || undefined });
          }}
        >
          <option value="">Any status</option>
          <option value="error">Error</option>
          <option value="ok">OK</option>
          <option value="unset">Unset</option>
        </Select>
        {Object.values(filters).some((v) => v !== undefined) && (
          <Button
            variant="ghost"
            icon="x"
            onClick={() => {
              setSearch({
                q: undefined,
                service: undefined,
                operation: undefined,
                minDuration: undefined,
                maxDuration: undefined,
                status: undefined,
              });
            }}
          >
            Clear
          </Button>
        )}
      </div>
      <Panel
        title={`Duration over time · ${list.length}${list.length === LIMIT ? '+' : ''} traces`}
        actions={<span className="text-[11px] text-muted">Drag a region to filter</span>}
      >
        <DurationScatter
          traces={list}
          onBrush={(fromMs, toMs, minNs, maxNs) => {
            const next = absolute(fromMs, toMs);
            void navigate({
              search: (prev) => ({
                ...prev,
                from: next.from,
                to: next.to,
                minDuration: `${Math.floor(minNs)}`,
                maxDuration: `${Math.ceil(maxNs)}`,
              }),
            });
          }}
        />
      </Panel>
      <Panel bodyClassName="overflow-auto">
        {traces.error && !searchError ? (
          <ErrorNotice error={traces.error} />
        ) : !traces.data ? (
          <TableSkeleton />
        ) : list.length === 0 ? (
          Object.values(filters).some((v) => v !== undefined) ? (
            <Empty>No trace matches these conditions in this time range.</Empty>
          ) : (
            <NoDataState what="traces" />
          )
        ) : (
          <table className="w-full text-[12.5px]" data-testid="traces-table">
            <thead className="sticky top-0 z-10 bg-panel-2 text-left text-[11px] tracking-wide text-muted uppercase">
              <tr className="[&>th]:h-8 [&>th]:border-b [&>th]:border-line [&>th]:px-3 [&>th]:font-semibold">
                <th className="w-8">
                  <span className="sr-only">Compare</span>
                </th>
                <th>Time</th>
                <th>Root</th>
                <th>Services</th>
                <th className="text-right">Spans</th>
                <th className="w-64">Duration</th>
              </tr>
            </thead>
            <tbody>
              {list.map((t) => {
                const startMs = nsToMs(t.startTimeUnixNano);
                return (
                  <tr
                    key={t.traceId}
                    className="cursor-pointer border-b border-line hover:bg-hover [&>td]:h-9 [&>td]:px-3"
                    data-testid="trace-row"
                    data-services={t.services.join(' ')}
                    onClick={() => {
                      void navigate({ to: '/traces/$traceId', params: { traceId: t.traceId } });
                    }}
                  >
                    <td
                      onClick={(e) => {
                        e.stopPropagation();
                      }}
                    >
                      <input
                        type="checkbox"
                        aria-label={`Select ${t.traceId} to compare`}
                        checked={selected.includes(t.traceId)}
                        onChange={(e) => {
                          setSelected((was) =>
                            e.target.checked
                              ? [...was, t.traceId].slice(-2)
                              : was.filter((id) => id !== t.traceId),
                          );
                        }}
                      />
                    </td>
                    <td className="tabular whitespace-nowrap" title={t.startTime}>
                      {formatTime(startMs)}{' '}
                      <span className="text-muted">{relativeAge(startMs)}</span>
                    </td>
                    <td className="max-w-96">
                      <Link
                        to="/traces/$traceId"
                        params={{ traceId: t.traceId }}
                        className="flex items-center gap-2 truncate"
                      >
                        <ServiceDot color={serviceColor(t.rootServiceName)} />
                        <span className="text-muted">{t.rootServiceName}</span>
                        <span className="truncate font-medium">{t.rootName}</span>
                      </Link>
                    </td>
                    <td>
                      <div className="flex flex-wrap gap-1">
                        {t.services.slice(0, 5).map((s) => (
                          <Badge key={s} color={serviceColor(s)}>
                            {s}
                          </Badge>
                        ))}
                        {t.services.length > 5 && <Badge>+{t.services.length - 5}</Badge>}
                      </div>
                    </td>
                    <td className="tabular text-right whitespace-nowrap">
                      {t.spanCount}
                      {t.errorCount > 0 && (
                        <Badge color="#ef4444" className="ml-1.5">
                          {t.errorCount} err
                        </Badge>
                      )}
                    </td>
                    <td>
                      <div className="flex items-center gap-2">
                        <div className="h-1.5 flex-1 rounded bg-panel-2">
                          <div
                            className={cx(
                              'h-1.5 rounded',
                              t.errorCount > 0 ? 'bg-danger' : 'bg-accent',
                            )}
                            style={{
                              width: `${Math.max(1, (Number(t.durationNs) / maxDuration) * 100)}%`,
                            }}
                          />
                        </div>
                        <span className="tabular w-16 text-right">
                          {formatDurationNs(t.durationNs)}
                        </span>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}

function DurationInput({
  label,
  value,
  onCommit,
}: {
  label: string;
  value: string | undefined;
  onCommit: (value: string | undefined) => void;
}) {
  const [draft, setDraft] = useState(value ?? '');
  const [last, setLast] = useState(value);
  if (value !== last) {
    setLast(value);
    setDraft(value ?? '');
  }
  return (
    <Input
      aria-label={label}
      placeholder={label === 'Min duration' ? 'min e.g. 250ms' : 'max e.g. 2s'}
      className="w-32"
      value={draft}
      onChange={(e) => {
        setDraft(e.target.value);
      }}
      onBlur={() => {
        if (draft.trim() !== (value ?? '')) onCommit(draft.trim() || undefined);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onCommit(draft.trim() || undefined);
      }}
    />
  );
}

function DurationScatter({
  traces,
  onBrush,
}: {
  traces: TraceSummary[];
  onBrush: (fromMs: number, toMs: number, minNs: number, maxNs: number) => void;
}) {
  const range = useTimeRange();
  const themeVersion = useThemeVersion();
  const option = useMemo(() => {
    const theme = chartTheme();
    const base = timeAxisBase(theme, range.fromMs, range.toMs);
    const point = (t: TraceSummary) => ({
      value: [nsToMs(t.startTimeUnixNano), Number(t.durationNs)],
      traceId: t.traceId,
      name: `${t.rootServiceName} ${t.rootName}`,
    });
    return {
      ...base,
      grid: { ...base.grid, left: 60 },
      tooltip: {
        trigger: 'item',
        backgroundColor: theme.panel,
        borderColor: theme.line,
        textStyle: { color: theme.fg, fontSize: 12 },
        formatter: (p: { data: { name: string; value: [number, number] } }) =>
          `${p.data.name}<br/>${formatDurationNs(p.data.value[1])} · ${formatTime(p.data.value[0])}`,
      },
      yAxis: {
        ...base.yAxis,
        type: 'log',
        axisLabel: { ...base.yAxis.axisLabel, formatter: (v: number) => formatDurationNs(v) },
      },
      toolbox: { show: false },
      brush: {
        toolbox: [],
        xAxisIndex: 0,
        yAxisIndex: 0,
        brushStyle: { color: 'rgba(99,102,241,0.15)', borderColor: theme.accent },
      },
      series: [
        {
          type: 'scatter',
          name: 'ok',
          symbolSize: 6,
          itemStyle: { color: theme.accent, opacity: 0.7 },
          data: traces.filter((t) => t.errorCount === 0).map(point),
        },
        {
          type: 'scatter',
          name: 'error',
          symbolSize: 7,
          itemStyle: { color: '#ef4444', opacity: 0.85 },
          data: traces.filter((t) => t.errorCount > 0).map(point),
        },
      ],
    };
  }, [traces, range.fromMs, range.toMs, themeVersion]);
  const navigate = useNavigate();
  const onReady = useCallback(
    (chart: ChartInstance) => {
      chart.dispatchAction({
        type: 'takeGlobalCursor',
        key: 'brush',
        brushOption: { brushType: 'rect', brushMode: 'single' },
      });
      chart.off('brushEnd');
      chart.on('brushEnd', (event: unknown) => {
        const area = (event as { areas?: { coordRange?: [[number, number], [number, number]] }[] })
          .areas?.[0];
        if (!area?.coordRange) return;
        const [[x0, x1], [y0, y1]] = area.coordRange;
        onBrush(x0, x1, y0, y1);
      });
      chart.off('click');
      chart.on('click', (event: unknown) => {
        const traceId = (event as { data?: { traceId?: string } }).data?.traceId;
        if (traceId) void navigate({ to: '/traces/$traceId', params: { traceId } });
      });
    },
    [onBrush, navigate],
  );
  return <EChart option={option} onReady={onReady} className="h-44" testId="duration-scatter" />;
}
