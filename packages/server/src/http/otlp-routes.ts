import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';
import type { GroupCommitter } from '../ingest/group-committer.js';
import {
  OTLP_CONTENT_TYPES,
  decodeContentEncoding,
  otlpEncodingOf,
  type OtlpEncoding,
} from '../ingest/otlp-body.js';
import { ingestOptionsOf, ingestOtlp } from '../ingest/otlp-ingest.js';
import type { DecodePool } from '../ingest/decode-pool.js';
import { exportResponse, statusResponse, type OtlpSignal } from '../ingest/otlp-response.js';
import type { PharosMetrics } from '../selfmon/pharos-metrics.js';
import type { TenantLimiter } from '../limits/tenant-limiter.js';
import type { PrometheusIngest } from '../metrics/prometheus-ingest.js';
import { toAppError } from './error-handler.js';
import { tenantOf } from './tenant.js';

export interface OtlpRouteDeps {
  config: Config;
  committer: GroupCommitter;
  metrics: PharosMetrics;
  /** Writes OTLP metrics in the Prometheus model too (absent: `metric_points` only). */
  prometheus?: PrometheusIngest;
  /** Organisation rate limits and quotas (absent: none). */
  limiter?: TenantLimiter | null;
  /** Decodes OTLP bodies on worker threads (absent: on the event loop). */
  decodePool?: DecodePool;
}

const SIGNALS: readonly OtlpSignal[] = ['traces', 'logs', 'metrics'];

function signalOf(request: FastifyRequest): OtlpSignal | undefined {
  const path = request.url.split('?')[0] ?? '';
  return SIGNALS.find((signal) => path === `/v1/${signal}`);
}

function wireBytes(request: FastifyRequest): number {
  if (Buffer.isBuffer(request.body)) return request.body.length;
  return Number(request.headers['content-length'] ?? 0) || 0;
}

function encodingOrJson(request: FastifyRequest): OtlpEncoding {
  try {
    return otlpEncodingOf(request.headers['content-type']);
  } catch {
    return 'json';
  }
}

/**
 * OTLP/HTTP receivers (`POST /v1/traces|logs|metrics`), protobuf or JSON, optionally gzip.
 * Registered inside its own plugin so that its raw-body parsers and OTLP-shaped error bodies
 * (google.rpc.Status in the request's encoding) do not leak into the JSON API.
 */
export function otlpRoutes(deps: OtlpRouteDeps) {
  const ingestOptions = ingestOptionsOf(deps.config, {
    prometheus: deps.prometheus,
    decodePool: deps.decodePool,
    limiter: deps.limiter,
  });
  return async (app: FastifyInstance): Promise<void> => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      Object.keys(OTLP_CONTENT_TYPES),
      { parseAs: 'buffer', bodyLimit: deps.config.ingest.maxRequestBytes },
      (_request, body, done) => {
        done(null, body);
      },
    );

    // Under overload, refuse before the body is read (after authentication, which the parent
    // app's hook runs first): a refused body then costs no memory. Content-Length is only a
    // hint here; the body's real size is held against the bound once it is read.
    app.addHook('onRequest', async (request) => {
      deps.committer.admit(1, Number(request.headers['content-length']) || 0);
    });

    app.setErrorHandler((error, request, reply: FastifyReply) => {
      const appError = toAppError(error);
      if (appError.status >= 500) request.log.error({ err: error }, 'OTLP request failed');
      if (appError.retryAfterSeconds !== undefined) {
        void reply.header('retry-after', String(appError.retryAfterSeconds));
      }
      const signal = signalOf(request);
      if (signal) {
        deps.metrics.recordIngest(signal, 'http', {
          status: appError.status,
          accepted: 0,
          rejected: 0,
          bytes: wireBytes(request),
        });
      }
      const message = appError.expose ? appError.message : 'internal error';
      const response = statusResponse(
        encodingOrJson(request),
        appError.status,
        appError.code,
        message,
      );
      return reply.status(appError.status).type(response.contentType).send(response.body);
    });

    for (const signal of SIGNALS) {
      app.post(`/v1/${signal}`, { config: { access: 'ingest' } }, async (request, reply) => {
        const encoding = otlpEncodingOf(request.headers['content-type']);
        const body = await decodeContentEncoding(
          request.body as Buffer,
          request.headers['content-encoding'],
          deps.config.ingest.maxDecompressedBytes,
        );
        const result = await ingestOtlp(
          deps.committer,
          signal,
          encoding,
          body,
          tenantOf(request),
          ingestOptions,
        );
        const response = exportResponse(
          signal,
          encoding,
          result.rejected.count,
          result.rejected.messages.join('; '),
        );
        deps.metrics.recordIngest(signal, 'http', {
          status: 200,
          accepted: result.accepted,
          rejected: result.rejected.count,
          bytes: wireBytes(request),
          attributesDropped: result.limited.attributesDropped,
          valuesTruncated: result.limited.valuesTruncated,
        });
        return reply.status(200).type(response.contentType).send(response.body);
      });
    }
  };
}
