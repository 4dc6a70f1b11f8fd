/** Log search: the search language, a severity histogram, facets, the records, live tail. */
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError, errorMessage, withParams } from '../api/client';
import { streamEvents } from '../api/sse';
import type { LogField, LogHistogram, LogRecord } from '../api/types';
import { addTerm, filterTerm } from '../components/AttributeTable';
import { Empty, NoDataState } from '../components/EmptyState';
import { Icon } from '../components/Icon';
import { LogList } from '../components/LogList';
import { SearchBar } from '../components/SearchBar';
import { TimeSeriesChart, type Series } from '../components/TimeSeriesChart';
import { Button, cx, ErrorNotice, Panel, Skeleton, TableSkeleton } from '../components/ui';
import { SEVERITY_COLORS, SEVERITIES } from '../lib/colors';
import { formatCount, nsToMs } from '../lib/format';
import { rangeParams, useTimeRange } from '../lib/use-time-range';

const route = getRouteApi('/logs');
const PAGE = 200;
const TAIL_KEEP = 5_000;
const count = (v: number) => formatCount(Math.round(v));

export function LogsPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const range = useTimeRange();
  const params = rangeParams(range);
  const q = search.q ?? '';
  const live = search.live === '1';
  const setQuery = useCallback(
    (next: string) => {
      void navigate({ search: (prev) => ({ ...prev, q: next || undefined }) });
    },
    [navigate],
  );
  const addFilter = useCallback(
    (field: string, value: string) => {
      setQuery(addTerm(q, filterTerm(field, value)));
    },
    [q, setQuery],
  );

  const logs = useInfiniteQuery({
    queryKey: ['logs', q, params],
    queryFn: ({ pageParam, signal }) =>
      api<{ logs: LogRecord[]; nextCursor: string | null }>(
        withParams('/api/v1/logs', { q, ...params, limit: PAGE, cursor: pageParam }),
        { signal },
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: !live,
    placeholderData: (p) => p,
  });
  const histogram = useQuery({
    queryKey: ['logs-histogram', q, params],
    queryFn: ({ signal }) =>
      api<LogHistogram>(withParams('/api/v1/logs/histogram', { q, ...params }), { signal }),
    enabled: !live,
    placeholderData: (p) => p,
  });
  const fields = useQuery({
    queryKey: ['logs-fields', q, params],
    queryFn: ({ signal }) =>
      api<{ fields: LogField[]; sampled: boolean }>(
        withParams('/api/v1/logs/fields', { q, ...params }),
        { signal },
      ),
    placeholderData: (p) => p,
  });
  const queryClient = useQueryClient();
  const valuesFor = useCallback(
    (field: string) =>
      queryClient
        .query({
          queryKey: ['logs-values', field, q, params],
          queryFn: () =>
            api<{ values: { value: string }[] }>(
              withParams(`/api/v1/logs/fields/${encodeURIComponent(field)}/values`, {
                q,
                ...params,
                limit: 50,
              }),
            ),
          staleTime: 30_000,
        })
        .then((r) => r.values.map((v) => v.value)),
    [queryClient, q, params],
  );
  const fieldOptions = useMemo(
    () => [
      { name: 'severity', detail: 'trace debug info warn error fatal' },
      { name: 'body', detail: 'text' },
      ...(fields.data?.fields ?? []).map((f) => ({
        name: f.name,
        detail: `${f.source} · ${f.cardinality} values`,
      })),
    ],
    [fields.data],
  );

  const histogramSeries = useMemo<Series[]>(() => {
    const buckets = histogram.data?.buckets ?? [];
    return [...SEVERITIES]
      .reverse()
      .filter((s) => (histogram.data?.counts[s] ?? 0) > 0)
      .map((severity) => ({
        name: severity,
        color: SEVERITY_COLORS[severity],
        points: buckets.map(
          (b) =>
            [nsToMs(b.timeUnixNano) + histogram.data!.stepMs / 2, b.counts[severity]] as [
              number,
              number,
            ],
        ),
      }));
  }, [histogram.data]);

  const searchError =
    logs.error instanceof ApiError && logs.error.status === 400 ? logs.error.message : null;
  const records = useMemo(() => logs.data?.pages.flatMap((p) => p.logs) ?? [], [logs.data]);
  const loadMore = useCallback(() => {
    if (logs.hasNextPage && !logs.isFetchingNextPage) void logs.fetchNextPage();
  }, [logs]);

  return (
    <div className="flex h-full min-h-0 flex-col gap-3 p-4">
      <div className="flex items-start gap-2">
        <div className="flex-1">
          <SearchBar
            value={q}
            onSubmit={setQuery}
            fields={fieldOptions}
            valuesFor={valuesFor}
            placeholder='service:checkout severity>=error -"health check" …'
            error={searchError}
          />
        </div>
        <Button
          variant={live ? 'primary' : 'secondary'}
          icon={live ? 'pause' : 'play'}
          data-testid="live-tail"
          className="h-9"
          onClick={() => {
            void navigate({ search: (prev) => ({ ...prev, live: live ? undefined : '1' }) });
          }}
        >
          {live ? 'Stop live tail' : 'Live tail'}
        </Button>
      </div>
      <div className="flex min-h-0 flex-1 gap-3">
        <Facets
          fields={fields.data?.fields}
          loading={!fields.data}
          valuesFor={valuesFor}
          onFilter={addFilter}
        />
        <div className="flex min-w-0 flex-1 flex-col gap-3">
          {live ? (
            <LiveTail q={q} onFilter={addFilter} />
          ) : (
            <>
              <Panel
                title={histogram.data ? `${formatCount(histogram.data.total)} records` : 'Records'}
                actions={<span className="text-[11px] text-muted">Drag to zoom</span>}
              >
                {histogram.data ? (
                  <TimeSeriesChart
                    series={histogramSeries}
                    bars
                    stack
                    legend
                    formatValue={count}
                    className="h-36"
                    testId="logs-histogram"
                  />
                ) : (
                  <Skeleton className="m-3 h-28" />
                )}
              </Panel>
              <Panel className="min-h-0 flex-1" bodyClassName="flex flex-col">
                {logs.error && !searchError ? (
                  <ErrorNotice error={logs.error} />
                ) : !logs.data ? (
                  <TableSkeleton rows={12} />
                ) : records.length === 0 ? (
                  q === '' ? (
                    <NoDataState what="logs" />
                  ) : (
                    <Empty>No log record matches this search in this time range.</Empty>
                  )
                ) : (
                  <LogList
                    logs={records}
                    onFilter={addFilter}
                    onEndReached={loadMore}
                    testId="log-list"
                    className="flex-1"
                    footer={
                      <div className="px-3 py-2 text-center text-xs text-muted">
                        {logs.isFetchingNextPage
                          ? 'Loading older records…'
                          : logs.hasNextPage
                            ? ''
                            : `${records.length} records — the end`}
                      </div>
                    }
                  />
                )}
              </Panel>
            </>
          )}
        </div>
      </div>
    </div>
  );
}

function Facets({
  fields,
  loading,
  valuesFor,
  onFilter,
}: {
  fields: LogField[] | undefined;
  loading: boolean;
  valuesFor: (field: string) => Promise<string[]>;
  onFilter: (field: string, value: string) => void;
}) {
  const [open, setOpen] = useState<string | null>('service_name');
  const shown = (fields ?? [])
    .filter(
      (f) =>
        f.cardinality > 0 &&
        f.cardinality < 10_000 &&
        !['body', 'time_unix_nano', 'observed_time_unix_nano', 'trace_id', 'span_id'].includes(
          f.name,
        ),
    )
    .slice(0, 40);
  return (
    <Panel title="Fields" className="w-60 shrink-0" bodyClassName="overflow-auto">
      <div data-testid="facets">
        {loading && <TableSkeleton rows={10} />}
        {shown.map((field) => (
          <div key={field.name} className="border-b border-line/60">
            <button
              type="button"
              aria-expanded={open === field.name}
              className="flex w-full items-center gap-1.5 px-3 py-1.5 text-left text-xs hover:bg-hover"
              onClick={() => {
                setOpen(open === field.name ? null : field.name);
              }}
            >
              <Icon
                name={open === field.name ? 'chevronDown' : 'chevronRight'}
                size={12}
                className="text-muted"
              />
              <span className="min-w-0 flex-1 truncate font-mono">{field.name}</span>
              <span className="tabular text-[11px] text-muted">{field.cardinality}</span>
            </button>
            {open === field.name && (
              <FacetValues field={field.name} valuesFor={valuesFor} onFilter={onFilter} />
            )}
          </div>
        ))}
      </div>
    </Panel>
  );
}

function FacetValues({
  field,
  valuesFor,
  onFilter,
}: {
  field: string;
  valuesFor: (field: string) => Promise<string[]>;
  onFilter: (field: string, value: string) => void;
}) {
  const values = useQuery({
    queryKey: ['facet', field, valuesFor],
    queryFn: () => valuesFor(field),
  });
  if (values.error)
    return <div className="px-3 py-1 text-xs text-danger">{errorMessage(values.error)}</div>;
  if (!values.data) return <Skeleton className="mx-3 my-1 h-4" />;
  return (
    <ul className="pb-1">
      {values.data.slice(0, 12).map((value) => (
        <li key={value}>
          <button
            type="button"
            className="block w-full truncate py-0.5 pr-3 pl-8 text-left font-mono text-[11px] hover:bg-hover hover:text-accent"
            title={`Filter ${field}:${value}`}
            onClick={() => {
              onFilter(field, value);
            }}
          >
            {value === '' ? '(empty)' : value}
          </button>
        </li>
      ))}
    </ul>
  );
}

function LiveTail({
  q,
  onFilter,
}: {
  q: string;
  onFilter: (field: string, value: string) => void;
}) {
  const [records, setRecords] = useState<LogRecord[]>([]);
  const [state, setState] = useState<{
    status: 'connecting' | 'live' | 'ended';
    error?: string;
    skipped: number;
  }>({ status: 'connecting', skipped: 0 });
  useEffect(() => {
    const abort = new AbortController();
    setRecords([]);
    setState({ status: 'connecting', skipped: 0 });
    const batch: LogRecord[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      flushTimer = null;
      const fresh = batch.splice(0).reverse();
      setRecords((was) => [...fresh, ...was].slice(0, TAIL_KEEP));
    };
    streamEvents(withParams('/api/v1/logs/tail', { q }), abort.signal, (event, data) => {
      if (event === 'log') {
        batch.push(JSON.parse(data) as LogRecord);
        flushTimer ??= setTimeout(flush, 100);
        setState((s) => (s.status === 'live' ? s : { ...s, status: 'live' }));
      } else if (event === 'heartbeat') {
        setState((s) => (s.status === 'live' ? s : { ...s, status: 'live' }));
      } else if (event === 'skipped') {
        const { count: skipped } = JSON.parse(data) as { count: number };
        setState((s) => ({ ...s, skipped: s.skipped + skipped }));
      } else if (event === 'error') {
        setState((s) => ({ ...s, status: 'ended', error: data }));
      }
    }).then(
      () => {
        setState((s) => ({ ...s, status: 'ended' }));
      },
      (error: unknown) => {
        if (!abort.signal.aborted)
          setState((s) => ({ ...s, status: 'ended', error: errorMessage(error) }));
      },
    );
    return () => {
      abort.abort();
      if (flushTimer) clearTimeout(flushTimer);
    };
  }, [q]);
  return (
    <Panel
      className="min-h-0 flex-1"
      bodyClassName="flex flex-col"
      title={
        <span className="inline-flex items-center gap-2">
          <span
            className={cx(
              'size-2 rounded-full',
              state.status === 'live'
                ? 'animate-pulse bg-ok'
                : state.status === 'connecting'
                  ? 'bg-warn'
                  : 'bg-muted',
            )}
          />
          Live tail · {state.status} · {records.length} records
          {state.skipped > 0 ? ` · ${state.skipped} skipped` : ''}
        </span>
      }
    >
      {state.error && <ErrorNotice error={state.error} title="The live tail stopped" />}
      {records.length === 0 ? (
        <Empty icon="logs">Waiting for new log records{q ? ' matching this search' : ''}…</Empty>
      ) : (
        <LogList logs={records} onFilter={onFilter} className="flex-1" testId="tail-list" />
      )}
    </Panel>
  );
}
