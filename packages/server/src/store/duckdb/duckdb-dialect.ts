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

/** ASCII characters that are not letters: no character's lower case turns into one of these. */
const CASELESS_RUN = /[\x20-\x40\x5b-\x60\x7b-\x7e]{3,}/g;

/**
 * The longest run of at least 3 ASCII non-letters (digits, punctuation, space) in `needle`, or
 * null. Any text that contains `needle` ignoring case contains this run exactly: lower-casing
 * leaves these characters as they are and produces them from nothing else.
 */
export function caselessRun(needle: string): string | null {
  let longest: string | null = null;
  for (const [run] of needle.matchAll(CASELESS_RUN)) {
    if (longest === null || run.length > longest.length) longest = run;
  }
  return longest;
}

export const duckDbDialect: Dialect = {
  name: 'duckdb',
  renderer: duckDbRenderer,
  // lower() copies every string it sees, which made it most of a text search's cost; a plain
  // contains() of the needle's caseless run first (SIMD, no copy) leaves it only the few rows
  // that may match. DuckDB evaluates AND's operands left to right on the rows still selected.
  containsIgnoreCase: (haystack: SqlFragment, needle: string) => {
    const exact = sql`contains(lower(${haystack}), lower(${needle}))`;
    const run = caselessRun(needle);
    return run === null ? exact : sql`(contains(${haystack}, ${run}) AND ${exact})`;
  },
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
