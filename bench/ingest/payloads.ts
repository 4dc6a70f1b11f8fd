/** Realistic OTLP protobuf export requests for the ingest benchmark (seeded, reproducible). */
import {
  encodeExportLogsRequest,
  encodeExportMetricsRequest,
  encodeExportTraceRequest,
} from '../../packages/server/src/otlp/encode.js';
import type { LogRecord, Metric, Span } from '../../packages/server/src/otlp/encode-model.js';

export const ITEMS_PER_REQUEST = 512;

/**
 * A seeded 32-bit generator (mulberry32) computed exactly with `Math.imul`. The earlier LCG
 * multiplied past 2^53 in doubles, lost bits and cycled after ~10k draws, so "unique" requests
 * repeated the same ids and values and flattered compression.
 */
let seed = 12345;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
function hex(bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i++)
    out += Math.floor(random() * 256)
      .toString(16)
      .padStart(2, '0');
  return out;
}
const SERVICES = [
  'frontend',
  'gateway',
  'cart',
  'checkout',
  'payment',
  'inventory',
  'catalog',
  'email',
];
const ROUTES = ['/api/cart', '/api/checkout', '/api/products/{id}', '/api/users/{id}', '/health'];

export function spanRequest(): Uint8Array {
  const now = BigInt(Date.now()) * 1_000_000n;
  const service = SERVICES[Math.floor(random() * SERVICES.length)]!;
  const spans: Span[] = [];
  let traceId = hex(16);
  for (let i = 0; i < ITEMS_PER_REQUEST; i++) {
    if (i % 8 === 0) traceId = hex(16);
    const start = now - BigInt(Math.floor(random() * 1e9));
    const duration = BigInt(Math.floor(Math.exp(random() * 10) * 10_000));
    const route = ROUTES[Math.floor(random() * ROUTES.length)]!;
    const error = random() < 0.03;
    spans.push({
      traceId,
      spanId: hex(8),
      parentSpanId: i % 8 === 0 ? '' : hex(8),
      name: `GET ${route}`,
      kind: i % 8 === 0 ? 'server' : 'client',
      startTimeUnixNano: start,
      endTimeUnixNano: start + duration,
      attributes: {
        'http.request.method': 'GET',
        'http.route': route,
        'http.response.status_code': BigInt(error ? 500 : 200),
        'url.path': route.replace('{id}', String(Math.floor(random() * 10_000))),
        'server.address': `${service}.shop.svc`,
        'server.port': 8080n,
        'network.protocol.version': '1.1',
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0',
        'user.id': `user-${Math.floor(random() * 50_000)}`,
        'session.id': hex(8),
        'app.cart.items': BigInt(Math.floor(random() * 10)),
        'app.feature_flag': random() < 0.5,
      },
      events:
        i % 3 === 0
          ? [{ timeUnixNano: start + 1000n, name: 'cache.miss', attributes: { key: `k-${i}` } }]
          : [
              { timeUnixNano: start + 1000n, name: 'acquire', attributes: { pool: 'db' } },
              { timeUnixNano: start + 2000n, name: 'release', attributes: { pool: 'db' } },
            ],
      status: error ? { code: 'error', message: 'upstream failed' } : { code: 'unset' },
    });
  }
  return encodeExportTraceRequest({
    resourceSpans: [
      {
        resource: {
          attributes: {
            'service.name': service,
            'service.version': '1.4.2',
            'deployment.environment.name': 'production',
            'host.name': `node-${Math.floor(random() * 20)}`,
            'k8s.pod.name': `${service}-${hex(4)}`,
          },
        },
        scopeSpans: [
          { scope: { name: '@opentelemetry/instrumentation-http', version: '0.57.0' }, spans },
        ],
      },
    ],
  });
}

const WORDS =
  'request served user cart checkout payment declined retry timeout cache miss hit order shipped queue lag slow query database connection pool exhausted'.split(
    ' ',
  );

export function logRequest(): Uint8Array {
  const now = BigInt(Date.now()) * 1_000_000n;
  const service = SERVICES[Math.floor(random() * SERVICES.length)]!;
  const logRecords: LogRecord[] = [];
  for (let i = 0; i < ITEMS_PER_REQUEST; i++) {
    const length = 100 + Math.floor(random() * 200);
    let body = '';
    while (body.length < length) body += `${WORDS[Math.floor(random() * WORDS.length)]} `;
    const severity = random() < 0.05 ? 17 : random() < 0.1 ? 13 : 9;
    logRecords.push({
      timeUnixNano: now - BigInt(Math.floor(random() * 1e9)),
      severityNumber: severity,
      severityText: severity === 17 ? 'ERROR' : severity === 13 ? 'WARN' : 'INFO',
      body: body.slice(0, length),
      traceId: hex(16),
      spanId: hex(8),
      attributes: {
        'code.function': 'handleRequest',
        'code.filepath': 'src/handlers/cart.ts',
        'thread.id': BigInt(Math.floor(random() * 16)),
        'user.id': `user-${Math.floor(random() * 50_000)}`,
        'http.route': ROUTES[Math.floor(random() * ROUTES.length)]!,
        'order.id': BigInt(Math.floor(random() * 1e6)),
        region: 'eu-west-1',
        'log.iostream': 'stdout',
      },
    });
  }
  return encodeExportLogsRequest({
    resourceLogs: [
      {
        resource: {
          attributes: { 'service.name': service, 'host.name': `node-${Math.floor(random() * 20)}` },
        },
        scopeLogs: [{ scope: { name: 'pino' }, logRecords }],
      },
    ],
  });
}

const METRIC_SERIES = 5000;
let metricCursor = 0;

/**
 * 512 points spread over 5,000 series (service × route × status × instance): counters, gauges
 * and 16-bucket histograms, cumulative, one point per series per request.
 */
export function metricRequest(): Uint8Array {
  const now = BigInt(Date.now()) * 1_000_000n;
  const start = now - 3_600_000_000_000n;
  const metrics: Metric[] = [];
  for (let i = 0; i < ITEMS_PER_REQUEST; i++) {
    const series = metricCursor++ % METRIC_SERIES;
    const attributes = {
      'http.route': ROUTES[series % ROUTES.length]!,
      'http.response.status_code': BigInt([200, 201, 404, 500][series % 4]!),
      instance: `pod-${Math.floor(series / 20) % 250}`,
    };
    const kind = series % 3;
    if (kind === 0) {
      metrics.push({
        name: 'http.server.request.count',
        unit: '{request}',
        data: {
          type: 'sum',
          temporality: 'cumulative',
          isMonotonic: true,
          points: [
            {
              startTimeUnixNano: start,
              timeUnixNano: now,
              value: BigInt(Math.floor(random() * 1e6)),
              attributes,
            },
          ],
        },
      });
    } else if (kind === 1) {
      metrics.push({
        name: 'process.memory.usage',
        unit: 'By',
        data: { type: 'gauge', points: [{ timeUnixNano: now, value: random() * 1e9, attributes }] },
      });
    } else {
      const bucketCounts = Array.from({ length: 16 }, () => Math.floor(random() * 100));
      metrics.push({
        name: 'http.server.request.duration',
        unit: 's',
        data: {
          type: 'histogram',
          temporality: 'cumulative',
          points: [
            {
              startTimeUnixNano: start,
              timeUnixNano: now,
              count: bucketCounts.reduce((a, b) => a + b, 0),
              sum: random() * 100,
              bucketCounts,
              explicitBounds: [
                0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 15,
              ],
              attributes,
            },
          ],
        },
      });
    }
  }
  return encodeExportMetricsRequest({
    resourceMetrics: [
      {
        resource: { attributes: { 'service.name': SERVICES[metricCursor % SERVICES.length]! } },
        scopeMetrics: [{ scope: { name: 'bench' }, metrics }],
      },
    ],
  });
}
