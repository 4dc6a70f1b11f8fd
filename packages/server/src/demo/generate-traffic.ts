/**
 * The simulator without a network: everything a run would send, batch by batch, for a
 * simulated clock. Deterministic for a given seed, start time, rate and duration.
 */
import type { ExportMetricsRequest } from '../otlp/encode.js';
import type { Incident } from './incidents.js';
import { ShopSimulation, type TrafficBatch } from './simulation.js';
import { countDataPoints } from './to-otlp.js';

export interface GenerateTrafficOptions {
  seed: number;
  ratePerSecond: number;
  startUnixMs: number;
  durationMs: number;
  /** How often traces and logs are batched (default 1000 ms). */
  batchIntervalMs?: number;
  /** How often metrics are collected (default 5000 ms; always once more at the end). */
  metricsIntervalMs?: number;
  diurnal?: boolean;
}

export interface GeneratedTraffic {
  /** Trace and log batches; the last one holds what was still in flight at the end. */
  batches: TrafficBatch[];
  metrics: ExportMetricsRequest[];
  services: string[];
  incidents: Incident[];
  totals: { traces: number; spans: number; logs: number; metricPoints: number };
}

export function generateTraffic(options: GenerateTrafficOptions): GeneratedTraffic {
  const batchIntervalMs = options.batchIntervalMs ?? 1000;
  const metricsIntervalMs = options.metricsIntervalMs ?? 5000;
  const simulation = new ShopSimulation({
    seed: options.seed,
    ratePerSecond: options.ratePerSecond,
    startUnixMs: options.startUnixMs,
    ...(options.diurnal === undefined ? {} : { diurnal: options.diurnal }),
  });
  const endMs = options.startUnixMs + options.durationMs;
  const batches: TrafficBatch[] = [];
  const metrics: ExportMetricsRequest[] = [];
  let lastMetricsMs = options.startUnixMs;
  for (let t = options.startUnixMs + batchIntervalMs; t <= endMs; t += batchIntervalMs) {
    batches.push(simulation.advance(t));
    if (t - lastMetricsMs >= metricsIntervalMs) {
      metrics.push(simulation.collectMetrics(t));
      lastMetricsMs = t;
    }
  }
  batches.push(simulation.advance(endMs));
  batches.push(simulation.drain());
  metrics.push(simulation.collectMetrics(endMs));
  const totals = { traces: 0, spans: 0, logs: 0, metricPoints: 0 };
  for (const batch of batches) {
    totals.traces += batch.traceCount;
    totals.spans += batch.spanCount;
    totals.logs += batch.logCount;
  }
  for (const request of metrics) totals.metricPoints += countDataPoints(request);
  return {
    batches,
    metrics,
    services: simulation.services,
    incidents: simulation.incidentsStartedBefore(endMs),
    totals,
  };
}
