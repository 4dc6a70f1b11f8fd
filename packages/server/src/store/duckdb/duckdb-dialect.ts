import type { Dialect } from '../telemetry-store.js';
import { join, raw, sql, type SqlFragment, type SqlRenderer } from '../sql.js';
import { standardIdentifier, standardLiteral } from '../sql-escape.js';

export const duckDbRenderer: SqlRenderer = {
  placeholder: (index) => `$${index}`,
  literal: standardLiteral,
  identifier: standardIdentifier,
};

/** A JSON Pointer (RFC 6901) to one top-level key: no key can escape it. */
export function jsonPointer(key: string): string {
  return `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

export function checkedQuantile(q: number): string {
  if (!Number.isFinite(q) || q < 0 || q > 1) throw new Error(`quantile must be in [0, 1]: ${q}`);
  return String(q);
}

export const duckDbDialect: Dialect = {
  name: 'duckdb',
  renderer: duckDbRenderer,
  containsIgnoreCase: (haystack: SqlFragment, needle: string) =>
    sql`contains(lower(${haystack}), lower(${needle}))`,
  attributeString: (column: SqlFragment, key: string) =>
    sql`json_extract_string(${column}, ${jsonPointer(key)})`,
  quantile: (expr: SqlFragment, q: number) =>
    sql`quantile_cont(${expr}, ${raw(checkedQuantile(q))})`,
  countDistinct: (expr: SqlFragment) => sql`count(DISTINCT ${expr})`,
  intDiv: (dividend: SqlFragment, divisor: SqlFragment) => sql`(${dividend} // ${divisor})`,
  argMin: (value: SqlFragment, by: SqlFragment) => sql`arg_min(${value}, ${by})`,
  distinctList: (expr: SqlFragment) =>
    sql`list(DISTINCT ${expr}) FILTER (WHERE ${expr} IS NOT NULL)`,
  startsWith: (haystack: SqlFragment, prefix: string) => sql`starts_with(${haystack}, ${prefix})`,
  toDoubleOrNull: (expr: SqlFragment) => sql`TRY_CAST(${expr} AS DOUBLE)`,
  toText: (expr: SqlFragment) => sql`CAST(${expr} AS VARCHAR)`,
  rowHash: (exprs: readonly SqlFragment[]) => sql`CAST(hash(${join(exprs, ', ')}) >> 1 AS BIGINT)`,
  unnestAttributeKeys: (column: SqlFragment) => sql`unnest(json_keys(${column}))`,
  // The same JSON Pointer as `jsonPointer`, built in SQL from a key expression.
  attributeStringAt: (column: SqlFragment, keyExpr: SqlFragment) =>
    sql`json_extract_string(${column}, '/' || replace(replace(${keyExpr}, '~', '~0'), '/', '~1'))`,
  int64: (value: bigint | number) => sql`CAST(${BigInt(value)} AS BIGINT)`,
  orderedList: (expr: SqlFragment, by: SqlFragment) => sql`list(${expr} ORDER BY ${by})`,
};
