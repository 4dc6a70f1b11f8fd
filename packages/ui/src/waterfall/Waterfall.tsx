/**
 * The trace waterfall: a collapsible span tree beside a timeline, virtualized so that a trace
 * of tens of thousands of spans opens at once. Drag across the ruler to zoom to a region.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Icon } from '../components/Icon';
import { Button, cx } from '../components/ui';
import { serviceColor } from '../lib/colors';
import { formatDurationNs } from '../lib/format';
import { criticalPath, rulerTicks, visibleRows, type SpanTree } from './rows';

const ROW_HEIGHT = 26;
const NAME_COLUMN = '36%';

export interface WaterfallProps {
  tree: SpanTree;
  selectedSpanId: string | undefined;
  onSelect: (spanId: string) => void;
}

export function Waterfall({ tree, selectedSpanId, onSelect }: WaterfallProps) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const [view, setView] = useState<[number, number]>([0, Math.max(1, tree.durationNs)]);
  const [showCritical, setShowCritical] = useState(true);
  const rows = useMemo(() => visibleRows(tree, collapsed), [tree, collapsed]);
  const critical = useMemo(() => criticalPath(tree), [tree]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 16,
  });

  // Time to first paint of the waterfall, for the performance test and the curious.
  const painted = useRef(false);
  useEffect(() => {
    if (painted.current || rows.length === 0) return;
    painted.current = true;
    requestAnimationFrame(() => {
      performance.mark('pharos:waterfall-painted');
    });
  }, [rows.length]);

  const toggle = (spanId: string) => {
    setCollapsed((was) => {
      const next = new Set(was);
      if (next.has(spanId)) next.delete(spanId);
      else next.add(spanId);
      return next;
    });
  };
  const collapseAll = () => {
    setCollapsed(
      new Set(
        tree.roots.flatMap((r) =>
          r.children.filter((c) => c.children.length > 0).map((c) => c.span.spanId),
        ),
      ),
    );
  };
  const [v0, v1] = view;
  const width = Math.max(1, v1 - v0);
  const pos = (ns: number) => ((ns - v0) / width) * 100;
  const zoomed = v0 > 0 || v1 < tree.durationNs;

  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="waterfall">
      <div className="flex h-9 shrink-0 items-center gap-2 border-b border-line px-2">
        <Button
          size="sm"
          variant="ghost"
          onClick={() => {
            setCollapsed(new Set());
          }}
        >
          Expand all
        </Button>
        <Button size="sm" variant="ghost" onClick={collapseAll}>
          Collapse
        </Button>
        <label className="flex items-center gap-1.5 text-xs text-muted">
          <input
            type="checkbox"
            checked={showCritical}
            onChange={(e) => {
              setShowCritical(e.target.checked);
            }}
          />
          Critical path
        </label>
        <span className="ml-auto text-xs text-muted">
          {rows.length.toLocaleString('en-US')} of {tree.byId.size.toLocaleString('en-US')} spans ·
          depth {tree.maxDepth + 1}
        </span>
        {zoomed && (
          <Button
            size="sm"
            icon="zoomOut"
            onClick={() => {
              setView([0, tree.durationNs]);
            }}
          >
            Reset zoom
          </Button>
        )}
      </div>
      <Ruler
        from={v0}
        to={v1}
        total={tree.durationNs}
        onZoom={(a, b) => {
          setView([a, b]);
        }}
      />
      <div ref={scroller} className="min-h-0 flex-1 overflow-auto" data-testid="waterfall-scroller">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const { node, collapsed: isCollapsed } = rows[item.index]!;
            const span = node.span;
            const color = serviceColor(span.serviceName);
            const left = pos(node.startNs);
            const right = pos(node.endNs);
            const visible = right >= 0 && left <= 100;
            const barLeft = Math.max(0, left);
            const barWidth = Math.max(0.15, Math.min(100, right) - barLeft);
            const error = span.status.code === 'error';
            const onCritical = showCritical && critical.has(span.spanId);
            return (
              <div
                key={span.spanId}
                data-testid="waterfall-row"
                data-span-id={span.spanId}
                data-index={item.index}
                role="row"
                aria-selected={span.spanId === selectedSpanId}
                onClick={() => {
                  onSelect(span.spanId);
                }}
                className={cx(
                  'absolute inset-x-0 flex cursor-pointer items-center border-b border-line/60 hover:bg-hover',
                  span.spanId === selectedSpanId && '!bg-select',
                )}
                style={{ top: item.start, height: ROW_HEIGHT }}
              >
                <div
                  className="flex h-full shrink-0 items-center gap-1 overflow-hidden border-r border-line pr-2"
                  style={{ width: NAME_COLUMN, paddingLeft: 4 + Math.min(node.depth, 40) * 12 }}
                >
                  {node.children.length > 0 ? (
                    <button
                      type="button"
                      aria-label={isCollapsed ? 'Expand' : 'Collapse'}
                      className="flex size-4 shrink-0 items-center justify-center rounded text-muted hover:bg-hover hover:text-fg"
                      onClick={(e) => {
                        e.stopPropagation();
                        toggle(span.spanId);
                      }}
                    >
                      <Icon name={isCollapsed ? 'chevronRight' : 'chevronDown'} size={12} />
                    </button>
                  ) : (
                    <span className="w-4 shrink-0" />
                  )}
                  <span className="h-3.5 w-1 shrink-0 rounded-sm" style={{ background: color }} />
                  {error && <Icon name="alert" size={12} className="shrink-0 text-danger" />}
                  <span className="shrink-0 text-xs text-muted">{span.serviceName}</span>
                  <span className={cx('truncate text-xs', error && 'text-danger')}>
                    {span.name}
                  </span>
                  {isCollapsed && (
                    <span className="shrink-0 rounded bg-panel-2 px-1 text-[10px] text-muted">
                      +{node.descendants}
                    </span>
                  )}
                </div>
                <div className="relative h-full flex-1">
                  {visible && (
                    <>
                      <div
                        className={cx(
                          'absolute top-[7px] h-3 rounded-[2px]',
                          onCritical && 'ring-1 ring-fg/60',
                        )}
                        style={{
                          left: `${barLeft}%`,
                          width: `${barWidth}%`,
                          background: color,
                          opacity: error ? 1 : 0.85,
                        }}
                      />
                      {error && (
                        <div
                          className="absolute top-[7px] h-3 w-0.5 bg-danger"
                          style={{ left: `${barLeft}%` }}
                        />
                      )}
                      {span.events.map((event, i) => {
                        const at = pos(Number(BigInt(event.timeUnixNano) - tree.startUnixNano));
                        return at >= 0 && at <= 100 ? (
                          <div
                            key={i}
                            title={event.name}
                            className={cx(
                              'absolute top-[9px] size-2 -translate-x-1 rounded-full border border-panel',
                              event.name === 'exception' ? 'bg-danger' : 'bg-fg/70',
                            )}
                            style={{ left: `${at}%` }}
                          />
                        ) : null;
                      })}
                      <span
                        className="tabular pointer-events-none absolute top-[5px] text-[11px] whitespace-nowrap text-muted"
                        style={
                          barLeft + barWidth > 80
                            ? { right: `${100 - barLeft + 0.5}%` }
                            : { left: `${barLeft + barWidth + 0.5}%` }
                        }
                      >
                        {formatDurationNs(span.durationNs)}
                      </span>
                    </>
                  )}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** Tick labels over the timeline; dragging across it zooms to the dragged region. */
function Ruler({
  from,
  to,
  total,
  onZoom,
}: {
  from: number;
  to: number;
  total: number;
  onZoom: (from: number, to: number) => void;
}) {
  const area = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<[number, number] | null>(null);
  const ticks = rulerTicks(from, to);
  const toNs = (clientX: number) => {
    const rect = area.current!.getBoundingClientRect();
    const ratio = Math.min(1, Math.max(0, (clientX - rect.left) / rect.width));
    return from + ratio * (to - from);
  };
  const pct = (ns: number) => ((ns - from) / Math.max(1, to - from)) * 100;
  return (
    <div className="flex h-7 shrink-0 border-b border-line bg-panel-2 text-[11px] text-muted select-none">
      <div
        className="flex shrink-0 items-center border-r border-line px-2"
        style={{ width: NAME_COLUMN }}
      >
        Service · operation
      </div>
      <div
        ref={area}
        className="relative flex-1 cursor-crosshair"
        title="Drag to zoom"
        data-testid="waterfall-ruler"
        onMouseDown={(e) => {
          const at = toNs(e.clientX);
          setDrag([at, at]);
        }}
        onMouseMove={(e) => {
          if (drag) setDrag([drag[0], toNs(e.clientX)]);
        }}
        onMouseUp={() => {
          if (drag) {
            const [a, b] = drag[0] < drag[1] ? drag : [drag[1], drag[0]];
            if (b - a > (to - from) / 200) onZoom(Math.max(0, a), Math.min(total, b));
          }
          setDrag(null);
        }}
        onMouseLeave={() => {
          setDrag(null);
        }}
      >
        {ticks.map((t) => (
          <span
            key={t}
            className="tabular absolute top-0 flex h-full items-center border-l border-line pl-1"
            style={{ left: `${pct(t)}%` }}
          >
            {formatDurationNs(t)}
          </span>
        ))}
        {drag && (
          <div
            className="absolute inset-y-0 bg-accent/20"
            style={{
              left: `${pct(Math.min(...drag))}%`,
              width: `${Math.abs(pct(drag[1]) - pct(drag[0]))}%`,
            }}
          />
        )}
      </div>
    </div>
  );
}
