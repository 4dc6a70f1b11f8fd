/**
 * One pod's observed metrics: values read at collection time rather than aggregated from
 * spans. Up/down counters come from what is in flight (requests, queries), gauges from load
 * (CPU, memory, consumer lag), and Go pods carry the GC summary their Prometheus client exports.
 */
import type {
  Attributes,
  InstrumentationScope,
  Metric,
  NumberDataPoint,
  SummaryDataPoint,
} from '../otlp/encode.js';
import type { KafkaTopic } from './kafka-topic.js';
import type { Prng } from './prng.js';
import type { Language, ServiceInstance } from './topology.js';
import type { EmittedSpan } from './trace-recorder.js';

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

/** Requests and PostgreSQL queries of one pod in progress at collection time. */
export interface InFlight {
  httpByMethod: Map<string, number>;
  postgres: number;
}

export interface RuntimeSample {
  atUnixMs: number;
  startUnixNano: bigint;
  timeUnixNano: bigint;
  intervalSeconds: number;
  /** Requests the pod handled during the interval. */
  requests: number;
  inFlight: InFlight | undefined;
  /** Kafka topics, for the consumer lag of the pod's group (reported by one pod per group). */
  topics: readonly KafkaTopic[];
}

export class RuntimeMetrics {
  private gcCount = 0;
  private gcSumSeconds = 0;
  private readonly memoryPhase: number;

  constructor(
    private readonly instance: ServiceInstance,
    private readonly rng: Prng,
    private readonly startUnixMs: number,
    /** Whether this pod reports its consumer group's lag. */
    private readonly reportsLag: boolean,
  ) {
    this.memoryPhase = rng.uniform(0, 2 * Math.PI);
  }

  collect(sample: RuntimeSample): { scope: InstrumentationScope; metric: Metric }[] {
    const { instance } = this;
    const out: { scope: InstrumentationScope; metric: Metric }[] = [];
    const add = (scope: InstrumentationScope, metric: Metric) => out.push({ scope, metric });
    const service = instance.service;
    if (service.protocol === 'http') {
      const scheme = service.name === 'frontend' ? 'https' : 'http';
      add(instance.scope('http-server'), activeRequests(sample, scheme));
    }
    if (service.usesPostgres) add(instance.scope('postgres'), this.connections(sample));
    add(instance.scope('runtime'), this.cpu(sample));
    add(instance.scope('runtime'), this.memory(sample));
    if (this.reportsLag) {
      const lag = this.consumerLag(sample);
      if (lag !== undefined) add(instance.scope('kafka'), lag);
    }
    if (service.language === 'go') add(PROMETHEUS_SCOPE, this.gcSummary(sample));
    return out;
  }

  private connections(sample: RuntimeSample): Metric {
    const used = Math.min(POOL_MAX, sample.inFlight?.postgres ?? 0);
    const open = Math.min(POOL_MAX, Math.max(used + POOL_MIN_IDLE, POOL_MIN_IDLE + 1));
    const pool = `${this.instance.service.name}@postgres-primary`;
    return upDownCounter(
      'db.client.connection.count',
      '{connection}',
      'The number of connections that are currently in state described by the state attribute.',
      (['used', 'idle'] as const).map((state) => ({
        attributes: { 'db.client.connection.pool.name': pool, 'db.client.connection.state': state },
        value: state === 'used' ? used : open - used,
      })),
      sample,
    );
  }

  private cpu(sample: RuntimeSample): Metric {
    const requestsPerSecond = sample.requests / sample.intervalSeconds;
    const utilization = clamp(
      0.015 + 0.006 * requestsPerSecond + this.rng.normal() * 0.005,
      0.002,
      1,
    );
    return gauge(
      'process.cpu.utilization',
      '1',
      'Difference in process.cpu.time since the last measurement, divided by the elapsed time and number of CPUs available to the process.',
      [{ timeUnixNano: sample.timeUnixNano, value: Math.round(utilization * 10_000) / 10_000 }],
    );
  }

  private memory(sample: RuntimeSample): Metric {
    const service = this.instance.service;
    const minutes = (sample.atUnixMs - this.startUnixMs) / 60_000;
    // A slow leak in recommendation (its model cache grows); a GC sawtooth everywhere.
    const leakMb = service.name === 'recommendation' ? 3 * minutes : 0;
    const sawtooth = 0.12 * Math.sin(this.memoryPhase + minutes * 2.1);
    const load = 0.002 * (sample.requests / sample.intervalSeconds);
    const megabytes = MEMORY_BASE_MB[service.language] * (1 + sawtooth + load) + leakMb;
    return gauge('process.memory.usage', 'By', 'The amount of physical memory in use.', [
      { timeUnixNano: sample.timeUnixNano, value: BigInt(Math.round(megabytes * 1024 * 1024)) },
    ]);
  }

  private consumerLag(sample: RuntimeSample): Metric | undefined {
    const group = this.instance.service.name;
    const points = sample.topics.flatMap((topic) =>
      topic
        .lag(sample.atUnixMs)
        .filter((entry) => entry.group === group)
        .map((entry) => ({
          attributes: { group, topic: topic.name, partition: BigInt(entry.partition) },
          timeUnixNano: sample.timeUnixNano,
          value: BigInt(entry.lag),
        })),
    );
    if (points.length === 0) return undefined;
    return gauge(
      'kafka.consumer_group.lag',
      '{message}',
      'Current approximate lag of consumer group at partition of topic.',
      points,
    );
  }

  /** Go's Prometheus client exports GC pauses as a summary; the collector keeps it one. */
  private gcSummary(sample: RuntimeSample): Metric {
    const { rng } = this;
    const cycles = sample.intervalSeconds * 0.4 + sample.requests / 40 + rng.normal();
    const median = 0.00012 * (1 + 0.2 * rng.normal() ** 2);
    this.gcCount += Math.max(0, Math.round(cycles));
    this.gcSumSeconds += Math.max(0, Math.round(cycles)) * median * 1.3;
    const point: SummaryDataPoint = {
      startTimeUnixNano: sample.startUnixNano,
      timeUnixNano: sample.timeUnixNano,
      count: this.gcCount,
      sum: this.gcSumSeconds,
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

function activeRequests(sample: RuntimeSample, scheme: string): Metric {
  const methods = new Map(sample.inFlight?.httpByMethod ?? []);
  if (!methods.has('GET')) methods.set('GET', 0);
  return upDownCounter(
    'http.server.active_requests',
    '{request}',
    'Number of active HTTP server requests.',
    [...methods].map(([method, n]) => ({
      attributes: { 'http.request.method': method, 'url.scheme': scheme },
      value: n,
    })),
    sample,
  );
}

/** Server requests and PostgreSQL queries in progress at `atMs`, per pod. */
export function inFlightByPod(
  pending: readonly EmittedSpan[],
  atMs: number,
): Map<ServiceInstance, InFlight> {
  const result = new Map<ServiceInstance, InFlight>();
  for (const emitted of pending) {
    if (!(emitted.startUnixMs <= atMs && atMs < emitted.endUnixMs)) continue;
    const span = emitted.span;
    const a = span.attributes ?? {};
    let entry = result.get(emitted.instance);
    if (entry === undefined) {
      entry = { httpByMethod: new Map<string, number>(), postgres: 0 };
      result.set(emitted.instance, entry);
    }
    const method = a['http.request.method'];
    if (span.kind === 'server' && typeof method === 'string') {
      entry.httpByMethod.set(method, (entry.httpByMethod.get(method) ?? 0) + 1);
    } else if (span.kind === 'client' && a['db.system.name'] === 'postgresql') {
      entry.postgres++;
    }
  }
  return result;
}

function upDownCounter(
  name: string,
  unit: string,
  description: string,
  values: { attributes: Attributes; value: number }[],
  sample: RuntimeSample,
): Metric {
  return {
    name,
    unit,
    description,
    data: {
      type: 'sum',
      temporality: 'cumulative',
      isMonotonic: false,
      points: values.map(({ attributes, value }) => ({
        attributes,
        startTimeUnixNano: sample.startUnixNano,
        timeUnixNano: sample.timeUnixNano,
        value: BigInt(value),
      })),
    },
  };
}

function gauge(name: string, unit: string, description: string, points: NumberDataPoint[]): Metric {
  return { name, unit, description, data: { type: 'gauge', points } };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
