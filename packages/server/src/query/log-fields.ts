import { ident, join, raw, sql, type SqlFragment } from '../store/sql.js';
import type { Dialect, TelemetryStore, TimeRange } from '../store/telemetry-store.js';
import type { TenantId } from '../tenant.js';
import { toNumber } from './rows.js';
import {
  compileSearch,
  fieldExpression,
  requiredLogBodyText,
  resolveField,
  type SearchNode,
} from './search/index.js';
import { newestLogsRange } from './windows.js';

/** Log columns offered as facets, with how "present" is decided. */
const FACET_COLUMNS: readonly { name: string; present: SqlFragment }[] = [
  { name: 'service_name', present: sql`service_name <> ''` },
  { name: 'severity_text', present: sql`severity_text <> ''` },
  { name: 'severity_number', present: sql`severity_number > 0` },
  { name: 'environment', present: sql`environment IS NOT NULL` },
  { name: 'event_name', present: sql`event_name <> ''` },
  { name: 'trace_id', present: sql`trace_id <> ''` },
  { name: 'span_id', present: sql`span_id <> ''` },
  { name: 'scope_name', present: sql`scope_name <> ''` },
];

export const FIELDS_SAMPLE_ROWS = 10_000;
export const VALUES_SAMPLE_ROWS = 100_000;
const MAX_ATTRIBUTE_KEYS = 500;

export interface LogField {
  /** The name to use in a search (`service_name`, `k8s.pod.name`). */
  name: string;
  source: 'column' | 'attribute' | 'resource';
  /** Rows of the sample where the field is present. */
  count: number;
  /** Distinct values in the sample. */
  cardinality: number;
}

export interface LogFields {
  /** True when more rows matched than were examined. */
  sampled: boolean;
  /** How many of the newest matching rows were examined at most. */
  sampleLimit: number;
  rowsExamined: number;
  fields: LogField[];
}

/** The newest matching rows, at most `limit`: what facets are computed over. */
function sample(source: SqlFragment, where: SqlFragment, limit: number): SqlFragment {
  return sql`(SELECT * FROM ${source} WHERE ${where} ORDER BY time_unix_nano DESC LIMIT ${limit})`;
}

function caseCount(condition: SqlFragment): SqlFragment {
  return sql`sum(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;
}

/**
 * One row per attribute key of each sampled row. The inner select keeps every column (`*`) so
 * that the map column keeps its name: a dialect may read an attribute map through companion
 * columns found by that name (ClickHouse does).
 */
function attributeKeys(dialect: Dialect, column: string, source: string, rows: SqlFragment) {
  const col = raw(column);
  return sql`SELECT ${source} AS source, key, ${dialect.attributeStringAt(col, raw('key'))} AS value
    FROM (SELECT ${dialect.unnestAttributeKeys(col)} AS key, * FROM ${rows} AS r) AS kv`;
}

/** The columns and attribute keys present in (a sample of) the matching logs. */
export async function listLogFields(
  store: TelemetryStore,
  tenant: TenantId,
  options: { query: SearchNode | null; range: TimeRange; sampleLimit?: number },
): Promise<LogFields> {
  const { dialect } = store;
  const limit = options.sampleLimit ?? FIELDS_SAMPLE_ROWS;
  const where = compileSearch(options.query, 'logs', dialect);
  const hints = { logBodyContains: requiredLogBodyText(options.query) };
  const range = await newestLogsRange(store, tenant, options.range, where, limit, hints);
  const [columnRows, attributeRows] = await Promise.all([
    store.query(
      tenant,
      range,
      (s) => {
        const aggregates = FACET_COLUMNS.flatMap(({ name, present }) => [
          sql`${caseCount(present)} AS ${ident(`${name}__n`)}`,
          sql`${dialect.countDistinct(sql`CASE WHEN ${present} THEN ${ident(name)} END`)} AS ${ident(`${name}__d`)}`,
        ]);
        return sql`SELECT count(*) AS rows_examined, ${join(aggregates, ', ')} FROM ${sample(s.logs, where, limit)} AS r`;
      },
      { hints },
    ),
    store.query(
      tenant,
      range,
      (s) => {
        const rows = sample(s.logs, where, limit);
        return sql`SELECT source, key, count(*) AS n, ${dialect.countDistinct(sql`value`)} AS d FROM (
          ${attributeKeys(dialect, 'attributes', 'attribute', rows)}
          UNION ALL ${attributeKeys(dialect, 'resource_attributes', 'resource', rows)}
        ) AS k GROUP BY source, key ORDER BY n DESC, key LIMIT ${MAX_ATTRIBUTE_KEYS}`;
      },
      { hints },
    ),
  ]);
  const totals = columnRows[0] ?? {};
  const rowsExamined = toNumber(totals.rows_examined);
  const fields: LogField[] = [];
  for (const { name } of FACET_COLUMNS) {
    const count = toNumber(totals[`${name}__n`]);
    if (count > 0) {
      fields.push({ name, source: 'column', count, cardinality: toNumber(totals[`${name}__d`]) });
    }
  }
  for (const row of attributeRows) {
    const name = row.key as string;
    const source = row.source === 'resource' ? 'resource' : 'attribute';
    // Resource keys copied into columns (service.name, deployment.environment) are listed once.
    if (source === 'resource' && resolveField(name, 'logs').type === 'column') continue;
    fields.push({ name, source, count: toNumber(row.n), cardinality: toNumber(row.d) });
  }
  return { sampled: rowsExamined >= limit, sampleLimit: limit, rowsExamined, fields };
}

export interface FieldValues {
  field: string;
  sampled: boolean;
  sampleLimit: number;
  values: { value: string; count: number }[];
}

/** The most frequent values of a field (column or attribute) in (a sample of) the matching logs. */
export async function logFieldValues(
  store: TelemetryStore,
  tenant: TenantId,
  options: {
    field: string;
    query: SearchNode | null;
    range: TimeRange;
    limit: number;
    sampleLimit?: number;
  },
): Promise<FieldValues> {
  const { dialect } = store;
  const sampleLimit = options.sampleLimit ?? VALUES_SAMPLE_ROWS;
  const where = compileSearch(options.query, 'logs', dialect);
  const value = dialect.toText(fieldExpression(options.field, 'logs', dialect));
  const hints = { logBodyContains: requiredLogBodyText(options.query) };
  const sampleRange = await newestLogsRange(
    store,
    tenant,
    options.range,
    where,
    sampleLimit,
    hints,
  );
  const [rows, examinedRows] = await Promise.all([
    store.query(
      tenant,
      sampleRange,
      (s) => sql`SELECT value, count(*) AS n FROM (
          SELECT ${value} AS value FROM ${sample(s.logs, where, sampleLimit)} AS r
        ) AS v WHERE value IS NOT NULL AND value <> ''
        GROUP BY value ORDER BY n DESC, value LIMIT ${options.limit}`,
      { hints },
    ),
    store.query(
      tenant,
      options.range,
      (s) =>
        sql`SELECT count(*) AS n FROM (SELECT 1 AS one FROM ${s.logs} WHERE ${where} LIMIT ${sampleLimit + 1}) AS r`,
      { hints },
    ),
  ]);
  const examined = toNumber(examinedRows[0]?.n);
  return {
    field: options.field,
    sampled: examined > sampleLimit,
    sampleLimit,
    values: rows.map((r) => ({ value: r.value as string, count: toNumber(r.n) })),
  };
}
