import type {
  LogBatch,
  MetricPointBatch,
  MetricType,
  SpanBatch,
  SpanKind,
  StatusCode,
  Temporality,
} from './batches.js';

/**
 * Row-oriented constructors for column batches: for tests, fixtures and generators that think
 * in records. The decoders do not use these (they write columns directly).
 */

export interface SpanRow {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind?: SpanKind;
  serviceName: string;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  statusCode?: StatusCode;
  statusMessage?: string;
  httpMethod?: string | null;
  httpRoute?: string | null;
  httpStatusCode?: number | null;
  dbSystem?: string | null;
  messagingSystem?: string | null;
  peerService?: string | null;
  serverAddress?: string | null;
  environment?: string | null;
  resourceAttributes?: Record<string, unknown>;
  attributes?: Record<string, unknown>;
  events?: unknown[];
  links?: unknown[];
  scopeName?: string;
  scopeVersion?: string;
}

export function spanBatchFromRows(rows: readonly SpanRow[]): SpanBatch {
  return {
    length: rows.length,
    traceId: rows.map((r) => r.traceId),
    spanId: rows.map((r) => r.spanId),
    parentSpanId: rows.map((r) => r.parentSpanId ?? ''),
    traceState: rows.map((r) => r.traceState ?? ''),
    name: rows.map((r) => r.name),
    kind: rows.map((r) => r.kind ?? 'internal'),
    serviceName: rows.map((r) => r.serviceName),
    startTimeUnixNano: BigInt64Array.from(rows.map((r) => r.startTimeUnixNano)),
    endTimeUnixNano: BigInt64Array.from(rows.map((r) => r.endTimeUnixNano)),
    durationNs: BigInt64Array.from(rows.map((r) => r.endTimeUnixNano - r.startTimeUnixNano)),
    statusCode: rows.map((r) => r.statusCode ?? 'unset'),
    statusMessage: rows.map((r) => r.statusMessage ?? ''),
    httpMethod: rows.map((r) => r.httpMethod ?? null),
    httpRoute: rows.map((r) => r.httpRoute ?? null),
    httpStatusCode: rows.map((r) => r.httpStatusCode ?? null),
    dbSystem: rows.map((r) => r.dbSystem ?? null),
    messagingSystem: rows.map((r) => r.messagingSystem ?? null),
    peerService: rows.map((r) => r.peerService ?? null),
    serverAddress: rows.map((r) => r.serverAddress ?? null),
    environment: rows.map((r) => r.environment ?? null),
    resourceAttributes: rows.map((r) =>
      JSON.stringify({ 'service.name': r.serviceName, ...r.resourceAttributes }),
    ),
    attributes: rows.map((r) => JSON.stringify(r.attributes ?? {})),
    events: rows.map((r) => JSON.stringify(r.events ?? [])),
    links: rows.map((r) => JSON.stringify(r.links ?? [])),
    scopeName: rows.map((r) => r.scopeName ?? ''),
    scopeVersion: rows.map((r) => r.scopeVersion ?? ''),
  };
}

export interface LogRow {
  timeUnixNano: bigint;
  observedTimeUnixNano?: bigint;
  severityNumber?: number;
  severityText?: string;
  body: string;
  traceId?: string;
  spanId?: string;
  flags?: number;
  eventName?: string;
  serviceName: string;
  environment?: string | null;
  resourceAttributes?: Record<string, unknown>;
  attributes?: Record<string, unknown>;
  scopeName?: string;
  scopeVersion?: string;
}

export function logBatchFromRows(rows: readonly LogRow[]): LogBatch {
  return {
    length: rows.length,
    timeUnixNano: BigInt64Array.from(rows.map((r) => r.timeUnixNano)),
    observedTimeUnixNano: BigInt64Array.from(
      rows.map((r) => r.observedTimeUnixNano ?? r.timeUnixNano),
    ),
    severityNumber: Uint8Array.from(rows.map((r) => r.severityNumber ?? 9)),
    severityText: rows.map((r) => r.severityText ?? 'INFO'),
    body: rows.map((r) => r.body),
    traceId: rows.map((r) => r.traceId ?? ''),
    spanId: rows.map((r) => r.spanId ?? ''),
    flags: Uint32Array.from(rows.map((r) => r.flags ?? 0)),
    eventName: rows.map((r) => r.eventName ?? ''),
    serviceName: rows.map((r) => r.serviceName),
    environment: rows.map((r) => r.environment ?? null),
    resourceAttributes: rows.map((r) =>
      JSON.stringify({ 'service.name': r.serviceName, ...r.resourceAttributes }),
    ),
    attributes: rows.map((r) => JSON.stringify(r.attributes ?? {})),
    scopeName: rows.map((r) => r.scopeName ?? ''),
    scopeVersion: rows.map((r) => r.scopeVersion ?? ''),
  };
}

export interface MetricPointRow {
  metricName: string;
  description?: string;
  unit?: string;
  metricType: MetricType;
  temporality?: Temporality;
  isMonotonic?: boolean;
  serviceName: string;
  resourceAttributes?: Record<string, unknown>;
  scopeName?: string;
  scopeVersion?: string;
  attributes?: Record<string, unknown>;
  startTimeUnixNano?: bigint;
  timeUnixNano: bigint;
  value?: number;
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
  expScale?: number | null;
  expZeroCount?: number | null;
  expPositiveOffset?: number | null;
  expPositiveBucketCounts?: number[];
  expNegativeOffset?: number | null;
  expNegativeBucketCounts?: number[];
  quantiles?: number[];
  quantileValues?: number[];
  exemplars?: unknown[];
  flags?: number;
}

export function metricPointBatchFromRows(rows: readonly MetricPointRow[]): MetricPointBatch {
  return {
    length: rows.length,
    metricName: rows.map((r) => r.metricName),
    description: rows.map((r) => r.description ?? ''),
    unit: rows.map((r) => r.unit ?? ''),
    metricType: rows.map((r) => r.metricType),
    temporality: rows.map((r) => r.temporality ?? 'unspecified'),
    isMonotonic: rows.map((r) => r.isMonotonic ?? false),
    serviceName: rows.map((r) => r.serviceName),
    resourceAttributes: rows.map((r) =>
      JSON.stringify({ 'service.name': r.serviceName, ...r.resourceAttributes }),
    ),
    scopeName: rows.map((r) => r.scopeName ?? ''),
    scopeVersion: rows.map((r) => r.scopeVersion ?? ''),
    attributes: rows.map((r) => JSON.stringify(r.attributes ?? {})),
    startTimeUnixNano: BigInt64Array.from(rows.map((r) => r.startTimeUnixNano ?? 0n)),
    timeUnixNano: BigInt64Array.from(rows.map((r) => r.timeUnixNano)),
    value: Float64Array.from(rows.map((r) => r.value ?? NaN)),
    count: Float64Array.from(rows.map((r) => r.count ?? NaN)),
    sum: Float64Array.from(rows.map((r) => r.sum ?? NaN)),
    min: Float64Array.from(rows.map((r) => r.min ?? NaN)),
    max: Float64Array.from(rows.map((r) => r.max ?? NaN)),
    bucketCounts: rows.map((r) => r.bucketCounts ?? []),
    explicitBounds: rows.map((r) => r.explicitBounds ?? []),
    expScale: rows.map((r) => r.expScale ?? null),
    expZeroCount: rows.map((r) => r.expZeroCount ?? null),
    expPositiveOffset: rows.map((r) => r.expPositiveOffset ?? null),
    expPositiveBucketCounts: rows.map((r) => r.expPositiveBucketCounts ?? []),
    expNegativeOffset: rows.map((r) => r.expNegativeOffset ?? null),
    expNegativeBucketCounts: rows.map((r) => r.expNegativeBucketCounts ?? []),
    quantiles: rows.map((r) => r.quantiles ?? []),
    quantileValues: rows.map((r) => r.quantileValues ?? []),
    exemplars: rows.map((r) => JSON.stringify(r.exemplars ?? [])),
    flags: Uint32Array.from(rows.map((r) => r.flags ?? 0)),
  };
}
