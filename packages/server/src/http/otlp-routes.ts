import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';
import type { GroupCommitter } from '../ingest/group-committer.js';
import {
  OTLP_CONTENT_TYPES,
  decodeContentEncoding,
  otlpEncodingOf,
  type OtlpEncoding,
} from '../ingest/otlp-body.js';
import { ingestOtlp } from '../ingest/otlp-ingest.js';
import { exportResponse, statusResponse, type OtlpSignal } from '../ingest/otlp-response.js';
import { toAppError } from './error-handler.js';
import { tenantOf } from './tenant.js';

export interface OtlpRouteDeps {
  config: Config;
  committer: GroupCommitter;
}

const SIGNALS: readonly OtlpSignal[] = ['traces', 'logs', 'metrics'];

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
  return async (app: FastifyInstance): Promise<void> => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      Object.keys(OTLP_CONTENT_TYPES),
      { parseAs: 'buffer', bodyLimit: deps.config.ingest.maxRequestBytes },
      (_request, body, done) => {
        done(null, body);
      },
    );

    app.setErrorHandler((error, request, reply: FastifyReply) => {
      const appError = toAppError(error);
      if (appError.status >= 500) request.log.error({ err: error }, 'OTLP request failed');
      if (appError.retryAfterSeconds !== undefined) {
        void reply.header('retry-after', String(appError.retryAfterSeconds));
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
      app.post(`/v1/${signal}`, async (request, reply) => {
        const encoding = otlpEncodingOf(request.headers['content-type']);
        const body = await decodeContentEncoding(
          request.body as Buffer,
          request.headers['content-encoding'],
          deps.config.ingest.maxDecompressedBytes,
        );
        const result = await ingestOtlp(deps.committer, signal, encoding, body, tenantOf(request));
        const response = exportResponse(
          signal,
          encoding,
          result.rejected.count,
          result.rejected.messages.join('; '),
        );
        return reply.status(200).type(response.contentType).send(response.body);
      });
    }
  };
}
