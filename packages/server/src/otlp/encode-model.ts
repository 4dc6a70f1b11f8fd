/**
 * The plain in-memory model that `encode.ts` turns into OTLP protobuf requests.
 *
 * Conventions (the same as the column batches in `telemetry/batches.ts` where they overlap):
 * - Ids are hex strings (trace id 32 chars, span id 16 chars); `''` or absent means "no id".
 *   Lengths are not checked, so tests can craft invalid ids on purpose; non-hex text throws.
 * - Times are Unix nanoseconds as `bigint`; absent or `0n` means "not set".
 * - AnyValue: the JS type picks the OTLP variant, so every variant is expressible without tags:
 *   `string` → string, `boolean` → bool, `bigint` → int64, `number` → double (always, even 2),
 *   `Uint8Array` → bytes, array → array, plain object → kvlist, `null` → an AnyValue with no
 *   value set.
 * - Optional fields left out are not written (proto3 defaults), except the `optional` ones
 *   (histogram sum/min/max), which are written whenever given.
 */
import type { MetricType, SpanKind, StatusCode, Temporality } from '../telemetry/batches.js';

export type { MetricType, SpanKind, StatusCode, Temporality };

export type AnyValue =
  string | boolean | number | bigint | Uint8Array | null | readonly AnyValue[] | KeyValueList;

/** Insertion order is wire order. Integer-like keys ("1") would be reordered by JS: avoid them. */
export interface KeyValueList {
  readonly [key: string]: AnyValue;
}

export type Attributes = KeyValueList;

export interface Resource {
  attributes: Attributes;
  droppedAttributesCount?: number;
}

export interface InstrumentationScope {
  name: string;
  version?: string;
  attributes?: Attributes;
  droppedAttributesCount?: number;
}

// ---------------------------------------------------------------- traces

export interface SpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes?: Attributes;
  droppedAttributesCount?: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes?: Attributes;
  droppedAttributesCount?: number;
  flags?: number;
}

export interface SpanStatus {
  code: StatusCode;
  message?: string;
}

export interface Span {
  traceId: string;
  spanId: string;
  /** `''` or absent for a root span. */
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes?: Attributes;
  droppedAttributesCount?: number;
  events?: readonly SpanEvent[];
  droppedEventsCount?: number;
  links?: readonly SpanLink[];
  droppedLinksCount?: number;
  status?: SpanStatus;
  /** W3C trace flags in the low byte (1 = sampled); bits 8-9 say whether the parent is remote. */
  flags?: number;
}

export interface ScopeSpans {
  scope: InstrumentationScope;
  schemaUrl?: string;
  spans: readonly Span[];
}

export interface ResourceSpans {
  resource: Resource;
  schemaUrl?: string;
  scopeSpans: readonly ScopeSpans[];
}

export interface ExportTraceRequest {
  resourceSpans: readonly ResourceSpans[];
}

// ---------------------------------------------------------------- logs

export interface LogRecord {
  timeUnixNano?: bigint;
  observedTimeUnixNano?: bigint;
  /** 1-24 (TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR 17, FATAL 21); 0 or absent = unspecified. */
  severityNumber?: number;
  severityText?: string;
  /** Absent = no body; `null` = a body AnyValue with no value set. */
  body?: AnyValue;
  attributes?: Attributes;
  droppedAttributesCount?: number;
  flags?: number;
  traceId?: string;
  spanId?: string;
  eventName?: string;
}

export interface ScopeLogs {
  scope: InstrumentationScope;
  schemaUrl?: string;
  logRecords: readonly LogRecord[];
}

export interface ResourceLogs {
  resource: Resource;
  schemaUrl?: string;
  scopeLogs: readonly ScopeLogs[];
}

export interface ExportLogsRequest {
  resourceLogs: readonly ResourceLogs[];
}

// ---------------------------------------------------------------- metrics

export interface Exemplar {
  timeUnixNano: bigint;
  /** `bigint` → as_int, `number` → as_double. */
  value: number | bigint;
  traceId?: string;
  spanId?: string;
  filteredAttributes?: Attributes;
}

interface PointBase {
  attributes?: Attributes;
  /** Required for cumulative and delta points; absent on gauges. */
  startTimeUnixNano?: bigint;
  timeUnixNano: bigint;
  exemplars?: readonly Exemplar[];
  /** Bit 0 = no recorded value. */
  flags?: number;
}

export interface NumberDataPoint extends PointBase {
  /** `bigint` → as_int, `number` → as_double. */
  value: number | bigint;
}

export interface HistogramDataPoint extends PointBase {
  count: number;
  sum?: number;
  /** `explicitBounds.length + 1` entries. */
  bucketCounts: readonly number[];
  explicitBounds: readonly number[];
  min?: number;
  max?: number;
}

export interface ExponentialBuckets {
  offset: number;
  bucketCounts: readonly number[];
}

export interface ExponentialHistogramDataPoint extends PointBase {
  count: number;
  sum?: number;
  scale: number;
  zeroCount: number;
  positive?: ExponentialBuckets;
  negative?: ExponentialBuckets;
  min?: number;
  max?: number;
  zeroThreshold?: number;
}

export interface ValueAtQuantile {
  quantile: number;
  value: number;
}

export interface SummaryDataPoint extends Omit<PointBase, 'exemplars'> {
  count: number;
  sum: number;
  quantileValues: readonly ValueAtQuantile[];
}

export type MetricData =
  | { type: 'gauge'; points: readonly NumberDataPoint[] }
  | {
      type: 'sum';
      temporality: Temporality;
      isMonotonic: boolean;
      points: readonly NumberDataPoint[];
    }
  | { type: 'histogram'; temporality: Temporality; points: readonly HistogramDataPoint[] }
  | {
      type: 'exponential_histogram';
      temporality: Temporality;
      points: readonly ExponentialHistogramDataPoint[];
    }
  | { type: 'summary'; points: readonly SummaryDataPoint[] };

export interface Metric {
  name: string;
  description?: string;
  unit?: string;
  data: MetricData;
  metadata?: Attributes;
}

export interface ScopeMetrics {
  scope: InstrumentationScope;
  schemaUrl?: string;
  metrics: readonly Metric[];
}

export interface ResourceMetrics {
  resource: Resource;
  schemaUrl?: string;
  scopeMetrics: readonly ScopeMetrics[];
}

export interface ExportMetricsRequest {
  resourceMetrics: readonly ResourceMetrics[];
}
