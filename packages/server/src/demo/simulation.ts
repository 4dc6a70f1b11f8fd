/**
 * The shop simulation: a pure, deterministic function of (seed, start time, rate) and the
 * simulated clock. Root requests arrive as a Poisson process in fixed 100 ms steps counted from
 * the start, so how often `advance` is called does not change what is generated. A request's
 * whole trace is generated when it arrives; each span and log is handed out once the clock
 * passes its end, as an SDK exports spans when they end.
 */
import type {
  ExportLogsRequest,
  ExportMetricsRequest,
  ExportTraceRequest,
} from '../otlp/encode.js';
import { backgroundLogs } from './background-logs.js';
import type { FlowContext } from './flow-context.js';
import { IncidentSchedule, type Incident } from './incidents.js';
import { KafkaTopic } from './kafka-topic.js';
import { MetricsRecorder } from './generate-metrics.js';
import { createPrng, type Prng } from './prng.js';
import { simulateVisit } from './shop/frontend.js';
import { toLogsRequest, toTraceRequest } from './to-otlp.js';
import { createTopology, type Topology } from './topology.js';
import { TraceRecorder, type EmittedLog, type EmittedSpan } from './trace-recorder.js';
import { expectedArrivals } from './traffic-shape.js';

export interface ShopSimulationOptions {
  seed: number;
  /** Mean root requests (traces) per second over a day. */
  ratePerSecond: number;
  startUnixMs: number;
  /** Follow the day/night curve (default); `false` keeps the rate flat. */
  diurnal?: boolean;
}

export interface TrafficBatch {
  traces: ExportTraceRequest;
  logs: ExportLogsRequest;
  /** Root spans in `traces`. */
  traceCount: number;
  spanCount: number;
  logCount: number;
}

const STEP_MS = 100;

export class ShopSimulation {
  readonly topology: Topology;
  private readonly rng: Prng;
  private readonly incidents: IncidentSchedule;
  private readonly ordersTopic: KafkaTopic;
  private readonly metrics: MetricsRecorder;
  private readonly diurnal: boolean;
  private clockMs: number;
  private pendingSpans: EmittedSpan[] = [];
  private pendingLogs: EmittedLog[] = [];

  constructor(private readonly options: ShopSimulationOptions) {
    if (!(options.ratePerSecond >= 0) || !Number.isFinite(options.ratePerSecond)) {
      throw new RangeError(
        `ratePerSecond must be a finite number >= 0, got ${options.ratePerSecond}`,
      );
    }
    const root = createPrng(options.seed);
    this.topology = createTopology(root.fork('topology'));
    this.ordersTopic = new KafkaTopic('orders', 3, root.fork('kafka'));
    this.metrics = new MetricsRecorder(this.topology, options.startUnixMs, root.fork('metrics'));
    this.incidents = new IncidentSchedule(options.seed, options.startUnixMs);
    this.rng = root.fork('traffic');
    this.diurnal = options.diurnal ?? true;
    this.clockMs = options.startUnixMs;
  }

  get services(): string[] {
    return this.topology.services.map((s) => s.name);
  }

  /** Simulates up to `untilUnixMs` and returns what ended by then. */
  advance(untilUnixMs: number): TrafficBatch {
    const fromMs = this.clockMs;
    while (this.clockMs + STEP_MS <= untilUnixMs) {
      this.step(this.clockMs, this.clockMs + STEP_MS);
      this.clockMs += STEP_MS;
    }
    if (this.clockMs > fromMs) {
      this.pendingLogs.push(
        ...backgroundLogs(this.rng, this.topology, this.incidents, fromMs, this.clockMs),
      );
    }
    const spans = this.pendingSpans.filter((s) => s.endUnixMs <= untilUnixMs);
    this.pendingSpans = this.pendingSpans.filter((s) => s.endUnixMs > untilUnixMs);
    const logs = this.pendingLogs.filter((l) => l.timeUnixMs <= untilUnixMs);
    this.pendingLogs = this.pendingLogs.filter((l) => l.timeUnixMs > untilUnixMs);
    return this.release(spans, logs);
  }

  /** Everything generated but not handed out yet (for the final flush). */
  drain(): TrafficBatch {
    const batch = this.release(this.pendingSpans, this.pendingLogs);
    this.pendingSpans = [];
    this.pendingLogs = [];
    return batch;
  }

  /** Cumulative metrics of every pod as of `atUnixMs`. */
  collectMetrics(atUnixMs: number): ExportMetricsRequest {
    return this.metrics.collect(atUnixMs, {
      pending: this.pendingSpans,
      topics: [this.ordersTopic],
    });
  }

  /** Incidents that had started by `unixMs`. */
  incidentsStartedBefore(unixMs: number): Incident[] {
    return this.incidents.startedBefore(unixMs);
  }

  private step(fromMs: number, toMs: number): void {
    const expected = this.diurnal
      ? expectedArrivals(this.options.ratePerSecond, fromMs, toMs)
      : (this.options.ratePerSecond * (toMs - fromMs)) / 1000;
    const arrivals = this.rng.poisson(expected);
    const times = Array.from({ length: arrivals }, () => this.rng.uniform(fromMs, toMs)).sort(
      (a, b) => a - b,
    );
    for (const startMs of times) {
      const rec = new TraceRecorder(this.rng);
      const ctx: FlowContext = {
        rng: this.rng,
        rec,
        topology: this.topology,
        incidents: this.incidents,
        ordersTopic: this.ordersTopic,
      };
      simulateVisit(ctx, startMs);
      for (const span of rec.spans) this.pendingSpans.push(span);
      for (const log of rec.logs) this.pendingLogs.push(log);
    }
  }

  private release(spans: EmittedSpan[], logs: EmittedLog[]): TrafficBatch {
    let traceCount = 0;
    for (const emitted of spans) {
      this.metrics.observeSpan(emitted);
      if (emitted.span.parentSpanId === '') traceCount++;
    }
    return {
      traces: toTraceRequest(spans),
      logs: toLogsRequest(logs),
      traceCount,
      spanCount: spans.length,
      logCount: logs.length,
    };
  }
}
