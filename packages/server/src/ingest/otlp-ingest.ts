import { badRequest } from '../errors.js';
import { OtlpDecodeError } from '../otlp/decode-error.js';
import {
  decodeLogsJson,
  decodeLogsProtobuf,
  decodeMetricsJson,
  decodeMetricsProtobuf,
  decodeTracesJson,
  decodeTracesProtobuf,
} from '../otlp/decode.js';
import type { Rejections } from '../telemetry/batches.js';
import type { TenantId } from '../tenant.js';
import type { TenantBatch } from '../store/telemetry-store.js';
import type { GroupCommitter } from './group-committer.js';
import type { OtlpEncoding } from './otlp-body.js';
import type { OtlpSignal } from './otlp-response.js';

export interface IngestResult {
  accepted: number;
  rejected: Rejections;
}

function decode(
  signal: OtlpSignal,
  encoding: OtlpEncoding,
  body: Buffer,
  tenant: TenantId,
  receivedAt: bigint,
): { batch: TenantBatch; accepted: number; rejected: Rejections } {
  if (signal === 'traces') {
    const { spans, rejected } =
      encoding === 'json'
        ? decodeTracesJson(body.toString('utf8'), receivedAt)
        : decodeTracesProtobuf(body, receivedAt);
    return { batch: { tenant, spans }, accepted: spans.length, rejected };
  }
  if (signal === 'logs') {
    const { logs, rejected } =
      encoding === 'json'
        ? decodeLogsJson(body.toString('utf8'), receivedAt)
        : decodeLogsProtobuf(body, receivedAt);
    return { batch: { tenant, logs }, accepted: logs.length, rejected };
  }
  const { points, rejected } =
    encoding === 'json'
      ? decodeMetricsJson(body.toString('utf8'), receivedAt)
      : decodeMetricsProtobuf(body, receivedAt);
  return { batch: { tenant, metricPoints: points }, accepted: points.length, rejected };
}

/**
 * Decode one OTLP export request and wait until its items are committed. Malformed bodies
 * answer 400 and nothing of them is written; items rejected one by one are reported as partial
 * success while the rest are stored.
 */
export async function ingestOtlp(
  committer: GroupCommitter,
  signal: OtlpSignal,
  encoding: OtlpEncoding,
  body: Buffer,
  tenant: TenantId,
): Promise<IngestResult> {
  const receivedAt = BigInt(Date.now()) * 1_000_000n;
  let decoded;
  try {
    decoded = decode(signal, encoding, body, tenant, receivedAt);
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw badRequest(error.message, error);
    throw error;
  }
  await committer.submit(decoded.batch);
  return { accepted: decoded.accepted, rejected: decoded.rejected };
}
