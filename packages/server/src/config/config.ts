import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * Pharos configuration: defaults < `pharos.yaml` < `PHAROS_*` environment < command-line flags.
 * This module is the only reader of `process.env` (callers pass it in). Every key has an
 * environment variable derived from its path: `storage.retentionDays` → `PHAROS_STORAGE_RETENTION_DAYS`.
 */

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();
const bytes = z.coerce.number().int().min(1024);

/** What one node serves; a scale-out deployment runs several nodes of each role. */
export const ROLES = ['all', 'ingest', 'query'] as const;
export type NodeRole = (typeof ROLES)[number];

/** 0 turns a limit off. */
const limit = z.coerce.number().int().min(0);

const booleanText = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const lower = value.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(lower)) return true;
  if (['false', '0', 'no', 'off'].includes(lower)) return false;
  return value;
}, z.boolean());

export const configSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1').describe('Address the listeners bind to'),
    httpPort: port.default(4400).describe('UI, JSON API and OTLP/HTTP'),
    role: z
      .enum(ROLES)
      .default('all')
      .describe(
        'What this node serves: all; ingest (OTLP, remote write); query (UI, API, PromQL). ingest/query need ClickHouse',
      ),
    otlp: z
      .object({
        httpPort: port.default(4318).describe('OTLP/HTTP receiver (0: any free port)'),
        grpcPort: port.default(4317).describe('OTLP/gRPC receiver (0: any free port)'),
      })
      .strict()
      .prefault({}),
    dataDir: z.string().min(1).default('./pharos-data').describe('Where telemetry is stored'),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    storage: z
      .object({
        memoryLimit: z
          .string()
          .regex(
            /^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i,
            'expected a size like 1GB or 512MiB',
          )
          .default('256MB')
          .describe('DuckDB memory limit'),
        retentionDays: z.coerce.number().int().min(0).default(30).describe('0 keeps data forever'),
        sealIntervalSeconds: positiveInt
          .default(60)
          .describe('How often recent data is sealed into compressed day partitions'),
        sealMaxRows: positiveInt
          .default(100_000)
          .describe('Seal sooner once this many rows arrived since the last seal'),
        maxUnsealedRows: positiveInt
          .default(200_000)
          .describe(
            'Rows committed and not yet sealed beyond which ingest is refused with 503 until sealing catches up',
          ),
        mergeMaxRows: positiveInt
          .default(400_000)
          .describe('Rows one merge of small parts sorts at most (fits storage.memoryLimit)'),
      })
      .strict()
      .prefault({}),
    ingest: z
      .object({
        maxRequestBytes: bytes
          .default(16 * 1024 * 1024)
          .describe('Largest request body on the wire'),
        maxDecompressedBytes: bytes
          .default(64 * 1024 * 1024)
          .describe('Largest request body after gzip decompression'),
        batchMaxDelayMs: z.coerce
          .number()
          .int()
          .min(0)
          .max(10_000)
          .default(10)
          .describe('How long a request may wait to share a commit with others'),
        batchMaxItems: positiveInt.default(50_000).describe('Items per group commit'),
        maxPendingItems: positiveInt
          .default(100_000)
          .describe('Decoded items waiting for commit before requests are refused with 429'),
        maxPendingBytes: bytes
          .default(16 * 1024 * 1024)
          .describe(
            'Request body bytes (after decompression) admitted and not yet committed before requests are refused with 429',
          ),
        decodeWorkers: z.coerce
          .number()
          .int()
          .min(0)
          .max(64)
          .default(1)
          .describe(
            'Worker threads that decode OTLP and remote write bodies; 0 decodes on the main thread',
          ),
        maxAttributesPerItem: positiveInt
          .default(128)
          .describe('Attributes kept per attribute map (first in wire order); the rest dropped'),
        maxAttributeValueLength: positiveInt
          .default(16_384)
          .describe('Characters kept of a string attribute value (bytes of a bytes value)'),
      })
      .strict()
      .prefault({}),
    prometheus: z
      .object({
        maxSeriesInMemory: positiveInt
          .default(1_000_000)
          .describe(
            'Series the ingest side remembers (label set → id, indexed days); beyond it the memory starts over',
          ),
        maxDeltaSeriesPerTenant: positiveInt
          .default(100_000)
          .describe(
            'Running totals kept per tenant to turn OTLP delta metrics into cumulative ones',
          ),
        storeOtlpPoints: booleanText
          .default(true)
          .describe(
            'Also store OTLP metric points as they come (metric_points: /api/v1/metrics, SQL)',
          ),
        queryTimeoutMs: positiveInt
          .default(120_000)
          .describe('Time budget of one Prometheus API query (query, query_range, series, …)'),
        maxSeriesPerSelect: positiveInt
          .default(500_000)
          .describe('Most series one selector or series request may match'),
        readCacheBytes: z.coerce
          .number()
          .int()
          .min(0)
          .default(256 * 1024 * 1024)
          .describe(
            'Memory for sealed samples (compressed) and series index parts kept for PromQL reads (embedded store; 0: off)',
          ),
      })
      .strict()
      .prefault({}),
    limits: z
      .object({
        ingestItemsPerSecond: limit
          .default(0)
          .describe(
            'Spans, log records, points and samples one organisation may send per second, sustained (0: no limit)',
          ),
        ingestBurstItems: limit
          .default(0)
          .describe('Items an organisation may send at once above that rate (0: one second worth)'),
        dailyIngestItems: limit
          .default(0)
          .describe('Items one organisation may send per UTC day (0: no quota)'),
        queryRequestsPerSecond: limit
          .default(0)
          .describe(
            'API and PromQL requests one organisation may make per second, bursts of twice that (0: no limit)',
          ),
      })
      .strict()
      .prefault({}),
    banner: booleanText.default(true).describe('Print where Pharos listens and how to send data'),
    auth: booleanText
      .default(true)
      .describe('Authentication; off runs single-user with everything in the tenant default'),
    allowSignup: booleanText
      .default(false)
      .describe('Whether anyone may sign up and create a new organisation'),
    admin: z
      .object({
        email: z.email().optional().describe('Owner account created at start'),
        password: z.string().min(12).max(1024).optional().describe('Its password'),
      })
      .strict()
      .prefault({}),
    bootstrapApiKey: z
      .string()
      .min(32)
      .max(256)
      .regex(/^[\x21-\x7e]+$/, 'expected printable ASCII without spaces')
      .optional()
      .describe('An ingest+read API key of the first organisation, created at start'),
    session: z
      .object({
        accessTtlSeconds: positiveInt.default(900).describe('Lifetime of an access token'),
        refreshTtlSeconds: positiveInt
          .default(30 * 86_400)
          .describe('Lifetime of a session (refresh token)'),
      })
      .strict()
      .prefault({}),
    meta: z
      .object({
        postgresUrl: z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
          .optional()
          .describe('PostgreSQL for the metadata store; unset: embedded PGlite'),
      })
      .strict()
      .prefault({}),
    clickhouse: z
      .object({
        url: z
          .string()
          .regex(
            /^https?:\/\/[^\s,]+(,https?:\/\/[^\s,]+)*$/,
            'expected an http(s):// URL, or several separated by commas (one per node)',
          )
          .optional()
          .describe('ClickHouse HTTP URL(s) for telemetry; unset: embedded DuckDB'),
        user: z.string().min(1).default('default').describe('ClickHouse user'),
        password: z.string().default('').describe('ClickHouse password (never logged)'),
        database: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a plain database name')
          .default('default')
          .describe('ClickHouse database holding the Pharos tables'),
        cluster: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a cluster name from remote_servers')
          .optional()
          .describe('Cluster name: tables become Distributed over it'),
      })
      .strict()
      .prefault({}),
    redis: z
      .object({
        url: z
          .string()
          .regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL')
          .optional()
          .describe(
            'Redis shared by all nodes: log-in throttling, rate limits, quotas, revocations; unset: per node',
          ),
      })
      .strict()
      .prefault({}),
    tls: z
      .object({
        certFile: z
          .string()
          .min(1)
          .optional()
          .describe('PEM certificate (chain) for HTTPS and OTLP/gRPC'),
        keyFile: z.string().min(1).optional().describe('PEM private key for HTTPS and OTLP/gRPC'),
      })
      .strict()
      .prefault({})
      .refine((tls) => (tls.certFile === undefined) === (tls.keyFile === undefined), {
        message: 'set both tls.certFile and tls.keyFile, or neither',
      }),
  })
  .strict()
  .refine((config) => config.role === 'all' || config.clickhouse.url !== undefined, {
    message:
      'role ingest or query splits one deployment over several nodes: set clickhouse.url (the embedded store belongs to one process)',
    path: ['role'],
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface ConfigSources {
  /** Explicit config file (`--config` / `PHAROS_CONFIG`); else `./pharos.yaml` if it exists. */
  configFile?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** Values from command-line flags, by config path (`otlp.httpPort`). */
  flags?: Readonly<Record<string, unknown>>;
  cwd?: string;
}

type Tree = Record<string, unknown>;

function camelToSnake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** Every leaf path of the schema, e.g. `storage.retentionDays`. */
export function configPaths(): string[] {
  const paths: string[] = [];
  const walk = (shape: Record<string, z.ZodType>, prefix: string) => {
    for (const [key, schema] of Object.entries(shape)) {
      const inner = unwrap(schema);
      if (inner instanceof z.ZodObject) walk(inner.shape, `${prefix}${key}.`);
      else paths.push(`${prefix}${key}`);
    }
  };
  walk(configSchema.shape, '');
  return paths;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  while (current instanceof z.ZodDefault || current instanceof z.ZodPrefault) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/** Settings whose environment variable is not derived from the path. */
const ENV_NAMES: Readonly<Record<string, string>> = { 'meta.postgresUrl': 'PHAROS_POSTGRES_URL' };

export function envNameOf(configPath: string): string {
  return ENV_NAMES[configPath] ?? `PHAROS_${configPath.split('.').map(camelToSnake).join('_')}`;
}

/** Environment variables read outside the schema (by the CLI, and by the test setup). */
const EXTRA_ENV = new Set([
  'PHAROS_CONFIG',
  'PHAROS_TEST_POSTGRES',
  'PHAROS_TEST_PG_PORT',
  'PHAROS_TEST_PG_DIR',
  'PHAROS_TEST_CH_DIR',
  'PHAROS_TEST_CH_HTTP_PORT',
  'PHAROS_TEST_CH_TCP_PORT',
  'PHAROS_TEST_CH_CLUSTERS',
  'PHAROS_TEST_REDIS_DIR',
  'PHAROS_TEST_REDIS_PORT',
]);

function setPath(tree: Tree, configPath: string, value: unknown): void {
  const keys = configPath.split('.');
  let node = tree;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Tree;
  }
  node[keys.at(-1)!] = value;
}

function mergeInto(target: Tree, source: Tree): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      typeof existing === 'object' &&
      existing !== null
    ) {
      mergeInto(existing as Tree, value as Tree);
    } else {
      target[key] = value;
    }
  }
}

function readConfigFile(file: string, problems: string[]): Tree {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(`${file}: cannot read (${(error as Error).message})`);
    return {};
  }
  try {
    const parsed: unknown = parseYaml(text);
    if (parsed === null || parsed === undefined) return {};
    if (typeof parsed !== 'object' || Array.isArray(parsed)) {
      problems.push(`${file}: expected a mapping of settings at the top level`);
      return {};
    }
    return parsed as Tree;
  } catch (error) {
    problems.push(`${file}: invalid YAML (${(error as Error).message})`);
    return {};
  }
}

export function loadConfig(sources: ConfigSources): Config {
  const problems: string[] = [];
  const cwd = sources.cwd ?? process.cwd();
  const merged: Tree = {};
  const origin = new Map<string, string>();

  const explicitFile = sources.configFile ?? blankToUndefined(sources.env.PHAROS_CONFIG);
  const file = explicitFile
    ? path.resolve(cwd, explicitFile)
    : fs.existsSync(path.join(cwd, 'pharos.yaml'))
      ? path.join(cwd, 'pharos.yaml')
      : undefined;
  if (file) mergeInto(merged, readConfigFile(file, problems));

  const known = new Set(configPaths());
  for (const configPath of known) {
    const value = blankToUndefined(sources.env[envNameOf(configPath)]);
    if (value === undefined) continue;
    setPath(merged, configPath, value);
    origin.set(configPath, `environment ${envNameOf(configPath)}`);
  }
  for (const name of Object.keys(sources.env)) {
    const isOurs = name.startsWith('PHAROS_');
    const isKnown = EXTRA_ENV.has(name) || [...known].some((p) => envNameOf(p) === name);
    if (isOurs && !isKnown && blankToUndefined(sources.env[name]) !== undefined) {
      problems.push(`environment ${name}: not a Pharos setting`);
    }
  }
  for (const [configPath, value] of Object.entries(sources.flags ?? {})) {
    if (value === undefined) continue;
    setPath(merged, configPath, value);
    origin.set(configPath, 'command line');
  }

  const result = configSchema.safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const where = issue.path.join('.');
      const from = origin.get(where) ?? (file ? file : 'configuration');
      const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
      problems.push(`${where || '(top level)'}: ${issue.message}${keys} [from ${from}]`);
    }
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
