import { randomBytes } from 'node:crypto';
import { createClient } from '@clickhouse/client';
import { describe, inject } from 'vitest';

/** Credentials of the user scripts/start-clickhouse.sh creates. */
export const CLICKHOUSE_USER = 'pharos';
export const CLICKHOUSE_PASSWORD = 'pharos';

export function clickHouseUrl(): string {
  return inject('clickhouseUrl');
}

export type TestBackend = 'duckdb' | 'clickhouse';

/** The telemetry stores the engine suites run on: DuckDB always, ClickHouse when it runs. */
export function testBackends(): TestBackend[] {
  return clickHouseUrl() === '' ? ['duckdb'] : ['duckdb', 'clickhouse'];
}

/**
 * Run a suite once per backend (`describe` named after it). Without clickhouse-server the
 * ClickHouse run is listed as skipped, with the reason.
 */
export function describeEachBackend(name: string, body: (backend: TestBackend) => void): void {
  describe(`${name} on DuckDB`, () => {
    body('duckdb');
  });
  describeWithClickHouse(`${name} on ClickHouse`, () => {
    body('clickhouse');
  });
}

/** Environment that points a Pharos at the test ClickHouse, in the given database. */
export function clickHouseEnv(database: string): Record<string, string> {
  return {
    PHAROS_CLICKHOUSE_URL: clickHouseUrl(),
    PHAROS_CLICKHOUSE_USER: CLICKHOUSE_USER,
    PHAROS_CLICKHOUSE_PASSWORD: CLICKHOUSE_PASSWORD,
    PHAROS_CLICKHOUSE_DATABASE: database,
  };
}

/** `describe` when the test ClickHouse runs (see test/setup/clickhouse.global.ts), else skipped. */
export function describeWithClickHouse(name: string, body: () => void): void {
  if (clickHouseUrl() === '') describe.skip(`${name} (clickhouse-server not installed)`, body);
  else describe(name, body);
}

async function command(query: string): Promise<void> {
  const client = createClient({
    url: clickHouseUrl(),
    username: CLICKHOUSE_USER,
    password: CLICKHOUSE_PASSWORD,
  });
  try {
    await client.command({ query });
  } finally {
    await client.close();
  }
}

/** A new empty database for one test, so tests never see each other's tables. */
export async function freshDatabase(): Promise<string> {
  const name = `pharos_test_${randomBytes(6).toString('hex')}`;
  await command(`CREATE DATABASE ${name}`);
  return name;
}

export async function dropDatabase(name: string): Promise<void> {
  if (!/^pharos_test_[0-9a-f]+$/.test(name)) throw new Error(`not a test database: ${name}`);
  await command(`DROP DATABASE IF EXISTS ${name}`);
}
