import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSql } from '../src/query/sql/run-sql.js';
import { parseTenantId } from '../src/tenant.js';
import { startTestPharos, type TestPharos } from './helpers/pharos.js';
import {
  FROM_MS,
  MS,
  TO_MS,
  itGuardsSql,
  postSql as post,
  writeSqlFixture,
} from './helpers/sql-api.js';
import { SQL_PROBES } from './helpers/sql-probes.js';

let pharos: TestPharos;
const postSql = (query: string, extra?: Record<string, string>) => post(pharos, query, extra);

beforeAll(async () => {
  pharos = await startTestPharos();
  await writeSqlFixture(pharos);
});

afterAll(async () => {
  await pharos.destroy();
});

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

  itGuardsSql(() => pharos, SQL_PROBES);

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

  it('validates the body', async () => {
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
