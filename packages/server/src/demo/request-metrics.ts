/**
 * One pod's request metrics, aggregated from the spans it exported, as its instrumentation
 * libraries would record them: which span feeds which metric is the table `RULES`.
 */
import type { AnyValue, Attributes, Metric, MetricData, Span } from '../otlp/encode.js';
import {
  attributesKey,
  DURATION_BOUNDS_SECONDS,
  ExponentialHistogramSeries,
  HistogramSeries,
  SumSeries,
  type ExemplarSource,
} from './metric-series.js';
import type { ScopeKind } from './topology.js';
import type { EmittedSpan } from './trace-recorder.js';

type Instrument = 'histogram' | 'exponential_histogram' | 'counter';

interface MetricDef {
  name: string;
  unit: string;
  instrument: Instrument;
  scope: ScopeKind;
  description: string;
}

interface Rule {
  metric: MetricDef;
  applies: (span: Span, attributes: Attributes) => boolean;
  /** Span attributes copied to the point (those present). */
  keys: readonly string[];
  /** Record the span's duration (histograms) or count one (counters). */
  value: 'duration' | 'one' | ((attributes: Attributes) => number);
  /** Add `error.type` when the span has it, as the conventions ask for duration metrics. */
  errorType?: boolean;
  exemplar?: boolean;
}

const isServer = (span: Span) => span.kind === 'server';
const isServed = (span: Span) => span.kind === 'server' || span.kind === 'consumer';
const dbSystem = (system: string) => (span: Span, a: Attributes) =>
  span.kind === 'client' && a['db.system.name'] === system;

const DB_DURATION = {
  name: 'db.client.operation.duration',
  unit: 's',
  instrument: 'histogram',
  description: 'Duration of database client operations.',
} as const;

const HTTP_SERVER_DURATION: MetricDef = {
  name: 'http.server.request.duration',
  unit: 's',
  instrument: 'histogram',
  scope: 'http-server',
  description: 'Duration of HTTP server requests.',
};

const RULES: readonly Rule[] = [
  {
    metric: HTTP_SERVER_DURATION,
    applies: (span, a) => isServer(span) && a['http.request.method'] !== undefined,
    keys: [
      'http.request.method',
      'http.route',
      'http.response.status_code',
      'url.scheme',
      'network.protocol.version',
    ],
    value: 'duration',
    errorType: true,
    exemplar: true,
  },
  {
    metric: {
      name: 'rpc.server.call.duration',
      unit: 's',
      instrument: 'histogram',
      scope: 'grpc',
      description: 'Measures the duration of inbound RPC.',
    },
    applies: (span, a) => isServer(span) && a['rpc.system'] !== undefined,
    keys: ['rpc.system', 'rpc.service', 'rpc.method', 'rpc.grpc.status_code'],
    value: 'duration',
    exemplar: true,
  },
  {
    metric: {
      name: 'http.client.request.duration',
      unit: 's',
      instrument: 'histogram',
      scope: 'http-client',
      description: 'Duration of HTTP client requests.',
    },
    applies: (span, a) => span.kind === 'client' && a['http.request.method'] !== undefined,
    keys: ['http.request.method', 'server.address', 'server.port', 'http.response.status_code'],
    value: 'duration',
    errorType: true,
  },
  {
    metric: { ...DB_DURATION, scope: 'postgres' },
    applies: dbSystem('postgresql'),
    keys: [
      'db.system.name',
      'db.operation.name',
      'db.collection.name',
      'db.namespace',
      'server.address',
    ],
    value: 'duration',
    errorType: true,
  },
  {
    metric: { ...DB_DURATION, scope: 'redis' },
    applies: dbSystem('redis'),
    keys: ['db.system.name', 'db.operation.name', 'server.address'],
    value: 'duration',
    errorType: true,
  },
  {
    metric: {
      name: 'messaging.client.sent.messages',
      unit: '{message}',
      instrument: 'counter',
      scope: 'kafka',
      description: 'Number of messages producer attempted to send to the broker.',
    },
    applies: (span) => span.kind === 'producer',
    keys: ['messaging.system', 'messaging.destination.name', 'messaging.operation.name'],
    value: 'one',
  },
  {
    metric: {
      name: 'messaging.process.duration',
      unit: 's',
      instrument: 'histogram',
      scope: 'kafka',
      description: 'Duration of processing operation.',
    },
    applies: (span) => span.kind === 'consumer',
    keys: [
      'messaging.system',
      'messaging.destination.name',
      'messaging.consumer.group.name',
      'messaging.operation.name',
    ],
    value: 'duration',
    errorType: true,
    exemplar: true,
  },
  {
    metric: {
      name: 'messaging.client.consumed.messages',
      unit: '{message}',
      instrument: 'counter',
      scope: 'kafka',
      description: 'Number of messages that were delivered to the application.',
    },
    applies: (span) => span.kind === 'consumer',
    keys: ['messaging.system', 'messaging.destination.name', 'messaging.consumer.group.name'],
    value: 'one',
  },
  {
    metric: {
      name: 'shop.orders.placed',
      unit: '{order}',
      instrument: 'counter',
      scope: 'app',
      description: 'Orders placed successfully.',
    },
    applies: (span, a) => isServer(span) && a['app.order.placed'] === true,
    keys: ['app.order.currency'],
    value: 'one',
  },
  {
    metric: {
      name: 'shop.order.amount',
      unit: '{USD}',
      instrument: 'exponential_histogram',
      scope: 'app',
      description: 'Value of placed orders.',
    },
    applies: (span, a) => isServer(span) && a['app.order.placed'] === true,
    keys: ['app.order.currency'],
    value: (a) => (typeof a['app.order.amount'] === 'number' ? a['app.order.amount'] : 0),
  },
  {
    metric: {
      name: 'shop.payment.charges',
      unit: '{charge}',
      instrument: 'counter',
      scope: 'app',
      description: 'Card charges by outcome.',
    },
    applies: (span, a) => isServer(span) && a['app.payment.outcome'] !== undefined,
    keys: ['app.payment.outcome', 'app.payment.card_brand'],
    value: 'one',
  },
];

/** Every request a service handled, whatever the protocol: the shop's own request counter. */
const REQUESTS: MetricDef = {
  name: 'shop.requests',
  unit: '{request}',
  instrument: 'counter',
  scope: 'app',
  description: 'Requests handled, by operation and outcome.',
};

type Series = HistogramSeries | ExponentialHistogramSeries | SumSeries;

export class RequestMetrics {
  private readonly series = new Map<MetricDef, Map<string, Series>>();
  /** Requests (server and consumer spans) since the last `takeRequestCount()`. */
  private requestCount = 0;

  observe(emitted: EmittedSpan): void {
    const span = emitted.span;
    const a = span.attributes ?? {};
    const seconds = (emitted.endUnixMs - emitted.startUnixMs) / 1000;
    if (isServed(span)) {
      this.requestCount++;
      this.record(REQUESTS, 1, {
        'app.operation': span.name,
        'app.outcome': span.status?.code === 'error' ? 'error' : 'success',
      });
    }
    for (const rule of RULES) {
      if (!rule.applies(span, a)) continue;
      const attributes = pick(a, rule.keys);
      if (rule.errorType === true && a['error.type'] !== undefined) {
        attributes['error.type'] = a['error.type'];
      }
      const value = rule.value === 'duration' ? seconds : rule.value === 'one' ? 1 : rule.value(a);
      const exemplar: ExemplarSource | undefined =
        rule.exemplar === true
          ? { timeUnixNano: span.endTimeUnixNano, traceId: span.traceId, spanId: span.spanId }
          : undefined;
      this.record(rule.metric, value, attributes, exemplar);
    }
  }

  /**
   * A Kubernetes liveness or readiness probe on the pod's HTTP health port. Every service has
   * one, gRPC and consumers included; probes are measured but, as usual, not traced.
   */
  observeProbe(route: string, seconds: number): void {
    this.record(HTTP_SERVER_DURATION, seconds, {
      'http.request.method': 'GET',
      'http.route': route,
      'http.response.status_code': 200n,
      'url.scheme': 'http',
      'network.protocol.version': '1.1',
    });
  }

  takeRequestCount(): number {
    const count = this.requestCount;
    this.requestCount = 0;
    return count;
  }

  /** Cumulative points of every series so far. */
  metrics(startUnixNano: bigint, timeUnixNano: bigint): { scope: ScopeKind; metric: Metric }[] {
    return [...this.series].map(([metric, byKey]) => ({
      scope: metric.scope,
      metric: {
        name: metric.name,
        description: metric.description,
        unit: metric.unit,
        data: toData(metric.instrument, [...byKey.values()], startUnixNano, timeUnixNano),
      },
    }));
  }

  private record(
    metric: MetricDef,
    value: number,
    attributes: Attributes,
    exemplar?: ExemplarSource,
  ): void {
    let byKey = this.series.get(metric);
    if (byKey === undefined) this.series.set(metric, (byKey = new Map<string, Series>()));
    const key = attributesKey(attributes);
    let series = byKey.get(key);
    if (series === undefined) {
      series =
        metric.instrument === 'histogram'
          ? new HistogramSeries(attributes, DURATION_BOUNDS_SECONDS)
          : metric.instrument === 'exponential_histogram'
            ? new ExponentialHistogramSeries(attributes)
            : new SumSeries(attributes);
      byKey.set(key, series);
    }
    if (series instanceof HistogramSeries) series.record(value, exemplar);
    else if (series instanceof ExponentialHistogramSeries) series.record(value);
    else series.add(value);
  }
}

function toData(instrument: Instrument, series: Series[], start: bigint, time: bigint): MetricData {
  switch (instrument) {
    case 'histogram':
      return {
        type: 'histogram',
        temporality: 'cumulative',
        points: series
          .filter((s) => s instanceof HistogramSeries)
          .map((s) => s.toPoint(start, time)),
      };
    case 'exponential_histogram':
      return {
        type: 'exponential_histogram',
        temporality: 'cumulative',
        points: series
          .filter((s) => s instanceof ExponentialHistogramSeries)
          .map((s) => s.toPoint(start, time)),
      };
    case 'counter':
      return {
        type: 'sum',
        temporality: 'cumulative',
        isMonotonic: true,
        points: series.filter((s) => s instanceof SumSeries).map((s) => s.toPoint(start, time)),
      };
  }
}

function pick(attributes: Attributes, keys: readonly string[]): Record<string, AnyValue> {
  const out: Record<string, AnyValue> = {};
  for (const key of keys) {
    const value = attributes[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
