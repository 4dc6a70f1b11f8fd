import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from './helpers/clickhouse.js';
import type { ServiceSummary } from '../src/query/services.js';
import type { ServiceMap } from '../src/query/service-map.js';
import type { TraceComparison } from '../src/query/trace-compare.js';
import type { TraceSummary } from '../src/query/trace-search.js';
import type { ApiTrace } from '../src/query/traces.js';
import {
  logBatchFromRows,
  spanBatchFromRows,
  type LogRow,
  type SpanRow,
} from '../src/telemetry/batch-from-rows.js';
import { parseTenantId } from '../src/tenant.js';
import { startTestPharos, type TestPharos } from './helpers/pharos.js';

/**
 * Endpoints of the query engine against data with known answers. Percentiles are recomputed
 * here independently with the rule DuckDB's quantile_cont uses: linear interpolation between
 * the closest ranks, h = (n − 1)·q over the sorted values.
 */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * The services overview may read a store's RED rollup, whose percentiles are within 1% of the
 * exact ones (docs/adr/0010-rollups-and-time-slabs.md); the other endpoints' percentiles are exact.
 */
function expectWithinOnePercent(actual: number | null, exact: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - exact)).toBeLessThanOrEqual(exact * 0.01);
}

const MS = 1_000_000n;
const N = 120;
// The hour under test: [FROM, TO), on a whole minute a little in the past.
const TO_MS = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
const FROM_MS = TO_MS - 3_600_000;
const RANGE = `from=${FROM_MS}&to=${TO_MS}`;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const traceIdOf = (i: number) => `${hex(0xabc, 8)}${hex(i + 1, 24)}`;

interface Request {
  traceId: string;
  startNs: bigint;
  frontendMs: number;
  clientMs: number;
  paymentMs: number;
  dbMs: number;
  frontendError: boolean;
  paymentError: boolean;
}

/** Request i: frontend GET /checkout → (client POST /pay) → payment POST /pay → postgres. */
function request(i: number): Request {
  const frontendMs = 50 + ((i * 37) % 200);
  return {
    traceId: traceIdOf(i),
    // Spread over the first 50 minutes, 25 s apart.
    startNs: BigInt(FROM_MS + 60_000 + i * 25_000) * MS,
    frontendMs,
    clientMs: frontendMs - 10,
    paymentMs: frontendMs - 20 - (i % 3),
    dbMs: 1 + (i % 7),
    frontendError: i % 10 === 0,
    paymentError: i % 15 === 0,
  };
}

const REQUESTS = Array.from({ length: N }, (_, i) => request(i));

function spansOf(r: Request, i: number): SpanRow[] {
  const at = (offsetMs: number) => r.startNs + BigInt(offsetMs) * MS;
  const id = (k: number) => hex(i * 10 + k + 1, 16);
  const spans: SpanRow[] = [
    {
      traceId: r.traceId,
      spanId: id(0),
      name: 'GET /checkout',
      kind: 'server',
      serviceName: 'frontend',
      startTimeUnixNano: at(0),
      endTimeUnixNano: at(r.frontendMs),
      statusCode: r.frontendError ? 'error' : 'unset',
      httpRoute: '/checkout',
      attributes: { 'http.route': '/checkout', 'user.id': `u${i % 4}` },
    },
    {
      traceId: r.traceId,
      spanId: id(1),
      parentSpanId: id(0),
      name: 'POST /pay',
      kind: 'client',
      serviceName: 'frontend',
      startTimeUnixNano: at(5),
      endTimeUnixNano: at(5 + r.clientMs),
    },
    {
      traceId: r.traceId,
      spanId: id(2),
      parentSpanId: id(1),
      name: 'POST /pay',
      kind: 'server',
      serviceName: 'payment',
      startTimeUnixNano: at(10),
      endTimeUnixNano: at(10 + r.paymentMs),
      statusCode: r.paymentError ? 'error' : 'ok',
    },
    {
      traceId: r.traceId,
      spanId: id(3),
      parentSpanId: id(2),
      name: 'SELECT shop.orders',
      kind: 'client',
      serviceName: 'payment',
      startTimeUnixNano: at(12),
      endTimeUnixNano: at(12 + r.dbMs),
      dbSystem: 'postgresql',
      serverAddress: 'pg.local',
    },
  ];
  // Every fourth request also publishes to Kafka, which nobody consumes in this data.
  if (i % 4 === 0) {
    spans.push({
      traceId: r.traceId,
      spanId: id(4),
      parentSpanId: id(2),
      name: 'orders publish',
      kind: 'producer',
      serviceName: 'payment',
      startTimeUnixNano: at(15),
      endTimeUnixNano: at(17),
      messagingSystem: 'kafka',
    });
  }
  return spans;
}

const DEFAULT_SPANS = REQUESTS.flatMap(spansOf);
// A service with internal spans only: listed, RED figures null.
DEFAULT_SPANS.push({
  traceId: hex(0xfeed, 32),
  spanId: hex(0xfeed, 16),
  name: 'cleanup',
  kind: 'internal',
  serviceName: 'worker',
  startTimeUnixNano: BigInt(FROM_MS + 120_000) * MS,
  endTimeUnixNano: BigInt(FROM_MS + 121_000) * MS,
});

const DEFAULT_LOGS: LogRow[] = [
  ...REQUESTS.slice(0, 3).map((r, i) => ({
    timeUnixNano: r.startNs + 20n * MS,
    body: `charged order ${i}`,
    traceId: r.traceId,
    spanId: hex(i * 10 + 3, 16),
    serviceName: 'payment',
  })),
  // Same trace as request 0, but far outside its span window: not part of the trace view.
  {
    timeUnixNano: REQUESTS[0]!.startNs + 3_600_000n * MS,
    body: 'late log of trace 0',
    traceId: REQUESTS[0]!.traceId,
    serviceName: 'payment',
  },
];

// Another tenant with a trace id that collides with request 0's, its own services and logs.
const OTHER = parseTenantId('other');
const OTHER_SPANS: SpanRow[] = [
  {
    traceId: REQUESTS[0]!.traceId,
    spanId: hex(0xdead, 16),
    name: 'GET /secret',
    kind: 'server',
    serviceName: 'secret-service',
    startTimeUnixNano: REQUESTS[0]!.startNs,
    endTimeUnixNano: REQUESTS[0]!.startNs + 5_000n * MS,
    statusCode: 'error',
  },
  {
    traceId: hex(0xbeef, 32),
    spanId: hex(0xbeef, 16),
    parentSpanId: hex(0xdead, 16),
    name: 'call',
    kind: 'client',
    serviceName: 'secret-client',
    startTimeUnixNano: REQUESTS[0]!.startNs,
    endTimeUnixNano: REQUESTS[0]!.startNs + 5_000n * MS,
    peerService: 'secret-db',
  },
];
const OTHER_LOGS: LogRow[] = [
  {
    timeUnixNano: REQUESTS[0]!.startNs + 1n * MS,
    body: 'secret log',
    traceId: REQUESTS[0]!.traceId,
    serviceName: 'secret-service',
  },
];

describeEachBackend('query API', (backend) => {
  let pharos: TestPharos;

  beforeAll(async () => {
    pharos = await startTestPharos({ backend });
    const tenant = parseTenantId('default');
    // Half of the data sealed into Parquet parts, half still hot: queries must see both.
    const half = Math.floor(DEFAULT_SPANS.length / 2);
    await pharos.store.write([
      { tenant, spans: spanBatchFromRows(DEFAULT_SPANS.slice(0, half)) },
      { tenant: OTHER, spans: spanBatchFromRows(OTHER_SPANS), logs: logBatchFromRows(OTHER_LOGS) },
    ]);
    await pharos.store.maintain({ sealAll: true });
    await pharos.store.write([
      {
        tenant,
        spans: spanBatchFromRows(DEFAULT_SPANS.slice(half)),
        logs: logBatchFromRows(DEFAULT_LOGS),
      },
    ]);
  });

  afterAll(async () => {
    await pharos.destroy();
  });

  async function getStatus(path: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${pharos.httpUrl}${path}`);
    return { status: response.status, body: await response.json() };
  }

  describe('GET /api/v1/services (RED)', () => {
    it('reports request rate, error rate and percentiles (within 1%) from server spans', async () => {
      const { services } = await pharos.getJson<{ services: ServiceSummary[] }>(
        `/api/v1/services?${RANGE}`,
      );
      expect(services.map((s) => s.name)).toEqual(['frontend', 'payment', 'worker']);
      const frontend = services[0]!;
      const durations = REQUESTS.map((r) => r.frontendMs * 1e6);
      const errors = REQUESTS.filter((r) => r.frontendError).length;
      expect(frontend).toMatchObject({
        spanCount: 2 * N,
        errorCount: errors,
        logCount: 0,
        requests: N,
        requestErrors: errors,
      });
      expect(frontend.requestRate).toBeCloseTo(N / 3600, 9);
      expect(frontend.errorRate).toBeCloseTo(errors / N, 9);
      expectWithinOnePercent(frontend.p50Ns, quantile(durations, 0.5));
      expectWithinOnePercent(frontend.p95Ns, quantile(durations, 0.95));
      expectWithinOnePercent(frontend.p99Ns, quantile(durations, 0.99));

      const payment = services[1]!;
      const paymentDurations = REQUESTS.map((r) => r.paymentMs * 1e6);
      // The late log of trace 0 falls after the range.
      expect(payment.logCount).toBe(DEFAULT_LOGS.length - 1);
      expect(payment.requests).toBe(N);
      expectWithinOnePercent(payment.p99Ns, quantile(paymentDurations, 0.99));

      expect(services[2]).toMatchObject({
        name: 'worker',
        spanCount: 1,
        requests: 0,
        requestRate: 0,
        errorRate: null,
        p50Ns: null,
        p95Ns: null,
        p99Ns: null,
      });
    });

    it('lists per-operation RED figures', async () => {
      const body = await pharos.getJson<{ operations: ServiceSummary[] }>(
        `/api/v1/services/payment/operations?${RANGE}`,
      );
      expect(body.operations.map((o) => [o.name, o.spanCount, o.requests])).toEqual([
        ['POST /pay', N, N],
        ['SELECT shop.orders', N, 0],
        ['orders publish', N / 4, 0],
      ]);
      const pay = body.operations[0]!;
      expect(pay.p95Ns).toBeCloseTo(
        quantile(
          REQUESTS.map((r) => r.paymentMs * 1e6),
          0.95,
        ),
        3,
      );
      expect(pay.errorRate).toBeCloseTo(REQUESTS.filter((r) => r.paymentError).length / N, 9);
    });

    it('returns a series per time bucket', async () => {
      const body = await pharos.getJson<{
        stepNs: string;
        points: {
          timeUnixNano: string;
          requests: number;
          requestRate: number;
          p50Ns: number | null;
        }[];
      }>(`/api/v1/services/frontend/series?${RANGE}&step=10m`);
      expect(body.stepNs).toBe(String(600e9));
      expect(body.points).toHaveLength(6);
      for (const [k, point] of body.points.entries()) {
        const startNs = BigInt(FROM_MS + k * 600_000) * MS;
        const inBucket = REQUESTS.filter(
          (r) => r.startNs >= startNs && r.startNs < startNs + 600_000n * MS,
        );
        expect(point.timeUnixNano).toBe(startNs.toString());
        expect(point.requests).toBe(inBucket.length);
        expect(point.requestRate).toBeCloseTo(inBucket.length / 600, 9);
        if (inBucket.length > 0) {
          expect(point.p50Ns).toBeCloseTo(
            quantile(
              inBucket.map((r) => r.frontendMs * 1e6),
              0.5,
            ),
            3,
          );
        } else {
          expect(point.p50Ns).toBeNull();
        }
      }
      const auto = await pharos.getJson<{ stepNs: string; points: unknown[] }>(
        `/api/v1/services/frontend/series?${RANGE}`,
      );
      expect(auto.stepNs).toBe(String(60e9));
      expect(auto.points).toHaveLength(60);
      expect((await getStatus(`/api/v1/services/frontend/series?${RANGE}&step=1ms`)).status).toBe(
        400,
      );
    });
  });

  describe('GET /api/v1/service-map', () => {
    it('derives service edges from parent/child spans and dependency nodes from client spans', async () => {
      const map = await pharos.getJson<ServiceMap>(`/api/v1/service-map?${RANGE}`);
      expect(map.nodes).toEqual([
        { id: 'frontend', type: 'service', system: null },
        { id: 'payment', type: 'service', system: null },
        { id: 'worker', type: 'service', system: null },
        { id: 'kafka', type: 'queue', system: 'kafka' },
        { id: 'pg.local', type: 'database', system: 'postgresql' },
      ]);
      expect(map.edges.map((e) => [e.source, e.target, e.calls, e.errors])).toEqual([
        ['frontend', 'payment', N, REQUESTS.filter((r) => r.paymentError).length],
        ['payment', 'kafka', N / 4, 0],
        ['payment', 'pg.local', N, 0],
      ]);
      const edge = map.edges[0]!;
      expect(edge.callRate).toBeCloseTo(N / 3600, 9);
      expect(edge.p95Ns).toBeCloseTo(
        quantile(
          REQUESTS.map((r) => r.clientMs * 1e6),
          0.95,
        ),
        3,
      );
      expect(map.edges[2]!.p95Ns).toBeCloseTo(
        quantile(
          REQUESTS.map((r) => r.dbMs * 1e6),
          0.95,
        ),
        3,
      );
    });
  });

  describe('GET /api/v1/traces', () => {
    it('finds traces by service and span duration, newest first, with summaries', async () => {
      const { traces } = await pharos.getJson<{ traces: TraceSummary[] }>(
        `/api/v1/traces?${RANGE}&service=payment&operation=${encodeURIComponent('POST /pay')}&minDuration=200ms&limit=1000`,
      );
      const expected = REQUESTS.filter((r) => r.paymentMs >= 200)
        .sort((a, b) => Number(b.startNs - a.startNs))
        .map((r) => r.traceId);
      expect(expected.length).toBeGreaterThan(3);
      expect(traces.map((t) => t.traceId)).toEqual(expected);
      const first = REQUESTS.find((r) => r.traceId === expected[0])!;
      expect(traces[0]).toMatchObject({
        rootServiceName: 'frontend',
        rootName: 'GET /checkout',
        startTimeUnixNano: first.startNs.toString(),
        durationNs: String(first.frontendMs * 1e6),
        services: ['frontend', 'payment'],
      });
    });

    it('filters with the search language in q', async () => {
      const q = encodeURIComponent('user.id:u1 AND http.route:"/checkout"');
      const { traces } = await pharos.getJson<{ traces: TraceSummary[] }>(
        `/api/v1/traces?${RANGE}&q=${q}&limit=1000`,
      );
      expect(traces.map((t) => t.traceId).sort()).toEqual(
        REQUESTS.filter((_, i) => i % 4 === 1)
          .map((r) => r.traceId)
          .sort(),
      );
      const combined = await pharos.getJson<{ traces: TraceSummary[] }>(
        `/api/v1/traces?${RANGE}&q=${encodeURIComponent('user.id:u1')}&service=payment&limit=1000`,
      );
      // The user id is on the frontend span only: no single payment span matches both.
      expect(combined.traces).toEqual([]);
      const bad = await getStatus(`/api/v1/traces?${RANGE}&q=${encodeURIComponent('user.id:(')}`);
      expect(bad.status).toBe(400);
    });

    it('filters by status, maximum duration (1.5s syntax) and limit', async () => {
      const errors = await pharos.getJson<{ traces: TraceSummary[] }>(
        `/api/v1/traces?${RANGE}&service=payment&status=error&limit=1000`,
      );
      expect(errors.traces).toHaveLength(REQUESTS.filter((r) => r.paymentError).length);
      expect(errors.traces.every((t) => t.errorCount >= 1)).toBe(true);
      const short = await pharos.getJson<{ traces: TraceSummary[] }>(
        `/api/v1/traces?${RANGE}&service=frontend&maxDuration=0.06s&limit=1000`,
      );
      // Either frontend span (server, or its client span 10 ms shorter) may match.
      expect(short.traces).toHaveLength(REQUESTS.filter((r) => r.clientMs <= 60).length);
      const limited = await pharos.getJson<{ traces: TraceSummary[] }>(
        `/api/v1/traces?${RANGE}&limit=5`,
      );
      expect(limited.traces).toHaveLength(5);
      expect((await getStatus(`/api/v1/traces?${RANGE}&minDuration=fast`)).status).toBe(400);
      expect((await getStatus(`/api/v1/traces?${RANGE}&limit=100000`)).status).toBe(400);
    });
  });

  describe('GET /api/v1/traces/:traceId', () => {
    it("returns the trace's spans and its logs within the span window", async () => {
      const trace = await pharos.getJson<ApiTrace>(`/api/v1/traces/${REQUESTS[0]!.traceId}`);
      expect(trace.spanCount).toBe(5);
      expect(trace.services).toEqual(['frontend', 'payment']);
      expect(trace.logs.map((l) => l.body)).toEqual(['charged order 0']);
      expect(trace.logsTruncated).toBe(false);
    });
  });

  describe('GET /api/v1/traces/compare', () => {
    it('matches spans by operation path and reports timing and status changes', async () => {
      // Request 0 publishes to Kafka and both services fail; request 1 does neither.
      const [a, b] = [REQUESTS[0]!, REQUESTS[1]!];
      const cmp = await pharos.getJson<TraceComparison>(
        `/api/v1/traces/compare?a=${a.traceId}&b=${b.traceId}`,
      );
      expect(cmp.onlyInA.map((s) => s.path)).toEqual([
        'frontend:GET /checkout > frontend:POST /pay > payment:POST /pay > payment:orders publish',
      ]);
      expect(cmp.onlyInB).toEqual([]);
      expect(cmp.matched.map((m) => [m.path, m.durationDeltaNs, m.statusChanged])).toEqual([
        ['frontend:GET /checkout', String((b.frontendMs - a.frontendMs) * 1e6), true],
        [
          'frontend:GET /checkout > frontend:POST /pay',
          String((b.clientMs - a.clientMs) * 1e6),
          false,
        ],
        [
          'frontend:GET /checkout > frontend:POST /pay > payment:POST /pay',
          String((b.paymentMs - a.paymentMs) * 1e6),
          true,
        ],
        [
          'frontend:GET /checkout > frontend:POST /pay > payment:POST /pay > payment:SELECT shop.orders',
          String((b.dbMs - a.dbMs) * 1e6),
          false,
        ],
      ]);
      expect(cmp.durationDeltaNs).toBe(String((b.frontendMs - a.frontendMs) * 1e6));
      const missing = await getStatus(`/api/v1/traces/compare?a=${a.traceId}&b=${hex(0x999, 32)}`);
      expect(missing.status).toBe(404);
      expect((await getStatus(`/api/v1/traces/compare?a=xyz&b=${a.traceId}`)).status).toBe(400);
    });
  });

  describe('tenant isolation', () => {
    it("never shows another tenant's spans, logs, services or edges", async () => {
      const trace = await pharos.getJson<ApiTrace>(`/api/v1/traces/${REQUESTS[0]!.traceId}`);
      expect(trace.spans.some((s) => s.serviceName.startsWith('secret'))).toBe(false);
      expect(trace.logs.some((l) => l.body.includes('secret'))).toBe(false);
      expect((await getStatus(`/api/v1/traces/${hex(0xbeef, 32)}`)).status).toBe(404);
      const search = await pharos.getJson<{ traces: TraceSummary[] }>(
        `/api/v1/traces?${RANGE}&service=secret-service`,
      );
      expect(search.traces).toEqual([]);
      const { services } = await pharos.getJson<{ services: ServiceSummary[] }>(
        `/api/v1/services?${RANGE}`,
      );
      expect(services.some((s) => s.name.startsWith('secret'))).toBe(false);
      const ops = await pharos.getJson<{ operations: unknown[] }>(
        `/api/v1/services/secret-service/operations?${RANGE}`,
      );
      expect(ops.operations).toEqual([]);
      const series = await pharos.getJson<{ points: { requests: number }[] }>(
        `/api/v1/services/secret-service/series?${RANGE}`,
      );
      expect(series.points.every((p) => p.requests === 0)).toBe(true);
      const map = await pharos.getJson<ServiceMap>(`/api/v1/service-map?${RANGE}`);
      expect(JSON.stringify(map)).not.toContain('secret');
      const cmp = await getStatus(
        `/api/v1/traces/compare?a=${REQUESTS[0]!.traceId}&b=${hex(0xbeef, 32)}`,
      );
      expect(cmp.status).toBe(404);
    });
  });
});
