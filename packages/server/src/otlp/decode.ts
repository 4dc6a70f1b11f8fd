/**
 * OTLP wire decoders: protobuf or JSON export requests → column batches
 * (`telemetry/batches.ts`) plus the items rejected for OTLP partial success. A malformed body
 * throws `OtlpDecodeError` (and nothing else) with a message naming the problem and where.
 *
 * Decisions beyond the conventions of `batches.ts`, shared by the protobuf and JSON paths and
 * pinned by the differential tests (`test-support/reference.ts` states them as code):
 * - Spans need a 16-byte trace id and an 8-byte span id, neither all zeros; the parent id is
 *   empty or 8 bytes (all zeros = root). Log ids may be empty; all zeros reads as empty; any
 *   other length rejects the record. In JSON, ids are hex of twice those lengths.
 * - Promoted columns take, in the listed key order, the first key whose value converts: text
 *   columns accept strings, ints, doubles and bools (as text); `httpStatusCode` accepts
 *   integers, integral doubles and strings of up to nine digits. A repeated key counts with its
 *   last value, as in the JSON map (which keeps every repetition in its text).
 * - `service.name` that is absent, empty or not a scalar is `unknown_service`.
 * - A oneof sent twice (AnyValue, a metric's data) keeps the last; an AnyValue without a value
 *   is JSON `null`; a log body without one is `''`.
 * - Event, exemplar and link ids are written as hex of whatever bytes were sent; times there are
 *   signed decimal strings like the time columns.
 * - Severity numbers outside 0..24 become 0; unknown span kinds, status codes and
 *   temporalities become `unspecified` / `unset`.
 * - Summary `sum` and histogram `count` default to 0 (plain proto3 fields); histogram `sum`,
 *   `min`, `max` are NaN when absent (proto3 `optional`). Exponential histograms' zero
 *   threshold has no column and is dropped.
 * - Attribute limits (optional third argument) drop attributes beyond a count per map and cut
 *   long string and bytes values, counted in the result's `limited`: see `attribute-limits.ts`.
 */
export { decodeTracesProtobuf } from './decode-traces.js';
export { decodeLogsProtobuf } from './decode-logs.js';
export { decodeMetricsProtobuf } from './decode-metrics.js';
export { decodeTracesJson } from './json-traces.js';
export { decodeLogsJson } from './json-logs.js';
export { decodeMetricsJson } from './json-metrics.js';
export { OtlpDecodeError } from './decode-error.js';
export { emptyLogBatch, emptyMetricPointBatch, emptySpanBatch } from './builders.js';
