import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import { startOtlpGrpcServer, type RunningGrpcServer } from './grpc/otlp-grpc-server.js';
import { buildMainApp, buildOtlpApp, type AppDeps } from './http/app.js';
import { GroupCommitter } from './ingest/group-committer.js';
import { PharosMetrics } from './selfmon/pharos-metrics.js';
import { DuckDbTelemetryStore } from './store/duckdb/duckdb-telemetry-store.js';
import type { TelemetryStore } from './store/telemetry-store.js';

export interface RunningPharos {
  store: TelemetryStore;
  committer: GroupCommitter;
  /** Base URLs of the listeners, e.g. `http://127.0.0.1:4400`. */
  httpUrl: string;
  otlpHttpUrl: string | null;
  /** Port of the OTLP/gRPC listener. */
  otlpGrpcPort: number;
  /** Stop accepting, commit what was accepted, close storage. Idempotent. */
  close(): Promise<void>;
}

function urlOf(app: FastifyInstance): string {
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('listener has no address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

export async function startPharos(config: Config, logger: Logger): Promise<RunningPharos> {
  const store = await DuckDbTelemetryStore.open({
    dataDir: config.dataDir,
    logger: logger.child({ component: 'store' }),
    memoryLimit: config.storage.memoryLimit,
    retentionDays: config.storage.retentionDays,
  });
  const committer = new GroupCommitter(store, {
    maxDelayMs: config.ingest.batchMaxDelayMs,
    maxItems: config.ingest.batchMaxItems,
    maxPendingItems: config.ingest.maxPendingItems,
    onCommit: (items, seconds, ok) => {
      metrics.recordCommit(items, seconds, ok);
    },
  });
  const metrics = new PharosMetrics(() => committer.stats);
  let ready = false;
  const deps: AppDeps = { config, store, committer, logger, metrics, isReady: () => ready };

  const apps: FastifyInstance[] = [];
  let grpc: RunningGrpcServer | undefined;
  try {
    const main = await buildMainApp(deps);
    apps.push(main);
    await main.listen({ host: config.host, port: config.httpPort });
    let otlpHttpUrl: string | null = null;
    if (config.otlp.httpPort !== config.httpPort || config.httpPort === 0) {
      const otlp = await buildOtlpApp(deps);
      apps.push(otlp);
      await otlp.listen({ host: config.host, port: config.otlp.httpPort });
      otlpHttpUrl = urlOf(otlp);
    }
    grpc = await startOtlpGrpcServer({ config, committer, logger, metrics });
    const grpcServer = grpc;
    const maintenance = startMaintenance(store, config, logger);
    ready = true;

    let closing: Promise<void> | undefined;
    return {
      store,
      committer,
      httpUrl: urlOf(main),
      otlpHttpUrl,
      otlpGrpcPort: grpcServer.port,
      close() {
        closing ??= (async () => {
          ready = false;
          maintenance.stop();
          await Promise.all([...apps.map((app) => app.close()), grpcServer.close()]);
          await committer.drain();
          await maintenance.idle();
          await store.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await Promise.all(apps.map((app) => app.close()));
    await grpc?.close();
    await store.close();
    throw error;
  }
}

/** Periodic sealing, merging and retention; never two runs at once. */
function startMaintenance(store: TelemetryStore, config: Config, logger: Logger) {
  let running: Promise<void> | undefined;
  const run = () => {
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
  const timer = setInterval(run, config.storage.sealIntervalSeconds * 1000);
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
