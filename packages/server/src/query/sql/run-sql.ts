import { AppError, badRequest } from '../../errors.js';
import { ident, join, raw, sql, type SqlFragment } from '../../store/sql.js';
import type { ScopedSources, TelemetryStore, TimeRange } from '../../store/telemetry-store.js';
import type { Signal } from '../../store/schema.js';
import type { TenantId } from '../../tenant.js';
import { clickHouseSelect } from './clickhouse-sql.js';
import { serializeSql } from './parse-sql.js';
import { validateSerializedSql, PHAROS_TABLES } from './validate-sql.js';

/**
 * Guarded user SQL on DuckDB. The statement is parsed by DuckDB itself (`json_serialize_sql`),
 * the AST is validated (validate-sql.ts), and then turned back into SQL text by DuckDB
 * (`json_deserialize_sql`) — so what runs is the canonical text of the validated tree, free of
 * comments and quoting tricks. That text is placed under CTEs that bind `spans`, `logs` and
 * `metric_points` to the caller's tenant-scoped sources:
 *
 *   WITH spans AS (<scoped>), logs AS (<scoped>), metric_points AS (<scoped>)
 *   SELECT * FROM (<validated query>) AS _user(c0, c1, ...) LIMIT <maxRows + 1>
 *
 * The scoped sources expose no `tenant` column; a query cannot name another table.
 *
 * On ClickHouse the same text is parsed by an in-process DuckDB (parse-sql.ts) and validated by
 * the same rules; the ClickHouse SQL is then written from that tree (clickhouse-sql.ts) with the
 * caller's scoped sources in place of the tables, and run with ClickHouse's own walls
 * (`readonly`, result-row and memory caps, `max_execution_time`).
 */

export interface SqlColumn {
  name: string;
  type: string;
}

export interface SqlResult {
  columns: SqlColumn[];
  /** Rows as arrays in column order; 64-bit integers as decimal strings, times as ISO-8601. */
  rows: unknown[][];
  stats: { rowCount: number; truncated: boolean; elapsedMs: number };
}

export interface SqlLimits {
  maxRows: number;
  timeoutMs: number;
}

export const DEFAULT_SQL_LIMITS: SqlLimits = { maxRows: 10_000, timeoutMs: 10_000 };
export const MAX_SQL_LENGTH = 100_000;

function firstString(rows: Record<string, unknown>[], column: string): string {
  const value = rows[0]?.[column];
  if (typeof value !== 'string') throw new Error(`expected a string in ${column}`);
  return value;
}

/** A DuckDB error as a client-facing message, without internal file paths. */
function sqlErrorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text
    .replace(/'?\/[^\s']*\.parquet'?/g, '<part>')
    .split('\n')[0]!
    .slice(0, 500);
}

/** JSON-safe copies of DuckDB values. */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return value;
}

function withPharosTables(sources: ScopedSources, body: SqlFragment): SqlFragment {
  const ctes = PHAROS_TABLES.map((name) => {
    const source = sources[name as Signal];
    return sql`${ident(name)} AS ${source}`;
  });
  return sql`WITH ${join(ctes, ', ')} ${body}`;
}

function timeoutError(timeoutMs: number, cause?: unknown): AppError {
  return new AppError(
    'query_timeout',
    400,
    `SQL query exceeded its time budget of ${timeoutMs / 1000} s: narrow the time range or simplify it`,
    { cause },
  );
}

/** Parse, validate, and return DuckDB's canonical text of the one SELECT in `text`. */
export async function canonicalSelect(
  store: TelemetryStore,
  tenant: TenantId,
  text: string,
): Promise<string> {
  checkLength(text);
  const parsed = await store.query(
    tenant,
    null,
    () => sql`SELECT json_serialize_sql(CAST(${text} AS VARCHAR)) AS ast`,
  );
  const ast = firstString(parsed, 'ast');
  validateSerializedSql(ast);
  const canonical = await store.query(
    tenant,
    null,
    () => sql`SELECT json_deserialize_sql(CAST(${ast} AS JSON)) AS text`,
  );
  return firstString(canonical, 'text');
}

function checkLength(text: string): void {
  if (text.length > MAX_SQL_LENGTH) {
    throw badRequest(`SQL refused: longer than ${MAX_SQL_LENGTH} characters`);
  }
  if (text.trim() === '') throw badRequest('SQL refused: the query is empty');
}

async function runClickHouseSql(
  store: TelemetryStore,
  tenant: TenantId,
  text: string,
  range: TimeRange,
  limits: SqlLimits,
): Promise<SqlResult> {
  const started = performance.now();
  checkLength(text);
  const statement = validateSerializedSql(await serializeSql(text));
  let columns: SqlColumn[] = [];
  try {
    const rows = await store.query(
      tenant,
      range,
      (s) => sql`SELECT * FROM (${clickHouseSelect(statement, s)}) LIMIT ${limits.maxRows + 1}`,
      {
        timeoutMs: limits.timeoutMs,
        guarded: { maxRows: limits.maxRows },
        onColumns: (c) => {
          columns = c;
        },
      },
    );
    const truncated = rows.length > limits.maxRows;
    const kept = truncated ? rows.slice(0, limits.maxRows) : rows;
    return {
      columns,
      rows: kept.map((row) => columns.map((c) => toJsonValue(row[c.name]))),
      stats: {
        rowCount: kept.length,
        truncated,
        elapsedMs: Math.round(performance.now() - started),
      },
    };
  } catch (error) {
    if (error instanceof AppError && error.code === 'deadline_exceeded') {
      throw timeoutError(limits.timeoutMs, error);
    }
    if (error instanceof AppError) throw error;
    throw badRequest(`SQL error: ${sqlErrorMessage(error)}`, error);
  }
}

export async function runSql(
  store: TelemetryStore,
  tenant: TenantId,
  text: string,
  range: TimeRange,
  limits: SqlLimits = DEFAULT_SQL_LIMITS,
): Promise<SqlResult> {
  if (store.dialect.name === 'clickhouse') {
    return runClickHouseSql(store, tenant, text, range, limits);
  }
  const started = performance.now();
  // Each statement gets what is left of the budget; the store interrupts it in DuckDB when it
  // runs out, so a runaway query does not keep a connection busy.
  const remaining = () => {
    const left = limits.timeoutMs - (performance.now() - started);
    if (left <= 0) throw timeoutError(limits.timeoutMs);
    return { timeoutMs: Math.ceil(left) };
  };
  // The validated tree's canonical text, produced by DuckDB: the one place user SQL is spliced.
  const user = raw(await canonicalSelect(store, tenant, text));
  const execute = async (): Promise<SqlResult> => {
    const columns = (
      await store.query(
        tenant,
        range,
        (s) =>
          sql`SELECT column_name, column_type FROM (DESCRIBE (${withPharosTables(s, sql`SELECT * FROM (${user}) AS _user`)}))`,
        remaining(),
      )
    ).map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
    const aliases = join(
      columns.map((_, i) => sql`${ident(`c${i}`)}`),
      ', ',
    );
    const rows = await store.query(
      tenant,
      range,
      (s) =>
        withPharosTables(
          s,
          sql`SELECT * FROM (${user}) AS _user(${aliases}) LIMIT ${limits.maxRows + 1}`,
        ),
      remaining(),
    );
    const truncated = rows.length > limits.maxRows;
    const kept = truncated ? rows.slice(0, limits.maxRows) : rows;
    return {
      columns,
      rows: kept.map((row) => columns.map((_, i) => toJsonValue(row[`c${i}`]))),
      stats: {
        rowCount: kept.length,
        truncated,
        elapsedMs: Math.round(performance.now() - started),
      },
    };
  };
  try {
    return await execute();
  } catch (error) {
    if (error instanceof AppError && error.code === 'deadline_exceeded') {
      throw timeoutError(limits.timeoutMs, error);
    }
    if (error instanceof AppError) throw error;
    throw badRequest(`SQL error: ${sqlErrorMessage(error)}`, error);
  }
}
