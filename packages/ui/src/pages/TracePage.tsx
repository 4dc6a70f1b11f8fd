/** One trace: header figures, the waterfall, the selected span's details, the trace's logs. */
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { Tabs } from 'radix-ui';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/client';
import type { Span, Trace } from '../api/types';
import { AttributeTable, attributeText } from '../components/AttributeTable';
import { Empty } from '../components/EmptyState';
import { LogList } from '../components/LogList';
import { Badge, Button, cx, ErrorNotice, Input, Skeleton } from '../components/ui';
import { serviceColor } from '../lib/colors';
import { formatDurationNs, formatTime, nsToMs } from '../lib/format';
import { buildSpanTree } from '../waterfall/rows';
import { Waterfall } from '../waterfall/Waterfall';

const route = getRouteApi('/traces/$traceId');

export function TracePage() {
  const { traceId } = route.useParams();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const trace = useQuery({
    queryKey: ['trace', traceId],
    queryFn: ({ signal }) =>
      api<Trace>(`/api/v1/traces/${encodeURIComponent(traceId)}`, { signal }),
    staleTime: 60_000,
  });
  useEffect(() => {
    if (trace.data) performance.mark('pharos:trace-loaded');
  }, [trace.data]);
  const tree = useMemo(() => (trace.data ? buildSpanTree(trace.data.spans) : null), [trace.data]);
  const selected = search.span !== undefined ? tree?.byId.get(search.span)?.span : undefined;
  const tab = search.tab ?? 'waterfall';
  const [compareWith, setCompareWith] = useState('');

  if (trace.error)
    return <ErrorNotice error={trace.error} title={`Trace ${traceId} could not be loaded`} />;
  if (!trace.data || !tree) {
    return (
      <div className="space-y-3 p-4">
        <Skeleton className="h-10 w-96" />
        <Skeleton className="h-[60vh]" />
      </div>
    );
  }
  const t = trace.data;
  const startMs = nsToMs(String(tree.startUnixNano));
  return (
    <div className="flex h-full flex-col">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 border-b border-line bg-panel px-4 py-2">
        <div className="min-w-0">
          <div className="flex items-center gap-2 text-base font-semibold">
            <span
              className="size-2.5 rounded-full"
              style={{ background: serviceColor(t.rootSpan.serviceName) }}
            />
            <span className="text-muted">{t.rootSpan.serviceName}</span>
            <span className="truncate">{t.rootSpan.name}</span>
          </div>
          <div className="font-mono text-[11px] text-muted">trace {t.traceId}</div>
        </div>
        <Figure label="Duration" value={formatDurationNs(t.durationNs)} />
        <Figure label="Spans" value={t.spanCount.toLocaleString('en-US')} />
        <Figure label="Errors" value={String(t.errorCount)} danger={t.errorCount > 0} />
        <Figure label="Started" value={formatTime(startMs, true)} />
        <div className="flex flex-wrap gap-1">
          {t.services.map((s) => (
            <Badge key={s} color={serviceColor(s)}>
              {s}
            </Badge>
          ))}
        </div>
        <div className="ml-auto flex items-center gap-2">
          <Link to="/logs" search={{ q: `trace_id:${t.traceId}` }}>
            <Button icon="logs" size="sm">
              Logs of this trace
            </Button>
          </Link>
          <form
            className="flex items-center gap-1"
            onSubmit={(e) => {
              e.preventDefault();
              if (/^[0-9a-f]{32}$/i.test(compareWith.trim())) {
                void navigate({
                  to: '/compare',
                  search: { a: t.traceId, b: compareWith.trim().toLowerCase() },
                });
              }
            }}
          >
            <Input
              aria-label="Trace id to compare with"
              placeholder="compare with trace id"
              className="h-7 w-56 font-mono text-xs"
              value={compareWith}
              onChange={(e) => {
                setCompareWith(e.target.value);
              }}
            />
            <Button type="submit" size="sm" icon="compare">
              Compare
            </Button>
          </form>
        </div>
      </div>
      <Tabs.Root
        value={tab}
        onValueChange={(value) => {
          void navigate({
            search: (prev) => ({ ...prev, tab: value === 'waterfall' ? undefined : value }),
          });
        }}
        className="flex min-h-0 flex-1 flex-col"
      >
        <Tabs.List className="flex h-9 shrink-0 gap-1 border-b border-line bg-panel px-3">
          <TabTrigger value="waterfall">Waterfall</TabTrigger>
          <TabTrigger value="logs">
            Logs ({t.logs.length}
            {t.logsTruncated ? '+' : ''})
          </TabTrigger>
        </Tabs.List>
        <Tabs.Content value="waterfall" className="flex min-h-0 flex-1">
          <div className="min-w-0 flex-1 bg-panel">
            <Waterfall
              tree={tree}
              selectedSpanId={search.span}
              onSelect={(spanId) => {
                void navigate({
                  search: (prev) => ({ ...prev, span: prev.span === spanId ? undefined : spanId }),
                  replace: true,
                });
              }}
            />
          </div>
          {selected && (
            <SpanDetail
              span={selected}
              trace={t}
              onClose={() => {
                void navigate({ search: (prev) => ({ ...prev, span: undefined }), replace: true });
              }}
            />
          )}
        </Tabs.Content>
        <Tabs.Content value="logs" className="min-h-0 flex-1 bg-panel">
          {t.logs.length === 0 ? (
            <Empty icon="logs">No log records were written during this trace.</Empty>
          ) : (
            <LogList logs={t.logs} className="h-full" testId="trace-logs" />
          )}
        </Tabs.Content>
      </Tabs.Root>
    </div>
  );
}

function Figure({ label, value, danger }: { label: string; value: string; danger?: boolean }) {
  return (
    <div>
      <div className="text-[10px] font-semibold tracking-wide text-muted uppercase">{label}</div>
      <div className={cx('tabular text-[13px] font-semibold', danger && 'text-danger')}>
        {value}
      </div>
    </div>
  );
}

function TabTrigger({ value, children }: { value: string; children: React.ReactNode }) {
  return (
    <Tabs.Trigger
      value={value}
      className="border-b-2 border-transparent px-2 text-[13px] text-muted hover:text-fg data-[state=active]:border-accent data-[state=active]:font-medium data-[state=active]:text-fg"
    >
      {children}
    </Tabs.Trigger>
  );
}

function SpanDetail({ span, trace, onClose }: { span: Span; trace: Trace; onClose: () => void }) {
  const logs = trace.logs.filter((l) => l.spanId === span.spanId);
  return (
    <aside
      className="flex w-[440px] shrink-0 flex-col border-l border-line bg-panel"
      data-testid="span-detail"
      aria-label="Span details"
    >
      <div className="flex items-start gap-2 border-b border-line p-3">
        <div className="min-w-0 flex-1">
          <div className="flex items-center gap-2">
            <span
              className="size-2 rounded-full"
              style={{ background: serviceColor(span.serviceName) }}
            />
            <span className="text-xs text-muted">{span.serviceName}</span>
            <Badge>{span.kind}</Badge>
            {span.status.code === 'error' && <Badge color="#ef4444">error</Badge>}
          </div>
          <div className="mt-1 font-semibold break-words">{span.name}</div>
          <div className="mt-1 text-xs text-muted">
            {formatDurationNs(span.durationNs)} · started{' '}
            {formatTime(nsToMs(span.startTimeUnixNano))}
          </div>
          {span.status.message && (
            <div className="mt-1 text-xs text-danger">{span.status.message}</div>
          )}
          <div className="mt-1 font-mono text-[11px] text-muted">span {span.spanId}</div>
        </div>
        <Button
          size="sm"
          variant="ghost"
          icon="x"
          aria-label="Close span details"
          onClick={onClose}
        />
      </div>
      <div className="flex gap-2 border-b border-line px-3 py-2">
        <Link to="/logs" search={{ q: `span_id:${span.spanId}` }}>
          <Button size="sm" icon="logs">
            Logs of this span
          </Button>
        </Link>
        <Link to="/traces" search={{ service: span.serviceName, operation: span.name }}>
          <Button size="sm" icon="traces">
            Similar spans
          </Button>
        </Link>
      </div>
      <div className="min-h-0 flex-1 overflow-auto">
        <Section title="Attributes">
          <AttributeTable attributes={span.attributes} />
        </Section>
        <Section title={`Events (${span.events.length})`}>
          {span.events.length === 0 ? (
            <div className="px-3 py-2 text-xs text-muted">None</div>
          ) : (
            span.events.map((event, i) => {
              const stack = event.attributes['exception.stacktrace'];
              const rest = Object.fromEntries(
                Object.entries(event.attributes).filter(([k]) => k !== 'exception.stacktrace'),
              );
              return (
                <div key={i} className="border-b border-line/60 py-1.5">
                  <div className="flex items-center gap-2 px-3 text-xs">
                    <span
                      className={cx('font-semibold', event.name === 'exception' && 'text-danger')}
                    >
                      {event.name}
                    </span>
                    <span className="tabular text-muted">
                      +
                      {formatDurationNs(
                        Number(BigInt(event.timeUnixNano) - BigInt(span.startTimeUnixNano)),
                      )}
                    </span>
                  </div>
                  <AttributeTable attributes={rest} />
                  {stack !== undefined && (
                    <pre
                      className="mx-3 mt-1 max-h-64 overflow-auto rounded bg-panel-2 p-2 font-mono text-[11px] leading-snug text-danger"
                      data-testid="stack-trace"
                    >
                      {attributeText(stack)}
                    </pre>
                  )}
                </div>
              );
            })
          )}
        </Section>
        <Section title={`Links (${span.links.length})`}>
          {span.links.length === 0 ? (
            <div className="px-3 py-2 text-xs text-muted">None</div>
          ) : (
            span.links.map((link) => (
              <Link
                key={`${link.traceId}-${link.spanId}`}
                to="/traces/$traceId"
                params={{ traceId: link.traceId }}
                search={{ span: link.spanId }}
                className="block px-3 py-1 font-mono text-xs text-accent hover:underline"
              >
                {link.traceId} / {link.spanId}
              </Link>
            ))
          )}
        </Section>
        <Section title={`Logs (${logs.length})`}>
          {logs.length === 0 ? (
            <div className="px-3 py-2 text-xs text-muted">None</div>
          ) : (
            logs.map((log, i) => (
              <div key={i} className="border-b border-line/60 px-3 py-1 font-mono text-[11px]">
                <span className="text-muted">{formatTime(nsToMs(log.timeUnixNano))}</span>{' '}
                {log.severityText} {log.body}
              </div>
            ))
          )}
        </Section>
        <Section title="Resource">
          <AttributeTable attributes={span.resource} />
        </Section>
        <Section title="Instrumentation scope">
          <AttributeTable attributes={{ name: span.scope.name, version: span.scope.version }} />
        </Section>
      </div>
    </aside>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="border-b border-line">
      <h3 className="bg-panel-2 px-3 py-1 text-[11px] font-semibold tracking-wide text-muted uppercase">
        {title}
      </h3>
      {children}
    </section>
  );
}
