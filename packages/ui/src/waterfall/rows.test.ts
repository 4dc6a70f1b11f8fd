import { describe, expect, it } from 'vitest';
import type { Span } from '../api/types';
import { buildSpanTree, criticalPath, rulerTicks, visibleRows } from './rows';

function span(spanId: string, parentSpanId: string, startMs: number, endMs: number): Span {
  const ns = (ms: number) => String(BigInt(1_795_000_000_000 + ms) * 1_000_000n);
  return {
    traceId: 't',
    spanId,
    parentSpanId,
    name: spanId,
    kind: 'internal',
    serviceName: 's',
    startTimeUnixNano: ns(startMs),
    endTimeUnixNano: ns(endMs),
    durationNs: String((endMs - startMs) * 1e6),
    startTime: '',
    status: { code: 'unset', message: '' },
    attributes: {},
    resource: {},
    events: [],
    links: [],
    scope: { name: '', version: '' },
  };
}

describe('buildSpanTree', () => {
  it('nests children under parents in start order, whatever the input order', () => {
    const tree = buildSpanTree([
      span('c', 'a', 30, 40),
      span('b', 'a', 10, 20),
      span('a', '', 0, 100),
    ]);
    expect(tree.roots.map((r) => r.span.spanId)).toEqual(['a']);
    expect(tree.roots[0]!.children.map((c) => c.span.spanId)).toEqual(['b', 'c']);
    expect(tree.roots[0]!.descendants).toBe(2);
    expect(tree.durationNs).toBe(100e6);
    expect(tree.maxDepth).toBe(1);
  });

  it('makes spans with a missing parent roots, and keeps the first of a repeated id', () => {
    const tree = buildSpanTree([
      span('a', '', 0, 10),
      span('x', 'missing', 5, 8),
      span('a', '', 50, 60),
    ]);
    expect(tree.roots.map((r) => r.span.spanId)).toEqual(['a', 'x']);
    expect(tree.byId.get('a')!.startNs).toBe(0);
  });

  it('handles an empty trace', () => {
    expect(buildSpanTree([]).roots).toEqual([]);
  });
});

describe('visibleRows', () => {
  const tree = buildSpanTree([
    span('a', '', 0, 100),
    span('b', 'a', 10, 50),
    span('d', 'b', 20, 30),
    span('c', 'a', 60, 90),
  ]);
  it('lists spans depth-first', () => {
    expect(visibleRows(tree, new Set()).map((r) => `${r.node.span.spanId}${r.node.depth}`)).toEqual(
      ['a0', 'b1', 'd2', 'c1'],
    );
  });
  it('hides the descendants of collapsed spans', () => {
    const rows = visibleRows(tree, new Set(['b']));
    expect(rows.map((r) => r.node.span.spanId)).toEqual(['a', 'b', 'c']);
    expect(rows[1]!.collapsed).toBe(true);
  });
  it('stays linear on a 10,000-span trace', () => {
    const spans = [span('root', '', 0, 10_000)];
    for (let i = 0; i < 9_999; i++)
      spans.push(span(`s${i}`, i < 100 ? 'root' : `s${i % 100}`, i, i + 5));
    const big = buildSpanTree(spans);
    expect(visibleRows(big, new Set())).toHaveLength(10_000);
  });
});

describe('criticalPath', () => {
  it('follows the last-finishing child, then what finished before it started', () => {
    // a: 0-100; b: 10-50; c: 40-95 (overlaps b); d: 0-5 (finished before b started? no: before c started, b is last)
    const tree = buildSpanTree([
      span('a', '', 0, 100),
      span('b', 'a', 10, 50),
      span('c', 'a', 55, 95),
      span('d', 'a', 0, 5),
      span('e', 'b', 12, 48),
    ]);
    expect([...criticalPath(tree)].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
  it('leaves out a child hidden behind a longer sibling', () => {
    const tree = buildSpanTree([
      span('a', '', 0, 100),
      span('long', 'a', 5, 90),
      span('short', 'a', 20, 30),
    ]);
    expect([...criticalPath(tree)].sort()).toEqual(['a', 'long']);
  });
});

describe('rulerTicks', () => {
  it('picks round steps', () => {
    expect(rulerTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(rulerTicks(0, 1_000_000, 4)).toEqual([0, 250_000, 500_000, 750_000, 1_000_000]);
  });
});
