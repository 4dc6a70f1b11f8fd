import type { Dialect } from '../telemetry-store.js';
import { join, raw, sql, type SqlFragment, type SqlRenderer } from '../sql.js';
import { checkedQuantile } from '../duckdb/duckdb-dialect.js';
import { clickHouseIdentifier, clickHouseLiteral } from './clickhouse-escape.js';

export const clickHouseRenderer: SqlRenderer = {
  placeholder: null,
  literal: clickHouseLiteral,
  identifier: clickHouseIdentifier,
};

/**
 * On ClickHouse an attribute map is stored three times over: the JSON text under its own name
 * (what rows return) and two parallel arrays `<name>_keys` / `<name>_values` (each value as
 * text, like DuckDB's `json_extract_string`) that lookups use, since 18.16 has neither Map nor
 * JSON functions. The Dialect receives the map column by name; its arrays are found by suffix,
 * so the column must be a plain (possibly qualified) name.
 */
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

function companion(column: SqlFragment, suffix: '_keys' | '_values'): SqlFragment {
  const [piece] = column.pieces;
  if (column.pieces.length === 1 && typeof piece === 'string' && COLUMN_NAME.test(piece.trim())) {
    return raw(`${piece.trim()}${suffix}`);
  }
  if (column.pieces.length === 1 && typeof piece === 'object' && 'kind' in piece) {
    return raw(clickHouseIdentifier(`${piece.name}${suffix}`));
  }
  throw new Error('ClickHouse attribute lookups need an attribute column given by name');
}

function attributeAt(column: SqlFragment, key: SqlFragment): SqlFragment {
  const keys = companion(column, '_keys');
  const values = companion(column, '_values');
  return sql`if(has(${keys}, ${key}), arrayElement(${values}, indexOf(${keys}, ${key})), NULL)`;
}

export const clickHouseDialect: Dialect = {
  name: 'clickhouse',
  renderer: clickHouseRenderer,
  containsIgnoreCase: (haystack: SqlFragment, needle: string) =>
    sql`(positionCaseInsensitiveUTF8(${haystack}, ${needle}) > 0)`,
  attributeString: (column: SqlFragment, key: string) => attributeAt(column, sql`${key}`),
  quantile: (expr: SqlFragment, q: number) =>
    // Exact (with linear interpolation, like quantile_cont) up to 8192 values per group, a
    // reservoir sample beyond.
    sql`quantile(${raw(checkedQuantile(q))})(${expr})`,
  countDistinct: (expr: SqlFragment) => sql`uniqExact(${expr})`,
  intDiv: (dividend: SqlFragment, divisor: SqlFragment) => sql`intDiv(${dividend}, ${divisor})`,
  argMin: (value: SqlFragment, by: SqlFragment) => sql`argMin(${value}, ${by})`,
  distinctList: (expr: SqlFragment) => sql`groupUniqArray(${expr})`,
  startsWith: (haystack: SqlFragment, prefix: string) => sql`startsWith(${haystack}, ${prefix})`,
  toDoubleOrNull: (expr: SqlFragment) => sql`toFloat64OrNull(toString(${expr}))`,
  toText: (expr: SqlFragment) => sql`toString(${expr})`,
  rowHash: (exprs: readonly SqlFragment[]) =>
    sql`toInt64(bitShiftRight(cityHash64(${join(exprs, ', ')}), 1))`,
  unnestAttributeKeys: (column: SqlFragment) => sql`arrayJoin(${companion(column, '_keys')})`,
  attributeStringAt: (column: SqlFragment, keyExpr: SqlFragment) => attributeAt(column, keyExpr),
  int64: (value: bigint | number) => sql`toInt64(${BigInt(value)})`,
  orderedList: (expr: SqlFragment, by: SqlFragment) =>
    sql`arrayMap(x -> x.2, arraySort(x -> x.1, groupArray((${by}, ${expr}))))`,
};
