import { inject } from 'vitest';
import { describeTelemetryStoreContract } from '../telemetry-store.contract.js';
import type { TelemetryStore } from '../telemetry-store.js';
import {
  describeWithClickHouse,
  dropDatabase,
  freshDatabase,
} from '../../../test/helpers/clickhouse.js';
import { ClickHouseTelemetryStore } from './clickhouse-telemetry-store.js';

let database = '';

async function open(): Promise<ClickHouseTelemetryStore> {
  return ClickHouseTelemetryStore.open({
    urls: [inject('clickhouseUrl')],
    username: 'pharos',
    password: 'pharos',
    database,
    retentionDays: 30,
  });
}

describeWithClickHouse('ClickHouseTelemetryStore', () => {
  describeTelemetryStoreContract('ClickHouse', {
    async create() {
      database = await freshDatabase();
      return open();
    },
    async reopen(store: TelemetryStore) {
      await store.close();
      return open();
    },
    async destroy() {
      await dropDatabase(database);
    },
  });
});
