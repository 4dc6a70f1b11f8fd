import { sql } from '../store/sql.js';
import type { Row, TelemetryStore, TimeRange } from '../store/telemetry-store.js';
import type { TenantId } from '../tenant.js';
import { parseJsonColumn, toBigInt, toNumber } from './rows.js';
import { nsToIso } from './time.js';

export interface ApiLogRecord {
  timeUnixNano: string;
  time: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: string;
  traceId: string;
  spanId: string;
  serviceName: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  scope: { name: string; version: string };
}

export function toApiLogRecord(row: Row): ApiLogRecord {
  const time = toBigInt(row.time_unix_nano);
  return {
    timeUnixNano: time.toString(),
    time: nsToIso(time),
    observedTimeUnixNano: toBigInt(row.observed_time_unix_nano).toString(),
    severityNumber: toNumber(row.severity_number),
    severityText: row.severity_text as string,
    body: row.body as string,
    traceId: row.trace_id as string,
    spanId: row.span_id as string,
    serviceName: row.service_name as string,
    attributes: parseJsonColumn(row.attributes, {}),
    resource: parseJsonColumn(row.resource_attributes, {}),
    scope: { name: row.scope_name as string, version: row.scope_version as string },
  };
}

export interface LogSearch {
  /** Case-insensitive substring of the body; empty matches everything. */
  q: string;
  range: TimeRange;
  limit: number;
}

/** Newest first. */
export async function searchLogs(
  store: TelemetryStore,
  tenant: TenantId,
  search: LogSearch,
): Promise<ApiLogRecord[]> {
  const { dialect } = store;
  const rows = await store.query(tenant, search.range, (s) => {
    const where = search.q === '' ? sql`TRUE` : dialect.containsIgnoreCase(sql`body`, search.q);
    return sql`SELECT * FROM ${s.logs} WHERE ${where} ORDER BY time_unix_nano DESC LIMIT ${search.limit}`;
  });
  return rows.map(toApiLogRecord);
}
