import type { DuckDBConnection } from '@duckdb/node-api';
import { raw, sql, type SqlFragment } from '../sql.js';
import type { RowReader } from './block-index.js';
import { rollupSource } from './rollup-source.js';
import { SPAN_DURATION_BUCKET_BASE } from '../telemetry-store.js';
import { SEAL_SLAB_NS } from './seal-order.js';

/**
 * RED counts of every sealed span part per 10-minute slab (the slabs parts are sorted by,
 * seal-order.ts), service and operation, written with the part (catalog table `span_slabs`):
 * spans, errors, and for requests (server and consumer spans) a histogram of durations in
 * logarithmic buckets. The services overview of a day then reads a few thousand rows instead of
 * every span (docs/adr/0010-rollups-and-time-slabs.md).
 *
 * Counts are exact. Durations are bucketed: bucket b holds [γ^b, γ^(b+1)) ns with γ = 1.02,
 * bucket −1 holds durations ≤ 0; a percentile read from buckets is within 1% of the exact one.
 * A range is answered from the rollup for the whole slabs it covers in parts that have one, and
 * from the spans themselves for the rest (hot rows, parts sealed before the rollup existed, and
 * the partial slabs at either end of the range, which row-group statistics find quickly).
 */

export const SPAN_SLABS_DDL = `CREATE TABLE IF NOT EXISTS span_slabs (
  path VARCHAR NOT NULL,
  slab BIGINT NOT NULL,
  service_name VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  is_request BOOLEAN NOT NULL,
  is_error BOOLEAN NOT NULL,
  bucket INTEGER,
  n BIGINT NOT NULL
)`;

export type SpanSlabRow = [
  slab: bigint,
  service: string,
  name: string,
  isRequest: boolean,
  isError: boolean,
  bucket: number | null,
  n: bigint,
];

const SLAB = raw(String(SEAL_SLAB_NS));
const LN_BASE = raw(String(Math.log(SPAN_DURATION_BUCKET_BASE)));

/** The columns of a rollup row computed from span rows, before counting. */
const ROLLUP_COLUMNS = sql`(start_time_unix_nano // ${SLAB}) * ${SLAB} AS slab, service_name, name,
  kind IN ('server', 'consumer') AS is_request, status_code = 'error' AS is_error,
  CASE WHEN kind IN ('server', 'consumer')
    THEN CASE WHEN duration_ns <= 0 THEN -1
      ELSE CAST(floor(ln(CAST(duration_ns AS DOUBLE)) / ${LN_BASE}) AS INTEGER) END
  END AS bucket`;

const toBigInt = (value: unknown): bigint =>
  typeof value === 'bigint' ? value : BigInt(String(value));

/** The rollup of a just-written span part file (absolute path). */
export async function buildSpanSlabs(
  rows: RowReader,
  connection: DuckDBConnection,
  file: string,
): Promise<SpanSlabRow[]> {
  const result = await rows(
    connection,
    sql`SELECT slab, service_name, name, is_request, is_error, bucket, count(*) AS n
      FROM (SELECT ${ROLLUP_COLUMNS} FROM read_parquet(${file})) AS r GROUP BY ALL`,
  );
  return result.map(([slab, service, name, isRequest, isError, bucket, n]) => [
    toBigInt(slab),
    String(service),
    String(name),
    isRequest === true,
    isError === true,
    bucket === null ? null : Number(bucket),
    toBigInt(n),
  ]);
}

/** Store a part's rollup (inside the caller's open transaction on `writer`). */
export async function recordSpanSlabs(
  writer: DuckDBConnection,
  path: string,
  slabs: readonly SpanSlabRow[],
): Promise<void> {
  if (slabs.length === 0) return;
  const appender = await writer.createAppender('span_slabs');
  try {
    for (const [slab, service, name, isRequest, isError, bucket, n] of slabs) {
      appender.appendVarchar(path);
      appender.appendBigInt(slab);
      appender.appendVarchar(service);
      appender.appendVarchar(name);
      appender.appendBoolean(isRequest);
      appender.appendBoolean(isError);
      if (bucket === null) appender.appendNull();
      else appender.appendInteger(bucket);
      appender.appendBigInt(n);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * A source of rows (slab, service_name, name, is_request, is_error, bucket, n) counting the
 * tenant's spans in the range exactly (`slab` is a time bucket, not to be relied on by queries:
 * partial slabs are counted from rows). `rawRows(from, to)` selects the span columns of the hot
 * rows and of parts without a rollup in [from, to); `rollupRows(from, to)` those of the parts
 * with one (relative paths `rollupParts`).
 */
export function spanSlabsSource(
  range: { fromNs: bigint; toNs: bigint } | null,
  rollupParts: readonly string[],
  rawRows: (from: bigint | null, to: bigint | null) => SqlFragment,
  rollupRows: (from: bigint, to: bigint) => SqlFragment | null,
): SqlFragment {
  return rollupSource({
    range,
    rollupParts,
    table: 'span_slabs',
    bucketColumn: 'slab',
    bucketNs: SEAL_SLAB_NS,
    columns: sql`slab, service_name, name, is_request, is_error, bucket, n`,
    rawRows,
    rollupRows,
    countRows: (rows) =>
      sql`SELECT slab, service_name, name, is_request, is_error, bucket, count(*) AS n
        FROM (SELECT ${ROLLUP_COLUMNS} FROM (${rows}) AS s) AS r GROUP BY ALL`,
  });
}
