import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSql, type SqlResult } from '../src/query/sql/run-sql.js';
import { logBatchFromRows, spanBatchFromRows } from '../src/telemetry/batch-from-rows.js';
import { parseTenantId } from '../src/tenant.js';
import { startTestPharos, type TestPharos } from './helpers/pharos.js';
import { SQL_PROBES } from './helpers/sql-probes.js';

const MS = 1_000_000n;
const TO_MS = Math.floor(Date.now() / 60_000) * 60_000;
const FROM_MS = TO_MS - 3_600_000;
const BASE_NS = BigInt(FROM_MS + 60_000) * MS;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function spans(service: string, count: number, offset: number) {
  return spanBatchFromRows(
    Array.from({ length: count }, (_, i) => ({
      traceId: hex(offset + i + 1, 32),
      spanId: hex(offset + i + 1, 16),
      name: `op-${i % 3}`,
      kind: 'server' as const,
      serviceName: service,
      startTimeUnixNano: BASE_NS + BigInt(i) * 1000n * MS,
      endTimeUnixNano: BASE_NS + BigInt(i) * 1000n * MS + BigInt(i + 1) * MS,
      statusCode: i % 5 === 0 ? ('error' as const) : ('ok' as const),
    })),
  );
}

let pharos: TestPharos;

beforeAll(async () => {
  pharos = await startTestPharos();
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
});

afterAll(async () => {
  await pharos.destroy();
});

async function postSql(
  query: string,
  extra: Record<string, string> = {},
): Promise<{ status: number; body: SqlResult & { error?: { code: string; message: string } } }> {
  const response = await fetch(`${pharos.httpUrl}/api/v1/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, from: String(FROM_MS), to: String(TO_MS), ...extra }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

describe('POST /api/v1/sql', () => {
  it('answers a SELECT with columns, rows and stats; 64-bit integers as strings', async () => {
    const { status, body } = await postSql(
      `SELECT service_name, count(*) AS n, sum(duration_ns) AS total, count(*) FILTER (WHERE status_code = 'error') AS errors
       FROM spans GROUP BY service_name ORDER BY service_name`,
    );
    expect(status).toBe(200);
    expect(body.columns).toEqual([
      { name: 'service_name', type: 'VARCHAR' },
      { name: 'n', type: 'BIGINT' },
      { name: 'total', type: 'HUGEINT' },
      { name: 'errors', type: 'BIGINT' },
    ]);
    // Durations are 1..30 ms: 465 ms in all.
    expect(body.rows).toEqual([['shop', '30', String(465n * MS), '6']]);
    expect(body.stats).toMatchObject({ rowCount: 1, truncated: false });
  });

  it('allows CTEs, joins of the Pharos tables, sub-queries and set operations', async () => {
    const { status, body } = await postSql(
      `WITH slow AS (SELECT trace_id, duration_ns FROM spans WHERE duration_ns > 25000000)
       SELECT (SELECT count(*) FROM slow) AS slow, (SELECT count(*) FROM logs) AS logs,
              (SELECT count(*) FROM metric_points) AS points
       UNION ALL SELECT 1, 2, 3`,
    );
    expect(status).toBe(200);
    expect(body.rows).toEqual([
      ['5', '1', '0'],
      ['1', '2', '3'],
    ]);
  });

  it('keeps duplicate columns apart and JSON-serialises lists, structs and times', async () => {
    const { body } = await postSql(
      `SELECT 1 AS a, 2 AS a, [1, 2] AS l, {'k': 3::BIGINT} AS s, TIMESTAMP '2026-01-02 03:04:05' AS t`,
    );
    // Duplicate names get DuckDB's suffix, so every column of a row stays distinct.
    expect(body.columns.map((c) => c.name)).toEqual(['a', 'a_1', 'l', 's', 't']);
    expect(body.rows).toEqual([[1, 2, [1, 2], { k: '3' }, '2026-01-02T03:04:05.000Z']]);
  });

  it('cuts the answer at the row limit and says so', async () => {
    const { body } = await postSql(
      'SELECT a.span_id FROM spans a, spans b, spans c, (SELECT 1 UNION ALL SELECT 2) AS d(x)',
    );
    expect(body.stats).toMatchObject({ rowCount: 10_000, truncated: true });
    expect(body.rows).toHaveLength(10_000);
  });

  it("sees only the caller's tenant, whatever the query says", async () => {
    for (const query of [
      "SELECT count(*) FROM spans WHERE service_name = 'secret'",
      "SELECT count(*) FROM logs WHERE body = 'secret'",
      "SELECT count(*) FROM (SELECT * FROM spans UNION ALL SELECT * FROM spans) WHERE service_name <> 'shop'",
    ]) {
      const { status, body } = await postSql(query);
      expect(status, query).toBe(200);
      expect(body.rows, query).toEqual([['0']]);
    }
    const tenantColumn = await postSql("SELECT count(*) FROM spans WHERE tenant = 'other'");
    expect(tenantColumn.status).toBe(400);
    expect(tenantColumn.body.error?.message).toMatch(/tenant/);
  });

  const refused = SQL_PROBES;

  it.each(refused)('refuses %s with a clear 400', async (_what, query, message) => {
    const { status, body } = await postSql(query);
    expect(status).toBe(400);
    expect(body.error?.code).toBe('invalid_argument');
    expect(body.error?.message).toMatch(message);
  });

  it('treats SQL inside string literals and quoted identifiers as data', async () => {
    const { status, body } = await postSql(
      `SELECT 'x''; DROP TABLE parts; --' AS "DROP TABLE parts", count(*) AS "read_csv('/etc/passwd')" FROM "spans" /* ; DELETE FROM parts */ -- ; ATTACH 'x'`,
    );
    expect(status).toBe(200);
    expect(body.columns.map((c) => c.name)).toEqual([
      'DROP TABLE parts',
      "read_csv('/etc/passwd')",
    ]);
    expect(body.rows).toEqual([["x'; DROP TABLE parts; --", '30']]);
  });

  it('reports SQL errors (unknown column) as 400 and validates the body', async () => {
    const unknown = await postSql('SELECT no_such_column FROM spans');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.message).toMatch(/SQL error: .*no_such_column/);
    const response = await fetch(`${pharos.httpUrl}/api/v1/sql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql: 'SELECT 1' }),
    });
    expect(response.status).toBe(400);
  });

  it('stops waiting at the time budget and says so', async () => {
    const range = { fromNs: BigInt(FROM_MS) * MS, toNs: BigInt(TO_MS) * MS };
    await expect(
      runSql(
        pharos.store,
        parseTenantId('default'),
        'SELECT count(*) FROM spans a, spans b, spans c, spans d, spans e',
        range,
        { maxRows: 10, timeoutMs: 1 },
      ),
    ).rejects.toMatchObject({ code: 'query_timeout', status: 400 });
  });
});
