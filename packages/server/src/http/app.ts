import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { GroupCommitter } from '../ingest/group-committer.js';
import type { PharosMetrics } from '../selfmon/pharos-metrics.js';
import type { TelemetryStore } from '../store/telemetry-store.js';
import { apiRoutes } from './api-routes.js';
import { handleApiError } from './error-handler.js';
import { otlpRoutes } from './otlp-routes.js';

export interface AppDeps {
  config: Config;
  store: TelemetryStore;
  committer: GroupCommitter;
  logger: Logger;
  metrics: PharosMetrics;
  /** Whether the server is accepting work (false while starting and shutting down). */
  isReady: () => boolean;
}

function createServer(logger: Logger): FastifyInstance {
  return Fastify({
    loggerInstance: logger,
    // Ingest traffic is far too heavy to log per request; errors are logged where handled.
    logController: new LogController({ disableRequestLogging: true }),
    // Ingest bodies are limited per route; this bounds everything else.
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }) as unknown as FastifyInstance;
}

function healthRoutes(deps: AppDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/healthz', () => ({ status: 'ok' }));
    app.get('/metrics', async (_request, reply) => {
      const text = await deps.metrics.registry.metrics();
      return reply.type(deps.metrics.registry.contentType).send(text);
    });
    app.get('/readyz', async (_request, reply) => {
      if (!deps.isReady()) {
        return reply.status(503).send({ status: 'unavailable', reason: 'starting or stopping' });
      }
      try {
        await deps.store.ping();
        return { status: 'ready' };
      } catch (error) {
        _request.log.warn({ err: error }, 'readiness check failed');
        return reply.status(503).send({ status: 'unavailable', reason: 'storage unreachable' });
      }
    });
  };
}

/** The main listener (:4400): health, OTLP/HTTP, and the JSON API. */
export async function buildMainApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = createServer(deps.logger);
  app.setErrorHandler(handleApiError);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: {
        code: 'not_found',
        message: `no route for ${request.method} ${request.url.split('?')[0]}`,
      },
    }),
  );
  await app.register(healthRoutes(deps));
  await app.register(otlpRoutes(deps));
  await app.register(apiRoutes(deps.store), { prefix: '/api/v1' });
  return app;
}

/** The dedicated OTLP/HTTP listener (:4318): the receivers and health checks only. */
export async function buildOtlpApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = createServer(deps.logger);
  app.setErrorHandler(handleApiError);
  await app.register(healthRoutes(deps));
  await app.register(otlpRoutes(deps));
  return app;
}
