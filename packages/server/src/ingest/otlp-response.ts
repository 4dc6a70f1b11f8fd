import protobuf from 'protobufjs/minimal.js';
import type { OtlpEncoding } from './otlp-body.js';

export type OtlpSignal = 'traces' | 'logs' | 'metrics';

/** JSON names of the partial-success counter, per signal (OTLP collector protos). */
const REJECTED_FIELD: Record<OtlpSignal, string> = {
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
};

export interface EncodedResponse {
  contentType: string;
  body: Buffer | string;
}

/**
 * `Export<Signal>ServiceResponse`: empty on full success, otherwise `partial_success` (field 1)
 * with the rejected count (field 1, int64) and an error message (field 2).
 */
export function exportResponse(
  signal: OtlpSignal,
  encoding: OtlpEncoding,
  rejected: number,
  errorMessage: string,
): EncodedResponse {
  if (encoding === 'json') {
    const body =
      rejected > 0 || errorMessage !== ''
        ? { partialSuccess: { [REJECTED_FIELD[signal]]: String(rejected), errorMessage } }
        : {};
    return { contentType: 'application/json', body: JSON.stringify(body) };
  }
  const writer = protobuf.Writer.create();
  if (rejected > 0 || errorMessage !== '') {
    writer.uint32((1 << 3) | 2).fork();
    if (rejected > 0) writer.uint32(1 << 3).int64(rejected);
    if (errorMessage !== '') writer.uint32((2 << 3) | 2).string(errorMessage);
    writer.ldelim();
  }
  return { contentType: 'application/x-protobuf', body: Buffer.from(writer.finish()) };
}

/** gRPC status codes used in `google.rpc.Status` bodies of OTLP/HTTP errors. */
export const GRPC_CODE: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  413: 3,
  415: 3,
  429: 8, // RESOURCE_EXHAUSTED
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE
};

/**
 * An OTLP/HTTP error body: `google.rpc.Status` (code field 1, message field 2) in the request's
 * encoding. The JSON form also carries Pharos' usual `error` envelope.
 */
export function statusResponse(
  encoding: OtlpEncoding,
  httpStatus: number,
  code: string,
  message: string,
): EncodedResponse {
  const grpcCode = GRPC_CODE[httpStatus] ?? 2; // UNKNOWN
  if (encoding === 'json') {
    return {
      contentType: 'application/json',
      body: JSON.stringify({ code: grpcCode, message, error: { code, message } }),
    };
  }
  const writer = protobuf.Writer.create();
  writer.uint32(1 << 3).int32(grpcCode);
  writer.uint32((2 << 3) | 2).string(message);
  return { contentType: 'application/x-protobuf', body: Buffer.from(writer.finish()) };
}
