/** Shapes of the JSON API answers (docs/api.md). */

export interface AuthStatus {
  authEnabled: boolean;
  setupRequired: boolean;
  signupAllowed: boolean;
}

export type Role = 'owner' | 'admin' | 'editor' | 'viewer';

export interface Me {
  user: { id: string; email: string };
  orgs: { org: string; name: string; role: Role }[];
  currentOrg: string | null;
  role: Role | null;
}

export interface Member {
  userId: string;
  email: string;
  role: Role;
  since: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  createdAt?: string;
  expiresAt?: string;
  acceptedAt?: string | null;
  [key: string]: unknown;
}

export type Scope = 'ingest' | 'read' | 'admin';

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface RedFigures {
  requests: number;
  requestRate: number;
  requestErrors: number;
  errorRate: number | null;
  p50Ns: number | null;
  p95Ns: number | null;
  p99Ns: number | null;
  spanCount: number;
  errorCount: number;
}

export interface ServiceSummary extends RedFigures {
  name: string;
  logCount: number;
}

export interface OperationSummary extends RedFigures {
  name: string;
}

export interface SeriesPoint {
  timeUnixNano: string;
  time: string;
  requests: number;
  requestRate: number;
  requestErrors: number;
  errorRate: number | null;
  p50Ns: number | null;
  p95Ns: number | null;
  p99Ns: number | null;
}

export interface ServiceSeries {
  service: string;
  stepNs: string;
  points: SeriesPoint[];
}

export interface TraceSummary {
  traceId: string;
  rootServiceName: string;
  rootName: string;
  startTimeUnixNano: string;
  startTime: string;
  durationNs: string;
  spanCount: number;
  errorCount: number;
  services: string[];
}

export type Attributes = Record<string, unknown>;

export interface SpanEvent {
  timeUnixNano: string;
  name: string;
  attributes: Attributes;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  attributes?: Attributes;
}

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: string;
  serviceName: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationNs: string;
  startTime: string;
  status: { code: 'ok' | 'error' | 'unset'; message: string };
  attributes: Attributes;
  resource: Attributes;
  events: SpanEvent[];
  links: SpanLink[];
  scope: { name: string; version: string };
}

export interface LogRecord {
  time: string;
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: string;
  traceId: string;
  spanId: string;
  serviceName: string;
  attributes: Attributes;
  resource: Attributes;
  scope: { name?: string; version?: string };
}

export interface Trace {
  traceId: string;
  startTime: string;
  durationNs: string;
  spanCount: number;
  errorCount: number;
  services: string[];
  rootSpan: { serviceName: string; name: string };
  spans: Span[];
  logs: LogRecord[];
  logsTruncated: boolean;
}

export interface CompareSpan {
  spanId: string;
  durationNs: string;
  status: string;
  offsetNs: string;
}

export interface TraceComparison {
  a: { traceId: string; durationNs: string; spanCount: number; errorCount: number };
  b: { traceId: string; durationNs: string; spanCount: number; errorCount: number };
  durationDeltaNs: string;
  matched: {
    path: string;
    occurrence: number;
    a: CompareSpan;
    b: CompareSpan;
    durationDeltaNs: string;
    statusChanged: boolean;
  }[];
  onlyInA: (CompareSpan & { path: string; occurrence: number })[];
  onlyInB: (CompareSpan & { path: string; occurrence: number })[];
}

export interface ServiceMap {
  nodes: {
    id: string;
    type: 'service' | 'database' | 'queue' | 'external';
    system: string | null;
  }[];
  edges: {
    source: string;
    target: string;
    calls: number;
    callRate: number;
    errors: number;
    errorRate: number;
    p95Ns: number | null;
  }[];
}

export type SeverityCounts = Record<
  'unspecified' | 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal',
  number
>;

export interface LogHistogram {
  stepMs: number;
  total: number;
  counts: SeverityCounts;
  buckets: { time: string; timeUnixNano: string; total: number; counts: SeverityCounts }[];
}

export interface LogField {
  name: string;
  source: 'column' | 'attribute' | 'resource';
  count: number;
  cardinality: number;
}

export interface SqlResult {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  stats: { rowCount: number; truncated: boolean; elapsedMs: number };
}
