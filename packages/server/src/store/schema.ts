import type { LogBatch, MetricPointBatch, SpanBatch } from '../telemetry/batches.js';
import type {
  PromExemplarBatch,
  PromMetadataBatch,
  PromSampleBatch,
  PromSeriesBatch,
} from '../telemetry/prom-batches.js';

/**
 * The stored columns of each signal, in one dialect-neutral list that drives table creation,
 * appending and reading for every backend. The `tenant` column is added by the store and is not
 * part of a batch.
 */

export type ColumnType =
  | 'string'
  | 'nullable_string'
  | 'int64'
  | 'nullable_int32'
  | 'uint8'
  | 'uint32'
  | 'float64'
  | 'nullable_float64'
  | 'bool'
  | 'float64_list';

export interface ColumnDef<B> {
  name: string;
  type: ColumnType;
  /** The batch column holding this column's values. */
  read: (batch: B) => ArrayLike<unknown>;
}

function col<B>(
  name: string,
  type: ColumnType,
  read: (batch: B) => ArrayLike<unknown>,
): ColumnDef<B> {
  return { name, type, read };
}

export const SPAN_COLUMNS: readonly ColumnDef<SpanBatch>[] = [
  col('trace_id', 'string', (b) => b.traceId),
  col('span_id', 'string', (b) => b.spanId),
  col('parent_span_id', 'string', (b) => b.parentSpanId),
  col('trace_state', 'string', (b) => b.traceState),
  col('name', 'string', (b) => b.name),
  col('kind', 'string', (b) => b.kind),
  col('service_name', 'string', (b) => b.serviceName),
  col('start_time_unix_nano', 'int64', (b) => b.startTimeUnixNano),
  col('end_time_unix_nano', 'int64', (b) => b.endTimeUnixNano),
  col('duration_ns', 'int64', (b) => b.durationNs),
  col('status_code', 'string', (b) => b.statusCode),
  col('status_message', 'string', (b) => b.statusMessage),
  col('http_method', 'nullable_string', (b) => b.httpMethod),
  col('http_route', 'nullable_string', (b) => b.httpRoute),
  col('http_status_code', 'nullable_int32', (b) => b.httpStatusCode),
  col('db_system', 'nullable_string', (b) => b.dbSystem),
  col('messaging_system', 'nullable_string', (b) => b.messagingSystem),
  col('peer_service', 'nullable_string', (b) => b.peerService),
  col('server_address', 'nullable_string', (b) => b.serverAddress),
  col('environment', 'nullable_string', (b) => b.environment),
  col('resource_attributes', 'string', (b) => b.resourceAttributes),
  col('attributes', 'string', (b) => b.attributes),
  col('events', 'string', (b) => b.events),
  col('links', 'string', (b) => b.links),
  col('scope_name', 'string', (b) => b.scopeName),
  col('scope_version', 'string', (b) => b.scopeVersion),
];

export const LOG_COLUMNS: readonly ColumnDef<LogBatch>[] = [
  col('time_unix_nano', 'int64', (b) => b.timeUnixNano),
  col('observed_time_unix_nano', 'int64', (b) => b.observedTimeUnixNano),
  col('severity_number', 'uint8', (b) => b.severityNumber),
  col('severity_text', 'string', (b) => b.severityText),
  col('body', 'string', (b) => b.body),
  col('trace_id', 'string', (b) => b.traceId),
  col('span_id', 'string', (b) => b.spanId),
  col('flags', 'uint32', (b) => b.flags),
  col('event_name', 'string', (b) => b.eventName),
  col('service_name', 'string', (b) => b.serviceName),
  col('environment', 'nullable_string', (b) => b.environment),
  col('resource_attributes', 'string', (b) => b.resourceAttributes),
  col('attributes', 'string', (b) => b.attributes),
  col('scope_name', 'string', (b) => b.scopeName),
  col('scope_version', 'string', (b) => b.scopeVersion),
];

export const METRIC_POINT_COLUMNS: readonly ColumnDef<MetricPointBatch>[] = [
  col('metric_name', 'string', (b) => b.metricName),
  col('description', 'string', (b) => b.description),
  col('unit', 'string', (b) => b.unit),
  col('metric_type', 'string', (b) => b.metricType),
  col('temporality', 'string', (b) => b.temporality),
  col('is_monotonic', 'bool', (b) => b.isMonotonic),
  col('service_name', 'string', (b) => b.serviceName),
  col('resource_attributes', 'string', (b) => b.resourceAttributes),
  col('scope_name', 'string', (b) => b.scopeName),
  col('scope_version', 'string', (b) => b.scopeVersion),
  col('attributes', 'string', (b) => b.attributes),
  col('start_time_unix_nano', 'int64', (b) => b.startTimeUnixNano),
  col('time_unix_nano', 'int64', (b) => b.timeUnixNano),
  col('value', 'float64', (b) => b.value),
  col('count', 'float64', (b) => b.count),
  col('sum', 'float64', (b) => b.sum),
  col('min', 'float64', (b) => b.min),
  col('max', 'float64', (b) => b.max),
  col('bucket_counts', 'float64_list', (b) => b.bucketCounts),
  col('explicit_bounds', 'float64_list', (b) => b.explicitBounds),
  col('exp_scale', 'nullable_int32', (b) => b.expScale),
  col('exp_zero_count', 'nullable_float64', (b) => b.expZeroCount),
  col('exp_positive_offset', 'nullable_int32', (b) => b.expPositiveOffset),
  col('exp_positive_bucket_counts', 'float64_list', (b) => b.expPositiveBucketCounts),
  col('exp_negative_offset', 'nullable_int32', (b) => b.expNegativeOffset),
  col('exp_negative_bucket_counts', 'float64_list', (b) => b.expNegativeBucketCounts),
  col('quantiles', 'float64_list', (b) => b.quantiles),
  col('quantile_values', 'float64_list', (b) => b.quantileValues),
  col('exemplars', 'string', (b) => b.exemplars),
  col('flags', 'uint32', (b) => b.flags),
];

/** The Prometheus model (docs/adr/0004-metrics-model.md); times are Unix milliseconds. */
export const PROM_SERIES_COLUMNS: readonly ColumnDef<PromSeriesBatch>[] = [
  col('series_id', 'int64', (b) => b.seriesId),
  col('metric_name', 'string', (b) => b.metricName),
  col('labels', 'string', (b) => b.labels),
  col('day_ms', 'int64', (b) => b.dayMs),
];

export const PROM_SAMPLE_COLUMNS: readonly ColumnDef<PromSampleBatch>[] = [
  col('series_id', 'int64', (b) => b.seriesId),
  col('time_ms', 'int64', (b) => b.timeMs),
  col('value', 'float64', (b) => b.value),
];

export const PROM_EXEMPLAR_COLUMNS: readonly ColumnDef<PromExemplarBatch>[] = [
  col('series_id', 'int64', (b) => b.seriesId),
  col('time_ms', 'int64', (b) => b.timeMs),
  col('value', 'float64', (b) => b.value),
  col('labels', 'string', (b) => b.labels),
];

export const PROM_METADATA_COLUMNS: readonly ColumnDef<PromMetadataBatch>[] = [
  col('metric_name', 'string', (b) => b.metricName),
  col('metric_type', 'string', (b) => b.metricType),
  col('help', 'string', (b) => b.help),
  col('unit', 'string', (b) => b.unit),
  col('day_ms', 'int64', (b) => b.dayMs),
];

export type Signal =
  | 'spans'
  | 'logs'
  | 'metric_points'
  | 'prom_series'
  | 'prom_samples'
  | 'prom_exemplars'
  | 'prom_metadata';
export const SIGNALS: readonly Signal[] = [
  'spans',
  'logs',
  'metric_points',
  'prom_series',
  'prom_samples',
  'prom_exemplars',
  'prom_metadata',
];

/** The column that places a row in time (and so in a day partition). */
export const TIME_COLUMN: Record<Signal, string> = {
  spans: 'start_time_unix_nano',
  logs: 'time_unix_nano',
  metric_points: 'time_unix_nano',
  prom_series: 'day_ms',
  prom_samples: 'time_ms',
  prom_exemplars: 'time_ms',
  prom_metadata: 'day_ms',
};

/** Units of the time column per day: nanoseconds for OTLP signals, milliseconds for Prometheus'. */
export const TIME_UNITS_PER_DAY: Record<Signal, bigint> = {
  spans: 86_400_000_000_000n,
  logs: 86_400_000_000_000n,
  metric_points: 86_400_000_000_000n,
  prom_series: 86_400_000n,
  prom_samples: 86_400_000n,
  prom_exemplars: 86_400_000n,
  prom_metadata: 86_400_000n,
};

/**
 * A nanosecond range in a signal's time unit: [from, to) widened outward to whole units. For the
 * day-keyed Prometheus index and metadata, widened to whole UTC days (a row stands for its day).
 */
export function timeBoundsOf(
  signal: Signal,
  fromNs: bigint,
  toNs: bigint,
): { from: bigint; to: bigint } {
  const perDay = TIME_UNITS_PER_DAY[signal];
  const nsPerUnit = NS_PER_DAY / perDay;
  let from = floorDiv(fromNs, nsPerUnit);
  let to = -floorDiv(-toNs, nsPerUnit);
  if (signal === 'prom_series' || signal === 'prom_metadata') {
    from = floorDiv(from, perDay) * perDay;
    to = -floorDiv(-to, perDay) * perDay;
  }
  return { from, to };
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/**
 * Sort order of sealed data. Spans are sorted by trace id so that a trace's spans sit together
 * (the DuckDB store puts 10-minute time slabs first for spans and logs: duckdb/seal-order.ts); logs and metric
 * points by what their queries filter on first, then time.
 */
export const SEAL_ORDER: Record<Signal, readonly string[]> = {
  spans: ['trace_id', 'start_time_unix_nano'],
  logs: ['service_name', 'time_unix_nano'],
  metric_points: ['metric_name', 'service_name', 'attributes', 'time_unix_nano'],
  prom_series: ['metric_name', 'series_id'],
  // Within a time bucket (SEAL_TIME_BUCKET) by series id then time: one series' samples of a
  // bucket are contiguous (delta-encoded time, similar values), and row-group statistics on
  // time_ms skip the buckets a query's window does not touch.
  prom_samples: ['series_id', 'time_ms'],
  prom_exemplars: ['series_id', 'time_ms'],
  prom_metadata: ['metric_name'],
};

/**
 * Sealed rows of these signals are ordered by `time column // bucket` before SEAL_ORDER. For
 * spans and logs, 10-minute slabs (ADR 10); for
 * samples (sorted by series id otherwise, so every row group spans the whole day): a 2 h
 * dashboard window reads the row groups of one or two buckets instead of the whole day.
 */
export const SEAL_TIME_BUCKET: Partial<Record<Signal, bigint>> = {
  // 10-minute slabs (ns): see store/duckdb/seal-order.ts.
  spans: 600_000_000_000n,
  logs: 600_000_000_000n,
  prom_samples: 7_200_000n,
};

/** Rows per Parquet row group: small for spans, so a trace-id lookup reads little. */
export const SEAL_ROW_GROUP_SIZE: Record<Signal, number> = {
  spans: 16_384,
  logs: 100_000,
  metric_points: 100_000,
  prom_series: 100_000,
  // DuckDB's default: measured smaller than 1M-row groups for samples (1.70 vs 2.77 B/sample).
  prom_samples: 122_880,
  prom_exemplars: 100_000,
  prom_metadata: 100_000,
};

/** Rows sealed from the hot table once per part (the day-keyed index is written distinct). */
export const SEAL_DISTINCT: Record<Signal, boolean> = {
  spans: false,
  logs: false,
  metric_points: false,
  prom_series: true,
  prom_samples: false,
  prom_exemplars: false,
  prom_metadata: true,
};

export const NS_PER_DAY = 86_400_000_000_000n;
