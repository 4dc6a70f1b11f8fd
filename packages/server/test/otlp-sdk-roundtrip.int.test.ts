import { randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as OTLPLogExporterJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPLogExporterProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as OTLPMetricExporterJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OTLPMetricExporterProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPTraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ApiTrace } from '../src/query/traces.js';
import type { ApiLogRecord } from '../src/query/logs.js';
import type { ApiMetric, MetricSummary } from '../src/query/metrics.js';
import { startTestPharos, type TestPharos } from './helpers/pharos.js';

let pharos: TestPharos;

beforeAll(async () => {
  pharos = await startTestPharos();
});
afterAll(async () => {
  await pharos.destroy();
});

const ENCODINGS = ['protobuf', 'json'] as const;

function endpoint(signal: string, port: 'main' | 'otlp'): string {
  const base = port === 'main' ? pharos.httpUrl : pharos.otlpHttpUrl!;
  return `${base}/v1/${signal}`;
}

describe.each(ENCODINGS)('OTLP/HTTP %s from the OpenTelemetry JS SDK', (encoding) => {
  // protobuf goes to the dedicated OTLP port, JSON to the main port: both listeners are covered.
  const port = encoding === 'protobuf' ? 'otlp' : 'main';
  const serviceName = `roundtrip-${encoding}`;

  it('stores every span of a trace with its attributes, events and links', async () => {
    const url = endpoint('traces', port);
    const exporter =
      encoding === 'protobuf'
        ? new OTLPTraceExporterProto({ url })
        : new OTLPTraceExporterJson({ url });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.name': serviceName,
        'deployment.environment.name': 'test',
      }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('roundtrip-test', '1.0.0');
    const root = tracer.startSpan('GET /orders/{id}', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/orders/{id}',
        'http.response.status_code': 500,
        'user.id': 'u-42',
        ratio: 0.25,
        retried: true,
        tags: ['a', 'b'],
        'big.count': 9_007_199_254_740_991,
      },
    });
    const rootContext = trace.setSpan(context.active(), root);
    const child = tracer.startSpan(
      'SELECT orders',
      { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql' } },
      rootContext,
    );
    child.addEvent('retry', { attempt: 2 });
    child.end();
    const linked = tracer.startSpan(
      'publish order',
      {
        kind: SpanKind.PRODUCER,
        links: [{ context: child.spanContext(), attributes: { why: 'x' } }],
      },
      rootContext,
    );
    linked.end();
    root.recordException(new TypeError('order id must be numeric'));
    root.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    root.end();
    await provider.forceFlush();
    await provider.shutdown();

    const traceId = root.spanContext().traceId;
    const got = await pharos.getJson<ApiTrace>(`/api/v1/traces/${traceId}`);
    expect(got.spanCount).toBe(3);
    expect(got.errorCount).toBe(1);
    expect(got.services).toEqual([serviceName]);
    expect(got.rootSpan).toEqual({ serviceName, name: 'GET /orders/{id}' });

    const byId = new Map(got.spans.map((s) => [s.spanId, s]));
    const gotRoot = byId.get(root.spanContext().spanId)!;
    expect(gotRoot.kind).toBe('server');
    expect(gotRoot.parentSpanId).toBe('');
    expect(gotRoot.status).toEqual({ code: 'error', message: 'boom' });
    expect(gotRoot.http).toEqual({ method: 'GET', route: '/orders/{id}', statusCode: 500 });
    expect(gotRoot.attributes).toEqual({
      'http.request.method': 'GET',
      'http.route': '/orders/{id}',
      'http.response.status_code': 500,
      'user.id': 'u-42',
      ratio: 0.25,
      retried: true,
      tags: ['a', 'b'],
      'big.count': 9_007_199_254_740_991,
    });
    expect(gotRoot.resource).toMatchObject({
      'service.name': serviceName,
      'deployment.environment.name': 'test',
    });
    expect(gotRoot.scope).toEqual({ name: 'roundtrip-test', version: '1.0.0' });
    expect(gotRoot.events).toHaveLength(1);
    expect(gotRoot.events[0]).toMatchObject({
      name: 'exception',
      attributes: {
        'exception.type': 'TypeError',
        'exception.message': 'order id must be numeric',
      },
    });

    const gotChild = byId.get(child.spanContext().spanId)!;
    expect(gotChild.parentSpanId).toBe(root.spanContext().spanId);
    expect(gotChild.kind).toBe('client');
    expect(gotChild.events).toEqual([
      expect.objectContaining({ name: 'retry', attributes: { attempt: 2 } }),
    ]);
    const gotLinked = byId.get(linked.spanContext().spanId)!;
    expect(gotLinked.kind).toBe('producer');
    expect(gotLinked.links).toEqual([
      expect.objectContaining({
        traceId,
        spanId: child.spanContext().spanId,
        attributes: { why: 'x' },
      }),
    ]);
  });

  it('finds a log record by a unique token, correlated with its span', async () => {
    const url = endpoint('logs', port);
    const exporter =
      encoding === 'protobuf'
        ? new OTLPLogExporterProto({ url })
        : new OTLPLogExporterJson({ url });
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    const token = `tok-${randomUUID()}`;
    const spanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    };
    provider.getLogger('roundtrip-test').emit({
      severityNumber: SeverityNumber.WARN,
      severityText: 'WARN',
      body: `payment slow ${token}`,
      attributes: { 'order.id': 7, 'user.tier': 'gold' },
      context: trace.setSpanContext(context.active(), spanContext),
    });
    await provider.forceFlush();
    await provider.shutdown();

    const { logs } = await pharos.getJson<{ logs: ApiLogRecord[] }>(
      `/api/v1/logs?q=${encodeURIComponent(token.toUpperCase())}&from=now-1h`,
    );
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      body: `payment slow ${token}`,
      severityNumber: 13,
      severityText: 'WARN',
      serviceName,
      traceId: spanContext.traceId,
      spanId: spanContext.spanId,
      attributes: { 'order.id': 7, 'user.tier': 'gold' },
    });
  });

  it('stores metric points of counters, histograms and gauges', async () => {
    const url = endpoint('metrics', port);
    const exporter =
      encoding === 'protobuf'
        ? new OTLPMetricExporterProto({ url })
        : new OTLPMetricExporterJson({ url });
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      readers: [reader],
    });
    const meter = provider.getMeter('roundtrip-test');
    const counter = meter.createCounter(`orders_${encoding}`, { unit: '{order}' });
    counter.add(3, { region: 'eu' });
    counter.add(4, { region: 'us' });
    const histogram = meter.createHistogram(`latency_${encoding}`, { unit: 's' });
    for (const v of [0.003, 0.02, 0.4, 2]) histogram.record(v);
    const gauge = meter.createGauge(`temperature_${encoding}`);
    gauge.record(21.5);
    await reader.forceFlush();
    // Shut down only after reading: shutdown exports the cumulative points once more.
    onTestFinished(() => provider.shutdown());

    const { metrics } = await pharos.getJson<{ metrics: MetricSummary[] }>(
      '/api/v1/metrics?from=now-1h',
    );
    const mine = metrics.filter((m) => m.name.endsWith(encoding));
    expect(mine.map((m) => [m.name, m.type, m.unit, m.seriesCount])).toEqual([
      [`latency_${encoding}`, 'histogram', 's', 1],
      [`orders_${encoding}`, 'sum', '{order}', 2],
      [`temperature_${encoding}`, 'gauge', '', 1],
    ]);

    const orders = await pharos.getJson<ApiMetric>(
      `/api/v1/metrics/orders_${encoding}?from=now-1h`,
    );
    expect(orders.isMonotonic).toBe(true);
    expect(orders.temporality).toBe('cumulative');
    const byRegion = Object.fromEntries(
      orders.series.map((s) => [s.attributes.region, s.points.map((p) => p.value)]),
    );
    expect(byRegion).toEqual({ eu: [3], us: [4] });

    const latency = await pharos.getJson<ApiMetric>(
      `/api/v1/metrics/latency_${encoding}?from=now-1h`,
    );
    const point = latency.series[0]!.points[0]!;
    expect(point.count).toBe(4);
    expect(point.sum).toBeCloseTo(2.423, 9);
    expect(point.min).toBe(0.003);
    expect(point.max).toBe(2);
    expect(point.bucketCounts!.reduce((a, b) => a + b, 0)).toBe(4);
    expect(point.bucketCounts).toHaveLength(point.explicitBounds!.length + 1);
  });
});
