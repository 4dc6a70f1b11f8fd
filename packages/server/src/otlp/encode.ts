/**
 * Hand-written OTLP protobuf encoders for the in-memory model of `encode-model.ts`.
 * Used by the demo traffic simulator and by benchmarks; decoding lives elsewhere.
 */
export { encodeExportTraceRequest } from './encode-traces.js';
export { encodeExportLogsRequest } from './encode-logs.js';
export { encodeExportMetricsRequest } from './encode-metrics.js';
export type {
  AnyValue,
  Attributes,
  Exemplar,
  ExponentialBuckets,
  ExponentialHistogramDataPoint,
  ExportLogsRequest,
  ExportMetricsRequest,
  ExportTraceRequest,
  HistogramDataPoint,
  InstrumentationScope,
  KeyValueList,
  LogRecord,
  Metric,
  MetricData,
  MetricType,
  NumberDataPoint,
  Resource,
  ResourceLogs,
  ResourceMetrics,
  ResourceSpans,
  ScopeLogs,
  ScopeMetrics,
  ScopeSpans,
  Span,
  SpanEvent,
  SpanKind,
  SpanLink,
  SpanStatus,
  StatusCode,
  SummaryDataPoint,
  Temporality,
  ValueAtQuantile,
} from './encode-model.js';
