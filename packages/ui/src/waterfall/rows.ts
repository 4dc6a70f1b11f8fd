/**
 * The waterfall's rows, computed from a trace's spans by pure functions (rendering is separate
 * and virtualized).
 *
 * Input rule: spans in any order. A span whose parent is not in the trace (a partial trace) is a
 * root; roots and siblings are ordered by start time (ties by span id). A span id repeated in the
 * input keeps its first occurrence.
 */
import type { Span } from '../api/types';

export interface SpanNode {
  span: Span;
  /** Nanoseconds from the trace's first span start. */
  startNs: number;
  endNs: number;
  depth: number;
  children: SpanNode[];
  /** Spans below this one (all depths). */
  descendants: number;
}

export interface SpanTree {
  roots: SpanNode[];
  byId: Map<string, SpanNode>;
  /** Trace start as epoch nanoseconds, and its length in nanoseconds. */
  startUnixNano: bigint;
  durationNs: number;
  maxDepth: number;
}

const byStart = (a: SpanNode, b: SpanNode) =>
  a.startNs - b.startNs || (a.span.spanId < b.span.spanId ? -1 : 1);

export function buildSpanTree(spans: readonly Span[]): SpanTree {
  if (spans.length === 0)
    return { roots: [], byId: new Map(), startUnixNano: 0n, durationNs: 0, maxDepth: 0 };
  let start = BigInt(spans[0]!.startTimeUnixNano);
  let end = BigInt(spans[0]!.endTimeUnixNano);
  for (const span of spans) {
    const s = BigInt(span.startTimeUnixNano);
    const e = BigInt(span.endTimeUnixNano);
    if (s < start) start = s;
    if (e > end) end = e;
  }
  const byId = new Map<string, SpanNode>();
  for (const span of spans) {
    if (byId.has(span.spanId)) continue;
    const startNs = Number(BigInt(span.startTimeUnixNano) - start);
    const endNs = Math.max(startNs, Number(BigInt(span.endTimeUnixNano) - start));
    byId.set(span.spanId, { span, startNs, endNs, depth: 0, children: [], descendants: 0 });
  }
  const roots: SpanNode[] = [];
  for (const node of byId.values()) {
    const parent = node.span.parentSpanId === '' ? undefined : byId.get(node.span.parentSpanId);
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  roots.sort(byStart);
  // Iterative depth-first walk: depths, sorted children, then descendant counts bottom-up.
  let maxDepth = 0;
  const order: SpanNode[] = [];
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    order.push(node);
    node.children.sort(byStart);
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i]!;
      child.depth = node.depth + 1;
      if (child.depth > maxDepth) maxDepth = child.depth;
      stack.push(child);
    }
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    node.descendants = node.children.reduce((sum, c) => sum + 1 + c.descendants, 0);
  }
  return { roots, byId, startUnixNano: start, durationNs: Number(end - start), maxDepth };
}

export interface WaterfallRow {
  node: SpanNode;
  collapsed: boolean;
}

/** Rows in tree order, leaving out the descendants of collapsed spans. */
export function visibleRows(tree: SpanTree, collapsed: ReadonlySet<string>): WaterfallRow[] {
  const rows: WaterfallRow[] = [];
  const stack = [...tree.roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    const isCollapsed = collapsed.has(node.span.spanId);
    rows.push({ node, collapsed: isCollapsed });
    if (isCollapsed) continue;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return rows;
}

/**
 * The critical path: the chain of spans that determined the trace's duration. From a span's
 * end, the child that finished last is on the path; before that child started, the child that
 * finished last before that moment; and so on, recursively.
 */
export function criticalPath(tree: SpanTree): Set<string> {
  const onPath = new Set<string>();
  const root = tree.roots.reduce<SpanNode | undefined>(
    (longest, r) => (!longest || r.endNs > longest.endNs ? r : longest),
    undefined,
  );
  if (!root) return onPath;
  const work: SpanNode[] = [root];
  while (work.length > 0) {
    const node = work.pop()!;
    onPath.add(node.span.spanId);
    const children = [...node.children].sort((a, b) => b.endNs - a.endNs);
    let cursor = node.endNs;
    for (const child of children) {
      if (child.startNs >= cursor) continue;
      work.push(child);
      cursor = Math.min(cursor, child.startNs);
      if (cursor <= node.startNs) break;
    }
  }
  return onPath;
}

/** Round tick positions for a time ruler over [fromNs, toNs]. */
export function rulerTicks(fromNs: number, toNs: number, count = 5): number[] {
  const span = Math.max(1, toNs - fromNs);
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(fromNs / step) * step; t <= toNs + 1e-6; t += step) ticks.push(t);
  return ticks;
}
