/** PromQL explorer: several queries with completion, one chart with a toggling legend, a table. */
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import { Prec } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { useQueries, useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useMemo, useRef, useState } from 'react';
import { api, errorMessage, withParams } from '../api/client';
import {
  prometheusFetch,
  queryRange,
  seriesLabel,
  stepFor,
  type MatrixSeries,
} from '../api/prometheus';
import { CodeEditor } from '../components/CodeEditor';
import { Empty } from '../components/EmptyState';
import { TimeSeriesChart, type Series } from '../components/TimeSeriesChart';
import { Button, cx, ErrorNotice, PageHeader, Panel, Select, Skeleton } from '../components/ui';
import { rangeParams, useTimeRange } from '../lib/use-time-range';

const route = getRouteApi('/explore/metrics');
const PALETTE = [
  '#6366f1',
  '#10b981',
  '#f59e0b',
  '#ef4444',
  '#0ea5e9',
  '#a855f7',
  '#14b8a6',
  '#f97316',
  '#84cc16',
  '#ec4899',
];

interface MetricInfo {
  name: string;
  type: string;
  unit: string;
  description: string;
}

export function MetricsPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const range = useTimeRange();
  const submitted = search.promql ?? [''];
  const [drafts, setDrafts] = useState<string[]>(submitted);
  const [lastSubmitted, setLastSubmitted] = useState(submitted);
  if (submitted.join('\u0000') !== lastSubmitted.join('\u0000')) {
    setLastSubmitted(submitted);
    setDrafts(submitted);
  }
  const draftsRef = useRef(drafts);
  draftsRef.current = drafts;
  const view = search.view ?? 'chart';

  const run = (queries = draftsRef.current) => {
    const list = queries.map((q) => q.trim());
    void navigate({
      search: (prev) => ({ ...prev, promql: list.some((q) => q !== '') ? list : undefined }),
    });
  };
  const promql = useMemo(
    () =>
      new PromQLExtension().setComplete({
        remote: {
          url: '',
          apiPrefix: '/prometheus/api/v1',
          httpMethod: 'GET',
          fetchFn: prometheusFetch,
          cache: { maxAge: 60_000 },
        },
      }),
    [],
  );
  const runKey = useMemo(
    () =>
      Prec.high(
        keymap.of([
          {
            key: 'Shift-Enter',
            run: () => {
              run();
              return true;
            },
          },
          {
            key: 'Mod-Enter',
            run: () => {
              run();
              return true;
            },
          },
        ]),
      ),
    [],
  );
  const extensions = useMemo(() => [promql.asExtension(), runKey], [promql, runKey]);

  const step = stepFor(range.fromMs, range.toMs);
  const results = useQueries({
    queries: submitted.map((query) => ({
      queryKey: ['promql', query, range.fromMs, range.toMs, step],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        queryRange(query, range.fromMs, range.toMs, step, signal),
      enabled: query !== '',
      placeholderData: (p: { resultType: 'matrix'; result: MatrixSeries[] } | undefined) => p,
    })),
  });
  const metrics = useQuery({
    queryKey: ['metrics-list', rangeParams(range)],
    queryFn: ({ signal }) =>
      api<{ metrics: MetricInfo[] }>(withParams('/api/v1/metrics', rangeParams(range)), { signal }),
    placeholderData: (p) => p,
  });

  const series = useMemo<Series[]>(() => {
    const all: Series[] = [];
    results.forEach((result, qi) => {
      for (const s of result.data?.result ?? []) {
        all.push({
          name: `${submitted.length > 1 ? `#${qi + 1} ` : ''}${seriesLabel(s.metric)}`,
          color: PALETTE[all.length % PALETTE.length]!,
          points: s.values.map(([t, v]) => [t * 1000, Number(v)]),
        });
      }
    });
    return all;
  }, [results.map((r) => r.dataUpdatedAt).join(','), submitted.join('\u0000')]);
  const loading = results.some((r) => r.isFetching);

  return (
    <div className="flex flex-col gap-3 p-4">
      <PageHeader
        title="Metrics"
        subtitle={
          <>
            PromQL over the Prometheus-compatible API. <kbd>Shift+Enter</kbd> runs; completion
            offers metric names, labels and functions.
          </>
        }
        actions={
          <Select
            aria-label="Insert a metric"
            value=""
            onChange={(e) => {
              const name = e.target.value;
              if (!name) return;
              const next = [...drafts];
              const last = next.length - 1;
              next[last] = next[last]!.trim() === '' ? name : `${next[last]} ${name}`;
              setDrafts(next);
            }}
          >
            <option value="">Insert a metric…</option>
            {(metrics.data?.metrics ?? []).map((m) => (
              <option key={m.name} value={m.name}>
                {m.name} ({m.type})
              </option>
            ))}
          </Select>
        }
      />
      <div className="flex flex-col gap-2" data-testid="promql-queries">
        {drafts.map((draft, i) => (
          <div key={i} className="flex items-start gap-2">
            <span className="mt-2 w-6 text-right text-xs font-semibold text-muted">#{i + 1}</span>
            <div
              className={cx(
                'min-h-9 flex-1 rounded-md border bg-panel focus-within:border-accent',
                results[i]?.error ? 'border-danger' : 'border-line',
              )}
            >
              <CodeEditor
                value={draft}
                onChange={(value) => {
                  setDrafts((was) => was.map((q, j) => (j === i ? value : q)));
                }}
                extensions={extensions}
                placeholder="rate(http_server_request_duration_seconds_count[5m])"
                ariaLabel={`PromQL query ${i + 1}`}
                searchInput={i === 0}
                testId="promql-editor"
              />
              {results[i]?.error && (
                <div className="border-t border-line px-2 py-1 font-mono text-xs text-danger">
                  {errorMessage(results[i].error)}
                </div>
              )}
            </div>
            {drafts.length > 1 && (
              <Button
                variant="ghost"
                icon="x"
                aria-label={`Remove query ${i + 1}`}
                onClick={() => {
                  const next = drafts.filter((_, j) => j !== i);
                  setDrafts(next);
                  run(next);
                }}
              />
            )}
          </div>
        ))}
        <div className="flex gap-2 pl-8">
          <Button
            variant="primary"
            icon="play"
            onClick={() => {
              run();
            }}
            data-testid="run-promql"
          >
            Run queries
          </Button>
          <Button
            icon="plus"
            onClick={() => {
              setDrafts([...drafts, '']);
            }}
          >
            Add query
          </Button>
          <div className="ml-auto flex rounded-md border border-line">
            {(['chart', 'table'] as const).map((v) => (
              <button
                key={v}
                type="button"
                className={cx(
                  'px-3 text-xs capitalize',
                  view === v
                    ? 'bg-accent-soft font-medium text-accent'
                    : 'text-muted hover:bg-hover',
                )}
                onClick={() => {
                  void navigate({
                    search: (prev) => ({ ...prev, view: v === 'chart' ? undefined : v }),
                  });
                }}
              >
                {v}
              </button>
            ))}
          </div>
        </div>
      </div>
      <Panel title={`${series.length} series · step ${step}s${loading ? ' · loading…' : ''}`}>
        {submitted.every((q) => q === '') ? (
          <Empty icon="metrics">Write a PromQL query and run it.</Empty>
        ) : results.every((r) => r.error) ? (
          <ErrorNotice error={results.find((r) => r.error)?.error} title="The query failed" />
        ) : results.some((r) => !r.data && r.isFetching) ? (
          <Skeleton className="m-3 h-72" />
        ) : series.length === 0 ? (
          <Empty icon="metrics">The queries returned no series in this time range.</Empty>
        ) : view === 'chart' ? (
          <TimeSeriesChart series={series} legend className="h-96" testId="promql-chart" />
        ) : (
          <div className="max-h-[480px] overflow-auto">
            <table className="w-full text-xs" data-testid="promql-table">
              <thead className="sticky top-0 bg-panel-2 text-left text-[11px] text-muted uppercase">
                <tr className="[&>th]:h-8 [&>th]:px-3">
                  <th>Series</th>
                  <th className="text-right">Last value</th>
                  <th className="text-right">Min</th>
                  <th className="text-right">Max</th>
                  <th className="text-right">Points</th>
                </tr>
              </thead>
              <tbody>
                {series.map((s) => {
                  const values = s.points
                    .map(([, v]) => v ?? NaN)
                    .filter((v) => Number.isFinite(v));
                  const fmt = (v: number | undefined) =>
                    v === undefined ? '—' : Number(v.toPrecision(6)).toString();
                  return (
                    <tr key={s.name} className="border-t border-line [&>td]:h-7 [&>td]:px-3">
                      <td className="font-mono">
                        <span
                          className="mr-2 inline-block size-2 rounded-full"
                          style={{ background: s.color }}
                        />
                        {s.name}
                      </td>
                      <td className="tabular text-right">{fmt(values[values.length - 1])}</td>
                      <td className="tabular text-right">
                        {fmt(values.length ? Math.min(...values) : undefined)}
                      </td>
                      <td className="tabular text-right">
                        {fmt(values.length ? Math.max(...values) : undefined)}
                      </td>
                      <td className="tabular text-right">{values.length}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
    </div>
  );
}
