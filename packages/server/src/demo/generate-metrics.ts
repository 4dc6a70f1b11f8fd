/**
 * Metrics of every pod, as its SDK's periodic reader would export them: cumulative
 * temporality, start time = when the pod started counting (the start of the run). Request
 * metrics come from the very spans the pod exported, so metrics, traces and exemplars agree.
 */
import type {
  ExportMetricsRequest,
  InstrumentationScope,
  Metric,
  ResourceMetrics,
} from '../otlp/encode.js';
import type { KafkaTopic } from './kafka-topic.js';
import type { Prng } from './prng.js';
import { RequestMetrics } from './request-metrics.js';
import { inFlightByPod, RuntimeMetrics } from './runtime-metrics.js';
import { msToUnixNano, ticks } from './time.js';
import type { ServiceInstance, Topology } from './topology.js';
import type { EmittedSpan } from './trace-recorder.js';

/** What the simulator knows at collection time besides the ended spans. */
export interface CollectionState {
  /** Spans generated but not yet ended (requests in flight, future work). */
  pending: readonly EmittedSpan[];
  topics: readonly KafkaTopic[];
}

/** kubelet's default probe period. */
const PROBE_PERIOD_MS = 10_000;

interface Pod {
  instance: ServiceInstance;
  /** When in the probe period this pod's probes fire. */
  probePhaseMs: number;
  requests: RequestMetrics;
  runtime: RuntimeMetrics;
}

export class MetricsRecorder {
  private readonly pods = new Map<ServiceInstance, Pod>();
  private readonly startUnixNano: bigint;
  private lastCollectMs: number;

  constructor(
    topology: Topology,
    startUnixMs: number,
    private readonly rng: Prng,
  ) {
    this.startUnixNano = msToUnixNano(startUnixMs);
    this.lastCollectMs = startUnixMs;
    for (const instance of topology.instances) {
      const service = instance.service;
      const reportsLag =
        service.protocol === 'kafka' && topology.instancesOf(service.name)[0] === instance;
      this.pods.set(instance, {
        instance,
        probePhaseMs: rng.uniform(0, PROBE_PERIOD_MS),
        requests: new RequestMetrics(),
        runtime: new RuntimeMetrics(instance, rng, startUnixMs, reportsLag),
      });
    }
  }

  /** Aggregates an ended span into its pod's request metrics. */
  observeSpan(emitted: EmittedSpan): void {
    this.pods.get(emitted.instance)?.requests.observe(emitted);
  }

  collect(atUnixMs: number, state: CollectionState): ExportMetricsRequest {
    const timeUnixNano = msToUnixNano(atUnixMs);
    const intervalSeconds = Math.max(0.001, (atUnixMs - this.lastCollectMs) / 1000);
    for (const pod of this.pods.values()) {
      for (const _ of ticks(this.lastCollectMs, atUnixMs, PROBE_PERIOD_MS, pod.probePhaseMs)) {
        pod.requests.observeProbe('/livez', this.rng.logNormal(0.0006, 0.4));
        pod.requests.observeProbe('/readyz', this.rng.logNormal(0.0011, 0.5));
      }
    }
    this.lastCollectMs = atUnixMs;
    const inFlight = inFlightByPod(state.pending, atUnixMs);
    const resourceMetrics: ResourceMetrics[] = [];
    for (const pod of this.pods.values()) {
      const byScope = new Map<InstrumentationScope, Metric[]>();
      const add = (scope: InstrumentationScope, metric: Metric) => {
        const list = byScope.get(scope);
        if (list === undefined) byScope.set(scope, [metric]);
        else list.push(metric);
      };
      for (const { scope, metric } of pod.requests.metrics(this.startUnixNano, timeUnixNano)) {
        add(pod.instance.scope(scope), metric);
      }
      const sample = {
        atUnixMs,
        startUnixNano: this.startUnixNano,
        timeUnixNano,
        intervalSeconds,
        requests: pod.requests.takeRequestCount(),
        inFlight: inFlight.get(pod.instance),
        topics: state.topics,
      };
      for (const { scope, metric } of pod.runtime.collect(sample)) add(scope, metric);
      resourceMetrics.push({
        resource: pod.instance.resource,
        scopeMetrics: [...byScope].map(([scope, metrics]) => ({ scope, metrics })),
      });
    }
    return { resourceMetrics };
  }
}
