import { badRequest } from '../errors.js';
import { sql } from '../store/sql.js';
import type { Row, TelemetryStore, TimeRange } from '../store/telemetry-store.js';
import type { TenantId } from '../tenant.js';
import { toApiLogRecord, type ApiLogRecord } from './logs.js';
import { parseJsonColumn, toBigInt, toNumber, toStringOrNull } from './rows.js';
import { nsToIso } from './time.js';

export interface ApiSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: string;
  serviceName: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationNs: string;
  startTime: string;
  status: { code: string; message: string };
  http: { method: string | null; route: string | null; statusCode: number | null };
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  events: unknown[];
  links: unknown[];
  scope: { name: string; version: string };
}

export interface ApiTrace {
  traceId: string;
  startTime: string;
  durationNs: string;
  spanCount: number;
  errorCount: number;
  services: string[];
  rootSpan: { serviceName: string; name: string } | null;
  spans: ApiSpan[];
  /** Log records of the trace within its span window ± `TRACE_LOG_MARGIN_NS`, oldest first. */
  logs: ApiLogRecord[];
  /** True when the trace's logs were cut at `MAX_TRACE_LOGS`. */
  logsTruncated: boolean;
}

/** Logs are looked up this long before the first span starts and after the last one ends. */
export const TRACE_LOG_MARGIN_NS = 60_000_000_000n;
export const MAX_TRACE_LOGS = 1000;
/** A trace answer holds at most this many spans (the earliest). */
export const MAX_TRACE_SPANS = 100_000;

const TRACE_ID = /^[0-9a-f]{32}$/;

export function parseTraceId(raw: string): string {
  const id = raw.toLowerCase();
  if (!TRACE_ID.test(id) || /^0+$/.test(id)) {
    throw badRequest(
      `invalid trace id ${JSON.stringify(raw.slice(0, 64))}: expected 32 hex characters`,
    );
  }
  return id;
}

export function toApiSpan(row: Row): ApiSpan {
  const start = toBigInt(row.start_time_unix_nano);
  const httpStatus = row.http_status_code;
  return {
    traceId: row.trace_id as string,
    spanId: row.span_id as string,
    parentSpanId: row.parent_span_id as string,
    traceState: row.trace_state as string,
    name: row.name as string,
    kind: row.kind as string,
    serviceName: row.service_name as string,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: toBigInt(row.end_time_unix_nano).toString(),
    durationNs: toBigInt(row.duration_ns).toString(),
    startTime: nsToIso(start),
    status: { code: row.status_code as string, message: row.status_message as string },
    http: {
      method: toStringOrNull(row.http_method),
      route: toStringOrNull(row.http_route),
      statusCode: httpStatus === null || httpStatus === undefined ? null : toNumber(httpStatus),
    },
    attributes: parseJsonColumn(row.attributes, {}),
    resource: parseJsonColumn(row.resource_attributes, {}),
    events: parseJsonColumn(row.events, []),
    links: parseJsonColumn(row.links, []),
    scope: { name: row.scope_name as string, version: row.scope_version as string },
  };
}

/** The spans of a trace, parents before children where start times tie. */
export async function getTraceSpans(
  store: TelemetryStore,
  tenant: TenantId,
  traceId: string,
  range: TimeRange | null = null,
  limit = MAX_TRACE_SPANS,
): Promise<Row[]> {
  const id = parseTraceId(traceId);
  let where = range;
  if (where === null && store.locateTrace) {
    where = await store.locateTrace(tenant, id);
    if (where === null) return [];
  }
  return store.query(
    tenant,
    where,
    (s) =>
      sql`SELECT * FROM ${s.spans} WHERE trace_id = ${id} ORDER BY start_time_unix_nano, parent_span_id = '' DESC, span_id LIMIT ${limit}`,
    { hints: { traceIds: [id] } },
  );
}

/** The trace's log records between `fromNs` and `toNs`, oldest first, at most `limit + 1`. */
async function getTraceLogs(
  store: TelemetryStore,
  tenant: TenantId,
  traceId: string,
  range: TimeRange,
  limit: number,
): Promise<Row[]> {
  return store.query(
    tenant,
    range,
    (s) =>
      sql`SELECT * FROM ${s.logs} WHERE trace_id = ${traceId} ORDER BY time_unix_nano, span_id LIMIT ${limit + 1}`,
    { hints: { traceIds: [traceId] } },
  );
}

/**
 * Every span of a trace and its logs; null if it has no spans. `range`, when given, bounds
 * where the spans are looked for (a hint from a search result); otherwise every day is read.
 */
export async function getTrace(
  store: TelemetryStore,
  tenant: TenantId,
  traceId: string,
  range: TimeRange | null = null,
): Promise<ApiTrace | null> {
  const id = parseTraceId(traceId);
  const rows = await getTraceSpans(store, tenant, id, range);
  if (rows.length === 0) return null;
  const spans = rows.map(toApiSpan);
  const starts = rows.map((r) => toBigInt(r.start_time_unix_nano));
  const ends = rows.map((r) => toBigInt(r.end_time_unix_nano));
  const start = starts.reduce((a, b) => (b < a ? b : a));
  const end = ends.reduce((a, b) => (b > a ? b : a));
  const root = spans.find((s) => s.parentSpanId === '') ?? null;
  const logRows = await getTraceLogs(
    store,
    tenant,
    id,
    { fromNs: start - TRACE_LOG_MARGIN_NS, toNs: end + TRACE_LOG_MARGIN_NS + 1n },
    MAX_TRACE_LOGS,
  );
  return {
    traceId: id,
    startTime: nsToIso(start),
    durationNs: (end - start).toString(),
    spanCount: spans.length,
    errorCount: spans.filter((s) => s.status.code === 'error').length,
    services: [...new Set(spans.map((s) => s.serviceName))].sort(),
    rootSpan: root ? { serviceName: root.serviceName, name: root.name } : null,
    spans,
    logs: logRows.slice(0, MAX_TRACE_LOGS).map(toApiLogRecord),
    logsTruncated: logRows.length > MAX_TRACE_LOGS,
  };
}
