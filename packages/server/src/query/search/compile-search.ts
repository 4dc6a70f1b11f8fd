import {
  alwaysFalse,
  alwaysTrue,
  ident,
  join,
  raw,
  sql,
  type SqlFragment,
} from '../../store/sql.js';
import type { Dialect } from '../../store/telemetry-store.js';
import type { ComparisonOperator, SearchNode } from './ast.js';
import { NULLABLE_COLUMNS, resolveField, type FieldKind, type SearchTarget } from './fields.js';
import {
  isNumberLiteral,
  parseDurationNs,
  SEVERITY_RANGES,
  severityName,
  severityNumber,
} from './values.js';

/** The column free text and "phrases" search. */
const TEXT_COLUMN: Record<SearchTarget, string> = { logs: 'body', spans: 'name' };

const FALSE = alwaysFalse;

/** A numeric literal value: integers typed as int64 (see `Dialect.int64`), others as doubles. */
function numberValue(n: number | bigint, dialect: Dialect): SqlFragment {
  if (typeof n === 'bigint' || Number.isSafeInteger(n)) return dialect.int64(n);
  return sql`${n}`;
}

interface Context {
  target: SearchTarget;
  dialect: Dialect;
}

/** An attribute by OpenTelemetry name: the record's own attributes first, then its resource's. */
function attributeValue(key: string, dialect: Dialect): SqlFragment {
  return sql`coalesce(${dialect.attributeString(raw('attributes'), key)}, ${dialect.attributeString(raw('resource_attributes'), key)})`;
}

/**
 * The value of a search-language field for one row of the signal's source, as an SQL expression
 * (a column, or the attribute's string value): for facets and group-bys.
 */
export function fieldExpression(
  field: string,
  target: SearchTarget,
  dialect: Dialect,
): SqlFragment {
  const resolved = resolveField(field, target);
  return resolved.type === 'column'
    ? sql`${ident(resolved.column)}`
    : attributeValue(resolved.key, dialect);
}

function severityMatch(column: SqlFragment, value: string, prefix: boolean, dialect: Dialect) {
  const name = prefix ? null : severityName(value);
  if (name) {
    const [low, high] = SEVERITY_RANGES[name];
    return sql`${column} BETWEEN ${dialect.int64(low)} AND ${dialect.int64(high)}`;
  }
  const number = prefix ? null : severityNumber(value);
  if (number !== null) return sql`${column} = ${dialect.int64(number)}`;
  const text = sql`lower(severity_text)`;
  return prefix
    ? dialect.startsWith(text, value.toLowerCase())
    : sql`${text} = ${value.toLowerCase()}`;
}

function columnMatch(
  column: string,
  kind: FieldKind,
  value: string,
  prefix: boolean,
  dialect: Dialect,
): SqlFragment {
  const col = sql`${ident(column)}`;
  switch (kind) {
    case 'string':
      return prefix ? dialect.startsWith(col, value) : sql`${col} = ${value}`;
    case 'lowercase': {
      const lower = value.toLowerCase();
      return prefix ? dialect.startsWith(col, lower) : sql`${col} = ${lower}`;
    }
    case 'text':
      return dialect.containsIgnoreCase(col, value);
    case 'number':
      if (prefix) return dialect.startsWith(dialect.toText(col), value);
      return isNumberLiteral(value) ? sql`${col} = ${numberValue(Number(value), dialect)}` : FALSE;
    case 'duration': {
      const ns = prefix ? null : parseDurationNs(value);
      return ns === null ? FALSE : sql`${col} = ${dialect.int64(ns)}`;
    }
    case 'severity':
      return severityMatch(col, value, prefix, dialect);
  }
}

function comparison(left: SqlFragment, op: ComparisonOperator, right: SqlFragment): SqlFragment {
  // `op` comes from the parser's closed set, never from user text.
  return sql`${left} ${raw(op)} ${right}`;
}

/** The number a comparison literal stands for when the field is not a duration or severity. */
function plainNumber(value: string): number | null {
  if (isNumberLiteral(value)) return Number(value);
  const ns = parseDurationNs(value);
  return ns === null ? null : Number(ns);
}

function columnCompare(
  column: string,
  kind: FieldKind,
  op: ComparisonOperator,
  value: string,
  dialect: Dialect,
): SqlFragment {
  const col = sql`${ident(column)}`;
  if (kind === 'duration') {
    const ns = parseDurationNs(value);
    return ns === null ? FALSE : comparison(col, op, dialect.int64(ns));
  }
  if (kind === 'severity') {
    const name = severityName(value);
    if (name) {
      const [low, high] = SEVERITY_RANGES[name];
      // `> warn` is above the whole warn range; `>= warn` includes it.
      const bound = op === '>' || op === '<=' ? high : low;
      return comparison(col, op, dialect.int64(bound));
    }
  }
  const n = plainNumber(value);
  if (n === null) return FALSE;
  const left = kind === 'number' || kind === 'severity' ? col : dialect.toDoubleOrNull(col);
  return comparison(left, op, numberValue(n, dialect));
}

function existsColumn(column: string, kind: FieldKind): SqlFragment {
  const col = sql`${ident(column)}`;
  if (NULLABLE_COLUMNS.has(column)) return sql`${col} IS NOT NULL`;
  if (kind === 'severity') return sql`${col} > 0`;
  if (kind === 'string' || kind === 'lowercase' || kind === 'text') return sql`${col} <> ''`;
  return sql`${col} IS NOT NULL`;
}

/** A leaf predicate that is never NULL, so that NOT of it is exactly its complement. */
function definite(predicate: SqlFragment): SqlFragment {
  return sql`coalesce((${predicate}), ${FALSE})`;
}

function compileNode(node: SearchNode, ctx: Context): SqlFragment {
  const { dialect, target } = ctx;
  switch (node.type) {
    case 'and':
    case 'or': {
      if (node.children.length === 0) return node.type === 'and' ? alwaysTrue : alwaysFalse;
      const parts = node.children.map((child) => sql`(${compileNode(child, ctx)})`);
      return join(parts, node.type === 'and' ? ' AND ' : ' OR ');
    }
    case 'not':
      return sql`NOT (${compileNode(node.child, ctx)})`;
    case 'text':
      return definite(dialect.containsIgnoreCase(sql`${ident(TEXT_COLUMN[target])}`, node.value));
    case 'match': {
      const field = resolveField(node.field, target);
      if (field.type === 'column') {
        return definite(columnMatch(field.column, field.kind, node.value, node.prefix, dialect));
      }
      const value = attributeValue(field.key, dialect);
      return definite(
        node.prefix ? dialect.startsWith(value, node.value) : sql`${value} = ${node.value}`,
      );
    }
    case 'exists': {
      const field = resolveField(node.field, target);
      if (field.type === 'column') return definite(existsColumn(field.column, field.kind));
      return definite(sql`${attributeValue(field.key, dialect)} IS NOT NULL`);
    }
    case 'compare': {
      const field = resolveField(node.field, target);
      if (field.type === 'column') {
        return definite(columnCompare(field.column, field.kind, node.op, node.value, dialect));
      }
      const n = plainNumber(node.value);
      if (n === null) return FALSE;
      const number = sql`coalesce(${dialect.toDoubleOrNull(dialect.attributeString(raw('attributes'), field.key))}, ${dialect.toDoubleOrNull(dialect.attributeString(raw('resource_attributes'), field.key))})`;
      return definite(comparison(number, node.op, sql`${n}`));
    }
  }
}

/**
 * A boolean SQL expression over the columns of the signal's scoped source that holds for the rows
 * the query matches (always true for an empty query). Every value is bound, never spliced.
 */
export function compileSearch(
  ast: SearchNode | null,
  target: SearchTarget,
  dialect: Dialect,
): SqlFragment {
  if (ast === null) return alwaysTrue;
  return compileNode(ast, { target, dialect });
}
