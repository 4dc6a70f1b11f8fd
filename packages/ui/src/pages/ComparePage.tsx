/** Two traces side by side: which operations got slower or faster, which appear in one only. */
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useState } from 'react';
import { api, withParams } from '../api/client';
import type { TraceComparison } from '../api/types';
import {
  Button,
  cx,
  ErrorNotice,
  Input,
  PageHeader,
  Panel,
  Stat,
  TableSkeleton,
} from '../components/ui';
import { formatDurationNs } from '../lib/format';

const route = getRouteApi('/compare');

function Delta({ ns }: { ns: string | number }) {
  const value = Number(ns);
  return (
    <span
      className={cx('tabular', value > 0 ? 'text-danger' : value < 0 ? 'text-ok' : 'text-muted')}
    >
      {value > 0 ? '+' : ''}
      {formatDurationNs(value)}
    </span>
  );
}

/** The last step of an operation path, indented by its depth (the full path is the title). */
function OperationPath({ path }: { path: string }) {
  const steps = path.split(' > ');
  return (
    <>
      <span className="text-muted">{'· '.repeat(steps.length - 1)}</span>
      {steps[steps.length - 1]}
    </>
  );
}

export function ComparePage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const [a, setA] = useState(search.a ?? '');
  const [b, setB] = useState(search.b ?? '');
  const ready = search.a !== undefined && search.b !== undefined;
  const comparison = useQuery({
    queryKey: ['compare', search.a, search.b],
    queryFn: ({ signal }) =>
      api<TraceComparison>(withParams('/api/v1/traces/compare', { a: search.a, b: search.b }), {
        signal,
      }),
    enabled: ready,
  });
  const c = comparison.data;
  return (
    <div className="flex flex-col gap-3 p-4">
      <PageHeader
        title="Compare traces"
        subtitle="Spans are paired by their operation path from the root. Deltas are B − A."
      />
      <form
        className="flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          void navigate({
            search: (prev) => ({ ...prev, a: a.trim() || undefined, b: b.trim() || undefined }),
          });
        }}
      >
        <Input
          aria-label="Trace A"
          placeholder="trace A id"
          className="w-80 font-mono"
          value={a}
          onChange={(e) => {
            setA(e.target.value);
          }}
        />
        <Input
          aria-label="Trace B"
          placeholder="trace B id"
          className="w-80 font-mono"
          value={b}
          onChange={(e) => {
            setB(e.target.value);
          }}
        />
        <Button type="submit" variant="primary" icon="compare">
          Compare
        </Button>
      </form>
      {!ready ? (
        <div className="text-muted">
          Choose two traces (select two rows on the Traces page, or paste their ids).
        </div>
      ) : comparison.error ? (
        <ErrorNotice error={comparison.error} />
      ) : !c ? (
        <TableSkeleton />
      ) : (
        <>
          <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
            <Stat label="A duration" value={formatDurationNs(c.a.durationNs)} />
            <Stat label="B duration" value={formatDurationNs(c.b.durationNs)} />
            <Stat label="Δ duration" value={<Delta ns={c.durationDeltaNs} />} />
            <Stat label="Spans A / B" value={`${c.a.spanCount} / ${c.b.spanCount}`} />
          </div>
          <Panel title={`Matched operations (${c.matched.length})`} bodyClassName="overflow-auto">
            <table className="w-full text-xs" data-testid="compare-table">
              <thead className="bg-panel-2 text-left text-[11px] text-muted uppercase">
                <tr className="[&>th]:h-8 [&>th]:px-3">
                  <th>Operation path</th>
                  <th className="text-right">A</th>
                  <th className="text-right">B</th>
                  <th className="text-right">Δ</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {[...c.matched]
                  .sort(
                    (x, y) =>
                      Math.abs(Number(y.durationDeltaNs)) - Math.abs(Number(x.durationDeltaNs)),
                  )
                  .map((m) => (
                    <tr
                      key={`${m.path}#${m.occurrence}`}
                      className="border-t border-line [&>td]:h-7 [&>td]:px-3"
                    >
                      <td className="max-w-xl truncate font-mono" title={m.path}>
                        <OperationPath path={m.path} />
                        {m.occurrence > 0 && (
                          <span className="text-muted"> #{m.occurrence + 1}</span>
                        )}
                      </td>
                      <td className="tabular text-right">
                        <Link
                          to="/traces/$traceId"
                          params={{ traceId: c.a.traceId }}
                          search={{ span: m.a.spanId }}
                          className="hover:text-accent"
                        >
                          {formatDurationNs(m.a.durationNs)}
                        </Link>
                      </td>
                      <td className="tabular text-right">
                        <Link
                          to="/traces/$traceId"
                          params={{ traceId: c.b.traceId }}
                          search={{ span: m.b.spanId }}
                          className="hover:text-accent"
                        >
                          {formatDurationNs(m.b.durationNs)}
                        </Link>
                      </td>
                      <td className="text-right">
                        <Delta ns={m.durationDeltaNs} />
                      </td>
                      <td className={cx(m.statusChanged && 'font-semibold text-warn')}>
                        {m.statusChanged ? `${m.a.status} → ${m.b.status}` : m.a.status}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </Panel>
          <div className="grid gap-3 md:grid-cols-2">
            {(['onlyInA', 'onlyInB'] as const).map((key) => (
              <Panel
                key={key}
                title={`${key === 'onlyInA' ? 'Only in A' : 'Only in B'} (${c[key].length})`}
              >
                <ul className="text-xs">
                  {c[key].map((s) => (
                    <li
                      key={`${s.path}#${s.occurrence}`}
                      className="flex justify-between gap-2 border-t border-line px-3 py-1 first:border-t-0"
                    >
                      <span className="truncate font-mono" title={s.path}>
                        {s.path}
                      </span>
                      <span className="tabular shrink-0">{formatDurationNs(s.durationNs)}</span>
                    </li>
                  ))}
                  {c[key].length === 0 && <li className="px-3 py-2 text-muted">None</li>}
                </ul>
              </Panel>
            ))}
          </div>
        </>
      )}
    </div>
  );
}
