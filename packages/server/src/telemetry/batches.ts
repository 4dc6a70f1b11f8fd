import type { Utf8Columns } from './utf8-column.js';

/**
 * Column batches: the shape in which telemetry travels from the wire decoders to the store.
 *
 * A batch is a struct of arrays, one array per stored column, all of the same `length`.
 * Decoders append to a builder in one pass over the wire bytes; the store appends whole columns.
 * Conventions shared by every producer and consumer:
 *
 * - Ids are lowercase hex strings (trace id 32 chars, span id 16 chars); `''` when absent.
 * - Times are signed 64-bit Unix nanoseconds in `BigInt64Array`s.
 * - `null` in a `(string | null)[]` column means the attribute was absent.
 * - Attribute maps are JSON object text: `{"key": value}` where value is a JSON string, number,
 *   boolean, array or object (OTLP kvlist), bytes as base64 strings, non-finite doubles as the
 *   strings "NaN", "Infinity", "-Infinity". Int64 values outside the safe-integer range are
 *   written as exact JSON number text. An empty map is `{}`.
 * - Every attribute stays in the JSON map (unless attribute limits drop or cut it, see
 *   `otlp/attribute-limits.ts`); the promoted columns (http_route, ...) are copies
 *   kept as real columns because they are filtered and grouped on constantly.
 */

export type SpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export const SPAN_KINDS: readonly SpanKind[] = [
  'unspecified',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
];

export type StatusCode = 'unset' | 'ok' | 'error';
export const STATUS_CODES: readonly StatusCode[] = ['unset', 'ok', 'error'];

export interface SpanBatch {
  length: number;
  traceId: string[];
  spanId: string[];
  /** `''` for a root span. */
  parentSpanId: string[];
  traceState: string[];
  name: string[];
  kind: SpanKind[];
  /** Resource attribute `service.name`, `unknown_service` when absent. */
  serviceName: string[];
  startTimeUnixNano: BigInt64Array;
  endTimeUnixNano: BigInt64Array;
  durationNs: BigInt64Array;
  statusCode: StatusCode[];
  statusMessage: string[];
  /** Promoted from span attributes (see `PROMOTED_SPAN_ATTRIBUTES`). */
  httpMethod: (string | null)[];
  httpRoute: (string | null)[];
  httpStatusCode: (number | null)[];
  dbSystem: (string | null)[];
  messagingSystem: (string | null)[];
  peerService: (string | null)[];
  serverAddress: (string | null)[];
  /** Promoted from resource attributes. */
  environment: (string | null)[];
  resourceAttributes: string[];
  attributes: string[];
  /** JSON array text: `[{"timeUnixNano":"<decimal>","name":"...","attributes":{...}}]`. */
  events: string[];
  /** JSON array text: `[{"traceId":"..","spanId":"..","traceState":"..","attributes":{...}}]`. */
  links: string[];
  scopeName: string[];
  scopeVersion: string[];
}

export interface LogBatch {
  length: number;
  /** `time_unix_nano`; when the record has none, its observed time; when neither, receive time. */
  timeUnixNano: BigInt64Array;
  observedTimeUnixNano: BigInt64Array;
  severityNumber: Uint8Array;
  severityText: string[];
  /** String bodies as they are; any other AnyValue body as JSON text; `''` when absent. */
  body: string[];
  traceId: string[];
  spanId: string[];
  flags: Uint32Array;
  eventName: string[];
  serviceName: string[];
  environment: (string | null)[];
  resourceAttributes: string[];
  attributes: string[];
  scopeName: string[];
  scopeVersion: string[];
}

export type MetricType = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';
export type Temporality = 'unspecified' | 'delta' | 'cumulative';

/** One row per data point. Columns that do not apply to a point's type are null / NaN / []. */
export interface MetricPointBatch {
  length: number;
  metricName: string[];
  description: string[];
  unit: string[];
  metricType: MetricType[];
  temporality: Temporality[];
  isMonotonic: boolean[];
  serviceName: string[];
  resourceAttributes: string[];
  scopeName: string[];
  scopeVersion: string[];
  /** The point's attributes (its labels), JSON object text. */
  attributes: string[];
  startTimeUnixNano: BigInt64Array;
  timeUnixNano: BigInt64Array;
  /** Gauge / sum value (int values converted to double); NaN for other types. */
  value: Float64Array;
  /** Histogram / exponential histogram / summary count; NaN for gauge and sum. */
  count: Float64Array;
  /** NaN when absent or not applicable. */
  sum: Float64Array;
  min: Float64Array;
  max: Float64Array;
  bucketCounts: number[][];
  explicitBounds: number[][];
  expScale: (number | null)[];
  expZeroCount: (number | null)[];
  expPositiveOffset: (number | null)[];
  expPositiveBucketCounts: number[][];
  expNegativeOffset: (number | null)[];
  expNegativeBucketCounts: number[][];
  /** Summary quantiles (0..1) and their values, index-aligned. */
  quantiles: number[][];
  quantileValues: number[][];
  /** JSON array text of exemplars: `[{"timeUnixNano":"..","value":n,"traceId":"..","spanId":"..","attributes":{}}]`. */
  exemplars: string[];
  flags: Uint32Array;
}

/** Why a decoder dropped items of a request (OTLP partial success). */
export interface Rejections {
  count: number;
  /** The first few distinct reasons, for the partial-success error message. */
  messages: string[];
}

/** What the attribute limits cut from a request's items (see `otlp/attribute-limits.ts`). */
export interface LimitedAttributes {
  /** Attributes dropped beyond the per-map count limit. */
  attributesDropped: number;
  /** String and bytes values cut to the value length limit. */
  valuesTruncated: number;
}

/**
 * Span and log batches whose string columns are UTF-8 bytes (`utf8-column.ts`): what decode
 * workers hand to the main thread. The DuckDB store appends them as they are; other consumers
 * turn them back into JS strings with `withStringColumns`.
 */
export type Utf8SpanBatch = Utf8Columns<SpanBatch>;
export type Utf8LogBatch = Utf8Columns<LogBatch>;

export interface DecodedTraces<Spans extends SpanBatch | Utf8SpanBatch = SpanBatch> {
  spans: Spans;
  rejected: Rejections;
  limited: LimitedAttributes;
}
export interface DecodedLogs<Logs extends LogBatch | Utf8LogBatch = LogBatch> {
  logs: Logs;
  rejected: Rejections;
  limited: LimitedAttributes;
}
export interface DecodedMetrics {
  points: MetricPointBatch;
  rejected: Rejections;
  limited: LimitedAttributes;
}

/** Span attribute keys copied into promoted columns; the first key present wins. */
export const PROMOTED_SPAN_ATTRIBUTES = {
  httpMethod: ['http.request.method', 'http.method'],
  httpRoute: ['http.route'],
  httpStatusCode: ['http.response.status_code', 'http.status_code'],
  dbSystem: ['db.system.name', 'db.system'],
  messagingSystem: ['messaging.system'],
  peerService: ['peer.service'],
  serverAddress: ['server.address', 'net.peer.name'],
} as const;

/** Resource attribute keys copied into the `environment` column; the first present wins. */
export const ENVIRONMENT_RESOURCE_ATTRIBUTES = [
  'deployment.environment.name',
  'deployment.environment',
] as const;

export const UNKNOWN_SERVICE = 'unknown_service';
