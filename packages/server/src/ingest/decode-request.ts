import {
  decodeLogsJson,
  decodeLogsProtobuf,
  decodeMetricsJson,
  decodeMetricsProtobuf,
  decodeTracesJson,
  decodeTracesProtobuf,
} from '../otlp/decode.js';
import type { AttributeLimits } from '../otlp/attribute-limits.js';
import { decodeLogsProtobufUtf8 } from '../otlp/decode-logs.js';
import { decodeTracesProtobufUtf8 } from '../otlp/decode-traces.js';
import type {
  DecodedLogs,
  DecodedMetrics,
  DecodedTraces,
  LogBatch,
  SpanBatch,
  Utf8LogBatch,
  Utf8SpanBatch,
} from '../telemetry/batches.js';
import type { OtlpEncoding } from './otlp-body.js';
import type { OtlpSignal } from './otlp-response.js';

/**
 * One OTLP export request's body, decoded: a pure function of its inputs (runs in workers).
 * Protobuf spans and logs come as UTF-8 columns when the task asks for them.
 */
export type DecodedRequest =
  | { signal: 'traces'; decoded: DecodedTraces<SpanBatch | Utf8SpanBatch> }
  | { signal: 'logs'; decoded: DecodedLogs<LogBatch | Utf8LogBatch> }
  | { signal: 'metrics'; decoded: DecodedMetrics };

export interface DecodeTask {
  signal: OtlpSignal;
  encoding: OtlpEncoding;
  body: Uint8Array;
  receivedAt: bigint;
  limits: AttributeLimits;
  /**
   * Decode protobuf spans and logs into UTF-8 columns (`telemetry/utf8-column.ts`): what
   * decode workers do, so that their batches are transferred rather than cloned.
   */
  utf8Columns?: boolean;
}

/** Decodes a body; a malformed one throws `OtlpDecodeError` (see `otlp/decode.ts`). */
export function decodeRequest(task: DecodeTask): DecodedRequest {
  const { signal, encoding, body, receivedAt, limits } = task;
  const utf8 = task.utf8Columns === true;
  const text = () => Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (signal === 'traces') {
    return {
      signal,
      decoded:
        encoding === 'json'
          ? decodeTracesJson(text(), receivedAt, limits)
          : utf8
            ? decodeTracesProtobufUtf8(body, receivedAt, limits)
            : decodeTracesProtobuf(body, receivedAt, limits),
    };
  }
  if (signal === 'logs') {
    return {
      signal,
      decoded:
        encoding === 'json'
          ? decodeLogsJson(text(), receivedAt, limits)
          : utf8
            ? decodeLogsProtobufUtf8(body, receivedAt, limits)
            : decodeLogsProtobuf(body, receivedAt, limits),
    };
  }
  return {
    signal,
    decoded:
      encoding === 'json'
        ? decodeMetricsJson(text(), receivedAt, limits)
        : decodeMetricsProtobuf(body, receivedAt, limits),
  };
}
