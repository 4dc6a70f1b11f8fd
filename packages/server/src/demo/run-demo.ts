/**
 * `pharos demo`: runs the shop simulation against the wall clock and sends what it produces
 * to an OTLP/HTTP endpoint. Traces and logs go out about once a second, metrics every five
 * seconds; at the end (duration reached or aborted) everything still in flight is flushed.
 * Server errors are counted and described in the summary, never thrown.
 */
import {
  encodeExportLogsRequest,
  encodeExportMetricsRequest,
  encodeExportTraceRequest,
} from '../otlp/encode.js';
import { DemoStats, type DemoProgress } from './demo-stats.js';
import { ExportQueue, type ExportJob } from './export-queue.js';
import type { Incident, IncidentKind } from './incidents.js';
import { OtlpHttpSender, sleep, type OtlpSignal } from './sender.js';
import { ShopSimulation, type TrafficBatch } from './simulation.js';
import { countDataPoints } from './to-otlp.js';

export type { DemoProgress };

export interface DemoOptions {
  /** OTLP/HTTP base URL, e.g. `http://localhost:4318`. */
  endpoint: string;
  durationMs: number;
  /** Mean root requests (traces) per second over a day. */
  ratePerSecond: number;
  apiKey?: string;
  /** Same seed, same start time: same traffic. Random when absent (reported in the summary). */
  seed?: number;
  signal?: AbortSignal;
  /** Called after every batch (about once a second) and once at the end. */
  onProgress?: (progress: DemoProgress) => void;
  /** Trace and log batch interval (default 1000 ms). */
  batchIntervalMs?: number;
  /** Metric collection interval (default 5000 ms). */
  metricsIntervalMs?: number;
  /** How long the final flush may take before what is left is dropped (default 10 s). */
  flushTimeoutMs?: number;
  fetch?: typeof fetch;
}

export interface DemoIncident {
  kind: IncidentKind;
  description: string;
  startUnixMs: number;
  endUnixMs: number;
}

export interface DemoSummary extends DemoProgress {
  seed: number;
  services: string[];
  /** One line per incident that started during the run, e.g. for printing. */
  incidents: string[];
  incidentDetails: DemoIncident[];
  /** Distinct failure messages (the first few kinds) with their counts. */
  errors: { message: string; count: number }[];
}

const SIGNALS: readonly OtlpSignal[] = ['traces', 'logs', 'metrics'];

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  validate(options);
  const batchIntervalMs = options.batchIntervalMs ?? 1_000;
  const metricsIntervalMs = options.metricsIntervalMs ?? 5_000;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const startMs = Date.now();
  const endMs = startMs + options.durationMs;
  const simulation = new ShopSimulation({
    seed,
    ratePerSecond: options.ratePerSecond,
    startUnixMs: startMs,
  });

  const stats = new DemoStats();
  const cancelSending = new AbortController();
  const sender = new OtlpHttpSender({
    endpoint: options.endpoint,
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    cancel: cancelSending.signal,
  });
  const queues = new Map<OtlpSignal, ExportQueue>(
    SIGNALS.map((signal) => [
      signal,
      new ExportQueue({
        send: (job) => sender.send(job.signal, job.payload),
        onSent: (job, outcome) => {
          stats.recordSent(job, outcome);
        },
        onDropped: () => {
          stats.recordDropped();
        },
      }),
    ]),
  );
  const enqueue = (job: ExportJob) => queues.get(job.signal)?.push(job);

  const enqueueBatch = (batch: TrafficBatch) => {
    if (batch.spanCount > 0) {
      enqueue({
        signal: 'traces',
        payload: encodeExportTraceRequest(batch.traces),
        items: { traces: batch.traceCount, spans: batch.spanCount, logs: 0, metricPoints: 0 },
      });
    }
    if (batch.logCount > 0) {
      enqueue({
        signal: 'logs',
        payload: encodeExportLogsRequest(batch.logs),
        items: { traces: 0, spans: 0, logs: batch.logCount, metricPoints: 0 },
      });
    }
  };
  const enqueueMetrics = (atMs: number) => {
    const request = simulation.collectMetrics(atMs);
    enqueue({
      signal: 'metrics',
      payload: encodeExportMetricsRequest(request),
      items: { traces: 0, spans: 0, logs: 0, metricPoints: countDataPoints(request) },
    });
  };

  /** Generates and enqueues until the end or an abort; returns the simulated stop time. */
  const produce = async (): Promise<number> => {
    let lastMetricsMs = startMs;
    let nextTickMs = startMs + batchIntervalMs;
    for (;;) {
      await sleep(Math.min(nextTickMs, endMs) - Date.now(), options.signal);
      const nowMs = Math.min(Date.now(), endMs);
      enqueueBatch(simulation.advance(nowMs));
      if (options.signal?.aborted === true || nowMs >= endMs) {
        // Requests still running at the end are sent complete rather than cut off.
        enqueueBatch(simulation.drain());
        enqueueMetrics(nowMs);
        return nowMs;
      }
      if (nowMs - lastMetricsMs >= metricsIntervalMs) {
        enqueueMetrics(nowMs);
        lastMetricsMs = nowMs;
      }
      options.onProgress?.(stats.progress(nowMs - startMs));
      // After a stall (suspended laptop, busy event loop) skip the missed ticks.
      nextTickMs = Math.max(nextTickMs + batchIntervalMs, Date.now() + batchIntervalMs / 2);
    }
  };

  let stoppedAtMs: number;
  try {
    stoppedAtMs = await produce();
    const flushTimeoutMs = options.flushTimeoutMs ?? 10_000;
    await Promise.all([...queues.values()].map((queue) => queue.flush(flushTimeoutMs)));
  } finally {
    // Whatever is still in flight after the flush deadline is abandoned.
    cancelSending.abort();
  }

  const progress = stats.progress(Date.now() - startMs);
  options.onProgress?.(progress);
  const incidents = simulation.incidentsStartedBefore(stoppedAtMs);
  return {
    ...progress,
    seed,
    services: simulation.services,
    incidents: incidents.map(describeIncident),
    incidentDetails: incidents.map(({ kind, description, startUnixMs, endUnixMs }) => ({
      kind,
      description,
      startUnixMs,
      endUnixMs,
    })),
    errors: stats.errorCounts(),
  };
}

function validate(options: DemoOptions): void {
  if (!/^https?:\/\/[^/]/.test(options.endpoint)) {
    throw new TypeError(`endpoint must be an http(s) URL, got ${JSON.stringify(options.endpoint)}`);
  }
  if (!Number.isFinite(options.durationMs) || options.durationMs < 0) {
    throw new RangeError(`durationMs must be a finite number >= 0, got ${options.durationMs}`);
  }
  if (!Number.isFinite(options.ratePerSecond) || options.ratePerSecond < 0) {
    throw new RangeError(
      `ratePerSecond must be a finite number >= 0, got ${options.ratePerSecond}`,
    );
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) {
    throw new RangeError(`seed must be an integer, got ${options.seed}`);
  }
}

function describeIncident(incident: Incident): string {
  const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  return `${incident.kind} ${time(incident.startUnixMs)}-${time(incident.endUnixMs)} UTC: ${incident.description}`;
}
