import type { TenantId } from '../tenant.js';

interface Running {
  startNs: bigint;
  lastNs: bigint;
  totals: number[];
}

export interface DeltaToCumulativeOptions {
  /** Running totals kept per tenant; the least recently updated is forgotten beyond it. */
  maxSeriesPerTenant: number;
}

/**
 * Delta temporality → cumulative, per series (the OpenTelemetry spec's conversion for
 * Prometheus): each delta point is added to the series' running totals, kept in memory.
 *
 * Bounded per tenant: a Map in least-recently-updated order holds at most
 * `maxSeriesPerTenant` running totals; a forgotten series starts again from its next delta
 * (a counter reset, which `rate()` handles). The state is not persisted: after a restart every
 * delta series restarts from zero the same way. A point not after the series' last point
 * (a duplicate or out of order) is refused (null) rather than counted twice.
 */
export class DeltaToCumulative {
  private readonly tenants = new Map<TenantId, Map<string, Running>>();

  constructor(private readonly options: DeltaToCumulativeOptions) {}

  add(
    tenant: TenantId,
    key: string,
    startNs: bigint,
    timeNs: bigint,
    deltas: number[],
  ): number[] | null {
    let series = this.tenants.get(tenant);
    if (!series) this.tenants.set(tenant, (series = new Map<string, Running>()));
    const running = series.get(key);
    if (running && running.totals.length === deltas.length) {
      if (timeNs <= running.lastNs) return null;
      series.delete(key);
      running.lastNs = timeNs;
      for (let i = 0; i < deltas.length; i++) running.totals[i]! += deltas[i]!;
      series.set(key, running);
      return [...running.totals];
    }
    if (running) series.delete(key);
    if (series.size >= this.options.maxSeriesPerTenant) {
      const oldest = series.keys().next().value;
      if (oldest !== undefined) series.delete(oldest);
    }
    series.set(key, { startNs, lastNs: timeNs, totals: [...deltas] });
    return [...deltas];
  }

  /** Running totals held for a tenant (for tests and self-metrics). */
  size(tenant: TenantId): number {
    return this.tenants.get(tenant)?.size ?? 0;
  }
}
