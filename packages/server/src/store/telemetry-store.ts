import type { TenantId } from '../tenant.js';
import type {
  LogBatch,
  MetricPointBatch,
  SpanBatch,
  Utf8LogBatch,
  Utf8SpanBatch,
} from '../telemetry/batches.js';
import type {
  PromExemplarBatch,
  PromMetadataBatch,
  PromSampleBatch,
  PromSeriesBatch,
} from '../telemetry/prom-batches.js';
import type { SampleArrays } from './prom-read/group-samples.js';
import type { IndexedSeries, PromReadCacheStats } from './prom-read/prom-read-cache.js';
import type { Signal } from './schema.js';
import type { SqlFragment, SqlRenderer } from './sql.js';

/** One request's worth of decoded telemetry, owned by one tenant. */
export interface TenantBatch {
  tenant: TenantId;
  /** Decode workers hand over UTF-8 columns; a store that needs JS strings converts them. */
  spans?: SpanBatch | Utf8SpanBatch;
  logs?: LogBatch | Utf8LogBatch;
  metricPoints?: MetricPointBatch;
  /** The Prometheus model (docs/adr/0004-metrics-model.md), written with the rest atomically. */
  promSeries?: PromSeriesBatch;
  promSamples?: PromSampleBatch;
  promExemplars?: PromExemplarBatch;
  promMetadata?: PromMetadataBatch;
}

/** Half-open interval [fromNs, toNs) of Unix nanoseconds. */
export interface TimeRange {
  fromNs: bigint;
  toNs: bigint;
}

/**
 * Row sources already restricted to one tenant (and, when given, to a time range): the only
 * way a query reaches telemetry. Each is a parenthesised sub-select usable after FROM.
 */
export type ScopedSources = Record<Signal, SqlFragment> & {
  /**
   * Optional, for stores that keep a rollup of log counts (DuckDB): rows `(minute, service_name,
   * severity_number, n)` whose counts `n` sum, per minute (Unix ns of its start, a multiple of
   * 60 s), service and severity number, to exactly the number of the scoped logs. Queries that
   * need only such counts read it when present and the logs otherwise.
   */
  logMinutes?: SqlFragment;
  /**
   * Optional, for stores that keep a rollup of span RED figures (DuckDB): rows `(slab,
   * service_name, name, is_request, is_error, bucket, n)` whose counts `n` sum, per service,
   * operation (span name), request-ness (kind server or consumer), error-ness (status error) and
   * duration bucket, to exactly the number of the scoped spans. `bucket` is NULL for spans that
   * are not requests; for requests it is −1 for durations ≤ 0 and otherwise b such that the
   * duration lies in [γ^b, γ^(b+1)) ns, γ = `SPAN_DURATION_BUCKET_BASE`. `slab` is a time bucket
   * of the store's own choosing: no query may rely on it.
   */
  spanSlabs?: SqlFragment;
};

/** The ratio between consecutive duration buckets of `ScopedSources.spanSlabs`. */
export const SPAN_DURATION_BUCKET_BASE = 1.02;

export type Row = Record<string, unknown>;

/** The type of one column of a numeric query (`queryNumeric`). */
export type NumericColumnType = 'int64' | 'float64';

/**
 * A numeric query's result, column-wise: per requested column, in order, a `BigInt64Array`
 * ('int64', NULL read as 0) or a `Float64Array` ('float64', NULL read as NaN), all `length` long.
 * Float bits come through untouched (NaN payloads included).
 */
export interface NumericColumns {
  length: number;
  columns: (BigInt64Array | Float64Array)[];
}

export interface QueryOptions {
  timeoutMs?: number;
  /** What the query is known to require, so a store may skip data; never changes results. */
  hints?: QueryHints;
  /**
   * The query carries a user's SQL (already validated): the store adds whatever walls of its own
   * it has (ClickHouse: `readonly`, a result-row cap and a memory cap; DuckDB is locked down for
   * every query anyway).
   */
  guarded?: { maxRows: number };
  /** Called with the result's column names and the store's type names, in order. */
  onColumns?: (columns: { name: string; type: string }[]) => void;
}

export interface QueryHints {
  /**
   * Strings every log row the query can return contains in its body (case-insensitively, as
   * `containsIgnoreCase` tests): a store with a text index reads only blocks that may hold them.
   */
  logBodyContains?: readonly string[];
  /** Every span or log row the query can return has one of these trace ids. */
  traceIds?: readonly string[];
}

/** What a dialect offers query builders beyond standard SQL. */
export interface Dialect {
  readonly name: 'duckdb' | 'clickhouse';
  readonly renderer: SqlRenderer;
  /** Case-insensitive substring test; the needle is a bound value. */
  containsIgnoreCase(haystack: SqlFragment, needle: string): SqlFragment;
  /** The string value of `key` in a JSON attribute-map column, NULL when absent. */
  attributeString(column: SqlFragment, key: string): SqlFragment;
  /** Continuous quantile (0..1) of a numeric expression, as an aggregate. */
  quantile(expr: SqlFragment, q: number): SqlFragment;
  /** Count of distinct values of an expression, as an aggregate. */
  countDistinct(expr: SqlFragment): SqlFragment;
  /** Integer division of two integer expressions, rounding toward negative infinity for ≥ 0. */
  intDiv(dividend: SqlFragment, divisor: SqlFragment): SqlFragment;
  /** The `value` of the row with the smallest `by`, as an aggregate. */
  argMin(value: SqlFragment, by: SqlFragment): SqlFragment;
  /** The distinct non-NULL values of an expression as an array (unordered), as an aggregate. */
  distinctList(expr: SqlFragment): SqlFragment;
  /** Case-sensitive prefix test; the prefix is a bound value. */
  startsWith(haystack: SqlFragment, prefix: string): SqlFragment;
  /** A string or number expression as a double; NULL when it is not a number. */
  toDoubleOrNull(expr: SqlFragment): SqlFragment;
  /** Any scalar expression as text. */
  toText(expr: SqlFragment): SqlFragment;
  /**
   * A deterministic non-negative 63-bit integer hash of the expressions (a tiebreak for stable
   * ordering); fits a signed 64-bit integer so it can be compared with a bound value.
   */
  rowHash(exprs: readonly SqlFragment[]): SqlFragment;
  /** One row per key of a JSON attribute-map column (a set-returning select-list expression). */
  unnestAttributeKeys(column: SqlFragment): SqlFragment;
  /** Like `attributeString`, with the key given by an SQL expression instead of a value. */
  attributeStringAt(column: SqlFragment, keyExpr: SqlFragment): SqlFragment;
  /**
   * An integer value typed as a signed 64-bit integer (DuckDB types bare integer parameters as
   * HUGEINT, which makes comparisons and divisions with int64 columns many times slower).
   */
  int64(value: bigint | number): SqlFragment;
  /** The values of `expr` as an array ordered by `by` (ascending), as an aggregate. */
  orderedList(expr: SqlFragment, by: SqlFragment): SqlFragment;
}

/** A day of one tenant's data for one signal, as stored. */
export interface DayPartition {
  signal: Signal;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  rows: number;
  bytes: number;
}

export interface MaintenanceReport {
  sealedRows: number;
  partsWritten: number;
  partsMerged: number;
  daysDropped: number;
}

/**
 * Where telemetry lives. Every read and write names its tenant; implementations guarantee that
 * a query built from `ScopedSources` sees nothing of another tenant.
 */
export interface MaintainOptions {
  sealAll?: boolean;
  now?: Date;
  onSealed?: () => void;
  /**
   * Treat every day as quiet: rewrite overlapping parts now rather than after the quiet period
   * (DuckDB store, duckdb/reslab.ts). For benchmarks and tests that load a backfill and measure.
   */
  settled?: boolean;
}

export interface TelemetryStore {
  readonly dialect: Dialect;
  /**
   * Whether `prom_samples` has a `stale` column (1 for Prometheus' staleness marker), for stores
   * that do not keep NaN payloads (ClickHouse). Absent: the value's bits carry the marker.
   */
  readonly promStaleFlags?: boolean;
  /** Durably and atomically commit all batches (all or nothing) before resolving. */
  write(batches: readonly TenantBatch[]): Promise<void>;
  /**
   * Run a query built over the tenant's sources, inside one consistent snapshot. With
   * `timeoutMs`, a query still running then is interrupted and fails with `deadline_exceeded`.
   * `build` may be called more than once (the DuckDB store first learns which sources it reads):
   * it must only compose SQL.
   */
  query(
    tenant: TenantId,
    range: TimeRange | null,
    build: (sources: ScopedSources) => SqlFragment,
    options?: QueryOptions,
  ): Promise<Row[]>;
  /**
   * Optional: `query` for results made only of int64 and float64 columns (`types`, in select
   * order), returned as typed arrays without an object per row. Stores whose client can hand
   * over columns cheaply implement it; callers fall back to `query` otherwise.
   */
  queryNumeric?(
    tenant: TenantId,
    range: TimeRange | null,
    build: (sources: ScopedSources) => SqlFragment,
    types: readonly NumericColumnType[],
    options?: QueryOptions,
  ): Promise<NumericColumns>;
  /**
   * Optional, for stores with a Prometheus read path of their own (DuckDB: a cache of sealed
   * parts, docs/adr/0013-prometheus-read-cache.md): the `prom_series` index rows (series id,
   * parsed label set) of the named metrics (all metrics for null) on the UTC days that
   * [startMs, endMs] touches, deduplicated by id. Equal to reading `prom_series` through `query`.
   */
  promSeriesIndex?(
    tenant: TenantId,
    metricNames: readonly string[] | null,
    startMs: number,
    endMs: number,
    options?: QueryOptions,
  ): Promise<IndexedSeries[]>;
  /**
   * Optional, with `promSeriesIndex`: the samples of `seriesIds` (by position; undefined for a
   * series without any) in [startMs, endMs], ascending, one per instant, value bits exact (the
   * staleness marker as 0x7ff0000000000002, not quieted as SQL results bring it).
   */
  promSamples?(
    tenant: TenantId,
    seriesIds: readonly bigint[],
    startMs: number,
    endMs: number,
    options?: QueryOptions,
  ): Promise<(SampleArrays | undefined)[]>;
  /** Optional: the figures of that read path's cache (for Pharos' own metrics). */
  promCacheStats?(): PromReadCacheStats;
  /**
   * Optional, for stores that keep a trace index (ClickHouse): the time span of a trace's spans,
   * or null when the trace is unknown. Trace-by-id uses it to read only that span of time.
   */
  locateTrace?(tenant: TenantId, traceId: string): Promise<TimeRange | null>;
  /** The tenant's stored day partitions, newest first. */
  listPartitions(tenant: TenantId): Promise<DayPartition[]>;
  /** Delete one day of a tenant's data of every signal, freeing its disk space. */
  dropDay(tenant: TenantId, day: string): Promise<void>;
  /**
   * Seal recent data into its day partitions, merge small parts, apply retention. `onSealed` is
   * called once the data committed before the call is sealed (before merging and retention),
   * or at the end by stores that do not seal.
   */
  maintain(options?: MaintainOptions): Promise<MaintenanceReport>;
  /** Whether the store answers queries (for readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
