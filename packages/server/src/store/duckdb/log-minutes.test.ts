import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTenantId } from '../../tenant.js';
import { logBatchFromRows, type LogRow } from '../../telemetry/batch-from-rows.js';
import { sql } from '../sql.js';
import type { Row, TimeRange } from '../telemetry-store.js';
import { DuckDbTelemetryStore } from './duckdb-telemetry-store.js';
import { MINUTE_NS } from './log-minutes.js';

const tenant = parseTenantId('default');
const other = parseTenantId('other');
const SECOND = 1_000_000_000n;
// A whole minute some hours ago; rows every 7.3 s from there on, for 20 minutes.
const BASE = ((BigInt(Date.now()) * 1_000_000n) / MINUTE_NS - 300n) * MINUTE_NS;
const SERVICES = ['api', 'web', 'db'];

function rows(count: number, offset: number): LogRow[] {
  return Array.from({ length: count }, (_, i) => ({
    timeUnixNano: BASE + BigInt(i + offset) * 7_300_000_000n,
    body: `line ${i + offset}`,
    serviceName: SERVICES[(i + offset) % 3]!,
    severityNumber: [9, 13, 17, 0][(i + offset) % 4]!,
  }));
}

const key = (r: Row) =>
  `${String(r.minute)}|${String(r.service_name)}|${String(r.severity_number)}`;
function counts(result: Row[]): Record<string, number> {
  const entries = result.map((r): [string, number] => [key(r), Number(r.n)]);
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe('log minute counts (DuckDB)', () => {
  let dir = '';
  let store: DuckDbTelemetryStore;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-log-minutes-'));
    store = await DuckDbTelemetryStore.open({ dataDir: dir, readerConnections: 2 });
    // Two sealed parts and hot rows, interleaved in time; another tenant's rows in the same minutes.
    await store.write([{ tenant, logs: logBatchFromRows(rows(60, 0)) }]);
    await store.write([{ tenant: other, logs: logBatchFromRows(rows(50, 3)) }]);
    await store.maintain({ sealAll: true });
    await store.write([{ tenant, logs: logBatchFromRows(rows(60, 60)) }]);
    await store.maintain({ sealAll: true });
    await store.write([{ tenant, logs: logBatchFromRows(rows(50, 30)) }]);
  });

  afterAll(async () => {
    await store.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function compare(range: TimeRange | null) {
    const fromRollup = await store.query(tenant, range, (s) => {
      expect(s.logMinutes).toBeDefined();
      return sql`SELECT minute, service_name, severity_number, sum(n) AS n FROM ${s.logMinutes!} AS m GROUP BY ALL`;
    });
    const fromRows = await store.query(
      tenant,
      range,
      (s) => sql`SELECT (time_unix_nano // ${MINUTE_NS}) * ${MINUTE_NS} AS minute, service_name,
        severity_number, count(*) AS n FROM ${s.logs} GROUP BY ALL`,
    );
    expect(fromRows.length).toBeGreaterThan(0);
    expect(counts(fromRollup)).toEqual(counts(fromRows));
  }

  it('counts exactly what the rows count, for whole, partial and sub-minute ranges', async () => {
    await compare(null);
    await compare({ fromNs: BASE, toNs: BASE + 20n * MINUTE_NS });
    await compare({ fromNs: BASE + 17n * SECOND, toNs: BASE + 9n * MINUTE_NS + 41n * SECOND });
    await compare({
      fromNs: BASE + 3n * MINUTE_NS + SECOND,
      toNs: BASE + 3n * MINUTE_NS + 50n * SECOND,
    });
    await compare({ fromNs: BASE + 2n * MINUTE_NS + 5n * SECOND, toNs: BASE + 4n * MINUTE_NS });
  });

  it('keeps counting right once the parts (and the hot rows) are merged into one', async () => {
    await store.close();
    store = await DuckDbTelemetryStore.open({ dataDir: dir, compactMinParts: 2 });
    const report = await store.maintain();
    expect(report.partsMerged).toBe(3);
    await compare(null);
    await compare({ fromNs: BASE + 17n * SECOND, toNs: BASE + 9n * MINUTE_NS + 41n * SECOND });
  });
});
