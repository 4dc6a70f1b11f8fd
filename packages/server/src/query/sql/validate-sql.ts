import { badRequest } from '../../errors.js';
import { ALLOWED_FUNCTIONS } from './allowed-functions.js';

/**
 * Validation of user SQL from its parsed form: DuckDB's `json_serialize_sql` output (the
 * statement's AST as JSON). The rule is an allow-list at every level:
 *
 * - exactly one statement, and it is a SELECT (the serializer refuses every other kind);
 * - query nodes: SELECT, set operations (UNION, ...), recursive CTEs;
 * - FROM items: tables, joins, sub-queries, VALUES lists, nothing (no table functions, PIVOT,
 *   SUMMARIZE/DESCRIBE, ...);
 * - a table is named without schema or catalog, and is one of `PHAROS_TABLES` or a CTE in scope
 *   (so no physical table, system catalog or file path such as `'x.csv'` is reachable);
 * - a CTE may not be named like a Pharos table (it would shadow the caller's scoped data);
 * - expressions of known classes only, no parameters, functions from `ALLOWED_FUNCTIONS` only.
 */

export const PHAROS_TABLES: readonly string[] = ['spans', 'logs', 'metric_points'];

const QUERY_NODES = new Set(['SELECT_NODE', 'SET_OPERATION_NODE', 'RECURSIVE_CTE_NODE']);
const FROM_ITEMS = new Set(['BASE_TABLE', 'JOIN', 'SUBQUERY', 'EMPTY', 'EXPRESSION_LIST']);
const EXPRESSION_CLASSES = new Set([
  'CONSTANT',
  'COLUMN_REF',
  'STAR',
  'FUNCTION',
  'OPERATOR',
  'CASE',
  'CAST',
  'COMPARISON',
  'CONJUNCTION',
  'BETWEEN',
  'WINDOW',
  'SUBQUERY',
  'LAMBDA',
  'LAMBDA_REF',
  'COLLATE',
  'POSITIONAL_REFERENCE',
]);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: Json | undefined): string {
  return typeof value === 'string' ? value : '';
}

function refuse(message: string): never {
  throw badRequest(`SQL refused: ${message}`);
}

/** CTE names and bodies of a query node, in definition order. */
function ctes(node: JsonObject): { name: string; body: Json }[] {
  const map = isObject(node.cte_map) ? node.cte_map.map : undefined;
  if (!Array.isArray(map)) return [];
  return map.filter(isObject).map((entry) => {
    const value = isObject(entry.value) ? entry.value : {};
    return { name: str(entry.key).toLowerCase(), body: value.query ?? null };
  });
}

class Validator {
  private walk(value: Json, scope: ReadonlySet<string>, key: string, parent: JsonObject | null) {
    if (Array.isArray(value)) {
      for (const item of value) this.walk(item, scope, key, parent);
      return;
    }
    if (!isObject(value)) return;
    const type = str(value.type);
    const isFromItem =
      key === 'from_table' ||
      (parent !== null && str(parent.type) === 'JOIN' && (key === 'left' || key === 'right'));
    if (isFromItem) {
      this.fromItem(value, type, scope);
      return;
    }
    if (type === 'TABLE_FUNCTION') refuse('table functions are not allowed');
    if (typeof value.class === 'string') this.expression(value);
    if (QUERY_NODES.has(type) || type.endsWith('_NODE')) {
      this.queryNode(value, type, scope);
      return;
    }
    this.children(value, scope);
  }

  private children(value: JsonObject, scope: ReadonlySet<string>, skip?: ReadonlySet<string>) {
    for (const [key, child] of Object.entries(value)) {
      if (skip?.has(key)) continue;
      this.walk(child, scope, key, value);
    }
  }

  private queryNode(node: JsonObject, type: string, outer: ReadonlySet<string>) {
    if (!QUERY_NODES.has(type)) refuse(`unsupported query form ${type}`);
    let scope = new Set(outer);
    if (type === 'RECURSIVE_CTE_NODE') scope.add(str(node.ctename).toLowerCase());
    for (const cte of ctes(node)) {
      if (PHAROS_TABLES.includes(cte.name)) {
        refuse(`a WITH clause may not redefine the table ${cte.name}`);
      }
      // A CTE's body sees the CTEs defined before it (and itself only through WITH RECURSIVE,
      // which appears as a RECURSIVE_CTE_NODE inside the body).
      this.walk(cte.body, scope, 'query', node);
      scope = new Set(scope).add(cte.name);
    }
    this.children(node, scope, new Set(['cte_map']));
  }

  private fromItem(item: JsonObject, type: string, scope: ReadonlySet<string>) {
    if (type === 'TABLE_FUNCTION') refuse('table functions are not allowed');
    if (!FROM_ITEMS.has(type)) refuse(`unsupported FROM item ${type}`);
    if (type === 'BASE_TABLE') {
      const name = str(item.table_name);
      if (str(item.schema_name) !== '' || str(item.catalog_name) !== '') {
        refuse(`table ${JSON.stringify(name)} may not be qualified with a schema or catalog`);
      }
      if (item.at_clause !== null && item.at_clause !== undefined) {
        refuse('AT clauses are not allowed');
      }
      const lower = name.toLowerCase();
      if (!PHAROS_TABLES.includes(lower) && !scope.has(lower)) {
        refuse(
          `unknown table ${JSON.stringify(name)}: queries may read ${PHAROS_TABLES.join(', ')} and their own WITH tables`,
        );
      }
    }
    this.children(item, scope);
  }

  private expression(expr: JsonObject) {
    const cls = str(expr.class);
    if (cls === 'PARAMETER') refuse('parameters ($1, ?) are not allowed');
    if (!EXPRESSION_CLASSES.has(cls)) refuse(`unsupported expression ${cls}`);
    if (typeof expr.function_name === 'string') {
      const name = expr.function_name.toLowerCase();
      // DuckDB itself qualifies some functions with `main` (e.g. list_value for `[1, 2]`).
      const schema = str(expr.schema);
      if ((schema !== '' && schema !== 'main') || str(expr.catalog) !== '') {
        refuse(`function ${JSON.stringify(name)} may not be qualified with a schema or catalog`);
      }
      if (!ALLOWED_FUNCTIONS.has(name)) refuse(`function ${name}() is not allowed`);
    }
  }

  run(statement: Json) {
    this.walk(statement, new Set(), 'statement', null);
  }
}

/**
 * The parser's answer for a statement text, validated; throws a 400 naming the problem. Returns
 * the one statement's tree.
 */
export function validateSerializedSql(serialized: string): Json {
  let parsed: Json;
  try {
    parsed = JSON.parse(serialized) as Json;
  } catch (error) {
    throw badRequest('SQL refused: could not parse the statement', error);
  }
  if (!isObject(parsed)) refuse('could not parse the statement');
  if (parsed.error === true) {
    const message = str(parsed.error_message);
    if (/only select statements/i.test(message)) {
      refuse('only a single read-only SELECT statement is allowed');
    }
    refuse(message === '' ? 'syntax error' : message);
  }
  const statements = parsed.statements;
  if (!Array.isArray(statements) || statements.length !== 1) {
    refuse('exactly one statement is allowed');
  }
  new Validator().run(statements[0]!);
  return statements[0]!;
}
