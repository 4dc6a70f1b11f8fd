import {
  LOG_COLUMNS,
  METRIC_POINT_COLUMNS,
  PROM_EXEMPLAR_COLUMNS,
  PROM_METADATA_COLUMNS,
  PROM_SAMPLE_COLUMNS,
  PROM_SERIES_COLUMNS,
  SIGNALS,
  SPAN_COLUMNS,
  TIME_COLUMN,
  TIME_UNITS_PER_DAY,
  type ColumnDef,
  type ColumnType,
  type Signal,
} from '../schema.js';

/**
 * The ClickHouse layout of the dialect-neutral schema (store/schema.ts), written for 18.16 and
 * current releases alike: no Map, JSON, DateTime64, TTL, codecs or skipping indexes.
 *
 * - One MergeTree table per signal, PARTITION BY (tenant, day): retention and `dropDay` are
 *   `DROP PARTITION`, which frees the disk at once. `day` is a MATERIALIZED column (UTC days
 *   since the epoch, from the row's time) so `SELECT *` does not return it.
 * - ORDER BY what queries filter on first: spans and logs by (tenant, service, time), metric
 *   points by (tenant, metric, service, time).
 * - Attribute maps: the JSON text (what rows return) plus `<map>_keys` / `<map>_values` arrays
 *   that the dialect's attribute lookups read (see clickhouse-dialect.ts).
 * - `trace_index` (fed by a materialized view on every span insert, so no second write):
 *   (tenant, trace_id) → first/last span start per day; `locateTrace` reads it through its
 *   primary key so trace-by-id reads only the days and services of that trace.
 * - `_write_id`: the id of the `write()` a row came from, so that a retried or half-done write
 *   can be checked and undone exactly (see the store).
 */

export const ATTRIBUTE_MAPS = ['resource_attributes', 'attributes'] as const;

/** Low-cardinality string columns stored as `LowCardinality(String)`. */
const LOW_CARDINALITY = new Set([
  'kind',
  'service_name',
  'status_code',
  'severity_text',
  'metric_type',
  'temporality',
  'scope_name',
  'scope_version',
  'unit',
]);

const TYPE: Record<ColumnType, string> = {
  string: 'String',
  nullable_string: 'Nullable(String)',
  int64: 'Int64',
  nullable_int32: 'Nullable(Int32)',
  uint8: 'UInt8',
  uint32: 'UInt32',
  float64: 'Float64',
  nullable_float64: 'Nullable(Float64)',
  bool: 'UInt8',
  float64_list: 'Array(Float64)',
};

export const CLICKHOUSE_COLUMNS: Record<
  Signal,
  readonly Pick<ColumnDef<never>, 'name' | 'type'>[]
> = {
  spans: SPAN_COLUMNS,
  logs: LOG_COLUMNS,
  metric_points: METRIC_POINT_COLUMNS,
  prom_series: PROM_SERIES_COLUMNS,
  prom_samples: PROM_SAMPLE_COLUMNS,
  prom_exemplars: PROM_EXEMPLAR_COLUMNS,
  prom_metadata: PROM_METADATA_COLUMNS,
};

/** Columns of the signal that are stored as `UInt8` but mean true/false. */
export const BOOL_COLUMNS = new Set(
  SIGNALS.flatMap((s) => CLICKHOUSE_COLUMNS[s].filter((c) => c.type === 'bool').map((c) => c.name)),
);

export function isAttributeMap(name: string): boolean {
  return (ATTRIBUTE_MAPS as readonly string[]).includes(name);
}

function columnType(name: string, type: ColumnType): string {
  return LOW_CARDINALITY.has(name) && type === 'string' ? 'LowCardinality(String)' : TYPE[type];
}

/** Every column a signal's table has, in insert order (without the MATERIALIZED `day`). */
export function storedColumns(signal: Signal): { name: string; type: string }[] {
  const out = [{ name: 'tenant', type: 'String' }];
  for (const c of CLICKHOUSE_COLUMNS[signal]) {
    out.push({ name: c.name, type: columnType(c.name, c.type) });
    if (isAttributeMap(c.name)) {
      out.push({ name: `${c.name}_keys`, type: 'Array(String)' });
      out.push({ name: `${c.name}_values`, type: 'Array(Nullable(String))' });
    }
  }
  if (signal === 'prom_samples') out.push({ name: STALE_COLUMN, type: 'UInt8' });
  out.push({ name: '_write_id', type: 'UInt64' });
  return out;
}

/**
 * `prom_samples.stale`: 1 where the sample is Prometheus' staleness marker. ClickHouse keeps no
 * NaN payload (the marker is a NaN with payload 2), so the flag carries it; StoreSeriesSource
 * restores the marker's exact bits from it (TelemetryStore.promStaleFlags).
 */
export const STALE_COLUMN = 'stale';

/**
 * The columns a query sees (all but `tenant`, `_write_id` and `day`), as select-list text.
 * LowCardinality columns are read as plain String: 18.16 refuses LowCardinality inside Nullable,
 * which any outer join or CASE … ELSE NULL over them would need.
 */
export function visibleColumns(signal: Signal): string[] {
  return storedColumns(signal)
    .filter((c) => c.name !== 'tenant' && c.name !== '_write_id')
    .map((c) =>
      c.type.startsWith('LowCardinality(')
        ? `CAST(\`${c.name}\` AS String) AS \`${c.name}\``
        : `\`${c.name}\``,
    );
}

export const ORDER_BY: Record<Signal, readonly string[]> = {
  spans: ['tenant', 'service_name', 'start_time_unix_nano'],
  logs: ['tenant', 'service_name', 'time_unix_nano'],
  metric_points: ['tenant', 'metric_name', 'service_name', 'time_unix_nano'],
  // The Prometheus model (docs/adr/0004-metrics-model.md): the series index by metric name, the
  // samples by series then time (a range scan per series); series and metadata rows repeat per
  // day and write, and readers take them DISTINCT as on DuckDB.
  prom_series: ['tenant', 'metric_name', 'series_id'],
  prom_samples: ['tenant', 'series_id', 'time_ms'],
  prom_exemplars: ['tenant', 'series_id', 'time_ms'],
  prom_metadata: ['tenant', 'metric_name'],
};

/** The OTLP signals (schema version 1); the Prometheus model came with version 2. */
const OTLP_SIGNALS: readonly Signal[] = ['spans', 'logs', 'metric_points'];
const PROM_SIGNALS: readonly Signal[] = SIGNALS.filter((s) => !OTLP_SIGNALS.includes(s));

export const TRACE_INDEX = 'trace_index';
export const DATA_TABLES: readonly string[] = [...SIGNALS, TRACE_INDEX];

export function dayExpression(signal: Signal): string {
  return `intDiv(${TIME_COLUMN[signal]}, ${TIME_UNITS_PER_DAY[signal].toString()})`;
}

/** Where tables live: one server, or local tables on every shard behind Distributed tables. */
export interface TableNames {
  /** The table rows are inserted into (the shard-local one in a cluster). */
  local(table: string): string;
  /** The table queries read (the Distributed one in a cluster). */
  read(table: string): string;
}

export function tableNames(cluster: string | undefined): TableNames {
  return cluster
    ? { local: (t) => `${t}_local`, read: (t) => t }
    : { local: (t) => t, read: (t) => t };
}

function signalTable(signal: Signal, name: string): string {
  const columns = storedColumns(signal)
    .map((c) => `  \`${c.name}\` ${c.type}`)
    .join(',\n');
  return `CREATE TABLE IF NOT EXISTS ${name} (
${columns},
  \`day\` UInt32 MATERIALIZED ${dayExpression(signal)}
) ENGINE = MergeTree
PARTITION BY (tenant, day)
ORDER BY (${ORDER_BY[signal].join(', ')})`;
}

function traceIndexTable(name: string): string {
  return `CREATE TABLE IF NOT EXISTS ${name} (
  tenant String,
  day UInt32,
  trace_id String,
  service_name LowCardinality(String),
  start_min Int64,
  start_max Int64
) ENGINE = MergeTree
PARTITION BY (tenant, day)
ORDER BY (tenant, trace_id)`;
}

function traceIndexView(target: string, source: string): string {
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${target}_mv TO ${target} AS
SELECT tenant, toUInt32(${dayExpression('spans')}) AS day, trace_id, service_name,
  min(start_time_unix_nano) AS start_min, max(start_time_unix_nano) AS start_max
FROM ${source} GROUP BY tenant, day, trace_id, service_name`;
}

function distributedTable(table: string, local: string, cluster: string, database: string) {
  // Rows are placed on shards by the writer (each write goes whole to one node), so the
  // sharding key only matters for inserts through the Distributed table, which Pharos does not do.
  return `CREATE TABLE IF NOT EXISTS ${table} AS ${local}
ENGINE = Distributed('${cluster}', '${database}', '${local}', rand())`;
}

export interface Migration {
  version: number;
  description: string;
  statements: (names: TableNames, cluster: string | undefined, database: string) => string[];
  /**
   * Columns to add to existing tables (18.16 has no ADD COLUMN IF NOT EXISTS: the store adds
   * each only where `system.columns` lacks it). Tables created by an earlier migration of a new
   * database already have them.
   */
  addColumns?: (
    names: TableNames,
    cluster: string | undefined,
  ) => { table: string; column: string; type: string }[];
}

/**
 * Versioned schema changes, applied in order at start and recorded in `pharos_migrations`.
 * Every statement is idempotent (IF NOT EXISTS), since ClickHouse DDL is not transactional: a
 * start interrupted half-way simply runs the same version again.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'signal tables, trace index',
    statements: (names, cluster, database) => {
      const out: string[] = [];
      for (const signal of OTLP_SIGNALS) out.push(signalTable(signal, names.local(signal)));
      out.push(traceIndexTable(names.local(TRACE_INDEX)));
      out.push(traceIndexView(names.local(TRACE_INDEX), names.local('spans')));
      if (cluster) {
        for (const table of [...OTLP_SIGNALS, TRACE_INDEX]) {
          out.push(distributedTable(names.read(table), names.local(table), cluster, database));
        }
      }
      return out;
    },
  },
  {
    version: 2,
    description: 'Prometheus model: series index, samples, exemplars, metadata',
    statements: (names, cluster, database) => {
      const out = PROM_SIGNALS.map((signal) => signalTable(signal, names.local(signal)));
      if (cluster) {
        for (const table of PROM_SIGNALS) {
          out.push(distributedTable(names.read(table), names.local(table), cluster, database));
        }
      }
      return out;
    },
  },
  {
    version: 3,
    description: 'staleness markers: prom_samples.stale',
    statements: () => [],
    addColumns: (names, cluster) =>
      [names.local('prom_samples'), ...(cluster ? [names.read('prom_samples')] : [])].map(
        (table) => ({ table, column: STALE_COLUMN, type: 'UInt8 DEFAULT 0' }),
      ),
  },
];
