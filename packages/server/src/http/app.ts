import fs from 'node:fs';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AuthService } from '../auth/auth-service.js';
import type { Config, NodeRole } from '../config/config.js';
import type { DecodePool } from '../ingest/decode-pool.js';
import type { GroupCommitter } from '../ingest/group-committer.js';
import type { PharosMetrics } from '../selfmon/pharos-metrics.js';
import type { TenantLimiter } from '../limits/tenant-limiter.js';
import type { PrometheusIngest } from '../metrics/prometheus-ingest.js';
import type { TelemetryStore } from '../store/telemetry-store.js';
import { apiRoutes } from './api-routes.js';
import { installAuth, installSecurityHeaders } from './auth-hook.js';
import { handleApiError } from './error-handler.js';
import { otlpRoutes } from './otlp-routes.js';
import { authRoutes } from './routes/auth.js';
import { orgRoutes } from './routes/org.js';
import { prometheusApiRoutes, remoteWriteRoutes } from './routes/prometheus.js';
import { uiDistDir, uiRoutes } from './ui-routes.js';

export interface AppDeps {
  config: Config;
  store: TelemetryStore;
  committer: GroupCommitter;
  logger: Logger;
  metrics: PharosMetrics;
  /** The Prometheus model's ingest side; absent, metrics are stored as OTLP points only. */
  prometheus?: PrometheusIngest;
  /** Decodes OTLP bodies on worker threads (absent: on the event loop). */
  decodePool?: DecodePool;
  /**
   * Authentication; null or absent when it is off (`auth: false`). startPharos always sets it;
   * in-process tests that build an app without it get the single-user mode.
   */
  auth?: AuthService | null;
  /** Organisation rate limits and quotas; null or absent: none. */
  limiter?: TenantLimiter | null;
  /** Whether the server is accepting work (false while starting and shutting down). */
  isReady: () => boolean;
}

function createServer(deps: AppDeps): FastifyInstance {
  const { certFile, keyFile } = deps.config.tls;
  const https =
    certFile !== undefined && keyFile !== undefined
      ? { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) }
      : null;
  const app = Fastify({
    loggerInstance: deps.logger,
    ...(https ? { https } : {}),
    // Ingest traffic is far too heavy to log per request; errors are logged where handled.
    logController: new LogController({ disableRequestLogging: true }),
    // Ingest bodies are limited per route; this bounds everything else.
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }) as unknown as FastifyInstance;
  // Before any route: every route gets an access policy, every response security headers.
  installSecurityHeaders(app, https !== null);
  installAuth(app, deps.auth ?? null, deps.logger);
  const limiter = deps.limiter ?? null;
  if (limiter !== null) installQueryLimit(app, limiter);
  return app;
}

/** Reads and changes by an organisation count against its API rate limit (after auth). */
function installQueryLimit(app: FastifyInstance, limiter: TenantLimiter): void {
  const limited = new Set(['read', 'editor', 'admin', 'owner']);
  app.addHook('onRequest', async (request) => {
    const tenant = request.caller.tenant;
    if (tenant !== null && limited.has(request.routeOptions.config.access ?? 'none')) {
      await limiter.admitQuery(tenant);
    }
  });
}

function healthRoutes(deps: AppDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/healthz', { config: { access: 'public' } }, () => ({ status: 'ok' }));
    // Pharos' own process metrics (no tenant data), for Prometheus scrapers.
    app.get('/metrics', { config: { access: 'public' } }, async (_request, reply) => {
      const text = await deps.metrics.registry.metrics();
      return reply.type(deps.metrics.registry.contentType).send(text);
    });
    app.get('/readyz', { config: { access: 'public' } }, async (_request, reply) => {
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

/** Why a path is missing on a node that serves one role only. */
function roleHint(role: NodeRole, path: string): string {
  const ingestPath = path.startsWith('/v1/') || path === '/prometheus/api/v1/write';
  if (role === 'query' && ingestPath)
    return ': this node has role query, send telemetry to an ingest node';
  if (role === 'ingest' && !ingestPath) return ': this node has role ingest, ask a query node';
  return '';
}

/**
 * The main listener (:4400): health, OTLP/HTTP, the JSON API, and the web UI — or, with
 * `role: ingest`, health and the receivers only; with `role: query`, everything but them.
 */
export async function buildMainApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = createServer(deps);
  app.setErrorHandler(handleApiError);
  const { role } = deps.config;
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    return reply.status(404).send({
      error: {
        code: 'not_found',
        message: `no route for ${request.method} ${path}${roleHint(role, path)}`,
      },
    });
  });
  await app.register(healthRoutes(deps));
  if (role !== 'query') {
    await app.register(otlpRoutes(deps));
    await app.register(remoteWriteRoutes(deps), { prefix: '/prometheus/api/v1' });
  }
  if (role !== 'ingest') {
    await app.register(apiRoutes(deps.store), { prefix: '/api/v1' });
    await app.register(accountRoutes(deps), { prefix: '/api/v1' });
    await app.register(prometheusApiRoutes(deps), { prefix: '/prometheus/api/v1' });
    await app.register(uiRoutes(uiDistDir()));
  }
  return app;
}

/** The dedicated OTLP/HTTP listener (:4318): the receivers and health checks only. */
export async function buildOtlpApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = createServer(deps);
  app.setErrorHandler(handleApiError);
  await app.register(healthRoutes(deps));
  await app.register(otlpRoutes(deps));
  return app;
}

/** Sign-in, organisation, API key and audit routes (only `/auth/status` with auth off). */
function accountRoutes(deps: AppDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    const auth = deps.auth ?? null;
    if (auth === null) {
      app.get('/auth/status', { config: { access: 'public' } }, () => ({
        authEnabled: false,
        setupRequired: false,
        signupAllowed: false,
      }));
      return;
    }
    const secureCookies = deps.config.tls.certFile !== undefined;
    await app.register(authRoutes({ auth, secureCookies, allowSignup: deps.config.allowSignup }));
    await app.register(orgRoutes(auth));
  };
}
