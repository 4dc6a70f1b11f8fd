import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listServices } from '../../query/services.js';
import { parseTenantId } from '../../tenant.js';
import { spanBatchFromRows, type SpanRow } from '../../telemetry/batch-from-rows.js';
import type { SpanKind } from '../../telemetry/batches.js';
import { sql } from '../sql.js';
import type { Row, TimeRange } from '../telemetry-store.js';
import { DuckDbTelemetryStore } from './duckdb-telemetry-store.js';
import { SEAL_SLAB_NS } from './seal-order.js';

const tenant = parseTenantId('default');
const other = parseTenantId('other');
const SECOND = 1_000_000_000n;
const MINUTE = 60n * SECOND;
// A whole slab some hours ago; a span every 13.7 s from there on, for about 90 minutes.
const BASE = ((BigInt(Date.now()) * 1_000_000n) / SEAL_SLAB_NS - 30n) * SEAL_SLAB_NS;
const KINDS: SpanKind[] = ['server', 'client', 'consumer', 'internal', 'server'];

function spans(count: number, offset: number): SpanRow[] {
  return Array.from({ length: count }, (_, j) => {
    const i = j + offset;
    const start = BASE + BigInt(i) * 13_700_000_000n;
    // Long-tailed durations from 0 to ~3 s, some exactly 0.
    const durationNs =
      i % 37 === 0 ? 0n : BigInt(Math.round(1e5 * Math.exp(((i * 7919) % 1000) / 100)));
    return {
      traceId: (i + 1).toString(16).padStart(32, '0'),
      spanId: (i + 1).toString(16).padStart(16, '0'),
      name: `op-${i % 3}`,
      kind: KINDS[i % KINDS.length]!,
      serviceName: ['api', 'web'][i % 2]!,
      startTimeUnixNano: start,
      endTimeUnixNano: start + durationNs,
      statusCode: i % 11 === 0 ? 'error' : 'unset',
    };
  });
}

/** Exact quantile with linear interpolation between ranks (as DuckDB's quantile_cont). */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

const key = (r: Row) =>
  [r.service_name, r.name, r.is_request, r.is_error].map((v) => String(v)).join('|');
function counts(result: Row[]): Record<string, number> {
  const totals = new Map<string, number>();
  for (const r of result) totals.set(key(r), (totals.get(key(r)) ?? 0) + Number(r.n));
  return Object.fromEntries([...totals].sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe('span RED rollup (DuckDB)', () => {
  let dir = '';
  let store: DuckDbTelemetryStore;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-span-slabs-'));
    store = await DuckDbTelemetryStore.open({ dataDir: dir, readerConnections: 2 });
    // Two sealed parts and hot rows, interleaved in time; another tenant's spans in the same slabs.
    await store.write([{ tenant, spans: spanBatchFromRows(spans(200, 0)) }]);
    await store.write([{ tenant: other, spans: spanBatchFromRows(spans(150, 5)) }]);
    await store.maintain({ sealAll: true });
    await store.write([{ tenant, spans: spanBatchFromRows(spans(200, 200)) }]);
    await store.maintain({ sealAll: true });
    await store.write([{ tenant, spans: spanBatchFromRows(spans(100, 100)) }]);
  });

  afterAll(async () => {
    await store.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function compare(range: TimeRange | null) {
    const fromRollup = await store.query(tenant, range, (s) => {
      expect(s.spanSlabs).toBeDefined();
      return sql`SELECT * FROM ${s.spanSlabs!} AS r`;
    });
    const fromRows = await store.query(
      tenant,
      range,
      (s) => sql`SELECT service_name, name, kind IN ('server', 'consumer') AS is_request,
        status_code = 'error' AS is_error, count(*) AS n FROM ${s.spans} GROUP BY ALL`,
    );
    expect(fromRows.length).toBeGreaterThan(0);
    expect(counts(fromRollup)).toEqual(counts(fromRows));
  }

  it('counts exactly what the spans count, for whole, partial and sub-slab ranges', async () => {
    await compare(null);
    await compare({ fromNs: BASE, toNs: BASE + 9n * SEAL_SLAB_NS });
    await compare({ fromNs: BASE + 17n * SECOND, toNs: BASE + 47n * MINUTE + 3n * SECOND });
    await compare({ fromNs: BASE + 21n * MINUTE, toNs: BASE + 28n * MINUTE });
  });

  it('gives the services overview exact counts and percentiles within 1%', async () => {
    const range = { fromNs: BASE + 17n * SECOND, toNs: BASE + 83n * MINUTE };
    const services = await listServices(store, tenant, range);
    const all = [...spans(200, 0), ...spans(200, 200), ...spans(100, 100)].filter(
      (s) => s.startTimeUnixNano >= range.fromNs && s.startTimeUnixNano < range.toNs,
    );
    expect(services.map((s) => s.name)).toEqual(['api', 'web']);
    for (const service of services) {
      const mine = all.filter((s) => s.serviceName === service.name);
      const requests = mine.filter((s) => s.kind === 'server' || s.kind === 'consumer');
      const durations = requests.map((s) => Number(s.endTimeUnixNano - s.startTimeUnixNano));
      expect(service.spanCount).toBe(mine.length);
      expect(service.errorCount).toBe(mine.filter((s) => s.statusCode === 'error').length);
      expect(service.requests).toBe(requests.length);
      expect(service.requestErrors).toBe(requests.filter((s) => s.statusCode === 'error').length);
      for (const [q, actual] of [
        [0.5, service.p50Ns],
        [0.95, service.p95Ns],
        [0.99, service.p99Ns],
      ] as const) {
        const exact = quantile(durations, q);
        expect(Math.abs(actual! - exact)).toBeLessThanOrEqual(exact * 0.01);
      }
    }
  });

  it('keeps counting right once the parts (and the hot rows) are merged into one', async () => {
    await store.close();
    store = await DuckDbTelemetryStore.open({ dataDir: dir, compactMinParts: 2 });
    const report = await store.maintain();
    expect(report.partsMerged).toBe(3);
    await compare(null);
    await compare({ fromNs: BASE + 17n * SECOND, toNs: BASE + 47n * MINUTE + 3n * SECOND });
  });
});
