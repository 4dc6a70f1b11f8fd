import { describe, expect, it } from 'vitest';
import { compareTraces, operationPaths } from './trace-compare.js';
import type { ApiSpan } from './traces.js';

function span(
  spanId: string,
  parentSpanId: string,
  serviceName: string,
  name: string,
  startMs: number,
  durationMs: number,
  status = 'unset',
): ApiSpan {
  const start = BigInt(startMs) * 1_000_000n;
  const end = start + BigInt(durationMs) * 1_000_000n;
  return {
    traceId: 't',
    spanId,
    parentSpanId,
    traceState: '',
    name,
    kind: 'server',
    serviceName,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: end.toString(),
    durationNs: (end - start).toString(),
    startTime: '',
    status: { code: status, message: '' },
    http: { method: null, route: null, statusCode: null },
    attributes: {},
    resource: {},
    events: [],
    links: [],
    scope: { name: '', version: '' },
  };
}

const A = [
  span('a1', '', 'frontend', 'GET /checkout', 1000, 100),
  span('a2', 'a1', 'checkout', 'POST /pay', 1010, 60),
  span('a3', 'a2', 'payment', 'SELECT', 1020, 10),
  span('a4', 'a2', 'payment', 'SELECT', 1040, 12),
  span('a5', 'a1', 'frontend', 'render', 1080, 5),
];
const B = [
  span('b1', '', 'frontend', 'GET /checkout', 5000, 150),
  span('b2', 'b1', 'checkout', 'POST /pay', 5010, 120, 'error'),
  span('b3', 'b2', 'payment', 'SELECT', 5020, 30),
  span('b6', 'b1', 'cart', 'GET /cart', 5005, 3),
];

describe('operationPaths', () => {
  it('labels every span with its service:operation path from the root and occurrence', () => {
    expect(operationPaths(A).map((p) => [p.path, p.occurrence, p.span.offsetNs])).toEqual([
      ['frontend:GET /checkout', 0, '0'],
      ['frontend:GET /checkout > checkout:POST /pay', 0, '10000000'],
      ['frontend:GET /checkout > checkout:POST /pay > payment:SELECT', 0, '20000000'],
      ['frontend:GET /checkout > checkout:POST /pay > payment:SELECT', 1, '40000000'],
      ['frontend:GET /checkout > frontend:render', 0, '80000000'],
    ]);
  });

  it('starts a path at a span whose parent is missing, and survives a parent cycle', () => {
    const orphan = [span('x', 'missing', 'svc', 'op', 0, 1)];
    expect(operationPaths(orphan)[0]!.path).toBe('svc:op');
    const cycle = [span('p', 'q', 's', 'one', 0, 1), span('q', 'p', 's', 'two', 1, 1)];
    expect(operationPaths(cycle).map((p) => p.path)).toEqual(['s:two > s:one', 's:two']);
  });
});

describe('compareTraces', () => {
  const result = compareTraces({ traceId: 'a', spans: A }, { traceId: 'b', spans: B });

  it('pairs spans by path and occurrence with duration deltas and status changes', () => {
    expect(
      result.matched.map((m) => [m.path, m.occurrence, m.durationDeltaNs, m.statusChanged]),
    ).toEqual([
      ['frontend:GET /checkout', 0, '50000000', false],
      ['frontend:GET /checkout > checkout:POST /pay', 0, '60000000', true],
      ['frontend:GET /checkout > checkout:POST /pay > payment:SELECT', 0, '20000000', false],
    ]);
    expect(result.matched[1]!.a.status).toBe('unset');
    expect(result.matched[1]!.b.status).toBe('error');
  });

  it('lists the spans found on one side only', () => {
    expect(result.onlyInA.map((s) => [s.path, s.occurrence, s.spanId])).toEqual([
      ['frontend:GET /checkout > checkout:POST /pay > payment:SELECT', 1, 'a4'],
      ['frontend:GET /checkout > frontend:render', 0, 'a5'],
    ]);
    expect(result.onlyInB.map((s) => [s.path, s.spanId])).toEqual([
      ['frontend:GET /checkout > cart:GET /cart', 'b6'],
    ]);
  });

  it('summarises both traces', () => {
    expect(result.a).toEqual({
      traceId: 'a',
      durationNs: '100000000',
      spanCount: 5,
      errorCount: 0,
    });
    expect(result.b).toEqual({
      traceId: 'b',
      durationNs: '150000000',
      spanCount: 4,
      errorCount: 1,
    });
    expect(result.durationDeltaNs).toBe('50000000');
  });

  it('compares a trace with itself as all matched', () => {
    const self = compareTraces({ traceId: 'a', spans: A }, { traceId: 'a', spans: A });
    expect(self.matched).toHaveLength(5);
    expect(self.onlyInA).toEqual([]);
    expect(self.onlyInB).toEqual([]);
  });
});
