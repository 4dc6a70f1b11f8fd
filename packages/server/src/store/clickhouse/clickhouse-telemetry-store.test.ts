import { expect, inject, it } from 'vitest';
import { parseTenantId } from '../../tenant.js';
import { spanBatchFromRows } from '../../telemetry/batch-from-rows.js';
import { raw, sql } from '../sql.js';
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
    keepsNaNPayloads: false,
  });
});

describeWithClickHouse('ClickHouseTelemetryStore specifics', () => {
  const tenant = parseTenantId('default');
  const T0 = 1_790_000_000_000_000_000n;
  const NASTY = [
    "it's",
    'back\\slash',
    'tab\there',
    'new\nline\r\n',
    'nul\0byte',
    "\\'; DROP TABLE spans; --",
    'ünïcødé ✓ 𝄞',
    '',
  ];

  it('stores and matches every character exactly, in values and attribute maps', async () => {
    database = await freshDatabase();
    const store = await open();
    try {
      await store.write([
        {
          tenant,
          spans: spanBatchFromRows(
            NASTY.map((name, i) => ({
              traceId: i.toString(16).padStart(32, '0'),
              spanId: i.toString(16).padStart(16, '0'),
              name,
              serviceName: 'svc',
              startTimeUnixNano: T0 + BigInt(i),
              endTimeUnixNano: T0 + BigInt(i) + 1n,
              attributes: {
                [name]: name,
                nested: { a: [1, 'x'] },
                flag: true,
              },
            })),
          ),
        },
      ]);
      for (const name of NASTY) {
        const rows = await store.query(
          tenant,
          null,
          (s) =>
            sql`SELECT name, ${store.dialect.attributeString(raw('attributes'), name)} AS same,
              ${store.dialect.attributeString(raw('attributes'), 'nested')} AS nested,
              ${store.dialect.attributeString(raw('attributes'), 'flag')} AS flag,
              ${store.dialect.attributeString(raw('attributes'), 'absent')} AS absent
            FROM ${s.spans} WHERE name = ${name}`,
        );
        expect(rows).toEqual([
          {
            name,
            same: name,
            nested: '{"a":[1,"x"]}',
            flag: 'true',
            absent: null,
          },
        ]);
      }
    } finally {
      await store.close();
      await dropDatabase(database);
    }
  });

  it('locates a trace through the trace index, and nothing for an unknown one', async () => {
    database = await freshDatabase();
    const store = await open();
    try {
      const traceId = 'ab'.repeat(16);
      await store.write([
        {
          tenant,
          spans: spanBatchFromRows([
            {
              traceId,
              spanId: '1'.repeat(16),
              name: 'a',
              serviceName: 's',
              startTimeUnixNano: T0,
              endTimeUnixNano: T0 + 5n,
            },
            {
              traceId,
              spanId: '2'.repeat(16),
              name: 'b',
              serviceName: 't',
              startTimeUnixNano: T0 + 9n,
              endTimeUnixNano: T0 + 20n,
            },
          ]),
        },
      ]);
      expect(await store.locateTrace(tenant, traceId)).toEqual({ fromNs: T0, toNs: T0 + 10n });
      expect(await store.locateTrace(parseTenantId('other'), traceId)).toBeNull();
      expect(await store.locateTrace(tenant, 'cd'.repeat(16))).toBeNull();
    } finally {
      await store.close();
      await dropDatabase(database);
    }
  });
});
