/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- the oracle's decoded messages are untyped generated JS. */
import { createRequire } from 'node:module';

import { describe, expect, it } from 'vitest';

import {
  encodeExportLogsRequest,
  encodeExportMetricsRequest,
  encodeExportTraceRequest,
  type AnyValue,
  type LogRecord,
  type Metric,
  type Span,
} from '../otlp/encode.js';
import { generateTraffic } from './generate-traffic.js';

const require = createRequire(import.meta.url);
// Untyped generated JS: only used to check that our bytes decode.
const oracle = require('otlp-transformer-oracle/build/src/generated/root.js').opentelemetry.proto;

const START = Date.UTC(2025, 5, 12, 14, 0, 0);
const traffic = generateTraffic({
  seed: 7,
  ratePerSecond: 20,
  startUnixMs: START,
  durationMs: 30_000,
});

interface FlatSpan {
  service: string;
  resource: Record<string, AnyValue>;
  scope: string;
  span: Span;
}

const spans: FlatSpan[] = traffic.batches.flatMap((batch) =>
  batch.traces.resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((span) => ({
        service: text(rs.resource.attributes['service.name']),
        resource: rs.resource.attributes,
        scope: ss.scope.name,
        span,
      })),
    ),
  ),
);

const logs: { service: string; record: LogRecord }[] = traffic.batches.flatMap((batch) =>
  batch.logs.resourceLogs.flatMap((rl) =>
    rl.scopeLogs.flatMap((sl) =>
      sl.logRecords.map((record) => ({
        service: text(rl.resource.attributes['service.name']),
        record,
      })),
    ),
  ),
);

const traces = new Map<string, FlatSpan[]>();
for (const s of spans) {
  const list = traces.get(s.span.traceId) ?? [];
  list.push(s);
  traces.set(s.span.traceId, list);
}

/** A string-valued attribute or body as text ('' otherwise). */
function text(value: AnyValue | undefined): string {
  return typeof value === 'string' ? value : '';
}

function attr(span: Span, name: string): AnyValue | undefined {
  return span.attributes?.[name];
}

describe('generateTraffic', () => {
  it('produces a steady volume at the requested rate', () => {
    // 14:00 UTC is near the daily mean of the day/night curve (factor ~0.84).
    expect(traffic.totals.traces).toBeGreaterThan(300);
    expect(traffic.totals.traces).toBeLessThan(800);
    expect(traffic.totals.spans).toBe(spans.length);
    expect(traffic.totals.logs).toBe(logs.length);
    expect(spans.length / traffic.totals.traces).toBeGreaterThan(8);
  });

  it('reports at least 8 services, all seen in traces with complete resources', () => {
    const seen = new Set(spans.map((s) => s.service));
    expect(seen.size).toBeGreaterThanOrEqual(8);
    expect([...seen].sort()).toEqual([...traffic.services].sort());
    for (const s of spans.slice(0, 500)) {
      expect(s.resource).toMatchObject({
        'service.namespace': 'shop',
        'deployment.environment.name': 'production',
        'k8s.namespace.name': 'shop',
        'telemetry.sdk.name': 'opentelemetry',
      });
      for (const key of [
        'service.version',
        'host.name',
        'k8s.pod.name',
        'telemetry.sdk.language',
        'telemetry.sdk.version',
      ]) {
        expect(typeof s.resource[key]).toBe('string');
      }
    }
  });

  it('links every span to a parent in its own trace, one root per trace', () => {
    for (const [traceId, list] of traces) {
      const ids = new Set(list.map((s) => s.span.spanId));
      expect(ids.size).toBe(list.length);
      const roots = list.filter((s) => !s.span.parentSpanId);
      expect(roots, traceId).toHaveLength(1);
      for (const s of list) {
        if (s.span.parentSpanId) expect(ids.has(s.span.parentSpanId), s.span.name).toBe(true);
        expect(s.span.endTimeUnixNano).toBeGreaterThanOrEqual(s.span.startTimeUnixNano);
      }
    }
    expect(traffic.totals.traces).toBe(traces.size);
  });

  it('has traces crossing at least 4 services, server spans under client spans of another service', () => {
    const services = [...traces.values()].map((list) => new Set(list.map((s) => s.service)).size);
    expect(Math.max(...services)).toBeGreaterThanOrEqual(8);
    expect(services.filter((n) => n >= 4).length).toBeGreaterThan(traces.size / 2);

    const byId = new Map(spans.map((s) => [s.span.spanId, s]));
    let crossings = 0;
    for (const s of spans) {
      const parent = s.span.parentSpanId ? byId.get(s.span.parentSpanId) : undefined;
      if (parent === undefined || parent.service === s.service) continue;
      crossings++;
      // Across a process boundary: client→server (HTTP, gRPC) or producer→consumer (Kafka).
      expect([`${parent.span.kind}→${s.span.kind}`]).toContain(
        s.span.kind === 'consumer' ? 'producer→consumer' : 'client→server',
      );
      expect((s.span.flags ?? 0) & 0x300).toBe(0x300);
      // The child starts after its parent.
      expect(s.span.startTimeUnixNano).toBeGreaterThanOrEqual(parent.span.startTimeUnixNano);
    }
    expect(crossings).toBeGreaterThan(1000);
  });

  it('uses every span kind', () => {
    const kinds = new Set(spans.map((s) => s.span.kind));
    expect([...kinds].sort()).toEqual(['client', 'consumer', 'internal', 'producer', 'server']);
  });

  it('annotates spans with semantic-convention attributes', () => {
    const root = spans.find((s) => !s.span.parentSpanId)!;
    for (const key of [
      'http.request.method',
      'http.route',
      'url.path',
      'user_agent.original',
      'server.address',
    ]) {
      expect(attr(root.span, key), key).toBeTypeOf('string');
    }
    expect(attr(root.span, 'http.response.status_code')).toBeTypeOf('bigint');

    const pg = spans.filter((s) => attr(s.span, 'db.system.name') === 'postgresql');
    expect(pg.length).toBeGreaterThan(50);
    for (const s of pg) {
      expect(s.span.kind).toBe('client');
      expect(attr(s.span, 'db.system')).toBe('postgresql');
      expect(attr(s.span, 'db.query.text')).toBe(attr(s.span, 'db.statement'));
      expect(attr(s.span, 'server.address')).toBe('postgres-primary.shop.svc.cluster.local');
    }
    expect(
      spans.some((s) => attr(s.span, 'db.system') === 'redis' && s.span.kind === 'client'),
    ).toBe(true);

    const grpc = spans.filter((s) => attr(s.span, 'rpc.system') === 'grpc');
    expect(grpc.some((s) => s.span.kind === 'server')).toBe(true);
    for (const s of grpc) expect(attr(s.span, 'rpc.grpc.status_code')).toBeTypeOf('bigint');

    const producers = spans.filter((s) => s.span.kind === 'producer');
    const consumers = spans.filter((s) => s.span.kind === 'consumer');
    expect(producers.map((s) => s.service)).toContain('checkout');
    expect(new Set(consumers.map((s) => s.service))).toEqual(
      new Set(['order-fulfillment', 'email']),
    );
    for (const s of [...producers, ...consumers]) {
      expect(attr(s.span, 'messaging.system')).toBe('kafka');
      expect(attr(s.span, 'messaging.destination.name')).toBe('orders');
    }
    for (const s of consumers) expect(s.span.links?.[0]?.spanId).toBe(s.span.parentSpanId);
  });

  it('calls the payment provider, which reports nothing itself', () => {
    const calls = spans.filter((s) => attr(s.span, 'peer.service') === 'payment-provider');
    expect(calls.length).toBeGreaterThan(5);
    const parents = new Set(spans.map((s) => s.span.parentSpanId));
    for (const s of calls) {
      expect(s.service).toBe('payment');
      expect(s.span.kind).toBe('client');
      expect(attr(s.span, 'server.address')).toBe('api.payments-provider.example');
      expect(parents.has(s.span.spanId)).toBe(false);
    }
  });

  it('fails a few percent of requests, with exception events and 5xx', () => {
    const failedTraces = [...traces.values()].filter((list) =>
      list.some((s) => s.span.status?.code === 'error'),
    );
    const share = failedTraces.length / traces.size;
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.2);
    const withException = spans.filter((s) => s.span.events?.some((e) => e.name === 'exception'));
    expect(withException.length).toBeGreaterThan(5);
    for (const s of withException) {
      expect(s.span.status?.code).toBe('error');
      const event = s.span.events!.find((e) => e.name === 'exception')!;
      expect(event.attributes?.['exception.type']).toBeTypeOf('string');
      expect(event.attributes?.['exception.message']).toBeTypeOf('string');
      expect(text(event.attributes?.['exception.stacktrace']).split('\n').length).toBeGreaterThan(
        2,
      );
    }
    const serverErrors = spans.filter((s) => {
      const status = attr(s.span, 'http.response.status_code');
      return s.span.kind === 'server' && typeof status === 'bigint' && status >= 500n;
    });
    expect(serverErrors.length).toBeGreaterThan(0);
    for (const s of serverErrors) expect(s.span.status?.code).toBe('error');
    // A 4xx is not the server's failure.
    for (const s of spans) {
      const status = attr(s.span, 'http.response.status_code');
      if (s.span.kind === 'server' && typeof status === 'bigint' && status < 500n) {
        expect(s.span.status?.code).not.toBe('error');
      }
    }
  });

  it('correlates logs with spans and sets severities consistently', () => {
    const byId = new Map(spans.map((s) => [s.span.spanId, s]));
    const correlated = logs.filter((l) => l.record.spanId);
    expect(correlated.length).toBeGreaterThan(logs.length / 2);
    for (const l of correlated) {
      const span = byId.get(l.record.spanId!);
      expect(span, text(l.record.body)).toBeDefined();
      expect(span!.span.traceId).toBe(l.record.traceId);
      expect(span!.service).toBe(l.service);
    }
    expect(logs.some((l) => !l.record.traceId)).toBe(true);

    const texts = new Map<number, Set<string>>();
    for (const { record } of logs) {
      const set = texts.get(record.severityNumber!) ?? new Set();
      set.add(record.severityText!.toUpperCase());
      texts.set(record.severityNumber!, set);
    }
    expect([...texts.keys()].sort((a, b) => a - b)).toEqual([5, 9, 13, 17]);
    expect([...texts.get(5)!]).toEqual(['DEBUG']);
    expect([...texts.get(9)!].sort()).toEqual(['INFO', 'INFORMATION']);
    expect([...texts.get(13)!].every((t) => t.startsWith('WARN'))).toBe(true);
    expect([...texts.get(17)!]).toEqual(['ERROR']);

    const errors = logs.filter((l) => l.record.severityNumber === 17);
    expect(
      errors.some((l) => typeof l.record.attributes?.['exception.stacktrace'] === 'string'),
    ).toBe(true);
    const slowQueries = logs.filter((l) => text(l.record.body).startsWith('slow query'));
    expect(slowQueries.length).toBeGreaterThan(0);
    for (const l of slowQueries) expect(l.record.severityNumber).toBe(13);
  });

  it('exports every metric type, cumulative from the start', () => {
    const metrics: Metric[] = traffic.metrics
      .at(-1)!
      .resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
    const types = new Set(
      metrics.map((m) =>
        m.data.type === 'sum' ? `sum/${m.data.isMonotonic ? 'mono' : 'updown'}` : m.data.type,
      ),
    );
    expect([...types].sort()).toEqual([
      'exponential_histogram',
      'gauge',
      'histogram',
      'sum/mono',
      'sum/updown',
      'summary',
    ]);
    const names = new Set(metrics.map((m) => m.name));
    for (const name of [
      'http.server.request.duration',
      'shop.requests',
      'process.memory.usage',
      'http.server.active_requests',
      'shop.order.amount',
    ]) {
      expect(names.has(name), name).toBe(true);
    }
    const startNs = BigInt(START) * 1_000_000n;
    for (const m of metrics) {
      if (m.data.type === 'gauge') continue;
      if (m.data.type !== 'summary') expect(m.data.temporality).toBe('cumulative');
      for (const p of m.data.points) expect(p.startTimeUnixNano).toBe(startNs);
    }
    const http = metrics.filter((m) => m.name === 'http.server.request.duration');
    const services = new Set(
      traffic.metrics
        .at(-1)!
        .resourceMetrics.filter((rm) =>
          rm.scopeMetrics.some((sm) =>
            sm.metrics.some((m) => m.name === 'http.server.request.duration'),
          ),
        )
        .map((rm) => rm.resource.attributes['service.name']),
    );
    // Every pod serves HTTP health probes, so every service has the metric.
    expect(services.size).toBe(traffic.services.length);
    for (const m of http) {
      if (m.data.type !== 'histogram') throw new Error('not a histogram');
      for (const p of m.data.points) {
        expect(p.explicitBounds).toEqual([
          0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
        ]);
        expect(p.bucketCounts.reduce((a, b) => a + b, 0)).toBe(p.count);
        const probe = ['/livez', '/readyz'].includes(text(p.attributes?.['http.route']));
        if (!probe) expect(p.exemplars?.[0]?.traceId).toMatch(/^[0-9a-f]{32}$/);
      }
    }
  });

  it('counts request metrics from the exported spans', () => {
    const serverSpans = spans.filter((s) => s.span.kind === 'server' || s.span.kind === 'consumer');
    const counted = traffic.metrics
      .at(-1)!
      .resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics))
      .filter((m) => m.name === 'shop.requests')
      .flatMap((m) => (m.data.type === 'sum' ? m.data.points : []))
      .reduce((n, p) => n + Number(p.value), 0);
    expect(counted).toBe(serverSpans.length);
  });

  it('runs both incidents within 30 s, and the slow database is slower', () => {
    expect(traffic.incidents.map((i) => i.kind).sort()).toEqual([
      'payment-errors',
      'slow-database',
    ]);
    const slow = traffic.incidents.find((i) => i.kind === 'slow-database')!;
    const durations = (inside: boolean) =>
      spans
        .filter((s) => attr(s.span, 'db.system.name') === 'postgresql')
        .filter((s) => {
          const startMs = Number(s.span.startTimeUnixNano / 1_000_000n);
          return (startMs >= slow.startUnixMs && startMs < slow.endUnixMs) === inside;
        })
        .map((s) => Number(s.span.endTimeUnixNano - s.span.startTimeUnixNano))
        .sort((a, b) => a - b);
    const median = (values: number[]) => values[Math.floor(values.length / 2)]!;
    expect(median(durations(true))).toBeGreaterThan(4 * median(durations(false)));
  });

  it('is reproducible from the seed', () => {
    const options = { seed: 99, ratePerSecond: 10, startUnixMs: START, durationMs: 5_000 };
    const a = generateTraffic(options);
    const b = generateTraffic(options);
    const c = generateTraffic({ ...options, seed: 100 });
    const bytes = (t: typeof a) =>
      Buffer.concat(t.batches.map((batch) => encodeExportTraceRequest(batch.traces))).toString(
        'base64',
      );
    expect(bytes(a)).toBe(bytes(b));
    expect(bytes(a)).not.toBe(bytes(c));
  });

  it('does not depend on how often the clock is advanced', () => {
    const options = { seed: 3, ratePerSecond: 15, startUnixMs: START, durationMs: 6_000 };
    const coarse = generateTraffic({ ...options, batchIntervalMs: 2_000 });
    const fine = generateTraffic({ ...options, batchIntervalMs: 300 });
    const ids = (t: typeof coarse) =>
      t.batches
        .flatMap((b) =>
          b.traces.resourceSpans.flatMap((rs) =>
            rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.spanId)),
          ),
        )
        .sort();
    expect(ids(coarse)).toEqual(ids(fine));
  });

  it('encodes to payloads the reference decoder reads back', () => {
    const batch = traffic.batches[10]!;
    const traceRequest = oracle.collector.trace.v1.ExportTraceServiceRequest.decode(
      encodeExportTraceRequest(batch.traces),
    );
    const decodedSpans = traceRequest.resourceSpans.flatMap((rs: any) =>
      rs.scopeSpans.flatMap((ss: any) => ss.spans),
    );
    expect(decodedSpans).toHaveLength(batch.spanCount);
    const first = batch.traces.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(Buffer.from(decodedSpans[0].traceId).toString('hex')).toBe(first.traceId);
    expect(decodedSpans[0].name).toBe(first.name);

    const logsRequest = oracle.collector.logs.v1.ExportLogsServiceRequest.decode(
      encodeExportLogsRequest(batch.logs),
    );
    expect(
      logsRequest.resourceLogs.flatMap((rl: any) =>
        rl.scopeLogs.flatMap((sl: any) => sl.logRecords),
      ),
    ).toHaveLength(batch.logCount);

    const metricsRequest = oracle.collector.metrics.v1.ExportMetricsServiceRequest.decode(
      encodeExportMetricsRequest(traffic.metrics[0]!),
    );
    expect(metricsRequest.resourceMetrics).toHaveLength(traffic.metrics[0]!.resourceMetrics.length);
  });
});
