import { sql } from '../store/sql.js';
import type { Row, TelemetryStore, TimeRange } from '../store/telemetry-store.js';
import type { TenantId } from '../tenant.js';
import { parseJsonColumn, toBigInt, toNumber } from './rows.js';

export interface MetricSummary {
  name: string;
  type: string;
  unit: string;
  description: string;
  seriesCount: number;
  pointCount: number;
}

/** Metric names seen in the range with their type, unit and number of series. */
export async function listMetrics(
  store: TelemetryStore,
  tenant: TenantId,
  range: TimeRange,
): Promise<MetricSummary[]> {
  const { dialect } = store;
  const rows = await store.query(
    tenant,
    range,
    (s) => sql`SELECT metric_name, metric_type, unit, max(description) AS description,
        ${dialect.countDistinct(sql`resource_attributes || attributes`)} AS series_count,
        count(*) AS point_count
      FROM ${s.metric_points} GROUP BY metric_name, metric_type, unit ORDER BY metric_name, metric_type`,
  );
  return rows.map((r) => ({
    name: r.metric_name as string,
    type: r.metric_type as string,
    unit: r.unit as string,
    description: r.description as string,
    seriesCount: toNumber(r.series_count),
    pointCount: toNumber(r.point_count),
  }));
}

export interface ApiMetricPoint {
  timeUnixNano: string;
  startTimeUnixNano: string;
  /** Gauge and sum points. */
  value?: number | null;
  count?: number;
  sum?: number | null;
  min?: number | null;
  max?: number | null;
  bucketCounts?: number[];
  explicitBounds?: number[];
  scale?: number;
  zeroCount?: number;
  positive?: { offset: number; bucketCounts: number[] };
  negative?: { offset: number; bucketCounts: number[] };
  quantiles?: { quantile: number; value: number }[];
  exemplars?: unknown[];
}

export interface ApiMetricSeries {
  serviceName: string;
  resource: Record<string, unknown>;
  attributes: Record<string, unknown>;
  points: ApiMetricPoint[];
}

export interface ApiMetric {
  name: string;
  type: string;
  unit: string;
  description: string;
  temporality: string;
  isMonotonic: boolean;
  series: ApiMetricSeries[];
  /** True when the point limit cut the answer short. */
  truncated: boolean;
}

/** Non-finite doubles (NaN: absent) become null so the answer stays valid JSON. */
function finiteOrNull(value: unknown): number | null {
  const n = toNumber(value);
  return Number.isFinite(n) ? n : null;
}

function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.map(toNumber) : [];
}

function toApiPoint(row: Row): ApiMetricPoint {
  const point: ApiMetricPoint = {
    timeUnixNano: toBigInt(row.time_unix_nano).toString(),
    startTimeUnixNano: toBigInt(row.start_time_unix_nano).toString(),
  };
  const exemplars = parseJsonColumn<unknown[]>(row.exemplars, []);
  if (exemplars.length > 0) point.exemplars = exemplars;
  switch (row.metric_type) {
    case 'gauge':
    case 'sum':
      point.value = finiteOrNull(row.value);
      return point;
    case 'histogram':
      return {
        ...point,
        count: toNumber(row.count),
        sum: finiteOrNull(row.sum),
        min: finiteOrNull(row.min),
        max: finiteOrNull(row.max),
        bucketCounts: numbers(row.bucket_counts),
        explicitBounds: numbers(row.explicit_bounds),
      };
    case 'exponential_histogram':
      return {
        ...point,
        count: toNumber(row.count),
        sum: finiteOrNull(row.sum),
        min: finiteOrNull(row.min),
        max: finiteOrNull(row.max),
        scale: toNumber(row.exp_scale),
        zeroCount: toNumber(row.exp_zero_count),
        positive: {
          offset: toNumber(row.exp_positive_offset),
          bucketCounts: numbers(row.exp_positive_bucket_counts),
        },
        negative: {
          offset: toNumber(row.exp_negative_offset),
          bucketCounts: numbers(row.exp_negative_bucket_counts),
        },
      };
    default: {
      const quantiles = numbers(row.quantiles);
      const values = numbers(row.quantile_values);
      return {
        ...point,
        count: toNumber(row.count),
        sum: finiteOrNull(row.sum),
        quantiles: quantiles.map((quantile, i) => ({ quantile, value: values[i] ?? NaN })),
      };
    }
  }
}

/** One metric's series and points in the range, oldest point first; null if it has none. */
export async function getMetric(
  store: TelemetryStore,
  tenant: TenantId,
  name: string,
  range: TimeRange,
  maxPoints: number,
): Promise<ApiMetric | null> {
  const rows = await store.query(
    tenant,
    range,
    (s) => sql`SELECT * FROM ${s.metric_points} WHERE metric_name = ${name}
      ORDER BY service_name, resource_attributes, attributes, time_unix_nano LIMIT ${maxPoints + 1}`,
  );
  if (rows.length === 0) return null;
  const truncated = rows.length > maxPoints;
  const kept = truncated ? rows.slice(0, maxPoints) : rows;
  const series = new Map<string, ApiMetricSeries>();
  for (const row of kept) {
    const key = `${row.resource_attributes as string}${row.attributes as string}`;
    let entry = series.get(key);
    if (!entry) {
      entry = {
        serviceName: row.service_name as string,
        resource: parseJsonColumn(row.resource_attributes, {}),
        attributes: parseJsonColumn(row.attributes, {}),
        points: [],
      };
      series.set(key, entry);
    }
    entry.points.push(toApiPoint(row));
  }
  const first = kept[0]!;
  return {
    name,
    type: first.metric_type as string,
    unit: first.unit as string,
    description: first.description as string,
    temporality: first.temporality as string,
    isMonotonic: first.is_monotonic === true,
    series: [...series.values()],
    truncated,
  };
}
