import { randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { encodeExportTraceRequest } from '../src/otlp/encode.js';
import type { ApiLogRecord } from '../src/query/logs.js';
import type { ApiMetric } from '../src/query/metrics.js';
import type { ApiTrace } from '../src/query/traces.js';
import { grpcTraceExport } from './helpers/otlp-requests.js';
import { startTestPharos, type TestPharos } from './helpers/pharos.js';

let pharos: TestPharos;
let url: string;

beforeAll(async () => {
  pharos = await startTestPharos();
  url = `http://127.0.0.1:${pharos.otlpGrpcPort}`;
});
afterAll(async () => {
  await pharos.destroy();
});

describe.each([
  ['uncompressed', CompressionAlgorithm.NONE],
  ['gzip', CompressionAlgorithm.GZIP],
])('OTLP/gRPC from the OpenTelemetry JS SDK (%s)', (label, compression) => {
  const serviceName = `grpc-${label}`;

  it('stores a trace', async () => {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url, compression }))],
    });
    const tracer = provider.getTracer('grpc-test');
    const root = tracer.startSpan('GET /grpc', {
      kind: SpanKind.SERVER,
      attributes: { 'http.route': '/grpc' },
    });
    const child = tracer.startSpan('child', {}, trace.setSpan(context.active(), root));
    child.end();
    root.end();
    await provider.forceFlush();
    await provider.shutdown();

    const got = await pharos.getJson<ApiTrace>(`/api/v1/traces/${root.spanContext().traceId}`);
    expect(got.spanCount).toBe(2);
    expect(got.rootSpan).toEqual({ serviceName, name: 'GET /grpc' });
    expect(got.spans.find((s) => s.name === 'child')!.parentSpanId).toBe(root.spanContext().spanId);
  });

  it('stores a log record', async () => {
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      processors: [
        new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url, compression }) }),
      ],
    });
    const token = `grpc-${randomUUID()}`;
    provider.getLogger('grpc-test').emit({ body: `hello ${token}`, attributes: { n: 1 } });
    await provider.forceFlush();
    await provider.shutdown();
    const { logs } = await pharos.getJson<{ logs: ApiLogRecord[] }>(
      `/api/v1/logs?q=${token}&from=now-1h`,
    );
    expect(logs.map((l) => [l.body, l.serviceName, l.attributes])).toEqual([
      [`hello ${token}`, serviceName, { n: 1 }],
    ]);
  });

  it('stores metric points', async () => {
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url, compression }),
      exportIntervalMillis: 3_600_000,
    });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      readers: [reader],
    });
    provider.getMeter('grpc-test').createCounter(`grpc_calls_${label}`).add(5, { k: 'v' });
    await reader.forceFlush();
    onTestFinished(() => provider.shutdown());
    const metric = await pharos.getJson<ApiMetric>(
      `/api/v1/metrics/grpc_calls_${label}?from=now-1h`,
    );
    expect(metric.series.map((s) => [s.attributes, s.points.map((p) => p.value)])).toEqual([
      [{ k: 'v' }, [5]],
    ]);
    // The same commit wrote the Prometheus model (docs/adr/0004-metrics-model.md).
    const name = `grpc_calls_${label}_total`.replace(/[^a-zA-Z0-9_:]+/g, '_');
    const series = await pharos.getJson<{ data: Record<string, string>[] }>(
      `/prometheus/api/v1/series?${new URLSearchParams([['match[]', name]]).toString()}`,
    );
    expect(series.data).toEqual([
      { __name__: name, job: serviceName, k: 'v', otel_scope_name: 'grpc-test' },
    ]);
  });
});

describe('OTLP/gRPC errors and partial success', () => {
  const exportRaw = (body: Uint8Array) => grpcTraceExport(pharos.otlpGrpcPort!, body);

  it('answers INVALID_ARGUMENT with a message for a malformed message', async () => {
    const { error } = await exportRaw(Buffer.from([0x0a, 0xff, 0xff, 0x01, 0x00]));
    expect(error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(error?.details).toMatch(/invalid protobuf/i);
  });

  it('reports rejected spans as partial success', async () => {
    const now = BigInt(Date.now()) * 1_000_000n;
    const body = encodeExportTraceRequest({
      resourceSpans: [
        {
          resource: { attributes: { 'service.name': 'grpc-partial' } },
          scopeSpans: [
            {
              scope: { name: 't' },
              spans: [
                {
                  traceId: 'ab'.repeat(16),
                  spanId: 'cd'.repeat(8),
                  name: 'ok',
                  kind: 'server',
                  startTimeUnixNano: now,
                  endTimeUnixNano: now + 1n,
                },
                {
                  traceId: 'ab'.repeat(3),
                  spanId: 'ef'.repeat(8),
                  name: 'bad',
                  kind: 'server',
                  startTimeUnixNano: now,
                  endTimeUnixNano: now + 1n,
                },
              ],
            },
          ],
        },
      ],
    });
    const { error, response } = await exportRaw(body);
    expect(error).toBeNull();
    // partial_success (1) { rejected_spans (1) = 1, error_message (2) }
    expect(response!.subarray(2, 4)).toEqual(Buffer.from([0x08, 0x01]));
    expect(response!.toString('utf8')).toMatch(/trace_id/);
  });
});
