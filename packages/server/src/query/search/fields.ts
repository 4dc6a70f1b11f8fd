/**
 * What a field name of the search language means for each signal: one of the signal's columns
 * (by its real name or a friendly / OpenTelemetry alias) or, failing that, an attribute looked up
 * by its OpenTelemetry name in the record's attributes and then its resource attributes.
 */

export type SearchTarget = 'logs' | 'spans';

/**
 * How values of a column compare: `string` exactly; `number` numerically; `duration` with units;
 * `severity` by name ranges or number; `text` as a case-insensitive substring (the log body);
 * `lowercase` exactly against the lowercased value (span kind, status, hex ids).
 */
export type FieldKind = 'string' | 'number' | 'duration' | 'severity' | 'text' | 'lowercase';

export type ResolvedField =
  { type: 'column'; column: string; kind: FieldKind } | { type: 'attribute'; key: string };

/** Friendly and OpenTelemetry names of columns, to the column's real name. */
const ALIASES: Readonly<Record<string, string>> = {
  service: 'service_name',
  'service.name': 'service_name',
  'http.route': 'http_route',
  'http.method': 'http_method',
  'http.request.method': 'http_method',
  'http.status_code': 'http_status_code',
  'http.response.status_code': 'http_status_code',
  'db.system': 'db_system',
  'db.system.name': 'db_system',
  'messaging.system': 'messaging_system',
  'peer.service': 'peer_service',
  'server.address': 'server_address',
  'deployment.environment': 'environment',
  'deployment.environment.name': 'environment',
  env: 'environment',
  'trace.id': 'trace_id',
  traceid: 'trace_id',
  'span.id': 'span_id',
  spanid: 'span_id',
  'parent.id': 'parent_span_id',
  'span.name': 'name',
  operation: 'name',
  'span.kind': 'kind',
  status: 'status_code',
  'status.code': 'status_code',
  'status.message': 'status_message',
  duration: 'duration_ns',
  severity: 'severity_number',
  level: 'severity_number',
  message: 'body',
  'scope.name': 'scope_name',
  'scope.version': 'scope_version',
  'event.name': 'event_name',
};

const SPAN_FIELDS: Readonly<Record<string, FieldKind>> = {
  trace_id: 'lowercase',
  span_id: 'lowercase',
  parent_span_id: 'lowercase',
  trace_state: 'string',
  name: 'string',
  kind: 'lowercase',
  service_name: 'string',
  start_time_unix_nano: 'number',
  end_time_unix_nano: 'number',
  duration_ns: 'duration',
  status_code: 'lowercase',
  status_message: 'string',
  http_method: 'string',
  http_route: 'string',
  http_status_code: 'number',
  db_system: 'string',
  messaging_system: 'string',
  peer_service: 'string',
  server_address: 'string',
  environment: 'string',
  scope_name: 'string',
  scope_version: 'string',
};

const LOG_FIELDS: Readonly<Record<string, FieldKind>> = {
  time_unix_nano: 'number',
  observed_time_unix_nano: 'number',
  severity_number: 'severity',
  severity_text: 'string',
  body: 'text',
  trace_id: 'lowercase',
  span_id: 'lowercase',
  flags: 'number',
  event_name: 'string',
  service_name: 'string',
  environment: 'string',
  scope_name: 'string',
  scope_version: 'string',
};

const FIELDS: Record<SearchTarget, Readonly<Record<string, FieldKind>>> = {
  spans: SPAN_FIELDS,
  logs: LOG_FIELDS,
};

/** Columns that hold nulls rather than empty strings when absent. */
export const NULLABLE_COLUMNS: ReadonlySet<string> = new Set([
  'http_method',
  'http_route',
  'http_status_code',
  'db_system',
  'messaging_system',
  'peer_service',
  'server_address',
  'environment',
]);

function columnName(field: string): string {
  const lower = field.toLowerCase();
  return ALIASES[lower] ?? lower;
}

/** What `field` names for a signal. */
export function resolveField(field: string, target: SearchTarget): ResolvedField {
  const column = columnName(field);
  const kind = FIELDS[target][column];
  if (kind !== undefined) return { type: 'column', column, kind };
  return { type: 'attribute', key: field };
}

/**
 * The kind a field has in whichever signal defines it as a column (for checking comparison
 * literals while parsing, before the signal is known); `number` for everything else.
 */
export function comparisonKind(field: string): FieldKind {
  const column = columnName(field);
  return SPAN_FIELDS[column] ?? LOG_FIELDS[column] ?? 'number';
}

/** The columns of a signal that the search language exposes, with their kinds. */
export function searchableColumns(target: SearchTarget): readonly [string, FieldKind][] {
  return Object.entries(FIELDS[target]);
}
