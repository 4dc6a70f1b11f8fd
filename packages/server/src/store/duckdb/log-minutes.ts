import type { DuckDBConnection } from '@duckdb/node-api';
import { raw, sql, type SqlFragment } from '../sql.js';
import type { RowReader } from './block-index.js';
import { rollupSource } from './rollup-source.js';

const toBigInt = (value: unknown): bigint =>
  typeof value === 'bigint' ? value : BigInt(String(value));

/**
 * Log counts per minute, service and severity number of every sealed log part, written with the
 * part (catalog table `log_minutes`), so that the log histogram and the per-service log counts of
 * a day read a few thousand rows instead of every record (docs/adr/0010-rollups-and-time-slabs.md).
 *
 * The counts are exact: a range is answered from the rollup for the whole minutes it covers in
 * parts that have one, and from the rows themselves for the rest (hot rows, parts sealed before
 * the rollup existed, and the partial minutes at either end of the range).
 */

export const MINUTE_NS = 60_000_000_000n;

export const LOG_MINUTES_DDL = `CREATE TABLE IF NOT EXISTS log_minutes (
  path VARCHAR NOT NULL,
  minute BIGINT NOT NULL,
  service_name VARCHAR NOT NULL,
  severity_number INTEGER NOT NULL,
  n BIGINT NOT NULL
)`;

/** One rollup row: the start of the minute (Unix ns), service, severity number and count. */
export type LogMinuteRow = [minute: bigint, service: string, severity: number, n: bigint];

const minuteOf = (column: SqlFragment) =>
  sql`(${column} // ${raw(String(MINUTE_NS))}) * ${raw(String(MINUTE_NS))}`;

/** The rollup of a just-written log part file (absolute path). */
export async function buildLogMinutes(
  rows: RowReader,
  connection: DuckDBConnection,
  file: string,
): Promise<LogMinuteRow[]> {
  const result = await rows(
    connection,
    sql`SELECT ${minuteOf(sql`time_unix_nano`)} AS minute, service_name, severity_number, count(*) AS n
      FROM read_parquet(${file}) GROUP BY ALL`,
  );
  return result.map(([minute, service, severity, n]) => [
    toBigInt(minute),
    String(service),
    Number(severity),
    toBigInt(n),
  ]);
}

/** Store a part's rollup (inside the caller's open transaction on `writer`). */
export async function recordLogMinutes(
  writer: DuckDBConnection,
  path: string,
  minutes: readonly LogMinuteRow[],
): Promise<void> {
  if (minutes.length === 0) return;
  const appender = await writer.createAppender('log_minutes');
  try {
    for (const [minute, service, severity, n] of minutes) {
      appender.appendVarchar(path);
      appender.appendBigInt(minute);
      appender.appendVarchar(service);
      appender.appendInteger(severity);
      appender.appendBigInt(n);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/**
 * A source of rows (minute, service_name, severity_number, n) counting the tenant's logs in the
 * range exactly. `rollupParts` are relative catalog paths of parts with a rollup; `rawRows(from,
 * to)` selects `time_unix_nano, service_name, severity_number` of the other rows (hot rows and
 * parts without a rollup) in [from, to) and `rollupRows(from, to)` those of the rollup parts.
 */
export function logMinutesSource(
  range: { fromNs: bigint; toNs: bigint } | null,
  rollupParts: readonly string[],
  rawRows: (from: bigint | null, to: bigint | null) => SqlFragment,
  rollupRows: (from: bigint, to: bigint) => SqlFragment | null,
): SqlFragment {
  return rollupSource({
    range,
    rollupParts,
    table: 'log_minutes',
    bucketColumn: 'minute',
    bucketNs: MINUTE_NS,
    columns: sql`minute, service_name, severity_number, n`,
    rawRows,
    rollupRows,
    countRows: (rows) =>
      sql`SELECT ${minuteOf(sql`time_unix_nano`)} AS minute, service_name, severity_number, count(*) AS n
        FROM (${rows}) AS r GROUP BY ALL`,
  });
}
