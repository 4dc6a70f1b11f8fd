import { SpanKind } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as OTLPLogExporterJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter as OTLPMetricExporterProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPTraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from './helpers/auth-client.js';
import { startTestPharos, type TestPharos } from './helpers/pharos.js';
import { remoteWrite } from './helpers/remote-write.js';

/**
 * Two organisations ingest different data through the real OpenTelemetry exporters with their
 * own API keys; no read endpoint answered to one ever contains the other's data.
 */
let pharos: TestPharos;

interface Org {
  slug: string;
  key: string;
  service: string;
  traceId: string;
  logBody: string;
  metric: string;
  /** A series written over Prometheus remote write. */
  remoteMetric: string;
}
const orgs: Record<'alpha' | 'beta', Org> = {
  alpha: {
    slug: 'alpha',
    key: '',
    service: 'alpha-checkout',
    traceId: '',
    logBody: 'alpha secret order 4711',
    metric: 'alpha_orders_total',
    remoteMetric: 'alpha_queue_depth',
  },
  beta: {
    slug: 'beta',
    key: '',
    service: 'beta-payments',
    traceId: '',
    logBody: 'beta secret card 0042',
    metric: 'beta_payments_total',
    remoteMetric: 'beta_queue_depth',
  },
};

async function sendTelemetry(
  org: Org,
  traceExporter: SpanExporter,
  headers: Record<string, string>,
) {
  const resource = resourceFromAttributes({ 'service.name': org.service });
  const tracer = new BasicTracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor(traceExporter)],
  });
  const span = tracer
    .getTracer('isolation')
    .startSpan(`GET /${org.slug}`, { kind: SpanKind.SERVER });
  org.traceId = span.spanContext().traceId;
  span.end();
  await tracer.forceFlush();
  await tracer.shutdown();

  const logs = new LoggerProvider({
    resource,
    processors: [
      new SimpleLogRecordProcessor({
        exporter: new OTLPLogExporterJson({ url: `${pharos.httpUrl}/v1/logs`, headers }),
      }),
    ],
  });
  logs.getLogger('isolation').emit({ body: org.logBody, severityNumber: SeverityNumber.WARN });
  await logs.forceFlush();
  await logs.shutdown();

  const reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporterProto({ url: `${pharos.otlpHttpUrl!}/v1/metrics`, headers }),
    exportIntervalMillis: 60_000,
  });
  const meters = new MeterProvider({ resource, readers: [reader] });
  meters.getMeter('isolation').createCounter(org.metric).add(3);
  await meters.forceFlush();
  await meters.shutdown();

  const now = Date.now();
  await remoteWrite(
    `${pharos.httpUrl}/prometheus/api/v1/write`,
    [
      {
        labels: { __name__: org.remoteMetric, job: org.service, instance: 'q1' },
        timestamps: [now - 30_000, now - 15_000],
        values: [4, 2],
      },
    ],
    { authorization: `Bearer ${org.key}` },
  );
}

beforeAll(async () => {
  pharos = await startTestPharos({ env: { PHAROS_AUTH: 'on', PHAROS_ALLOW_SIGNUP: 'true' } });
  const alpha = new BrowserSession(pharos.httpUrl);
  const setup = await alpha.request('POST', '/api/v1/auth/setup', {
    body: {
      email: 'owner@alpha.example',
      password: 'alpha owner password',
      org: 'alpha',
      orgName: 'Alpha',
    },
  });
  expect(setup.status).toBe(201);
  const beta = new BrowserSession(pharos.httpUrl);
  const signup = await beta.request('POST', '/api/v1/auth/signup', {
    body: {
      email: 'owner@beta.example',
      password: 'beta owner password',
      org: 'beta',
      orgName: 'Beta',
    },
  });
  expect(signup.status).toBe(201);
  for (const [session, org] of [
    [alpha, orgs.alpha],
    [beta, orgs.beta],
  ] as const) {
    const created = await session.request('POST', '/api/v1/org/api-keys', {
      body: { name: 'otel', scopes: ['ingest', 'read'] },
    });
    expect(created.status).toBe(201);
    org.key = (created.json as { key: string }).key;
  }

  // alpha: headers passed to the exporters (x-pharos-api-key, protobuf to the OTLP port).
  const alphaHeaders = { 'x-pharos-api-key': orgs.alpha.key };
  await sendTelemetry(
    orgs.alpha,
    new OTLPTraceExporterProto({ url: `${pharos.otlpHttpUrl!}/v1/traces`, headers: alphaHeaders }),
    alphaHeaders,
  );
  // beta: OTEL_EXPORTER_OTLP_HEADERS in the process environment, as a deployment would set it
  // (the value is URL-encoded: %20 is the space of "Bearer <key>").
  const saved = process.env.OTEL_EXPORTER_OTLP_HEADERS;
  process.env.OTEL_EXPORTER_OTLP_HEADERS = `authorization=Bearer%20${orgs.beta.key}`;
  try {
    await sendTelemetry(
      orgs.beta,
      new OTLPTraceExporterJson({ url: `${pharos.httpUrl}/v1/traces` }),
      { authorization: `Bearer ${orgs.beta.key}` },
    );
  } finally {
    if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
    else process.env.OTEL_EXPORTER_OTLP_HEADERS = saved;
  }
});
afterAll(async () => {
  await pharos.destroy();
});

/** A JSON body, or a string sent form-encoded (as Grafana posts Prometheus queries). */
async function read(org: Org, method: string, path: string, body?: unknown) {
  const form = typeof body === 'string';
  const contentType = form ? 'application/x-www-form-urlencoded' : 'application/json';
  const response = await fetch(`${pharos.httpUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${org.key}`,
      ...(body === undefined ? {} : { 'content-type': contentType }),
    },
    body: body === undefined ? undefined : form ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

const range = 'from=now-1h&to=now%2B5m';
/** Every series: `{__name__=~".+"}`, URL-encoded. */
const all = encodeURIComponent('{__name__=~".+"}');
const promRange = `start=${Math.floor(Date.now() / 1000) - 3600}&end=${Math.floor(Date.now() / 1000) + 300}`;

describe.each([
  ['alpha', orgs.alpha, orgs.beta],
  ['beta', orgs.beta, orgs.alpha],
] as const)('organisation %s', (_name, self, other) => {
  it('sees its own spans, logs and metrics', async () => {
    expect((await read(self, 'GET', `/api/v1/services?${range}`)).text).toContain(self.service);
    expect((await read(self, 'GET', `/api/v1/traces/${self.traceId}`)).status).toBe(200);
    expect((await read(self, 'GET', `/api/v1/logs?${range}`)).text).toContain(self.logBody);
    expect((await read(self, 'GET', `/api/v1/metrics?${range}`)).text).toContain(self.metric);
    const promql = await read(self, 'GET', `/prometheus/api/v1/query?query=${self.metric}`);
    expect(promql.text).toContain(self.service);
    const remote = await read(self, 'GET', `/prometheus/api/v1/query?query=${self.remoteMetric}`);
    expect(remote.text).toContain('"2"');
    const sql = await read(self, 'POST', '/api/v1/sql', {
      query: 'SELECT service_name FROM spans',
    });
    expect(sql.text).toContain(self.service);
  });

  it("never gets the other organisation's data from any read endpoint", async () => {
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `/api/v1/services?${range}`],
      ['GET', `/api/v1/services/${other.service}/operations?${range}`],
      ['GET', `/api/v1/services/${other.service}/series?${range}`],
      ['GET', `/api/v1/service-map?${range}`],
      ['GET', `/api/v1/traces?${range}`],
      ['GET', `/api/v1/traces/${other.traceId}`],
      ['GET', `/api/v1/traces/compare?a=${other.traceId}&b=${self.traceId}`],
      ['GET', `/api/v1/logs?${range}`],
      ['GET', `/api/v1/logs?q=secret&${range}`],
      ['GET', `/api/v1/logs/histogram?${range}`],
      ['GET', `/api/v1/logs/fields?${range}`],
      ['GET', `/api/v1/logs/fields/service.name/values?${range}`],
      ['GET', `/api/v1/metrics?${range}`],
      ['GET', `/api/v1/metrics/${other.metric}?${range}`],
      ['POST', '/api/v1/sql', { query: 'SELECT * FROM spans' }],
      ['POST', '/api/v1/sql', { query: 'SELECT * FROM logs' }],
      ['POST', '/api/v1/sql', { query: 'SELECT * FROM metric_points' }],
      ['GET', '/api/v1/org/members'],
      ['GET', `/prometheus/api/v1/query?query=${all}`],
      ['GET', `/prometheus/api/v1/query?query=${other.metric}`],
      ['POST', '/prometheus/api/v1/query_range', `query=${all}&${promRange}&step=15`],
      ['GET', `/prometheus/api/v1/series?match[]=${all}&${promRange}`],
      ['POST', '/prometheus/api/v1/series', `match[]=${all}`],
      ['GET', '/prometheus/api/v1/labels'],
      ['GET', '/prometheus/api/v1/label/__name__/values'],
      ['GET', '/prometheus/api/v1/label/job/values'],
      ['GET', '/prometheus/api/v1/metadata'],
      ['GET', `/prometheus/api/v1/query_exemplars?query=${all}&${promRange}`],
    ];
    for (const [method, path, body] of calls) {
      const { status, text: raw } = await read(self, method, path, body);
      expect(status, `${method} ${path}`).toBeLessThan(500);
      if (path === '/api/v1/sql' || path.startsWith('/prometheus/')) {
        expect(status, `${method} ${path} ${JSON.stringify(body)}: ${raw}`).toBe(200);
      }
      // Asking for every series does answer: with this organisation's own data.
      if (path.includes('/query?') && path.includes(all)) expect(raw).toContain(self.remoteMetric);
      // Error messages and the `service` field echo what was asked; that is not a leak.
      if (status >= 400) continue;
      const text = raw.replaceAll(`"service":"${other.service}"`, '');
      for (const secret of [
        other.service,
        other.traceId,
        other.logBody,
        other.metric,
        other.remoteMetric,
        other.slug,
      ]) {
        expect(text, `${method} ${path} leaks ${secret}`).not.toContain(secret);
      }
    }
    // A guessed trace id of the other organisation is simply not found.
    expect((await read(self, 'GET', `/api/v1/traces/${other.traceId}`)).status).toBe(404);
  });

  it('cannot act in the other organisation by naming it', async () => {
    const { status } = await read(self, 'GET', `/api/v1/services?${range}`);
    expect(status).toBe(200);
    const response = await fetch(`${pharos.httpUrl}/api/v1/services?${range}`, {
      headers: { authorization: `Bearer ${self.key}`, 'x-pharos-org': other.slug },
    });
    // An API key is bound to its organisation; the header does not change that.
    expect(await response.text()).not.toContain(other.service);
  });
});
