import { pino } from 'pino';
import { ConfigError, loadConfig } from '../config/config.js';
import { startPharos } from '../server.js';

export interface StartFlags {
  config?: string;
  host?: string;
  httpPort?: string;
  otlpHttpPort?: string;
  otlpGrpcPort?: string;
  dataDir?: string;
  logLevel?: string;
  role?: string;
  /** false with --no-auth (commander sets true otherwise, which must not override config). */
  auth?: boolean;
}

/** `pharos start`: run until SIGINT / SIGTERM, then shut down gracefully. */
export async function startCommand(flags: StartFlags): Promise<void> {
  let config;
  try {
    config = loadConfig({
      configFile: flags.config,
      env: process.env,
      flags: {
        host: flags.host,
        httpPort: flags.httpPort,
        'otlp.httpPort': flags.otlpHttpPort,
        'otlp.grpcPort': flags.otlpGrpcPort,
        dataDir: flags.dataDir,
        logLevel: flags.logLevel,
        role: flags.role,
        auth: flags.auth === false ? false : undefined,
      },
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`pharos: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }

  const logger = pino({ level: config.logLevel, base: { service: 'pharos' } });
  const pharos = await startPharos(config, logger);
  logger.info(
    {
      http: pharos.httpUrl,
      otlpHttp: pharos.otlpHttpUrl,
      otlpGrpcPort: pharos.otlpGrpcPort,
      dataDir: config.dataDir,
      role: config.role,
    },
    'pharos started',
  );
  if (config.banner && pharos.otlpGrpcPort === null) {
    process.stderr.write(
      `\n  Pharos query node is running: UI, API and PromQL at ${pharos.httpUrl}\n\n`,
    );
  } else if (config.banner) {
    const otlp = pharos.otlpHttpUrl ?? pharos.httpUrl;
    process.stderr.write(
      [
        '',
        config.role === 'ingest'
          ? `  Pharos ingest node is running (health and remote write: ${pharos.httpUrl})`
          : `  Pharos is running. API: ${pharos.httpUrl}`,
        `  Send OpenTelemetry data:  OTEL_EXPORTER_OTLP_ENDPOINT=${otlp.replace('127.0.0.1', 'localhost')} (OTLP/HTTP)`,
        `                            or grpc://localhost:${String(pharos.otlpGrpcPort)} (OTLP/gRPC)`,
        ...(config.auth
          ? [
              '  Authentication is on: every request needs an API key (OTEL_EXPORTER_OTLP_HEADERS=',
              '    "x-pharos-api-key=<key>"). Create the owner with POST /api/v1/auth/setup or',
              '    PHAROS_ADMIN_EMAIL/PHAROS_ADMIN_PASSWORD, a key with PHAROS_BOOTSTRAP_API_KEY;',
              '    or run `npx pharos start --no-auth` to explore locally.',
              `  Try it with demo traffic:  npx pharos demo --endpoint ${otlp} --api-key <key>`,
            ]
          : [`  Try it with demo traffic:  npx pharos demo --endpoint ${otlp}`]),
        '',
        '',
      ].join('\n'),
    );
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: no new requests, committing accepted data');
    pharos.close().then(
      () => {
        logger.info('pharos stopped');
        logger.flush();
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
