import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ClickHouseTelemetryStore } from '../../src/store/clickhouse/clickhouse-telemetry-store.js';
import { DuckDbTelemetryStore } from '../../src/store/duckdb/duckdb-telemetry-store.js';
import type { TelemetryStore } from '../../src/store/telemetry-store.js';
import {
  CLICKHOUSE_PASSWORD,
  CLICKHOUSE_USER,
  clickHouseUrl,
  dropDatabase,
  freshDatabase,
  type TestBackend,
} from './clickhouse.js';

export interface TestStore {
  store: TelemetryStore;
  /** Close the store and delete what it stored. */
  destroy(): Promise<void>;
}

/** A fresh, empty telemetry store on the given backend (its own directory or database). */
export async function openTestStore(backend: TestBackend): Promise<TestStore> {
  if (backend === 'clickhouse') {
    const database = await freshDatabase();
    const store = await ClickHouseTelemetryStore.open({
      urls: [clickHouseUrl()],
      username: CLICKHOUSE_USER,
      password: CLICKHOUSE_PASSWORD,
      database,
    });
    return {
      store,
      async destroy() {
        await store.close();
        await dropDatabase(database);
      },
    };
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-store-'));
  const store = await DuckDbTelemetryStore.open({ dataDir: dir, readerConnections: 1 });
  return {
    store,
    async destroy() {
      await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
