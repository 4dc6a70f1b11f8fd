import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/config/config.js';
import { startPharos, type RunningPharos } from '../../src/server.js';
import { clickHouseEnv, dropDatabase, freshDatabase, type TestBackend } from './clickhouse.js';

export interface TestPharos extends RunningPharos {
  dataDir: string;
  config: Config;
  /** GET a JSON API path, failing the test on a non-2xx status. */
  getJson<T = unknown>(pathAndQuery: string): Promise<T>;
  /** Close, then delete the data directory. */
  destroy(): Promise<void>;
}

/** A real Pharos on ephemeral loopback ports with its own data directory. */
export async function startTestPharos(
  options: { dataDir?: string; env?: Record<string, string>; backend?: TestBackend } = {},
): Promise<TestPharos> {
  const dataDir = options.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-test-')));
  // On ClickHouse each Pharos gets a database of its own, dropped by `destroy`.
  const database = options.backend === 'clickhouse' ? await freshDatabase() : null;
  const config = loadConfig({
    // Auth off unless a test turns it on (test/auth*.int.test.ts do).
    env: {
      PHAROS_LOG_LEVEL: 'warn',
      PHAROS_AUTH: 'off',
      ...(database === null ? {} : clickHouseEnv(database)),
      ...options.env,
    },
    cwd: dataDir,
    flags: {
      host: '127.0.0.1',
      httpPort: 0,
      'otlp.httpPort': 0,
      'otlp.grpcPort': 0,
      dataDir,
      banner: false,
    },
  });
  const pharos = await startPharos(config, pino({ level: config.logLevel }));
  return {
    ...pharos,
    dataDir,
    config,
    async getJson<T>(pathAndQuery: string): Promise<T> {
      const response = await fetch(`${pharos.httpUrl}${pathAndQuery}`);
      const text = await response.text();
      if (!response.ok) throw new Error(`GET ${pathAndQuery} → ${response.status}: ${text}`);
      return JSON.parse(text) as T;
    },
    async destroy() {
      await pharos.close();
      await fs.rm(dataDir, { recursive: true, force: true });
      if (database !== null) await dropDatabase(database);
    },
  };
}
