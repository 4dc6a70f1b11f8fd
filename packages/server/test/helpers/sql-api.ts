import { expect, it } from 'vitest';
import type { SqlResult } from '../../src/query/sql/run-sql.js';
import { logBatchFromRows, spanBatchFromRows } from '../../src/telemetry/batch-from-rows.js';
import { parseTenantId } from '../../src/tenant.js';
import type { TestPharos } from './pharos.js';

/**
 * The data and checks both SQL API suites (DuckDB, ClickHouse) share: organisation `default`
 * has 30 `shop` spans (durations 1..30 ms, every fifth an error) and one log; `other` has 7
 * `secret` spans and a `secret` log that `default` must never see.
 */
export const MS = 1_000_000n;
export const TO_MS = Math.floor(Date.now() / 60_000) * 60_000;
export const FROM_MS = TO_MS - 3_600_000;
const BASE_NS = BigInt(FROM_MS + 60_000) * MS;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function spans(service: string, count: number, offset: number) {
  return spanBatchFromRows(
    Array.from({ length: count }, (_, i) => ({
      traceId: hex(offset + i + 1, 32),
      spanId: hex(offset + i + 1, 16),
      name: `op-${String(i % 3)}`,
      kind: 'server' as const,
      serviceName: service,
      startTimeUnixNano: BASE_NS + BigInt(i) * 1000n * MS,
      endTimeUnixNano: BASE_NS + BigInt(i) * 1000n * MS + BigInt(i + 1) * MS,
      statusCode: i % 5 === 0 ? ('error' as const) : ('ok' as const),
      attributes: { 'user.id': `u-${String(i % 4)}` },
    })),
  );
}

export async function writeSqlFixture(pharos: TestPharos): Promise<void> {
  await pharos.store.write([
    {
      tenant: parseTenantId('default'),
      spans: spans('shop', 30, 0),
      logs: logBatchFromRows([{ timeUnixNano: BASE_NS, body: 'hello', serviceName: 'shop' }]),
    },
    {
      tenant: parseTenantId('other'),
      spans: spans('secret', 7, 1000),
      logs: logBatchFromRows([{ timeUnixNano: BASE_NS, body: 'secret', serviceName: 'secret' }]),
    },
  ]);
}

export type SqlAnswer = {
  status: number;
  body: SqlResult & { error?: { code: string; message: string } };
};

/** POST /api/v1/sql over the fixture's hour. */
export async function postSql(
  pharos: TestPharos,
  query: string,
  extra: Record<string, string> = {},
): Promise<SqlAnswer> {
  const response = await fetch(`${pharos.httpUrl}/api/v1/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, from: String(FROM_MS), to: String(TO_MS), ...extra }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

/** The tenant wall and the refused constructs, the same on every backend. */
export function itGuardsSql(
  pharos: () => TestPharos,
  probes: readonly (readonly [string, string, RegExp])[],
): void {
  it("sees only the caller's tenant, whatever the query says", async () => {
    for (const query of [
      "SELECT count(*) FROM spans WHERE service_name = 'secret'",
      "SELECT count(*) FROM logs WHERE body = 'secret'",
      "SELECT count(*) FROM (SELECT * FROM spans UNION ALL SELECT * FROM spans) WHERE service_name <> 'shop'",
    ]) {
      const { status, body } = await postSql(pharos(), query);
      expect(status, query).toBe(200);
      expect(body.rows, query).toEqual([['0']]);
    }
    const tenantColumn = await postSql(
      pharos(),
      "SELECT count(*) FROM spans WHERE tenant = 'other'",
    );
    expect(tenantColumn.status).toBe(400);
    expect(tenantColumn.body.error?.message).toMatch(/tenant/);
  });

  it.each(probes)('refuses %s with a clear 400', async (_what, query, message) => {
    const { status, body } = await postSql(pharos(), query);
    expect(status).toBe(400);
    expect(body.error?.code).toBe('invalid_argument');
    expect(body.error?.message).toMatch(message);
  });

  it('reports SQL errors (unknown column) as 400', async () => {
    const unknown = await postSql(pharos(), 'SELECT no_such_column FROM spans');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.message).toMatch(/SQL error: .*no_such_column/);
  });
}
