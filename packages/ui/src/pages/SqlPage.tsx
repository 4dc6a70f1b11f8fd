/** SQL console: guarded read-only SQL over spans, logs and metric points, with a quick chart. */
import { sql, PostgreSQL } from '@codemirror/lang-sql';
import { Prec } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { useMutation, useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import type { ColumnDef } from '@tanstack/react-table';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/client';
import type { SqlResult } from '../api/types';
import { CodeEditor } from '../components/CodeEditor';
import { DataTable } from '../components/DataTable';
import { chartTheme, EChart, useThemeVersion } from '../components/EChart';
import { Empty } from '../components/EmptyState';
import { Button, cx, ErrorNotice, PageHeader, Panel, Select } from '../components/ui';
import { useTimeRange } from '../lib/use-time-range';

const route = getRouteApi('/sql');
const TABLES = ['spans', 'logs', 'metric_points'] as const;
const EXAMPLE = `SELECT service_name, count(*) AS spans, avg(duration_ns) / 1e6 AS avg_ms
FROM spans
GROUP BY service_name
ORDER BY spans DESC`;

export function SqlPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const range = useTimeRange();
  const [draft, setDraft] = useState(search.query ?? EXAMPLE);
  const draftRef = useRef(draft);
  draftRef.current = draft;
  // A shared link runs its query once when the page opens.
  const ranFromUrl = useRef(false);

  // Column lists from a zero-row query per table: the schema the editor completes.
  const schema = useQuery({
    queryKey: ['sql-schema'],
    queryFn: async () => {
      const entries = await Promise.all(
        TABLES.map(async (table) => {
          const result = await api<SqlResult>('/api/v1/sql', {
            method: 'POST',
            body: { query: `SELECT * FROM ${table} LIMIT 0` },
          });
          return [table, result.columns] as const;
        }),
      );
      return Object.fromEntries(entries);
    },
    staleTime: Infinity,
  });
  const run = useMutation({
    mutationFn: (query: string) =>
      api<SqlResult>('/api/v1/sql', {
        method: 'POST',
        body: { query, from: String(Math.floor(range.fromMs)), to: String(Math.ceil(range.toMs)) },
      }),
  });
  const submit = () => {
    ranFromUrl.current = true;
    void navigate({ search: (prev) => ({ ...prev, query: draftRef.current }) });
    run.mutate(draftRef.current);
  };
  const submitRef = useRef(submit);
  submitRef.current = submit;
  useEffect(() => {
    if (!ranFromUrl.current && search.query) {
      ranFromUrl.current = true;
      run.mutate(search.query);
    }
  }, [search.query, run]);

  const extensions = useMemo(
    () => [
      sql({
        dialect: PostgreSQL,
        upperCaseKeywords: true,
        schema: Object.fromEntries(
          Object.entries(schema.data ?? {}).map(([t, cols]) => [
            t,
            cols.map((c) => ({ label: c.name, detail: c.type, type: 'property' })),
          ]),
        ),
      }),
      Prec.high(
        keymap.of([
          {
            key: 'Mod-Enter',
            run: () => {
              submitRef.current();
              return true;
            },
          },
          {
            key: 'Shift-Enter',
            run: () => {
              submitRef.current();
              return true;
            },
          },
        ]),
      ),
    ],
    [schema.data],
  );

  return (
    <div className="flex flex-col gap-3 p-4">
      <PageHeader
        title="SQL"
        subtitle="One read-only SELECT over spans, logs and metric_points, limited to your organisation and the time range. Ctrl/⌘+Enter runs."
      />
      <div className="grid gap-3 lg:grid-cols-[1fr_260px]">
        <Panel
          title="Query"
          actions={
            <Button
              variant="primary"
              size="sm"
              icon="play"
              onClick={submit}
              disabled={run.isPending}
              data-testid="run-sql"
            >
              {run.isPending ? 'Running…' : 'Run'}
            </Button>
          }
        >
          {/* Remount when the schema arrives so that completion knows the columns. */}
          <CodeEditor
            key={schema.data ? 'schema' : 'plain'}
            value={draft}
            onChange={setDraft}
            extensions={extensions}
            ariaLabel="SQL query"
            className="min-h-32"
            searchInput
            testId="sql-editor"
          />
        </Panel>
        <Panel title="Tables" bodyClassName="max-h-64 overflow-auto">
          {schema.error ? (
            <ErrorNotice error={schema.error} />
          ) : (
            <Schema
              schema={schema.data}
              onInsert={(text) => {
                setDraft((d) => `${d}${d.endsWith(' ') || d.endsWith('\n') ? '' : ' '}${text}`);
              }}
            />
          )}
        </Panel>
      </div>
      {run.error && <ErrorNotice error={run.error} title="The query was refused or failed" />}
      {run.data && <SqlResults result={run.data} />}
    </div>
  );
}

function Schema({
  schema,
  onInsert,
}: {
  schema: Record<string, SqlResult['columns']> | undefined;
  onInsert: (text: string) => void;
}) {
  const [open, setOpen] = useState<string | null>('spans');
  if (!schema) return <div className="p-3 text-xs text-muted">Loading…</div>;
  return (
    <div className="text-xs" data-testid="sql-schema">
      {Object.entries(schema).map(([table, columns]) => (
        <div key={table}>
          <button
            type="button"
            className="w-full px-3 py-1 text-left font-mono font-semibold hover:bg-hover"
            onClick={() => {
              setOpen(open === table ? null : table);
            }}
          >
            {table} <span className="font-normal text-muted">({columns.length})</span>
          </button>
          {open === table &&
            columns.map((c) => (
              <button
                key={c.name}
                type="button"
                className="flex w-full justify-between gap-2 py-0.5 pr-3 pl-6 text-left font-mono hover:bg-hover"
                onClick={() => {
                  onInsert(c.name);
                }}
              >
                <span>{c.name}</span>
                <span className="truncate text-muted">{c.type}</span>
              </button>
            ))}
        </div>
      ))}
    </div>
  );
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

const NUMERIC = /INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC|HUGEINT/i;

function SqlResults({ result }: { result: SqlResult }) {
  const [view, setView] = useState<'table' | 'chart'>('table');
  const columns = useMemo<ColumnDef<unknown[]>[]>(
    () =>
      result.columns.map((c, i) => ({
        id: `${i}`,
        header: c.name,
        accessorFn: (row) => row[i],
        meta: NUMERIC.test(c.type) ? { align: 'right' } : undefined,
        cell: ({ getValue }) => <span className="font-mono">{cellText(getValue())}</span>,
      })),
    [result],
  );
  return (
    <Panel
      title={`${result.stats.rowCount} rows${result.stats.truncated ? ' (truncated)' : ''} · ${result.stats.elapsedMs} ms`}
      actions={
        <div className="flex rounded-md border border-line">
          {(['table', 'chart'] as const).map((v) => (
            <button
              key={v}
              type="button"
              className={cx(
                'px-3 py-0.5 text-xs capitalize',
                view === v ? 'bg-accent-soft font-medium text-accent' : 'text-muted hover:bg-hover',
              )}
              onClick={() => {
                setView(v);
              }}
            >
              {v}
            </button>
          ))}
        </div>
      }
    >
      {result.rows.length === 0 ? (
        <Empty>No rows.</Empty>
      ) : view === 'table' ? (
        <div className="max-h-[560px] overflow-auto">
          <DataTable data={result.rows} columns={columns} testId="sql-results" />
        </div>
      ) : (
        <QuickChart result={result} />
      )}
    </Panel>
  );
}

function QuickChart({ result }: { result: SqlResult }) {
  const numeric = result.columns.map((c, i) => ({ ...c, i })).filter((c) => NUMERIC.test(c.type));
  const [x, setX] = useState(0);
  const [y, setY] = useState(numeric.find((c) => c.i !== 0)?.i ?? numeric[0]?.i ?? 0);
  const [kind, setKind] = useState<'bar' | 'line'>('bar');
  const themeVersion = useThemeVersion();
  const option = useMemo(() => {
    const theme = chartTheme();
    const rows = result.rows.slice(0, 2000);
    return {
      animation: false,
      grid: { left: 60, right: 16, top: 16, bottom: 60 },
      tooltip: {
        trigger: 'axis',
        backgroundColor: theme.panel,
        borderColor: theme.line,
        textStyle: { color: theme.fg },
      },
      xAxis: {
        type: 'category',
        data: rows.map((r) => cellText(r[x])),
        axisLabel: { color: theme.muted, rotate: 30, fontSize: 11 },
      },
      yAxis: {
        type: 'value',
        axisLabel: { color: theme.muted, fontSize: 11 },
        splitLine: { lineStyle: { color: theme.grid } },
      },
      series: [
        {
          type: kind,
          name: result.columns[y]?.name,
          data: rows.map((r) => Number(r[y])),
          itemStyle: { color: theme.accent },
          showSymbol: false,
          barMaxWidth: 32,
        },
      ],
    };
  }, [result, x, y, kind, themeVersion]);
  return (
    <div>
      <div className="flex flex-wrap items-center gap-2 border-b border-line px-3 py-2 text-xs">
        X
        <Select
          aria-label="X column"
          value={x}
          onChange={(e) => {
            setX(Number(e.target.value));
          }}
        >
          {result.columns.map((c, i) => (
            <option key={i} value={i}>
              {c.name}
            </option>
          ))}
        </Select>
        Y
        <Select
          aria-label="Y column"
          value={y}
          onChange={(e) => {
            setY(Number(e.target.value));
          }}
        >
          {result.columns.map((c, i) => (
            <option key={i} value={i}>
              {c.name}
            </option>
          ))}
        </Select>
        <Select
          aria-label="Chart type"
          value={kind}
          onChange={(e) => {
            setKind(e.target.value as 'bar' | 'line');
          }}
        >
          <option value="bar">Bars</option>
          <option value="line">Line</option>
        </Select>
      </div>
      <EChart option={option} className="h-80" testId="sql-chart" />
    </div>
  );
}
