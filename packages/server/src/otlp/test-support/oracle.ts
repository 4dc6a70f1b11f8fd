/**
 * The test oracle: the protobufjs static classes generated from opentelemetry-proto that
 * @opentelemetry/otlp-transformer@0.214.0 ships (npm alias `otlp-transformer-oracle`), with the
 * shapes of the plain objects they encode and decode. Test-only.
 */
import { createRequire } from 'node:module';

/** long.js's Long, as protobufjs decodes 64-bit fields. */
export interface Long {
  low: number;
  high: number;
  unsigned: boolean;
  toString(): string;
}
/** 64-bit values: the generators write decimal strings, the oracle decodes Longs. */
export type Int64 = Long | string | number;
type Opt<T> = T | null | undefined;

export interface AnyValue {
  stringValue?: Opt<string>;
  boolValue?: Opt<boolean>;
  intValue?: Opt<Int64>;
  doubleValue?: Opt<number>;
  arrayValue?: Opt<{ values?: Opt<AnyValue[]> }>;
  kvlistValue?: Opt<{ values?: Opt<KeyValue[]> }>;
  bytesValue?: Opt<Uint8Array>;
}
export interface KeyValue {
  key?: Opt<string>;
  value?: Opt<AnyValue>;
}
export interface Resource {
  attributes?: Opt<KeyValue[]>;
  droppedAttributesCount?: Opt<number>;
}
export interface Scope {
  name?: Opt<string>;
  version?: Opt<string>;
  attributes?: Opt<KeyValue[]>;
}

export interface SpanEvent {
  timeUnixNano?: Opt<Int64>;
  name?: Opt<string>;
  attributes?: Opt<KeyValue[]>;
  droppedAttributesCount?: Opt<number>;
}
export interface SpanLink {
  traceId?: Opt<Uint8Array>;
  spanId?: Opt<Uint8Array>;
  traceState?: Opt<string>;
  attributes?: Opt<KeyValue[]>;
  flags?: Opt<number>;
}
export interface Span {
  traceId?: Opt<Uint8Array>;
  spanId?: Opt<Uint8Array>;
  traceState?: Opt<string>;
  parentSpanId?: Opt<Uint8Array>;
  flags?: Opt<number>;
  name?: Opt<string>;
  kind?: Opt<number>;
  startTimeUnixNano?: Opt<Int64>;
  endTimeUnixNano?: Opt<Int64>;
  attributes?: Opt<KeyValue[]>;
  droppedAttributesCount?: Opt<number>;
  events?: Opt<SpanEvent[]>;
  links?: Opt<SpanLink[]>;
  status?: Opt<{ message?: Opt<string>; code?: Opt<number> }>;
}
export interface TracesRequest {
  resourceSpans?: Opt<{ resource?: Opt<Resource>; scopeSpans?: Opt<ScopeSpans[]> }[]>;
}
export interface ScopeSpans {
  scope?: Opt<Scope>;
  spans?: Opt<Span[]>;
}

export interface LogRecord {
  timeUnixNano?: Opt<Int64>;
  observedTimeUnixNano?: Opt<Int64>;
  severityNumber?: Opt<number>;
  severityText?: Opt<string>;
  body?: Opt<AnyValue>;
  attributes?: Opt<KeyValue[]>;
  droppedAttributesCount?: Opt<number>;
  flags?: Opt<number>;
  traceId?: Opt<Uint8Array>;
  spanId?: Opt<Uint8Array>;
  eventName?: Opt<string>;
}
export interface ScopeLogs {
  scope?: Opt<Scope>;
  logRecords?: Opt<LogRecord[]>;
}
export interface LogsRequest {
  resourceLogs?: Opt<{ resource?: Opt<Resource>; scopeLogs?: Opt<ScopeLogs[]> }[]>;
}

export interface Exemplar {
  filteredAttributes?: Opt<KeyValue[]>;
  timeUnixNano?: Opt<Int64>;
  asDouble?: Opt<number>;
  asInt?: Opt<Int64>;
  spanId?: Opt<Uint8Array>;
  traceId?: Opt<Uint8Array>;
}
interface PointCommon {
  attributes?: Opt<KeyValue[]>;
  startTimeUnixNano?: Opt<Int64>;
  timeUnixNano?: Opt<Int64>;
  flags?: Opt<number>;
}
export interface NumberDataPoint extends PointCommon {
  asDouble?: Opt<number>;
  asInt?: Opt<Int64>;
  exemplars?: Opt<Exemplar[]>;
}
export interface HistogramDataPoint extends PointCommon {
  count?: Opt<Int64>;
  sum?: Opt<number>;
  bucketCounts?: Opt<Int64[]>;
  explicitBounds?: Opt<number[]>;
  exemplars?: Opt<Exemplar[]>;
  min?: Opt<number>;
  max?: Opt<number>;
}
export interface Buckets {
  offset?: Opt<number>;
  bucketCounts?: Opt<Int64[]>;
}
export interface ExponentialHistogramDataPoint extends PointCommon {
  count?: Opt<Int64>;
  sum?: Opt<number>;
  scale?: Opt<number>;
  zeroCount?: Opt<Int64>;
  positive?: Opt<Buckets>;
  negative?: Opt<Buckets>;
  exemplars?: Opt<Exemplar[]>;
  min?: Opt<number>;
  max?: Opt<number>;
  zeroThreshold?: Opt<number>;
}
export interface SummaryDataPoint extends PointCommon {
  count?: Opt<Int64>;
  sum?: Opt<number>;
  quantileValues?: Opt<{ quantile?: Opt<number>; value?: Opt<number> }[]>;
}
export interface Metric {
  name?: Opt<string>;
  description?: Opt<string>;
  unit?: Opt<string>;
  gauge?: Opt<{ dataPoints?: Opt<NumberDataPoint[]> }>;
  sum?: Opt<{
    dataPoints?: Opt<NumberDataPoint[]>;
    aggregationTemporality?: Opt<number>;
    isMonotonic?: Opt<boolean>;
  }>;
  histogram?: Opt<{ dataPoints?: Opt<HistogramDataPoint[]>; aggregationTemporality?: Opt<number> }>;
  exponentialHistogram?: Opt<{
    dataPoints?: Opt<ExponentialHistogramDataPoint[]>;
    aggregationTemporality?: Opt<number>;
  }>;
  summary?: Opt<{ dataPoints?: Opt<SummaryDataPoint[]> }>;
}
export interface ScopeMetrics {
  scope?: Opt<Scope>;
  metrics?: Opt<Metric[]>;
}
export interface MetricsRequest {
  resourceMetrics?: Opt<{ resource?: Opt<Resource>; scopeMetrics?: Opt<ScopeMetrics[]> }[]>;
}

/** One generated message class. */
export interface OracleCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

interface OracleRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: OracleCodec<TracesRequest> } };
        logs: { v1: { ExportLogsServiceRequest: OracleCodec<LogsRequest> } };
        metrics: { v1: { ExportMetricsServiceRequest: OracleCodec<MetricsRequest> } };
      };
    };
  };
}

const require = createRequire(import.meta.url);
const root = require('otlp-transformer-oracle/build/src/generated/root.js') as OracleRoot;
const collector = root.opentelemetry.proto.collector;

export const oracleTraces = collector.trace.v1.ExportTraceServiceRequest;
export const oracleLogs = collector.logs.v1.ExportLogsServiceRequest;
export const oracleMetrics = collector.metrics.v1.ExportMetricsServiceRequest;
