import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AuthService } from './auth/auth-service.js';
import { grpcTenantOf } from './auth/grpc-tenant.js';
import { RedisAuthInvalidations } from './auth/redis-auth-invalidations.js';
import { RedisLoginThrottle } from './auth/redis-login-throttle.js';
import {
  LocalLocks,
  PostgresAdvisoryLocks,
  type SingletonLocks,
} from './cluster/singleton-locks.js';
import type { Config } from './config/config.js';
import { startOtlpGrpcServer, type RunningGrpcServer } from './grpc/otlp-grpc-server.js';
import { buildMainApp, buildOtlpApp, type AppDeps } from './http/app.js';
import { registeredRoutes, type RouteEntry } from './http/auth-hook.js';
import { DecodePool } from './ingest/decode-pool.js';
import { GroupCommitter } from './ingest/group-committer.js';
import { LocalLimitStore, RedisLimitStore } from './limits/limit-store.js';
import { TenantLimiter, tenantLimitsOf } from './limits/tenant-limiter.js';
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
  /** Port of the OTLP/gRPC listener; null on a query node. */
  otlpGrpcPort: number | null;
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
async function startAuth(config: Config, logger: Logger, redis: Redis | null) {
  if (!config.auth) {
    const loopback = ['127.0.0.1', '::1', 'localhost'].includes(config.host);
    if (!loopback) {
      logger.warn(
        { host: config.host },
        'AUTHENTICATION IS OFF and Pharos listens beyond this machine: anyone who can reach it can read and write all data',
      );
    }
    return { meta: null, auth: null, invalidations: null };
  }
  const meta = await openMetaStore({
    dataDir: config.dataDir,
    postgresUrl: config.meta.postgresUrl,
    logger: logger.child({ component: 'meta' }),
  });
  let invalidations: RedisAuthInvalidations | null = null;
  try {
    const auth = await AuthService.create(
      meta,
      config.session,
      logger.child({ component: 'auth' }),
      // With Redis, log-in throttling is shared by every node; without, each node counts alone.
      redis ? new RedisLoginThrottle(redis) : undefined,
    );
    if (redis) {
      invalidations = await RedisAuthInvalidations.connect(
        redis,
        auth,
        logger.child({ component: 'auth' }),
      );
    }
    await auth.bootstrap({
      adminEmail: config.admin.email,
      adminPassword: config.admin.password,
      bootstrapApiKey: config.bootstrapApiKey,
    });
    if ((await meta.countUsers()) === 0) {
      logger.info('no users yet: open the UI (or POST /api/v1/auth/setup) to create the owner');
    }
    return { meta, auth, invalidations };
  } catch (error) {
    await invalidations?.close();
    await meta.close();
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
    mergeMaxRows: config.storage.mergeMaxRows,
    promCacheBytes: config.prometheus.readCacheBytes,
  });
}

/** Redis shared by the nodes (`redis.url`), or null. */
function connectRedis(config: Config): Redis | null {
  if (config.redis.url === undefined) return null;
  return new Redis(config.redis.url, { maxRetriesPerRequest: 2, enableOfflineQueue: true });
}

/** Singleton jobs: through PostgreSQL advisory locks when nodes share one, else this node runs them. */
function singletonLocks(config: Config, logger: Logger): SingletonLocks {
  const postgresUrl = config.meta.postgresUrl;
  if (config.clickhouse.url === undefined || postgresUrl === undefined) {
    if (config.clickhouse.url !== undefined) {
      logger.warn(
        'ClickHouse without PostgreSQL (meta.postgresUrl): if several nodes share this ClickHouse, each runs storage maintenance itself',
      );
    }
    return new LocalLocks();
  }
  return new PostgresAdvisoryLocks(postgresUrl, logger.child({ component: 'singletons' }));
}

export async function startPharos(config: Config, logger: Logger): Promise<RunningPharos> {
  const redis = connectRedis(config);
  const locks = singletonLocks(config, logger);
  let auth: Awaited<ReturnType<typeof startAuth>>;
  try {
    auth = await startAuth(config, logger, redis);
  } catch (error) {
    await locks.close();
    redis?.disconnect();
    throw error;
  }
  const { meta, invalidations } = auth;
  let store: TelemetryStore;
  try {
    store = await openTelemetryStore(config, logger.child({ component: 'store' }));
  } catch (error) {
    await invalidations?.close();
    await meta?.close();
    await locks.close();
    redis?.disconnect();
    throw error;
  }
  const committer = new GroupCommitter(store, {
    maxDelayMs: config.ingest.batchMaxDelayMs,
    maxItems: config.ingest.batchMaxItems,
    maxPendingItems: config.ingest.maxPendingItems,
    maxPendingBytes: config.ingest.maxPendingBytes,
    onCommit: (items, seconds, ok) => {
      metrics.recordCommit(items, seconds, ok);
    },
  });
  const metrics = new PharosMetrics(
    () => committer.stats,
    () => locks.held(),
    store.promCacheStats ? () => store.promCacheStats!() : undefined,
  );
  const limiter = new TenantLimiter(
    tenantLimitsOf(config),
    redis ? new RedisLimitStore(redis) : new LocalLimitStore(),
    logger.child({ component: 'limits' }),
    (kind) => {
      metrics.limitRefusals.inc({ limit: kind });
    },
  );
  const prometheus = PrometheusIngest.fromConfig(config);
  const decodePool =
    config.role !== 'query' && config.ingest.decodeWorkers > 0
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
    auth: auth.auth,
    prometheus,
    limiter,
    isReady: () => ready,
  };
  const ingests = config.role !== 'query';

  const apps: FastifyInstance[] = [];
  const routes: RunningPharos['routes'] = { main: [], otlp: [] };
  let grpc: RunningGrpcServer | undefined;
  const closeAll = async () => {
    await Promise.all(apps.map((app) => app.close()));
    await grpc?.close();
    await committer.drain();
    await decodePool?.close();
  };
  const release = async () => {
    await store.close();
    await invalidations?.close();
    await meta?.close();
    await locks.close();
    await redis?.quit().catch(() => undefined);
  };
  try {
    const main = await buildMainApp(deps);
    apps.push(main);
    routes.main = registeredRoutes(main);
    await main.listen({ host: config.host, port: config.httpPort });
    let otlpHttpUrl: string | null = null;
    if (ingests && (config.otlp.httpPort !== config.httpPort || config.httpPort === 0)) {
      const otlp = await buildOtlpApp(deps);
      apps.push(otlp);
      routes.otlp = registeredRoutes(otlp);
      await otlp.listen({ host: config.host, port: config.otlp.httpPort });
      otlpHttpUrl = urlOf(otlp, config);
    }
    if (ingests) {
      grpc = await startOtlpGrpcServer({
        config,
        committer,
        logger,
        metrics,
        prometheus,
        limiter,
        ...(decodePool ? { decodePool } : {}),
        ...(auth.auth ? { tenantOf: grpcTenantOf(auth.auth) } : {}),
      });
    }
    const maintenance = startMaintenance(store, committer, locks, config, logger);
    // The embedded store keeps unsealed rows in memory (DuckDB hot tables); a shared ClickHouse
    // has no hot tables, and its maintenance runs on one node only.
    if (config.clickhouse.url === undefined) {
      committer.limitUnsealed(maintenance.unsealedItems, config.storage.maxUnsealedRows);
    }
    ready = true;

    let closing: Promise<void> | undefined;
    return {
      store,
      committer,
      httpUrl: urlOf(main, config),
      otlpHttpUrl,
      meta,
      auth: auth.auth,
      routes,
      otlpGrpcPort: grpc?.port ?? null,
      close() {
        closing ??= (async () => {
          ready = false;
          maintenance.stop();
          await closeAll();
          await maintenance.idle();
          await release();
        })();
        return closing;
      },
    };
  } catch (error) {
    await closeAll();
    await release();
    throw error;
  }
}

/**
 * Sealing, merging and retention: every `storage.sealIntervalSeconds`, or sooner once
 * `sealAfterRows(config)` rows have been committed since the last run (which bounds the hot
 * tables, and so memory and DuckDB's WAL, under sustained load; past `storage.maxUnsealedRows`
 * ingest is refused until a run has sealed). Never two runs at once, and on
 * a shared store (ClickHouse) only on the node holding the `maintenance` singleton lock.
 */
/**
 * Committed rows (weighed, see `GroupCommitterStats.committedRows`) after which a maintenance run
 * starts without waiting for the interval: `storage.sealMaxRows`, but never more than half of
 * `storage.maxUnsealedRows`. Past that bound ingest is refused until a run has sealed, so a
 * seal must start well before it: with `sealMaxRows` at or above it, nothing but the interval
 * started a seal and ingest stalled behind 503s for up to `sealIntervalSeconds` at a time.
 */
export function sealAfterRows(config: Pick<Config, 'storage'>): number {
  return Math.min(config.storage.sealMaxRows, config.storage.maxUnsealedRows / 2);
}

function startMaintenance(
  store: TelemetryStore,
  committer: GroupCommitter,
  locks: SingletonLocks,
  config: Config,
  logger: Logger,
) {
  let running: Promise<void> | undefined;
  let lastRunAt = Date.now();
  let committedAtLastRun = 0;
  // Items committed when the last run that sealed started: all of them are sealed.
  let sealedUpTo = 0;
  const sealAfter = sealAfterRows(config);
  const run = () => {
    lastRunAt = Date.now();
    committedAtLastRun = committer.stats.committedRows;
    const startedAt = committedAtLastRun;
    let sealMs = NaN;
    running ??= store
      .maintain({
        onSealed: () => {
          sealedUpTo = startedAt;
          sealMs = Date.now() - lastRunAt;
        },
      })
      .then((report) => {
        if (report.partsWritten + report.partsMerged + report.daysDropped > 0) {
          const memory = process.memoryUsage();
          logger.debug(
            {
              report,
              sealMs,
              totalMs: Date.now() - lastRunAt,
              rssMiB: Math.round(memory.rss / 1048576),
              heapMiB: Math.round(memory.heapTotal / 1048576),
              externalMiB: Math.round(memory.external / 1048576),
            },
            'storage maintenance',
          );
        }
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'storage maintenance failed');
      })
      .finally(() => {
        running = undefined;
      });
  };
  let checking = false;
  const timer = setInterval(() => {
    if (running || checking) return;
    checking = true;
    locks
      .hold('maintenance')
      .then((held) => {
        const due = Date.now() - lastRunAt >= config.storage.sealIntervalSeconds * 1000;
        const full = committer.stats.committedRows - committedAtLastRun >= sealAfter;
        if (held && (due || full)) run();
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'singleton lock check failed');
      })
      .finally(() => {
        checking = false;
      });
  }, 250);
  timer.unref();
  return {
    /** Rows (weighed, see `committedRows`) committed since the last run that sealed started. */
    unsealedItems: () => committer.stats.committedRows - sealedUpTo,
    stop: () => {
      clearInterval(timer);
    },
    idle: async () => {
      await running;
    },
  };
}
