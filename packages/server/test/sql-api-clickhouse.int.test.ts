import { afterAll, beforeAll, expect, it } from 'vitest';
import { runSql } from '../src/query/sql/run-sql.js';
import { parseTenantId } from '../src/tenant.js';
import { describeWithClickHouse } from './helpers/clickhouse.js';
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

/** ClickHouse's own ways out, on top of the probes every backend gets. */
const CLICKHOUSE_PROBES: readonly [string, string, RegExp][] = [
  ['file()', "SELECT * FROM file('/etc/passwd', 'CSV', 'line String')", /table functions/],
  ['url()', "SELECT * FROM url('http://127.0.0.1:1/', 'CSV', 'x String')", /table functions/],
  ['remote()', "SELECT * FROM remote('127.0.0.1', 'system', 'one')", /table functions/],
  ['remoteSecure()', "SELECT * FROM remoteSecure('127.0.0.1', 'system.one')", /table functions/],
  ['s3()', "SELECT * FROM s3('http://x/y', 'CSV', 'x String')", /table functions/],
  ['mysql()', "SELECT * FROM mysql('h:3306', 'db', 't', 'u', 'p')", /table functions/],
  ['jdbc()', "SELECT * FROM jdbc('jdbc:x', 'db', 't')", /table functions/],
  ['odbc()', "SELECT * FROM odbc('DSN=x', 't')", /table functions/],
  ['hdfs()', "SELECT * FROM hdfs('hdfs://x/y', 'CSV', 'x String')", /table functions/],
  ['input()', "SELECT * FROM input('x String')", /table functions/],
  ['numbers()', 'SELECT * FROM numbers(1000000000000)', /table functions/],
  ['cluster()', "SELECT * FROM cluster('c', 'system', 'one')", /table functions/],
  ['merge()', "SELECT * FROM merge('default', '.*')", /table functions/],
  ['system table', 'SELECT * FROM system.tables', /schema or catalog/],
  ['system.parts', 'SELECT * FROM system.parts', /schema or catalog/],
  ['database-qualified table', 'SELECT * FROM pharos.spans', /schema or catalog/],
  ['physical local table', 'SELECT * FROM spans_local', /unknown table "spans_local"/],
  ['trace index', 'SELECT * FROM trace_index', /unknown table "trace_index"/],
  ['migrations table', 'SELECT * FROM pharos_migrations', /unknown table/],
  ['backquoted system table', 'SELECT * FROM `system`.`one`', /syntax error|schema or catalog/i],
  ['SETTINGS clause', 'SELECT * FROM spans SETTINGS readonly = 0', /syntax error/i],
  ['FORMAT clause', 'SELECT 1 FORMAT TabSeparated', /syntax error/i],
  ['INTO OUTFILE', "SELECT 1 INTO OUTFILE '/tmp/x'", /syntax error|INTO/i],
  ['file() as a scalar', "SELECT file('/etc/passwd')", /not allowed/],
  ['currentDatabase()', 'SELECT currentDatabase()', /not allowed/],
  ['hostName()', 'SELECT hostName()', /not allowed/],
  ['getSetting()', "SELECT getSetting('readonly')", /not allowed/],
  ['dictGet()', "SELECT dictGet('d', 'a', toUInt64(1))", /not allowed/],
  ['KILL QUERY', "KILL QUERY WHERE user = 'pharos'", /syntax error|SELECT/i],
  ['OPTIMIZE', 'OPTIMIZE TABLE spans FINAL', /syntax error|SELECT/i],
  ['SYSTEM', 'SYSTEM SHUTDOWN', /syntax error|SELECT/i],
];

describeWithClickHouse('POST /api/v1/sql on ClickHouse', () => {
  let pharos: TestPharos;

  beforeAll(async () => {
    pharos = await startTestPharos({ backend: 'clickhouse' });
    await writeSqlFixture(pharos);
  });

  afterAll(async () => {
    await pharos.destroy();
  });

  const postSql = (query: string) => post(pharos, query);

  it('answers the same SQL as on DuckDB: aggregates, filters, grouping, order, limit', async () => {
    const { status, body } = await postSql(
      `SELECT name, count(*) AS n, sum(CASE WHEN status_code = 'error' THEN 1 ELSE 0 END) AS errors,
         max(duration_ns) AS slowest, quantile_cont(duration_ns, 0.5) AS p50
       FROM spans WHERE service_name = 'shop' AND name LIKE 'op-%'
       GROUP BY name HAVING count(*) > 1 ORDER BY name DESC LIMIT 2`,
    );
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.columns.map((c) => c.name)).toEqual(['name', 'n', 'errors', 'slowest', 'p50']);
    expect(body.rows).toEqual([
      ['op-2', '10', '2', '30000000', 16_500_000],
      ['op-1', '10', '2', '29000000', 15_500_000],
    ]);
  });

  it('supports sub-queries, IN, joins and UNION ALL', async () => {
    const { status, body } = await postSql(
      `SELECT count(*) AS n FROM (
         SELECT s.trace_id FROM spans AS s JOIN (SELECT trace_id AS t FROM logs) AS l ON s.trace_id = l.t
         UNION ALL SELECT trace_id FROM spans WHERE name IN ('op-0') AND span_id IN (SELECT span_id FROM spans)
       ) AS x`,
    );
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.rows).toEqual([['10']]);
  });

  it('cuts the answer at the row limit and says so', async () => {
    const { body } = await postSql('SELECT a.span_id FROM spans a CROSS JOIN spans b');
    expect(body.stats).toMatchObject({ rowCount: 900, truncated: false });
    const range = { fromNs: BigInt(FROM_MS) * MS, toNs: BigInt(TO_MS) * MS };
    const cut = await runSql(
      pharos.store,
      parseTenantId('default'),
      'SELECT a.span_id FROM spans a CROSS JOIN spans b',
      range,
      { maxRows: 100, timeoutMs: 10_000 },
    );
    expect(cut.stats).toMatchObject({ rowCount: 100, truncated: true });
  });

  itGuardsSql(() => pharos, [...SQL_PROBES, ...CLICKHOUSE_PROBES]);

  it('refuses SQL it cannot write for ClickHouse, naming it', async () => {
    for (const [query, what] of [
      ['WITH x AS (SELECT 1 AS a) SELECT * FROM x', /WITH/],
      ["SELECT string_agg(name, ',') FROM spans", /string_agg/],
      ['SELECT name FROM spans UNION SELECT name FROM logs', /UNION without ALL/],
    ] as const) {
      const { status, body } = await postSql(query);
      expect(status, query).toBe(400);
      expect(body.error?.message).toMatch(/not supported on the ClickHouse backend/);
      expect(body.error?.message).toMatch(what);
    }
  });

  it('treats SQL inside string literals and quoted identifiers as data', async () => {
    const { status, body } = await postSql(
      `SELECT 'x''; DROP TABLE spans; --' AS "DROP TABLE parts", 'a\\' AS "back\`tick\\", count(*) AS "read_csv('/etc/passwd')" FROM "spans" /* ; DELETE */ -- ; x`,
    );
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.columns.map((c) => c.name)).toEqual([
      'DROP TABLE parts',
      'back`tick\\',
      "read_csv('/etc/passwd')",
    ]);
    expect(body.rows).toEqual([["x'; DROP TABLE spans; --", 'a\\', '30']]);
  });

  it('stops waiting at the time budget and says so', async () => {
    const range = { fromNs: BigInt(FROM_MS) * MS, toNs: BigInt(TO_MS) * MS };
    await expect(
      runSql(
        pharos.store,
        parseTenantId('default'),
        'SELECT count(*) FROM spans a CROSS JOIN spans b CROSS JOIN spans c CROSS JOIN spans d CROSS JOIN spans e CROSS JOIN spans f',
        range,
        { maxRows: 10, timeoutMs: 1 },
      ),
    ).rejects.toMatchObject({ code: 'query_timeout', status: 400 });
  });
});
