import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSql, type SqlResult } from '../src/query/sql/run-sql.js';
import { logBatchFromRows, spanBatchFromRows } from '../src/telemetry/batch-from-rows.js';
import { parseTenantId } from '../src/tenant.js';
import { startTestPharos, type TestPharos } from './helpers/pharos.js';

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

  const refused: [string, string, RegExp][] = [
    ['multiple statements', 'SELECT 1; DROP TABLE spans_hot', /single read-only SELECT/],
    ['two SELECTs', 'SELECT 1; SELECT 2', /exactly one statement/],
    ['trailing statement after comment', 'SELECT 1 /* x */; DELETE FROM parts', /SELECT/],
    ['DROP', 'DROP TABLE spans_hot', /SELECT/],
    ['DELETE', 'DELETE FROM parts', /SELECT/],
    ['INSERT', 'INSERT INTO logs_hot SELECT * FROM logs_hot', /SELECT/],
    ['UPDATE', "UPDATE parts SET tenant = 'default'", /SELECT/],
    ['CREATE', 'CREATE TABLE x AS SELECT 1', /SELECT/],
    ['CREATE MACRO', 'CREATE MACRO spans() AS TABLE SELECT 1', /SELECT/],
    ['ALTER', 'ALTER TABLE parts ADD COLUMN x INT', /SELECT/],
    ['COPY', "COPY (SELECT * FROM spans) TO '/tmp/x.csv'", /SELECT/],
    ['ATTACH', "ATTACH '/tmp/x.duckdb' AS x", /SELECT/],
    ['DETACH', 'DETACH x', /SELECT/],
    ['INSTALL', 'INSTALL httpfs', /SELECT/],
    ['LOAD', 'LOAD httpfs', /SELECT/],
    ['PRAGMA', 'PRAGMA database_list', /SELECT/],
    ['SET', 'SET enable_external_access = true', /SELECT/],
    ['RESET', 'RESET memory_limit', /SELECT/],
    ['CALL', 'CALL duckdb_tables()', /SELECT/],
    ['EXPORT', "EXPORT DATABASE '/tmp/x'", /SELECT/],
    ['IMPORT', "IMPORT DATABASE '/tmp/x'", /SELECT/],
    ['EXPLAIN', 'EXPLAIN SELECT 1', /SELECT/],
    ['SUMMARIZE', 'SUMMARIZE spans', /unsupported FROM item/],
    ['DESCRIBE', 'DESCRIBE spans', /SELECT|unsupported/],
    ['PIVOT', 'PIVOT spans ON kind USING count(*)', /SELECT/],
    ['SELECT INTO', 'SELECT 1 INTO x', /INTO/],
    ['read_csv', "SELECT * FROM read_csv('/etc/passwd')", /table functions/],
    ['read_csv_auto', "SELECT * FROM read_csv_auto('/etc/passwd')", /table functions/],
    ['read_parquet', "SELECT * FROM read_parquet('/tmp/*.parquet')", /table functions/],
    ['read_json', "SELECT * FROM read_json('/tmp/x.json')", /table functions/],
    ['parquet_scan', "SELECT * FROM parquet_scan('/tmp/x.parquet')", /table functions/],
    ['glob', "SELECT * FROM glob('/*')", /table functions/],
    ['read_text', "SELECT * FROM read_text('/etc/passwd')", /table functions/],
    ['read_blob', "SELECT * FROM read_blob('/etc/passwd')", /table functions/],
    ['duckdb_tables', 'SELECT * FROM duckdb_tables()', /table functions/],
    ['duckdb_settings', 'SELECT * FROM duckdb_settings()', /table functions/],
    ['pragma_table_info', "SELECT * FROM pragma_table_info('parts')", /table functions/],
    ['query_table', "SELECT * FROM query_table('parts')", /table functions/],
    ['query', "SELECT * FROM query('SELECT * FROM parts')", /table functions/],
    ['range', 'SELECT * FROM range(10)', /table functions/],
    ['unnest in FROM', 'SELECT * FROM unnest([1, 2])', /table functions/],
    [
      'table function in a join',
      "SELECT 1 FROM spans JOIN glob('/*') g ON true",
      /table functions/,
    ],
    [
      'table function in a sub-query',
      "SELECT (SELECT count(*) FROM read_csv('/etc/passwd'))",
      /table functions/,
    ],
    [
      'table function in a CTE',
      "WITH x AS (SELECT * FROM read_text('/etc/passwd')) SELECT * FROM x",
      /table functions/,
    ],
    ['replacement scan of a file', "SELECT * FROM '/etc/passwd'", /unknown table/],
    [
      'replacement scan of a parquet file',
      "SELECT * FROM 'parts/spans/other/x.parquet'",
      /unknown table/,
    ],
    ['physical hot table', 'SELECT * FROM spans_hot', /unknown table "spans_hot"/],
    ['parts catalog', 'SELECT * FROM parts', /unknown table "parts"/],
    ['information_schema', 'SELECT * FROM information_schema.tables', /schema or catalog/],
    ['pg_catalog', 'SELECT * FROM pg_catalog.pg_class', /schema or catalog/],
    ['sqlite_master', 'SELECT * FROM sqlite_master', /unknown table/],
    ['duckdb_ view', 'SELECT * FROM duckdb_views', /unknown table/],
    ['schema-qualified table', 'SELECT * FROM main.spans', /schema or catalog/],
    ['catalog-qualified table', 'SELECT * FROM telemetry.main.spans_hot', /schema or catalog/],
    ['memory catalog', 'SELECT * FROM memory.main.x', /schema or catalog/],
    ['getenv', "SELECT getenv('HOME')", /function getenv\(\) is not allowed/],
    ['current_setting', "SELECT current_setting('memory_limit')", /current_setting/],
    ['getvariable', "SELECT getvariable('x')", /getvariable/],
    ['read_text scalar use', "SELECT read_text('/etc/passwd')", /not allowed/],
    ['file_exists-like', "SELECT file_exists('/etc/passwd')", /not allowed/],
    ['version', 'SELECT version()', /not allowed/],
    ['nested forbidden function', "SELECT upper(lower(getenv('HOME')))", /getenv/],
    ['forbidden function in WHERE', "SELECT 1 FROM spans WHERE name = getenv('USER')", /getenv/],
    [
      'forbidden function in ORDER BY',
      "SELECT name FROM spans ORDER BY current_setting('threads')",
      /current_setting/,
    ],
    [
      'forbidden window function arg',
      "SELECT count(*) OVER (PARTITION BY getenv('x')) FROM spans",
      /getenv/,
    ],
    ['schema-qualified function', 'SELECT pg_catalog.upper(name) FROM spans', /schema or catalog/],
    ['generate_series', 'SELECT generate_series(1, 1000000000000)', /not allowed/],
    [
      'CTE shadowing spans',
      'WITH spans AS (SELECT * FROM spans_hot) SELECT * FROM spans',
      /redefine the table spans/,
    ],
    [
      'CTE shadowing logs (case)',
      'WITH LOGS AS (SELECT 1) SELECT * FROM logs',
      /redefine the table logs/,
    ],
    [
      'CTE shadowing metric_points quoted',
      'WITH "metric_points" AS (SELECT 1) SELECT 1',
      /redefine/,
    ],
    [
      'CTE referencing itself (resolves to a catalog table)',
      'WITH parts AS (SELECT * FROM parts) SELECT * FROM parts',
      /unknown table "parts"/,
    ],
    [
      'CTE name out of scope',
      'SELECT * FROM (WITH parts AS (SELECT 1) SELECT * FROM parts) a, parts',
      /unknown table "parts"/,
    ],
    ['quoted physical table', 'SELECT * FROM "spans_hot"', /unknown table/],
    ['comment hiding a table', 'SELECT * FROM /* spans */ parts', /unknown table "parts"/],
    ['line comment then statement', 'SELECT 1 -- harmless\n; DROP TABLE parts', /SELECT/],
    ['unicode lookalike table (Cyrillic s)', 'SELECT * FROM \u0455pans', /unknown table/],
    ['unicode lookalike quoted', 'SELECT * FROM "sp\u0430ns"', /unknown table/],
    ['positional parameter', 'SELECT $1', /parameters/],
    ['question mark parameter', 'SELECT ?', /parameters/],
    ['named parameter', 'SELECT $tenant', /parameters/],
    ['syntax error', 'SELEC 1', /syntax error/i],
    ['empty', '   ', /empty/],
  ];

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
