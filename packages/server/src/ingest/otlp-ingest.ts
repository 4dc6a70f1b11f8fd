import type { Config } from '../config/config.js';
import { badRequest } from '../errors.js';
import { OtlpDecodeError } from '../otlp/decode-error.js';
import type { AttributeLimits } from '../otlp/attribute-limits.js';
import type { TenantLimiter } from '../limits/tenant-limiter.js';
import type { PrometheusIngest } from '../metrics/prometheus-ingest.js';
import type { PromBatchBuilder } from '../metrics/prom-batch-builder.js';
import type { LimitedAttributes, Rejections } from '../telemetry/batches.js';
import type { TenantId } from '../tenant.js';
import type { TenantBatch } from '../store/telemetry-store.js';
import type { GroupCommitter } from './group-committer.js';
import type { DecodePool } from './decode-pool.js';
import { decodeRequest, type DecodedRequest } from './decode-request.js';
import type { OtlpEncoding } from './otlp-body.js';
import type { OtlpSignal } from './otlp-response.js';

export interface IngestResult {
  accepted: number;
  rejected: Rejections;
  /** What the attribute limits dropped and cut (counted in Pharos' own metrics). */
  limited: LimitedAttributes;
}

/** Limits every ingested request is decoded under (from `ingest.*` in the config). */
export interface IngestOptions {
  attributeLimits: AttributeLimits;
  /**
   * When set, OTLP metrics are also written in the Prometheus model (series, samples,
   * exemplars, metadata) in the same commit as their `metric_points` rows.
   */
  prometheus?: PrometheusIngest;
  /**
   * With `prometheus` set: whether OTLP metrics are also written as `metric_points` rows
   * (default true; `prometheus.storeOtlpPoints`).
   */
  storeOtlpPoints?: boolean;
  /** Organisation rate limits and quotas, charged per decoded item before the commit. */
  limiter?: TenantLimiter | null;
  /** Decodes bodies on worker threads; absent, they are decoded on the calling thread. */
  decodePool?: DecodePool;
}

/** The ingest options the configuration asks for. */
export function ingestOptionsOf(
  config: Config,
  extras: {
    prometheus?: PrometheusIngest | undefined;
    decodePool?: DecodePool | undefined;
    limiter?: TenantLimiter | null | undefined;
  } = {},
): IngestOptions {
  const { prometheus, decodePool, limiter } = extras;
  return {
    limiter: limiter ?? null,
    attributeLimits: {
      maxAttributes: config.ingest.maxAttributesPerItem,
      maxValueLength: config.ingest.maxAttributeValueLength,
    },
    ...(prometheus ? { prometheus } : {}),
    storeOtlpPoints: config.prometheus.storeOtlpPoints,
    ...(decodePool ? { decodePool } : {}),
  };
}

/** The store batch of a decoded request (and, for metrics, its Prometheus-model rows). */
function toBatch(
  request: DecodedRequest,
  tenant: TenantId,
  prometheus: PrometheusIngest | undefined,
  storeOtlpPoints: boolean,
): IngestResult & { batch: TenantBatch; promBuilder?: PromBatchBuilder } {
  if (request.signal === 'traces') {
    const { spans, rejected, limited } = request.decoded;
    return { batch: { tenant, spans }, accepted: spans.length, rejected, limited };
  }
  if (request.signal === 'logs') {
    const { logs, rejected, limited } = request.decoded;
    return { batch: { tenant, logs }, accepted: logs.length, rejected, limited };
  }
  const { points, rejected, limited } = request.decoded;
  if (!prometheus) {
    return { batch: { tenant, metricPoints: points }, accepted: points.length, rejected, limited };
  }
  const converted = prometheus.fromOtlp(tenant, points);
  return {
    batch: storeOtlpPoints ? { ...converted.batch, metricPoints: points } : converted.batch,
    promBuilder: converted.builder,
    accepted: points.length,
    rejected,
    limited,
  };
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
  options: IngestOptions,
): Promise<IngestResult> {
  // Under overload, refuse before decoding rather than after; the body's bytes count against
  // the pending bound until its commit settles (decoded batches are a few times larger).
  const release = committer.reserve(body.byteLength);
  try {
    const task = {
      signal,
      encoding,
      body,
      receivedAt: BigInt(Date.now()) * 1_000_000n,
      limits: options.attributeLimits,
    };
    let request: DecodedRequest;
    try {
      request = options.decodePool ? await options.decodePool.decode(task) : decodeRequest(task);
    } catch (error) {
      if (error instanceof OtlpDecodeError) throw badRequest(error.message, error);
      throw error;
    }
    const decoded = toBatch(request, tenant, options.prometheus, options.storeOtlpPoints ?? true);
    await options.limiter?.admitIngest(tenant, decoded.accepted);
    await committer.submit(decoded.batch);
    decoded.promBuilder?.commitRegistered();
    return { accepted: decoded.accepted, rejected: decoded.rejected, limited: decoded.limited };
  } finally {
    release();
  }
}
