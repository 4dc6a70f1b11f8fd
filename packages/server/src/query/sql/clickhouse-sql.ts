import { badRequest } from '../../errors.js';
import { clickHouseQuotedName } from '../../store/clickhouse/clickhouse-escape.js';
import { join, raw, sql, type SqlFragment } from '../../store/sql.js';
import type { ScopedSources } from '../../store/telemetry-store.js';
import type { Signal } from '../../store/schema.js';
import { PHAROS_TABLES } from './validate-sql.js';

/**
 * User SQL for ClickHouse, written from the statement's validated DuckDB AST (see run-sql.ts):
 * users write the same SQL on both backends, and what ClickHouse runs is generated here node by
 * node — names through `clickHouseQuotedName`, values as bound values (the dialect's one
 * escaper), tables replaced by the caller's tenant-scoped sources. Only a subset of SQL has a
 * ClickHouse form here; anything else is refused with a 400 naming it. Nothing the user typed
 * reaches ClickHouse as text, so no ClickHouse-only syntax (SETTINGS, FORMAT, INTO OUTFILE, table
 * functions such as file() or remote(), system tables) can be expressed at all.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Node = { [key: string]: Json };

function isNode(value: Json | undefined): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function node(value: Json | undefined): Node {
  return isNode(value) ? value : {};
}

function str(value: Json | undefined): string {
  return typeof value === 'string' ? value : '';
}

function list(value: Json | undefined): Node[] {
  return Array.isArray(value) ? value.filter(isNode) : [];
}

function unsupported(what: string): never {
  throw badRequest(`SQL refused: ${what} is not supported on the ClickHouse backend`);
}

const name = (text: string) => raw(clickHouseQuotedName(text));

/** DuckDB function → ClickHouse function of the same meaning and arguments. */
const SAME_ARGS: Readonly<Record<string, string>> = {
  sum: 'sum',
  avg: 'avg',
  mean: 'avg',
  min: 'min',
  max: 'max',
  any_value: 'any',
  first: 'any',
  last: 'anyLast',
  arg_min: 'argMin',
  argmin: 'argMin',
  min_by: 'argMin',
  arg_max: 'argMax',
  argmax: 'argMax',
  max_by: 'argMax',
  median: 'median',
  stddev: 'stddevSamp',
  stddev_samp: 'stddevSamp',
  stddev_pop: 'stddevPop',
  variance: 'varSamp',
  var_samp: 'varSamp',
  var_pop: 'varPop',
  corr: 'corr',
  count_if: 'countIf',
  countif: 'countIf',
  approx_count_distinct: 'uniq',
  abs: 'abs',
  ceil: 'ceil',
  ceiling: 'ceil',
  floor: 'floor',
  round: 'round',
  trunc: 'trunc',
  sqrt: 'sqrt',
  cbrt: 'cbrt',
  exp: 'exp',
  ln: 'log',
  log2: 'log2',
  log10: 'log10',
  pow: 'pow',
  power: 'pow',
  greatest: 'greatest',
  least: 'least',
  pi: 'pi',
  sin: 'sin',
  cos: 'cos',
  tan: 'tan',
  length: 'lengthUTF8',
  len: 'lengthUTF8',
  strlen: 'length',
  char_length: 'lengthUTF8',
  character_length: 'lengthUTF8',
  lower: 'lowerUTF8',
  lcase: 'lowerUTF8',
  upper: 'upperUTF8',
  ucase: 'upperUTF8',
  concat: 'concat',
  substr: 'substringUTF8',
  substring: 'substringUTF8',
  trim: 'trimBoth',
  ltrim: 'trimLeft',
  rtrim: 'trimRight',
  replace: 'replaceAll',
  reverse: 'reverseUTF8',
  starts_with: 'startsWith',
  prefix: 'startsWith',
  ends_with: 'endsWith',
  suffix: 'endsWith',
  regexp_matches: 'match',
  regexp_replace: 'replaceRegexpAll',
  regexp_extract: 'extract',
  md5: 'MD5',
  hex: 'hex',
  unhex: 'unhex',
  coalesce: 'coalesce',
  ifnull: 'ifNull',
  nullif: 'nullIf',
  if: 'if',
  iif: 'if',
  now: 'now',
  current_timestamp: 'now',
  get_current_timestamp: 'now',
  to_timestamp: 'toDateTime',
  year: 'toYear',
  month: 'toMonth',
  day: 'toDayOfMonth',
  dayofmonth: 'toDayOfMonth',
  hour: 'toHour',
  minute: 'toMinute',
  second: 'toSecond',
  list_value: 'array',
  array_value: 'array',
  list_contains: 'has',
  array_contains: 'has',
  list_has: 'has',
  array_has: 'has',
  array_length: 'length',
  cardinality: 'length',
  list_extract: 'arrayElement',
  array_extract: 'arrayElement',
  list_element: 'arrayElement',
};

const INFIX: Readonly<Record<string, string>> = {
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  '%': '%',
  '||': '||',
  '~~': 'LIKE',
  '!~~': 'NOT LIKE',
};

const COMPARISONS: Readonly<Record<string, string>> = {
  COMPARE_EQUAL: '=',
  COMPARE_NOTEQUAL: '<>',
  COMPARE_LESSTHAN: '<',
  COMPARE_GREATERTHAN: '>',
  COMPARE_LESSTHANOREQUALTO: '<=',
  COMPARE_GREATERTHANOREQUALTO: '>=',
};

const CAST_TYPES: Readonly<Record<string, string>> = {
  TINYINT: 'Int8',
  SMALLINT: 'Int16',
  INTEGER: 'Int32',
  BIGINT: 'Int64',
  UTINYINT: 'UInt8',
  USMALLINT: 'UInt16',
  UINTEGER: 'UInt32',
  UBIGINT: 'UInt64',
  FLOAT: 'Float32',
  DOUBLE: 'Float64',
  VARCHAR: 'String',
  BOOLEAN: 'UInt8',
  DATE: 'Date',
  TIMESTAMP: 'DateTime',
};

function constant(value: Node): SqlFragment {
  if (value.is_null === true) return raw('NULL');
  const type = str(node(value.type).id);
  const v = value.value;
  if (type === 'VARCHAR' && typeof v === 'string') return sql`${v}`;
  if (type === 'BOOLEAN' && typeof v === 'boolean') return raw(v ? '1' : '0');
  if (typeof v === 'number' && Number.isFinite(v)) {
    if (type === 'DECIMAL') {
      const scale = Number(node(node(value.type).type_info).scale ?? 0);
      return sql`${v / 10 ** scale}`;
    }
    if (/INT|DOUBLE|FLOAT/.test(type)) return sql`${v}`;
  }
  if (typeof v === 'string' && /INT/.test(type) && /^-?\d+$/.test(v)) return sql`${BigInt(v)}`;
  return unsupported(`a ${type || 'typed'} constant`);
}

class ClickHouseSqlWriter {
  constructor(private readonly sources: ScopedSources) {}

  statement(statement: Node): SqlFragment {
    return this.query(node(statement.node));
  }

  private query(q: Node): SqlFragment {
    const type = str(q.type);
    if (isNode(q.cte_map) && list(q.cte_map.map).length > 0) {
      unsupported('WITH (common table expressions)');
    }
    if (type === 'SET_OPERATION_NODE') {
      if (str(q.setop_type) !== 'UNION' || q.setop_all !== true) unsupported('UNION without ALL');
      if (list(q.modifiers).length > 0) unsupported('ORDER BY or LIMIT on a UNION');
      return sql`${this.query(node(q.left))} UNION ALL ${this.query(node(q.right))}`;
    }
    if (type !== 'SELECT_NODE') unsupported(`the query form ${type}`);
    return this.select(q);
  }

  private select(q: Node): SqlFragment {
    let distinct = false;
    let orderBy: SqlFragment | null = null;
    let limit: SqlFragment | null = null;
    for (const modifier of list(q.modifiers)) {
      const kind = str(modifier.type);
      if (kind === 'DISTINCT_MODIFIER' && list(modifier.distinct_on_targets).length === 0) {
        distinct = true;
      } else if (kind === 'ORDER_MODIFIER') {
        orderBy = join(list(modifier.orders).map(this.order), ', ');
      } else if (kind === 'LIMIT_MODIFIER') {
        const count = this.expression(node(modifier.limit));
        limit = isNode(modifier.offset)
          ? sql`${count} OFFSET ${this.expression(modifier.offset)}`
          : count;
      } else {
        unsupported(kind.toLowerCase().replace('_modifier', '').replaceAll('_', ' '));
      }
    }
    if (q.qualify !== null && q.qualify !== undefined) unsupported('QUALIFY');
    if (q.sample !== null && q.sample !== undefined) unsupported('SAMPLE');
    const groups = list(q.group_expressions);
    const sets = Array.isArray(q.group_sets) ? q.group_sets : [];
    if (sets.length > 1) unsupported('GROUPING SETS, ROLLUP or CUBE');
    const parts = [
      sql`SELECT ${raw(distinct ? 'DISTINCT ' : '')}${join(list(q.select_list).map(this.aliased), ', ')}`,
    ];
    const from = node(q.from_table);
    if (str(from.type) !== 'EMPTY' && str(from.type) !== '') {
      parts.push(sql`FROM ${this.fromItem(from)}`);
    }
    if (isNode(q.where_clause)) parts.push(sql`WHERE ${this.expression(q.where_clause)}`);
    if (groups.length > 0) {
      parts.push(sql`GROUP BY ${join(groups.map(this.expression), ', ')}`);
    }
    if (isNode(q.having)) parts.push(sql`HAVING ${this.expression(q.having)}`);
    if (orderBy) parts.push(sql`ORDER BY ${orderBy}`);
    if (limit) parts.push(sql`LIMIT ${limit}`);
    return join(parts, ' ');
  }

  private readonly order = (o: Node): SqlFragment => {
    const direction = str(o.type) === 'DESCENDING' ? ' DESC' : '';
    const nulls = { NULLS_FIRST: ' NULLS FIRST', NULLS_LAST: ' NULLS LAST' }[str(o.null_order)];
    return sql`${this.expression(node(o.expression))}${raw(direction)}${raw(nulls ?? '')}`;
  };

  private fromItem(item: Node): SqlFragment {
    const type = str(item.type);
    const alias = str(item.alias);
    const as = (fragment: SqlFragment, fallback: string) =>
      alias !== '' || fallback !== '' ? sql`${fragment} AS ${name(alias || fallback)}` : fragment;
    if (type === 'BASE_TABLE') {
      const table = str(item.table_name).toLowerCase();
      // The validator already refused every other table; this is the tenant rewrite.
      if (!PHAROS_TABLES.includes(table)) unsupported(`the table ${table}`);
      return as(this.sources[table as Signal], table);
    }
    if (type === 'SUBQUERY') {
      if (list(item.column_name_alias).length > 0) unsupported('column aliases on a sub-query');
      return as(sql`(${this.statement(node(item.subquery))})`, '');
    }
    if (type === 'JOIN') {
      const left = this.fromItem(node(item.left));
      const right = this.fromItem(node(item.right));
      const refType = str(item.ref_type);
      if (refType === 'CROSS') return sql`${left} CROSS JOIN ${right}`;
      if (refType !== 'REGULAR') unsupported(`${refType.toLowerCase()} joins`);
      const kind = { INNER: 'ALL INNER JOIN', LEFT: 'ALL LEFT JOIN' }[str(item.join_type)];
      if (!kind) unsupported(`${str(item.join_type).toLowerCase()} joins`);
      const using = Array.isArray(item.using_columns) ? item.using_columns.map(str) : [];
      if (using.length > 0) {
        return sql`${left} ${raw(kind)} ${right} USING (${join(using.map(name), ', ')})`;
      }
      return sql`${left} ${raw(kind)} ${right} ON ${this.expression(node(item.condition))}`;
    }
    return unsupported(`the FROM item ${type}`);
  }

  private readonly aliased = (e: Node): SqlFragment => {
    const alias = str(e.alias);
    const expr = this.expression(e);
    return alias === '' ? expr : sql`${expr} AS ${name(alias)}`;
  };

  private readonly expression = (e: Json | undefined): SqlFragment => {
    const x = node(e);
    const cls = str(x.class);
    const type = str(x.type);
    const children = list(x.children);
    const args = () => join(children.map(this.expression), ', ');
    switch (cls) {
      case 'CONSTANT':
        return constant(node(x.value));
      case 'COLUMN_REF': {
        const parts = Array.isArray(x.column_names) ? x.column_names.map(str) : [];
        return join(parts.map(name), '.');
      }
      case 'STAR':
        if (str(x.relation_name) !== '' || x.columns === true)
          unsupported('qualified or COLUMNS(*)');
        if (isNode(x.exclude_list) || list(x.exclude_list).length > 0) unsupported('* EXCLUDE');
        return raw('*');
      case 'COMPARISON': {
        const op = COMPARISONS[type];
        if (!op) unsupported(type.toLowerCase());
        return sql`(${this.expression(x.left)} ${raw(op)} ${this.expression(x.right)})`;
      }
      case 'CONJUNCTION':
        return sql`(${join(children.map(this.expression), type === 'CONJUNCTION_OR' ? ' OR ' : ' AND ')})`;
      case 'BETWEEN':
        return sql`(${this.expression(x.input)} BETWEEN ${this.expression(x.lower)} AND ${this.expression(x.upper)})`;
      case 'CASE': {
        const whens = list(x.case_checks).map(
          (c) => sql`WHEN ${this.expression(c.when_expr)} THEN ${this.expression(c.then_expr)}`,
        );
        return sql`CASE ${join(whens, ' ')} ELSE ${this.expression(x.else_expr)} END`;
      }
      case 'CAST': {
        const target = CAST_TYPES[str(node(x.cast_type).id)];
        if (!target) unsupported(`CAST to ${str(node(x.cast_type).id)}`);
        const child = this.expression(x.child);
        if (x.try_cast === true) {
          if (!/^(U?Int|Float)/.test(target)) unsupported(`TRY_CAST to ${target}`);
          return sql`${raw(`to${target}OrNull`)}(toString(${child}))`;
        }
        return sql`CAST(${child} AS ${raw(target)})`;
      }
      case 'OPERATOR':
        return this.operator(type, children, args);
      case 'FUNCTION':
        return this.function(x, children, args);
      case 'SUBQUERY': {
        const subquery = this.statement(node(x.subquery));
        const kind = str(x.subquery_type);
        if (kind === 'SCALAR') return sql`(${subquery})`;
        if (kind === 'ANY' && str(x.comparison_type) === 'COMPARE_EQUAL') {
          return sql`(${this.expression(x.child)} IN (${subquery}))`;
        }
        return unsupported(`${kind.toLowerCase()} sub-queries`);
      }
      default:
        return unsupported(`the expression ${cls.toLowerCase() || 'kind'}`);
    }
  };

  private operator(type: string, children: Node[], args: () => SqlFragment): SqlFragment {
    const [first, ...rest] = children.map(this.expression);
    switch (type) {
      case 'OPERATOR_NOT':
        return sql`(NOT ${first!})`;
      case 'OPERATOR_IS_NULL':
        return sql`(${first!} IS NULL)`;
      case 'OPERATOR_IS_NOT_NULL':
        return sql`(${first!} IS NOT NULL)`;
      case 'COMPARE_IN':
        return sql`(${first!} IN (${join(rest, ', ')}))`;
      case 'COMPARE_NOT_IN':
        return sql`(${first!} NOT IN (${join(rest, ', ')}))`;
      case 'OPERATOR_COALESCE':
        return sql`coalesce(${args()})`;
      default:
        return unsupported(`the operator ${type.toLowerCase()}`);
    }
  }

  private function(x: Node, children: Node[], args: () => SqlFragment): SqlFragment {
    const fn = str(x.function_name).toLowerCase();
    const distinct = x.distinct === true;
    if (x.filter !== null && x.filter !== undefined) unsupported('FILTER (WHERE …)');
    if (list(node(x.order_bys).orders).length > 0) unsupported('ORDER BY inside an aggregate');
    if (fn === 'count_star') return raw('count()');
    if (fn === 'count') return distinct ? sql`uniqExact(${args()})` : sql`count(${args()})`;
    if (distinct) unsupported(`${fn}(DISTINCT …)`);
    const infix = INFIX[fn];
    if (infix !== undefined && children.length === 2) {
      const [a, b] = children.map(this.expression);
      return sql`(${a!} ${raw(infix)} ${b!})`;
    }
    if (fn === '-' && children.length === 1) return sql`(-${this.expression(children[0])})`;
    if (fn === '~~*' || fn === '!~~*') {
      const [a, b] = children.map(this.expression);
      const not = fn === '!~~*' ? 'NOT ' : '';
      return sql`(lowerUTF8(${a!}) ${raw(not)}LIKE lowerUTF8(${b!}))`;
    }
    if (fn === 'contains') {
      const [a, b] = children.map(this.expression);
      return sql`(positionUTF8(${a!}, ${b!}) > 0)`;
    }
    if (['quantile', 'quantile_cont', 'quantile_disc', 'approx_quantile'].includes(fn)) {
      const [value, q] = children;
      const level = node(node(q).value).value;
      const scale = Number(node(node(node(node(q).value).type).type_info).scale ?? 0);
      const number = typeof level === 'number' ? level / 10 ** scale : NaN;
      if (!(number >= 0 && number <= 1)) unsupported('a quantile level other than a constant');
      return sql`quantile(${raw(String(number))})(${this.expression(value)})`;
    }
    const mapped = SAME_ARGS[fn];
    if (!mapped) return unsupported(`the function ${fn}()`);
    return sql`${raw(mapped)}(${args()})`;
  }
}

/** The ClickHouse SQL of one validated statement (an element of the AST's `statements`). */
export function clickHouseSelect(statement: Json, sources: ScopedSources): SqlFragment {
  return new ClickHouseSqlWriter(sources).statement(node(statement));
}
