import {
  decodeLogsJson,
  decodeLogsProtobuf,
  decodeMetricsJson,
  decodeMetricsProtobuf,
  decodeTracesJson,
  decodeTracesProtobuf,
} from '../otlp/decode.js';
import type { AttributeLimits } from '../otlp/attribute-limits.js';
import type { DecodedLogs, DecodedMetrics, DecodedTraces } from '../telemetry/batches.js';
import type { OtlpEncoding } from './otlp-body.js';
import type { OtlpSignal } from './otlp-response.js';

/** One OTLP export request's body, decoded: a pure function of its inputs (runs in workers). */
export type DecodedRequest =
  | { signal: 'traces'; decoded: DecodedTraces }
  | { signal: 'logs'; decoded: DecodedLogs }
  | { signal: 'metrics'; decoded: DecodedMetrics };

export interface DecodeTask {
  signal: OtlpSignal;
  encoding: OtlpEncoding;
  body: Uint8Array;
  receivedAt: bigint;
  limits: AttributeLimits;
}

/** Decodes a body; a malformed one throws `OtlpDecodeError` (see `otlp/decode.ts`). */
export function decodeRequest(task: DecodeTask): DecodedRequest {
  const { signal, encoding, body, receivedAt, limits } = task;
  const text = () => Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (signal === 'traces') {
    return {
      signal,
      decoded:
        encoding === 'json'
          ? decodeTracesJson(text(), receivedAt, limits)
          : decodeTracesProtobuf(body, receivedAt, limits),
    };
  }
  if (signal === 'logs') {
    return {
      signal,
      decoded:
        encoding === 'json'
          ? decodeLogsJson(text(), receivedAt, limits)
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
