import { sql, type SqlFragment } from '../store/sql.js';
import {
  SPAN_DURATION_BUCKET_BASE,
  type Dialect,
  type Row,
  type TelemetryStore,
  type TimeRange,
} from '../store/telemetry-store.js';
import type { TenantId } from '../tenant.js';
import { toNumber } from './rows.js';
import { nsToIso } from './time.js';

/**
 * RED figures (rate, errors, duration) of services and operations. Requests are the spans that
 * a service SERVES: kind `server` or `consumer`. Latency percentiles are exact and linearly
 * interpolated between the two nearest ranks (DuckDB `quantile_cont`; ClickHouse `quantileExact`
 * family in its dialect): with sorted durations x[0..n-1], p = x[floor(h)] + (h − floor(h)) ·
 * (x[floor(h)+1] − x[floor(h)]) where h = (n − 1)·q.
 */
export interface RedFigures {
  /** Server + consumer spans in the range. */
  requests: number;
  /** Requests per second over the whole range. */
  requestRate: number;
  /** Requests with status error. */
  requestErrors: number;
  /** requestErrors / requests; null without requests. */
  errorRate: number | null;
  /** Nanoseconds; null without requests. */
  p50Ns: number | null;
  p95Ns: number | null;
  p99Ns: number | null;
}

export interface ServiceSummary extends RedFigures {
  name: string;
  /** Every span of the service (any kind). */
  spanCount: number;
  /** Spans of any kind with status error. */
  errorCount: number;
  logCount: number;
}

export interface OperationSummary extends RedFigures {
  name: string;
  spanCount: number;
  errorCount: number;
}

const IS_REQUEST = sql`kind IN ('server', 'consumer')`;
const IS_ERROR = sql`status_code = 'error'`;

/** The aggregate columns shared by every RED query. */
function redAggregates(dialect: Dialect): SqlFragment {
  const latency = sql`CASE WHEN ${IS_REQUEST} THEN duration_ns END`;
  return sql`count(*) AS span_count,
    sum(CASE WHEN ${IS_ERROR} THEN 1 ELSE 0 END) AS error_count,
    sum(CASE WHEN ${IS_REQUEST} THEN 1 ELSE 0 END) AS requests,
    sum(CASE WHEN ${IS_REQUEST} AND ${IS_ERROR} THEN 1 ELSE 0 END) AS request_errors,
    ${dialect.quantile(latency, 0.5)} AS p50,
    ${dialect.quantile(latency, 0.95)} AS p95,
    ${dialect.quantile(latency, 0.99)} AS p99`;
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

function rangeSeconds(range: TimeRange): number {
  return Number(range.toNs - range.fromNs) / 1e9;
}

function redFigures(row: Row, seconds: number): RedFigures {
  const requests = toNumber(row.requests);
  const requestErrors = toNumber(row.request_errors);
  return {
    requests,
    requestRate: requests / seconds,
    requestErrors,
    errorRate: requests === 0 ? null : requestErrors / requests,
    p50Ns: requests === 0 ? null : nullableNumber(row.p50),
    p95Ns: requests === 0 ? null : nullableNumber(row.p95),
    p99Ns: requests === 0 ? null : nullableNumber(row.p99),
  };
}

/**
 * Percentiles (0..1) of the durations counted in logarithmic buckets (`ScopedSources.spanSlabs`),
 * with the same interpolation between ranks as the exact ones. Each bucket stands for its
 * geometric middle γ^(b+½), within γ^½ − 1 < 1% of every duration in it, so each percentile is
 * within 1% of the exact one.
 */
export function bucketQuantiles(counts: ReadonlyMap<number, number>, qs: readonly number[]) {
  const buckets = [...counts.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, n]) => sum + n, 0);
  const valueAt = (rank: number): number => {
    let seen = 0;
    for (const [bucket, n] of buckets) {
      seen += n;
      if (rank < seen) return bucket < 0 ? 0 : SPAN_DURATION_BUCKET_BASE ** (bucket + 0.5);
    }
    return NaN;
  };
  return qs.map((q) => {
    if (total === 0) return null;
    const h = (total - 1) * q;
    const lo = Math.floor(h);
    const low = valueAt(lo);
    return low + (h - lo) * (valueAt(Math.min(lo + 1, total - 1)) - low);
  });
}

/**
 * Rows shaped like `redAggregates` per service: from the store's RED rollup when it keeps one
 * (percentiles then within 1%, see `bucketQuantiles`), otherwise from the spans (exact).
 */
async function spanRedByService(
  store: TelemetryStore,
  tenant: TenantId,
  range: TimeRange,
): Promise<Row[]> {
  let rolledUp = false;
  const rows = await store.query(tenant, range, (s) => {
    if (!s.spanSlabs) {
      return sql`SELECT service_name AS name, ${redAggregates(store.dialect)} FROM ${s.spans} GROUP BY service_name`;
    }
    rolledUp = true;
    return sql`SELECT service_name AS name, is_request, is_error, bucket, sum(n) AS n
      FROM ${s.spanSlabs} AS r GROUP BY ALL`;
  });
  if (!rolledUp) return rows;
  const byName = new Map<string, { row: Row; buckets: Map<number, number> }>();
  for (const r of rows) {
    const name = r.name as string;
    let entry = byName.get(name);
    if (!entry) {
      entry = {
        row: { name, span_count: 0, error_count: 0, requests: 0, request_errors: 0 },
        buckets: new Map(),
      };
      byName.set(name, entry);
    }
    const n = toNumber(r.n);
    const { row } = entry;
    row.span_count = (row.span_count as number) + n;
    if (r.is_error === true) row.error_count = (row.error_count as number) + n;
    if (r.is_request === true) {
      row.requests = (row.requests as number) + n;
      if (r.is_error === true) row.request_errors = (row.request_errors as number) + n;
      const bucket = toNumber(r.bucket);
      entry.buckets.set(bucket, (entry.buckets.get(bucket) ?? 0) + n);
    }
  }
  return [...byName.values()].map(({ row, buckets }) => {
    const [p50, p95, p99] = bucketQuantiles(buckets, [0.5, 0.95, 0.99]);
    return { ...row, p50, p95, p99 };
  });
}

/** Services seen in the range (in spans or logs) with their RED figures and counts. */
export async function listServices(
  store: TelemetryStore,
  tenant: TenantId,
  range: TimeRange,
): Promise<ServiceSummary[]> {
  // Two queries merged here rather than a CTE with outer joins (ClickHouse 18.16 has neither).
  const [redRows, logRows] = await Promise.all([
    spanRedByService(store, tenant, range),
    store.query(tenant, range, (s) =>
      s.logMinutes
        ? sql`SELECT service_name AS name, sum(n) AS log_count FROM ${s.logMinutes} AS m GROUP BY service_name`
        : sql`SELECT service_name AS name, count(*) AS log_count FROM ${s.logs} GROUP BY service_name`,
    ),
  ]);
  const byName = new Map<string, Row>();
  for (const r of redRows) byName.set(r.name as string, { ...r });
  for (const r of logRows) {
    const name = r.name as string;
    byName.set(name, { ...(byName.get(name) ?? { name }), log_count: r.log_count });
  }
  const rows = [...byName.values()].sort((a, b) =>
    (a.name as string) < (b.name as string) ? -1 : (a.name as string) > (b.name as string) ? 1 : 0,
  );
  const seconds = rangeSeconds(range);
  return rows.map((r) => ({
    name: r.name as string,
    spanCount: toNumber(r.span_count),
    errorCount: toNumber(r.error_count),
    logCount: toNumber(r.log_count),
    ...redFigures(r, seconds),
  }));
}

/** A service's operations (span names) in the range with their RED figures, by name. */
export async function listOperations(
  store: TelemetryStore,
  tenant: TenantId,
  service: string,
  range: TimeRange,
  limit: number,
): Promise<OperationSummary[]> {
  const { dialect } = store;
  const rows = await store.query(
    tenant,
    range,
    (s) => sql`SELECT name, ${redAggregates(dialect)} FROM ${s.spans}
      WHERE service_name = ${service} GROUP BY name ORDER BY name LIMIT ${limit}`,
  );
  const seconds = rangeSeconds(range);
  return rows.map((r) => ({
    name: r.name as string,
    spanCount: toNumber(r.span_count),
    errorCount: toNumber(r.error_count),
    ...redFigures(r, seconds),
  }));
}

export interface SeriesPoint extends RedFigures {
  /** Bucket start. */
  timeUnixNano: string;
  time: string;
}

export interface ServiceSeries {
  service: string;
  stepNs: string;
  points: SeriesPoint[];
}

const NICE_STEPS_S = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
];
export const MAX_SERIES_BUCKETS = 2000;

/** The smallest "nice" step giving at most ~60 buckets over the range. */
export function autoStepNs(range: TimeRange, buckets = 60): bigint {
  const ideal = Number(range.toNs - range.fromNs) / 1e9 / buckets;
  const step = NICE_STEPS_S.find((s) => s >= ideal) ?? Math.ceil(ideal / 86400) * 86400;
  return BigInt(step) * 1_000_000_000n;
}

/** RED figures of a service's requests per time bucket [from + i·step, from + (i+1)·step). */
export async function serviceSeries(
  store: TelemetryStore,
  tenant: TenantId,
  service: string,
  range: TimeRange,
  stepNs: bigint,
): Promise<ServiceSeries> {
  const { dialect } = store;
  const bucketCount = Number((range.toNs - range.fromNs + stepNs - 1n) / stepNs);
  const rows = await store.query(tenant, range, (s) => {
    const bucket = dialect.intDiv(sql`(start_time_unix_nano - ${range.fromNs})`, sql`${stepNs}`);
    return sql`SELECT ${bucket} AS bucket, ${redAggregates(dialect)} FROM ${s.spans}
      WHERE service_name = ${service} AND ${IS_REQUEST} GROUP BY bucket ORDER BY bucket`;
  });
  const byBucket = new Map(rows.map((r) => [toNumber(r.bucket), r]));
  const points: SeriesPoint[] = [];
  for (let i = 0; i < bucketCount; i++) {
    const startNs = range.fromNs + BigInt(i) * stepNs;
    const endNs = startNs + stepNs < range.toNs ? startNs + stepNs : range.toNs;
    const row = byBucket.get(i) ?? { requests: 0, request_errors: 0 };
    points.push({
      timeUnixNano: startNs.toString(),
      time: nsToIso(startNs),
      ...redFigures(row, Number(endNs - startNs) / 1e9),
    });
  }
  return { service, stepNs: stepNs.toString(), points };
}
