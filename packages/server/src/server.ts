import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AuthService } from './auth/auth-service.js';
import { grpcTenantOf } from './auth/grpc-tenant.js';
import { RedisLoginThrottle } from './auth/redis-login-throttle.js';
import type { Config } from './config/config.js';
import { startOtlpGrpcServer, type RunningGrpcServer } from './grpc/otlp-grpc-server.js';
import { buildMainApp, buildOtlpApp, type AppDeps } from './http/app.js';
import { registeredRoutes, type RouteEntry } from './http/auth-hook.js';
import { DecodePool } from './ingest/decode-pool.js';
import { GroupCommitter } from './ingest/group-committer.js';
import type { MetaStore } from './meta/meta-store.js';
import { openMetaStore } from './meta/open-meta-store.js';
import { PharosMetrics } from './selfmon/pharos-metrics.js';
import { PrometheusIngest } from './metrics/prometheus-ingest.js';
import { ClickHouseTelemetryStore } from './store/clickhouse/clickhouse-telemetry-store.js';
import { DuckDbTelemetryStore } from './store/duckdb/duckdb-telemetry-store.js';
import type { TelemetryStore } from './store/telemetry-store.js';

export interface RunningPharos {
  store: TelemetryStore;
  committer: GroupCommitter;
  /** Base URLs of the listeners, e.g. `http://127.0.0.1:4400`. */
  httpUrl: string;
  otlpHttpUrl: string | null;
  /** Users, organisations and keys; null with authentication off. */
  meta: MetaStore | null;
  auth: AuthService | null;
  /** Every HTTP route with its access policy, per listener. */
  routes: { main: readonly RouteEntry[]; otlp: readonly RouteEntry[] };
  /** Port of the OTLP/gRPC listener. */
  otlpGrpcPort: number;
  /** Stop accepting, commit what was accepted, close storage. Idempotent. */
  close(): Promise<void>;
}

function urlOf(app: FastifyInstance, config: Config): string {
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('listener has no address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const scheme = config.tls.certFile === undefined ? 'http' : 'https';
  return `${scheme}://${host}:${address.port}`;
}

/** The metadata store and authentication, or nulls with authentication off. */
async function startAuth(config: Config, logger: Logger) {
  if (!config.auth) {
    const loopback = ['127.0.0.1', '::1', 'localhost'].includes(config.host);
    if (!loopback) {
      logger.warn(
        { host: config.host },
        'AUTHENTICATION IS OFF and Pharos listens beyond this machine: anyone who can reach it can read and write all data',
      );
    }
    return { meta: null, auth: null, redis: null };
  }
  const meta = await openMetaStore({
    dataDir: config.dataDir,
    postgresUrl: config.meta.postgresUrl,
    logger: logger.child({ component: 'meta' }),
  });
  // With redis.url, log-in throttling is shared by every node; without, each node counts alone.
  const redis =
    config.redis.url === undefined
      ? null
      : new Redis(config.redis.url, { maxRetriesPerRequest: 2, enableOfflineQueue: true });
  try {
    const auth = await AuthService.create(
      meta,
      config.session,
      logger.child({ component: 'auth' }),
      redis ? new RedisLoginThrottle(redis) : undefined,
    );
    await auth.bootstrap({
      adminEmail: config.admin.email,
      adminPassword: config.admin.password,
      bootstrapApiKey: config.bootstrapApiKey,
    });
    if ((await meta.countUsers()) === 0) {
      logger.info('no users yet: open the UI (or POST /api/v1/auth/setup) to create the owner');
    }
    return { meta, auth, redis };
  } catch (error) {
    await meta.close();
    await redis?.quit();
    throw error;
  }
}

/** ClickHouse when `clickhouse.url` is set, else the embedded DuckDB store. */
async function openTelemetryStore(config: Config, logger: Logger): Promise<TelemetryStore> {
  const { clickhouse } = config;
  if (clickhouse.url !== undefined) {
    return ClickHouseTelemetryStore.open({
      urls: clickhouse.url.split(','),
      username: clickhouse.user,
      password: clickhouse.password,
      database: clickhouse.database,
      cluster: clickhouse.cluster,
      retentionDays: config.storage.retentionDays,
      logger,
    });
  }
  return DuckDbTelemetryStore.open({
    dataDir: config.dataDir,
    logger,
    memoryLimit: config.storage.memoryLimit,
    retentionDays: config.storage.retentionDays,
  });
}

export async function startPharos(config: Config, logger: Logger): Promise<RunningPharos> {
  const { meta, auth, redis } = await startAuth(config, logger);
  let store: TelemetryStore;
  try {
    store = await openTelemetryStore(config, logger.child({ component: 'store' }));
  } catch (error) {
    await meta?.close();
    await redis?.quit();
    throw error;
  }
  const committer = new GroupCommitter(store, {
    maxDelayMs: config.ingest.batchMaxDelayMs,
    maxItems: config.ingest.batchMaxItems,
    maxPendingItems: config.ingest.maxPendingItems,
    onCommit: (items, seconds, ok) => {
      metrics.recordCommit(items, seconds, ok);
    },
  });
  const metrics = new PharosMetrics(() => committer.stats);
  const prometheus = PrometheusIngest.fromConfig(config);
  const decodePool =
    config.ingest.decodeWorkers > 0
      ? new DecodePool({
          workers: config.ingest.decodeWorkers,
          // As much as the commit queue holds decoded (a few hundred bytes per item on the wire).
          maxQueuedBytes: Math.max(config.ingest.maxDecompressedBytes, 64 * 1024 * 1024),
          logger: logger.child({ component: 'decode' }),
        })
      : undefined;
  let ready = false;
  const deps: AppDeps = {
    config,
    store,
    committer,
    ...(decodePool ? { decodePool } : {}),
    logger,
    metrics,
    auth,
    prometheus,
    isReady: () => ready,
  };

  const apps: FastifyInstance[] = [];
  const routes: RunningPharos['routes'] = { main: [], otlp: [] };
  let grpc: RunningGrpcServer | undefined;
  try {
    const main = await buildMainApp(deps);
    apps.push(main);
    routes.main = registeredRoutes(main);
    await main.listen({ host: config.host, port: config.httpPort });
    let otlpHttpUrl: string | null = null;
    if (config.otlp.httpPort !== config.httpPort || config.httpPort === 0) {
      const otlp = await buildOtlpApp(deps);
      apps.push(otlp);
      routes.otlp = registeredRoutes(otlp);
      await otlp.listen({ host: config.host, port: config.otlp.httpPort });
      otlpHttpUrl = urlOf(otlp, config);
    }
    grpc = await startOtlpGrpcServer({
      config,
      committer,
      logger,
      metrics,
      prometheus,
      ...(decodePool ? { decodePool } : {}),
      ...(auth ? { tenantOf: grpcTenantOf(auth) } : {}),
    });
    const grpcServer = grpc;
    const maintenance = startMaintenance(store, committer, config, logger);
    ready = true;

    let closing: Promise<void> | undefined;
    return {
      store,
      committer,
      httpUrl: urlOf(main, config),
      otlpHttpUrl,
      meta,
      auth,
      routes,
      otlpGrpcPort: grpcServer.port,
      close() {
        closing ??= (async () => {
          ready = false;
          maintenance.stop();
          await Promise.all([...apps.map((app) => app.close()), grpcServer.close()]);
          await committer.drain();
          await decodePool?.close();
          await maintenance.idle();
          await store.close();
          await meta?.close();
          await redis?.quit();
        })();
        return closing;
      },
    };
  } catch (error) {
    await Promise.all(apps.map((app) => app.close()));
    await grpc?.close();
    await decodePool?.close();
    await store.close();
    await meta?.close();
    await redis?.quit();
    throw error;
  }
}

/**
 * Sealing, merging and retention: every `storage.sealIntervalSeconds`, or sooner once
 * `storage.sealMaxRows` rows have been committed since the last run (which bounds the hot
 * tables, and so memory and DuckDB's WAL, under sustained load). Never two runs at once.
 */
function startMaintenance(
  store: TelemetryStore,
  committer: GroupCommitter,
  config: Config,
  logger: Logger,
) {
  let running: Promise<void> | undefined;
  let lastRunAt = Date.now();
  let committedAtLastRun = 0;
  const run = () => {
    lastRunAt = Date.now();
    committedAtLastRun = committer.stats.committedItems;
    running ??= store
      .maintain()
      .then((report) => {
        if (report.partsWritten + report.partsMerged + report.daysDropped > 0) {
          logger.debug({ report }, 'storage maintenance');
        }
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'storage maintenance failed');
      })
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(() => {
    if (running) return;
    const due = Date.now() - lastRunAt >= config.storage.sealIntervalSeconds * 1000;
    const full = committer.stats.committedItems - committedAtLastRun >= config.storage.sealMaxRows;
    if (due || full) run();
  }, 1000);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
    },
    idle: async () => {
      await running;
    },
  };
}
