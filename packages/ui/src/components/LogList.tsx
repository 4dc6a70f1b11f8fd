/** Log records as dense, virtualized rows with severity colours; a row expands to everything. */
import { Link } from '@tanstack/react-router';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { LogRecord } from '../api/types';
import { SEVERITY_COLORS, serviceColor, severityOf } from '../lib/colors';
import { formatTime, nsToMs } from '../lib/format';
import { AttributeTable } from './AttributeTable';
import { Icon } from './Icon';
import { cx } from './ui';

export interface LogListProps {
  logs: LogRecord[];
  onFilter?: (field: string, value: string) => void;
  /** Called when the list is scrolled near its end. */
  onEndReached?: () => void;
  footer?: React.ReactNode;
  testId?: string;
  className?: string;
}

export function logKey(log: LogRecord, index: number): string {
  return `${log.timeUnixNano}-${log.spanId}-${index}`;
}

export function LogList({ logs, onFilter, onEndReached, footer, testId, className }: LogListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const virtualizer = useVirtualizer({
    count: logs.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 26,
    overscan: 20,
  });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];
  useEffect(() => {
    if (last && last.index >= logs.length - 20) onEndReached?.();
  }, [last, logs.length, onEndReached]);

  return (
    <div ref={scroller} className={cx('min-h-0 overflow-auto', className)} data-testid={testId}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const log = logs[item.index]!;
          const key = logKey(log, item.index);
          const open = expanded.has(key);
          const severity = severityOf(log.severityNumber);
          const color = SEVERITY_COLORS[severity];
          return (
            <div
              key={key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              data-testid="log-row"
              className="absolute inset-x-0 border-b border-line/60"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <div
                role="button"
                tabIndex={0}
                aria-expanded={open}
                className={cx(
                  'flex min-h-[26px] cursor-pointer items-start gap-2 py-1 pr-3 text-xs hover:bg-hover',
                  open && 'bg-hover',
                )}
                onClick={() => {
                  setExpanded((was) => {
                    const next = new Set(was);
                    if (next.has(key)) next.delete(key);
                    else next.add(key);
                    return next;
                  });
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') (e.currentTarget as HTMLElement).click();
                }}
              >
                <span
                  className="mt-px h-4 w-[3px] shrink-0 rounded-r"
                  style={{ background: color }}
                />
                <span className="tabular shrink-0 font-mono text-muted">
                  {formatTime(nsToMs(log.timeUnixNano))}
                </span>
                <span
                  data-testid="log-severity"
                  className="w-11 shrink-0 font-mono text-[11px] font-semibold uppercase"
                  style={{ color }}
                  title={log.severityText}
                >
                  {severity === 'unspecified' ? log.severityText.slice(0, 5) || '—' : severity}
                </span>
                <span className="flex w-32 shrink-0 items-center gap-1.5 truncate">
                  <span
                    className="size-1.5 shrink-0 rounded-full"
                    style={{ background: serviceColor(log.serviceName) }}
                  />
                  <span className="truncate">{log.serviceName}</span>
                </span>
                <span
                  className={cx(
                    'min-w-0 flex-1 font-mono',
                    open ? 'break-words whitespace-pre-wrap' : 'truncate',
                  )}
                >
                  {log.body}
                </span>
                {log.traceId !== '' && (
                  <Link
                    to="/traces/$traceId"
                    params={{ traceId: log.traceId }}
                    search={{ span: log.spanId || undefined }}
                    onClick={(e) => {
                      e.stopPropagation();
                    }}
                    className="inline-flex shrink-0 items-center gap-1 rounded px-1 text-[11px] text-accent hover:bg-accent-soft"
                    data-testid="log-trace-link"
                    title={`Trace ${log.traceId}`}
                  >
                    <Icon name="traces" size={12} /> trace
                  </Link>
                )}
              </div>
              {open && (
                <div className="mb-2 ml-5 grid gap-2 rounded-md border border-line bg-panel p-2 lg:grid-cols-2">
                  <div>
                    <div className="px-3 pb-1 text-[11px] font-semibold text-muted uppercase">
                      Record
                    </div>
                    <AttributeTable
                      attributes={{
                        service: log.serviceName,
                        severity_text: log.severityText,
                        severity_number: log.severityNumber,
                        time: log.time,
                        ...(log.traceId ? { trace_id: log.traceId, span_id: log.spanId } : {}),
                        ...(log.scope.name ? { 'scope.name': log.scope.name } : {}),
                      }}
                      onFilter={onFilter}
                    />
                    <div className="px-3 pt-2 pb-1 text-[11px] font-semibold text-muted uppercase">
                      Attributes
                    </div>
                    <AttributeTable attributes={log.attributes} onFilter={onFilter} />
                  </div>
                  <div>
                    <div className="px-3 pb-1 text-[11px] font-semibold text-muted uppercase">
                      Resource
                    </div>
                    <AttributeTable attributes={log.resource} onFilter={onFilter} />
                  </div>
                </div>
              )}
            </div>
          );
        })}
      </div>
      {footer}
    </div>
  );
}
