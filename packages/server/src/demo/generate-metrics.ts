/**
 * Metrics per pod, as its SDK's periodic reader would export them (cumulative temporality,
 * start time = when the pod started counting). Request metrics are aggregated from the very
 * spans the pod exported, so metrics, traces and exemplars agree; resource gauges are modelled
 * from load.
 */
import type {
  AnyValue,
  Attributes,
  ExportMetricsRequest,
  InstrumentationScope,
  Metric,
  MetricData,
  ResourceMetrics,
  Span,
  SummaryDataPoint,
} from '../otlp/encode.js';
import type { KafkaTopic } from './kafka-topic.js';
import {
  attributesKey,
  DURATION_BOUNDS_SECONDS,
  ExponentialHistogramSeries,
  HistogramSeries,
  SumSeries,
  type ExemplarSource,
} from './metric-series.js';
import type { Prng } from './prng.js';
import { msToUnixNano } from './time.js';
import type { EmittedSpan } from './trace-recorder.js';
import type { Language, ScopeKind, ServiceInstance, Topology } from './topology.js';

type Instrument = 'histogram' | 'exponential_histogram' | 'counter' | 'updown';

interface MetricDef {
  name: string;
  description: string;
  unit: string;
  instrument: Instrument;
  scope: ScopeKind;
}

const def = (
  name: string,
  instrument: Instrument,
  unit: string,
  scope: ScopeKind,
  description: string,
): MetricDef => ({
  name,
  description,
  unit,
  instrument,
  scope,
});

const METRICS = {
  httpServerDuration: def(
    'http.server.request.duration',
    'histogram',
    's',
    'http-server',
    'Duration of HTTP server requests.',
  ),
  httpClientDuration: def(
    'http.client.request.duration',
    'histogram',
    's',
    'http-client',
    'Duration of HTTP client requests.',
  ),
  rpcServerDuration: def(
    'rpc.server.call.duration',
    'histogram',
    's',
    'grpc',
    'Measures the duration of inbound RPC.',
  ),
  dbDuration: def(
    'db.client.operation.duration',
    'histogram',
    's',
    'postgres',
    'Duration of database client operations.',
  ),
  redisDuration: def(
    'db.client.operation.duration',
    'histogram',
    's',
    'redis',
    'Duration of database client operations.',
  ),
  processDuration: def(
    'messaging.process.duration',
    'histogram',
    's',
    'kafka',
    'Duration of processing operation.',
  ),
  sentMessages: def(
    'messaging.client.sent.messages',
    'counter',
    '{message}',
    'kafka',
    'Number of messages producer attempted to send to the broker.',
  ),
  consumedMessages: def(
    'messaging.client.consumed.messages',
    'counter',
    '{message}',
    'kafka',
    'Number of messages that were delivered to the application.',
  ),
  requests: def(
    'shop.requests',
    'counter',
    '{request}',
    'app',
    'Requests handled, by operation and outcome.',
  ),
  ordersPlaced: def(
    'shop.orders.placed',
    'counter',
    '{order}',
    'app',
    'Orders placed successfully.',
  ),
  orderAmount: def(
    'shop.order.amount',
    'exponential_histogram',
    '{USD}',
    'app',
    'Value of placed orders.',
  ),
  paymentCharges: def(
    'shop.payment.charges',
    'counter',
    '{charge}',
    'app',
    'Card charges by outcome.',
  ),
  activeRequests: def(
    'http.server.active_requests',
    'updown',
    '{request}',
    'http-server',
    'Number of active HTTP server requests.',
  ),
  connections: def(
    'db.client.connection.count',
    'updown',
    '{connection}',
    'postgres',
    'The number of connections that are currently in state described by the state attribute.',
  ),
} as const satisfies Record<string, MetricDef>;

const PROMETHEUS_SCOPE: InstrumentationScope = {
  name: 'github.com/open-telemetry/opentelemetry-collector-contrib/receiver/prometheusreceiver',
  version: '0.116.0',
};

const MEMORY_BASE_MB: Readonly<Record<Language, number>> = {
  nodejs: 190,
  go: 48,
  java: 620,
  python: 140,
  dotnet: 230,
};

const POOL_MAX = 10;
const POOL_MIN_IDLE = 3;

type Series = HistogramSeries | ExponentialHistogramSeries | SumSeries;

interface PodState {
  readonly instance: ServiceInstance;
  readonly series: Map<MetricDef, Map<string, Series>>;
  requestsSinceCollect: number;
  gcCount: number;
  gcSumSeconds: number;
  memoryPhase: number;
}

/** What the simulator knows at collection time besides the ended spans. */
export interface CollectionState {
  /** Spans generated but not yet ended (requests in flight, future work). */
  pending: readonly EmittedSpan[];
  topics: readonly KafkaTopic[];
}

export class MetricsRecorder {
  private readonly pods = new Map<ServiceInstance, PodState>();
  private readonly startUnixNano: bigint;
  private lastCollectMs: number;

  constructor(
    private readonly topology: Topology,
    private readonly startUnixMs: number,
    private readonly rng: Prng,
  ) {
    this.startUnixNano = msToUnixNano(startUnixMs);
    this.lastCollectMs = startUnixMs;
    for (const instance of topology.instances) {
      this.pods.set(instance, {
        instance,
        series: new Map(),
        requestsSinceCollect: 0,
        gcCount: 0,
        gcSumSeconds: 0,
        memoryPhase: rng.uniform(0, 2 * Math.PI),
      });
    }
  }

  /** Aggregates an ended span into its pod's request metrics. */
  observeSpan(emitted: EmittedSpan): void {
    const pod = this.pods.get(emitted.instance);
    if (pod === undefined) return;
    const span = emitted.span;
    const a = span.attributes ?? {};
    const seconds = (emitted.endUnixMs - emitted.startUnixMs) / 1000;
    const failed = span.status?.code === 'error';
    const exemplar: ExemplarSource = {
      timeUnixNano: span.endTimeUnixNano,
      traceId: span.traceId,
      spanId: span.spanId,
    };
    switch (span.kind) {
      case 'server':
        pod.requestsSinceCollect++;
        this.count(pod, METRICS.requests, {
          'app.operation': span.name,
          'app.outcome': failed ? 'error' : 'success',
        });
        if (a['http.request.method'] !== undefined) {
          this.histogram(
            pod,
            METRICS.httpServerDuration,
            seconds,
            withError(
              pick(a, [
                'http.request.method',
                'http.route',
                'http.response.status_code',
                'url.scheme',
                'network.protocol.version',
              ]),
              a,
            ),
            exemplar,
          );
        } else if (a['rpc.system'] !== undefined) {
          this.histogram(
            pod,
            METRICS.rpcServerDuration,
            seconds,
            pick(a, ['rpc.system', 'rpc.service', 'rpc.method', 'rpc.grpc.status_code']),
            exemplar,
          );
        }
        this.businessMetrics(pod, a);
        break;
      case 'client':
        if (a['db.system.name'] === 'postgresql') {
          this.histogram(
            pod,
            METRICS.dbDuration,
            seconds,
            withError(
              pick(a, [
                'db.system.name',
                'db.operation.name',
                'db.collection.name',
                'db.namespace',
                'server.address',
              ]),
              a,
            ),
          );
        } else if (a['db.system.name'] === 'redis') {
          this.histogram(
            pod,
            METRICS.redisDuration,
            seconds,
            withError(pick(a, ['db.system.name', 'db.operation.name', 'server.address']), a),
          );
        } else if (a['http.request.method'] !== undefined) {
          this.histogram(
            pod,
            METRICS.httpClientDuration,
            seconds,
            withError(
              pick(a, [
                'http.request.method',
                'server.address',
                'server.port',
                'http.response.status_code',
              ]),
              a,
            ),
          );
        }
        break;
      case 'producer':
        this.count(
          pod,
          METRICS.sentMessages,
          pick(a, ['messaging.system', 'messaging.destination.name', 'messaging.operation.name']),
        );
        break;
      case 'consumer': {
        pod.requestsSinceCollect++;
        const base = pick(a, [
          'messaging.system',
          'messaging.destination.name',
          'messaging.consumer.group.name',
          'messaging.operation.name',
        ]);
        this.histogram(pod, METRICS.processDuration, seconds, withError(base, a), exemplar);
        this.count(pod, METRICS.consumedMessages, base);
        this.count(pod, METRICS.requests, {
          'app.operation': span.name,
          'app.outcome': failed ? 'error' : 'success',
        });
        break;
      }
      default:
        break;
    }
  }

  collect(atUnixMs: number, state: CollectionState): ExportMetricsRequest {
    const timeUnixNano = msToUnixNano(atUnixMs);
    const intervalSeconds = Math.max(0.001, (atUnixMs - this.lastCollectMs) / 1000);
    const inFlight = inFlightByPod(state.pending, atUnixMs);
    const resourceMetrics: ResourceMetrics[] = [];
    for (const pod of this.pods.values()) {
      const byScope = new Map<InstrumentationScope, Metric[]>();
      const add = (scope: InstrumentationScope, metric: Metric) => {
        let list = byScope.get(scope);
        if (list === undefined) byScope.set(scope, (list = []));
        list.push(metric);
      };
      for (const [metricDef, series] of pod.series) {
        add(
          pod.instance.scope(metricDef.scope),
          this.toMetric(metricDef, [...series.values()], timeUnixNano),
        );
      }
      this.updownCounters(pod, inFlight.get(pod.instance), timeUnixNano, add);
      this.gauges(pod, atUnixMs, intervalSeconds, state.topics, timeUnixNano, add);
      if (pod.instance.service.language === 'go')
        add(PROMETHEUS_SCOPE, this.gcSummary(pod, intervalSeconds, timeUnixNano));
      pod.requestsSinceCollect = 0;
      resourceMetrics.push({
        resource: pod.instance.resource,
        scopeMetrics: [...byScope].map(([scope, metrics]) => ({ scope, metrics })),
      });
    }
    this.lastCollectMs = atUnixMs;
    return { resourceMetrics };
  }

  private businessMetrics(pod: PodState, a: Attributes): void {
    if (a['app.order.placed'] === true && typeof a['app.order.amount'] === 'number') {
      const currency = { 'app.order.currency': 'USD' };
      this.count(pod, METRICS.ordersPlaced, currency);
      const series = this.seriesFor(pod, METRICS.orderAmount, currency);
      if (series instanceof ExponentialHistogramSeries) series.record(a['app.order.amount']);
    }
    if (a['app.payment.outcome'] !== undefined) {
      this.count(
        pod,
        METRICS.paymentCharges,
        pick(a, ['app.payment.outcome', 'app.payment.card_brand']),
      );
    }
  }

  private histogram(
    pod: PodState,
    metricDef: MetricDef,
    value: number,
    attributes: Attributes,
    exemplar?: ExemplarSource,
  ) {
    const series = this.seriesFor(pod, metricDef, attributes);
    if (series instanceof HistogramSeries) series.record(value, exemplar);
  }

  private count(pod: PodState, metricDef: MetricDef, attributes: Attributes): void {
    const series = this.seriesFor(pod, metricDef, attributes);
    if (series instanceof SumSeries) series.add(1);
  }

  private seriesFor(pod: PodState, metricDef: MetricDef, attributes: Attributes): Series {
    let byKey = pod.series.get(metricDef);
    if (byKey === undefined) pod.series.set(metricDef, (byKey = new Map<string, Series>()));
    const key = attributesKey(attributes);
    let series = byKey.get(key);
    if (series === undefined) {
      series =
        metricDef.instrument === 'histogram'
          ? new HistogramSeries(attributes, DURATION_BOUNDS_SECONDS)
          : metricDef.instrument === 'exponential_histogram'
            ? new ExponentialHistogramSeries(attributes)
            : new SumSeries(attributes);
      byKey.set(key, series);
    }
    return series;
  }

  private toMetric(metricDef: MetricDef, series: Series[], timeUnixNano: bigint): Metric {
    const start = this.startUnixNano;
    let data: MetricData;
    switch (metricDef.instrument) {
      case 'histogram':
        data = {
          type: 'histogram',
          temporality: 'cumulative',
          points: series
            .filter((s) => s instanceof HistogramSeries)
            .map((s) => s.toPoint(start, timeUnixNano)),
        };
        break;
      case 'exponential_histogram':
        data = {
          type: 'exponential_histogram',
          temporality: 'cumulative',
          points: series
            .filter((s) => s instanceof ExponentialHistogramSeries)
            .map((s) => s.toPoint(start, timeUnixNano)),
        };
        break;
      case 'counter':
      case 'updown':
        data = {
          type: 'sum',
          temporality: 'cumulative',
          isMonotonic: metricDef.instrument === 'counter',
          points: series
            .filter((s) => s instanceof SumSeries)
            .map((s) => s.toPoint(start, timeUnixNano)),
        };
        break;
    }
    return { name: metricDef.name, description: metricDef.description, unit: metricDef.unit, data };
  }

  /** Up/down counters observed from the requests and queries in flight at collection time. */
  private updownCounters(
    pod: PodState,
    inFlight: InFlight | undefined,
    timeUnixNano: bigint,
    add: (scope: InstrumentationScope, metric: Metric) => void,
  ): void {
    const service = pod.instance.service;
    const start = this.startUnixNano;
    if (service.protocol === 'http') {
      const methods = inFlight?.httpByMethod ?? new Map<string, number>();
      if (!methods.has('GET')) methods.set('GET', 0);
      const scheme = service.name === 'frontend' ? 'https' : 'http';
      add(pod.instance.scope('http-server'), {
        ...describe(METRICS.activeRequests),
        data: {
          type: 'sum',
          temporality: 'cumulative',
          isMonotonic: false,
          points: [...methods].map(([method, n]) => ({
            attributes: { 'http.request.method': method, 'url.scheme': scheme },
            startTimeUnixNano: start,
            timeUnixNano,
            value: BigInt(n),
          })),
        },
      });
    }
    if (service.usesPostgres) {
      const used = Math.min(POOL_MAX, inFlight?.postgres ?? 0);
      const open = Math.min(POOL_MAX, Math.max(used + POOL_MIN_IDLE, POOL_MIN_IDLE + 1));
      const pool = `${service.name}@postgres-primary`;
      add(pod.instance.scope('postgres'), {
        ...describe(METRICS.connections),
        data: {
          type: 'sum',
          temporality: 'cumulative',
          isMonotonic: false,
          points: (['used', 'idle'] as const).map((state) => ({
            attributes: {
              'db.client.connection.pool.name': pool,
              'db.client.connection.state': state,
            },
            startTimeUnixNano: start,
            timeUnixNano,
            value: BigInt(state === 'used' ? used : open - used),
          })),
        },
      });
    }
  }

  private gauges(
    pod: PodState,
    atUnixMs: number,
    intervalSeconds: number,
    topics: readonly KafkaTopic[],
    timeUnixNano: bigint,
    add: (scope: InstrumentationScope, metric: Metric) => void,
  ): void {
    const { rng } = this;
    const service = pod.instance.service;
    const runtime = pod.instance.scope('runtime');
    const requestsPerSecond = pod.requestsSinceCollect / intervalSeconds;
    const cpu = clamp(0.015 + 0.006 * requestsPerSecond + rng.normal() * 0.005, 0.002, 1);
    add(
      runtime,
      gauge(
        'process.cpu.utilization',
        '1',
        'Difference in process.cpu.time since the last measurement, divided by the elapsed time and number of CPUs available to the process.',
        [{ timeUnixNano, value: round(cpu, 4) }],
      ),
    );

    const minutes = (atUnixMs - this.startUnixMs) / 60_000;
    // A slow leak in recommendation (its model cache grows), a GC sawtooth everywhere else.
    const leakMb = service.name === 'recommendation' ? 3 * minutes : 0;
    const sawtooth = 0.12 * Math.sin(pod.memoryPhase + minutes * 2.1);
    const memoryMb =
      MEMORY_BASE_MB[service.language] * (1 + sawtooth + 0.002 * requestsPerSecond) + leakMb;
    add(
      runtime,
      gauge('process.memory.usage', 'By', 'The amount of physical memory in use.', [
        { timeUnixNano, value: BigInt(Math.round(memoryMb * 1024 * 1024)) },
      ]),
    );

    if (
      service.protocol === 'kafka' &&
      pod.instance === this.topology.instancesOf(service.name)[0]
    ) {
      const points = topics.flatMap((topic) =>
        topic
          .lag(atUnixMs)
          .filter((entry) => entry.group === service.name)
          .map((entry) => ({
            attributes: {
              group: entry.group,
              topic: topic.name,
              partition: BigInt(entry.partition),
            },
            timeUnixNano,
            value: BigInt(entry.lag),
          })),
      );
      if (points.length > 0)
        add(
          pod.instance.scope('kafka'),
          gauge(
            'kafka.consumer_group.lag',
            '{message}',
            'Current approximate lag of consumer group at partition of topic.',
            points,
          ),
        );
    }
  }

  /** Go's Prometheus client exports GC pauses as a summary; the collector keeps it one. */
  private gcSummary(pod: PodState, intervalSeconds: number, timeUnixNano: bigint): Metric {
    const { rng } = this;
    const gcs = Math.max(
      0,
      Math.round(
        intervalSeconds * (0.4 + pod.requestsSinceCollect / intervalSeconds / 40) + rng.normal(),
      ),
    );
    const median = 0.00012 * (1 + 0.2 * rng.normal() ** 2);
    pod.gcCount += gcs;
    pod.gcSumSeconds += gcs * median * 1.3;
    const point: SummaryDataPoint = {
      startTimeUnixNano: this.startUnixNano,
      timeUnixNano,
      count: pod.gcCount,
      sum: pod.gcSumSeconds,
      quantileValues: [
        { quantile: 0, value: median * 0.35 },
        { quantile: 0.25, value: median * 0.7 },
        { quantile: 0.5, value: median },
        { quantile: 0.75, value: median * 1.6 },
        { quantile: 1, value: median * (4 + rng.uniform(0, 8)) },
      ],
    };
    return {
      name: 'go_gc_duration_seconds',
      description:
        'A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.',
      unit: 's',
      data: { type: 'summary', points: [point] },
    };
  }
}

interface InFlight {
  httpByMethod: Map<string, number>;
  postgres: number;
}

/** Server requests and PostgreSQL queries in progress at `atMs`, per pod. */
function inFlightByPod(
  pending: readonly EmittedSpan[],
  atMs: number,
): Map<ServiceInstance, InFlight> {
  const result = new Map<ServiceInstance, InFlight>();
  for (const emitted of pending) {
    if (!(emitted.startUnixMs <= atMs && atMs < emitted.endUnixMs)) continue;
    const span: Span = emitted.span;
    const a = span.attributes ?? {};
    let entry = result.get(emitted.instance);
    if (entry === undefined)
      result.set(
        emitted.instance,
        (entry = { httpByMethod: new Map<string, number>(), postgres: 0 }),
      );
    const method = a['http.request.method'];
    if (span.kind === 'server' && typeof method === 'string') {
      entry.httpByMethod.set(method, (entry.httpByMethod.get(method) ?? 0) + 1);
    } else if (span.kind === 'client' && a['db.system.name'] === 'postgresql') {
      entry.postgres++;
    }
  }
  return result;
}

function pick(attributes: Attributes, names: readonly string[]): Record<string, AnyValue> {
  const out: Record<string, AnyValue> = {};
  for (const name of names) {
    const value = attributes[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function withError(base: Record<string, AnyValue>, attributes: Attributes): Attributes {
  const errorType = attributes['error.type'];
  if (errorType !== undefined) base['error.type'] = errorType;
  return base;
}

function describe(metricDef: MetricDef): Pick<Metric, 'name' | 'description' | 'unit'> {
  return { name: metricDef.name, description: metricDef.description, unit: metricDef.unit };
}

function gauge(
  name: string,
  unit: string,
  description: string,
  points: { attributes?: Attributes; timeUnixNano: bigint; value: number | bigint }[],
): Metric {
  return { name, unit, description, data: { type: 'gauge', points } };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
