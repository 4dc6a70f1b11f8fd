import { Command, InvalidArgumentError } from 'commander';
import { parseDuration } from './duration.js';
import { demoCommand } from './demo-command.js';
import { startCommand, type StartFlags } from './start-command.js';
import { VERSION } from '../version.js';

function durationOption(value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

const program = new Command()
  .name('pharos')
  .description('OpenTelemetry-native observability: traces, metrics and logs in one place')
  .version(VERSION);

program
  .command('start')
  .description('start the Pharos server (embedded storage, or ClickHouse when configured)')
  .option('-c, --config <file>', 'YAML config file (default: ./pharos.yaml if present)')
  .option('--host <address>', 'address to listen on (default 127.0.0.1)')
  .option('--http-port <port>', 'UI and API port (default 4400)')
  .option('--otlp-http-port <port>', 'OTLP/HTTP port (default 4318)')
  .option('--otlp-grpc-port <port>', 'OTLP/gRPC port (default 4317)')
  .option('--data-dir <dir>', 'data directory (default ./pharos-data)')
  .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent')
  .option(
    '--role <role>',
    'all (default) | ingest (OTLP, remote write) | query (UI, API, PromQL); ingest and query need ClickHouse',
  )
  .option('--no-auth', 'no authentication: single user, everything in the organisation default')
  .action((flags: StartFlags) => startCommand(flags));

program
  .command('demo')
  .description('send realistic shop telemetry (traces, logs, metrics) to an OTLP/HTTP endpoint')
  .option('--endpoint <url>', 'OTLP/HTTP base URL', 'http://localhost:4318')
  .option('--duration <duration>', 'how long to run, e.g. 30s, 5m, 1h', durationOption, 60_000)
  .option('--rate <n>', 'mean requests (traces) per second', positiveNumber, 20)
  .option('--api-key <key>', 'API key sent as a bearer token')
  .option('--seed <n>', 'random seed for reproducible traffic', nonNegativeInteger)
  .action(
    (options: {
      endpoint: string;
      duration: number;
      rate: number;
      apiKey?: string;
      seed?: number;
    }) => demoCommand(options),
  );

await program.parseAsync(process.argv);
