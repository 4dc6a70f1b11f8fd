/**
 * Query-engine latency on a large store.
 *
 *   npm run bench:query [-- --spans 10000000 --logs 10000000 --runs 15 --data-dir DIR --keep]
 *                       [--backend duckdb,clickhouse --clickhouse-url http://127.0.0.1:8123]
 *
 * Generates demo-shaped telemetry (an online shop: frontend → api-gateway → checkout / cart /
 * product-catalog → payment / inventory, PostgreSQL, Redis and Kafka client spans, a Kafka
 * consumer; long-tailed latencies, a few percent errors; one log record per span-ish with
 * templated bodies and a rare token in 1 of 200,000 records) spread over the last 24 h, writes
 * it straight into a DuckDbTelemetryStore in large batches (not over HTTP), seals everything
 * into Parquet parts, then times each endpoint's query function warm and prints p50/p95 per
 * query as a table and as one JSON line (`{"bench":"query",...}`).
 *
 * With `--backend duckdb,clickhouse` the same data and queries run on each backend in turn (on
 * ClickHouse in a fresh database `pharos_bench_<pid>`, dropped afterwards; user and password from
 * PHAROS_CLICKHOUSE_USER / PHAROS_CLICKHOUSE_PASSWORD, default the test server's `pharos`) and the
 * figures are printed side by side.
 *
 * Every figure is an endpoint's own query function (the HTTP layer adds only JSON encoding); the
 * full count of a log search is the histogram's total, as the UI shows it.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { listLogFields, logFieldValues } from '../packages/server/src/query/log-fields.js';
import { logHistogram } from '../packages/server/src/query/log-histogram.js';
import { searchLogs } from '../packages/server/src/query/logs.js';
import { parseSearch } from '../packages/server/src/query/search/index.js';
import { getServiceMap } from '../packages/server/src/query/service-map.js';
import { listServices } from '../packages/server/src/query/services.js';
import { searchTraces } from '../packages/server/src/query/trace-search.js';
import { getTrace } from '../packages/server/src/query/traces.js';
import { createClient } from '@clickhouse/client';
import { ClickHouseTelemetryStore } from '../packages/server/src/store/clickhouse/clickhouse-telemetry-store.js';
import { DuckDbTelemetryStore } from '../packages/server/src/store/duckdb/duckdb-telemetry-store.js';
import { sql } from '../packages/server/src/store/sql.js';
import type { TelemetryStore, TimeRange } from '../packages/server/src/store/telemetry-store.js';
import { parseTenantId } from '../packages/server/src/tenant.js';
import { DAY_NS, NOW_NS, RARE_TOKEN, logBatch, spanBatch } from './query/dataset.js';
import { timeRuns } from './query/timing.js';

const { values: args } = parseArgs({
  options: {
    spans: { type: 'string', default: '10000000' },
    logs: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '15' },
    batch: { type: 'string', default: '200000' },
    'data-dir': { type: 'string' },
    keep: { type: 'boolean', default: false },
    'skip-load': { type: 'boolean', default: false },
    backend: { type: 'string', default: 'duckdb' },
    'clickhouse-url': { type: 'string', default: 'http://127.0.0.1:18123' },
  },
});
const SPANS = Number(args.spans);
const LOGS = Number(args.logs);
const RUNS = Number(args.runs);
const BATCH = Number(args.batch);
const tenant = parseTenantId('default');
function percentile(sorted: number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

async function openStore(
  backend: string,
): Promise<{ store: TelemetryStore; close: () => Promise<void> }> {
  if (backend === 'clickhouse') {
    const database = `pharos_bench_${process.pid}`;
    const credentials = {
      url: args['clickhouse-url'],
      username: process.env.PHAROS_CLICKHOUSE_USER ?? 'pharos',
      password: process.env.PHAROS_CLICKHOUSE_PASSWORD ?? 'pharos',
    };
    const admin = createClient(credentials);
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
    const store = await ClickHouseTelemetryStore.open({
      urls: [credentials.url],
      username: credentials.username,
      password: credentials.password,
      database,
    });
    return {
      store,
      async close() {
        await store.close();
        if (!args.keep) await admin.command({ query: `DROP DATABASE ${database}` });
        await admin.close();
      },
    };
  }
  if (backend !== 'duckdb') throw new Error(`unknown backend ${backend}`);
  const dataDir =
    args['data-dir'] ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-bench-query-')));
  const store = await DuckDbTelemetryStore.open({ dataDir, memoryLimit: '2GB' });
  return {
    store,
    async close() {
      await store.close();
      if (!args.keep && !args['data-dir']) await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function benchBackend(backend: string) {
  const opened = await openStore(backend);
  const store = opened.store;
  const sampleTraceIds: string[] = [];
  const loadStarted = performance.now();
  if (!args['skip-load']) {
    for (let done = 0; done < Math.max(SPANS, LOGS); done += BATCH) {
      const spans = Math.min(BATCH, Math.max(0, SPANS - done));
      const logs = Math.min(BATCH, Math.max(0, LOGS - done));
      await store.write([
        {
          tenant,
          ...(spans > 0 ? { spans: spanBatch(spans, sampleTraceIds) } : {}),
          ...(logs > 0 ? { logs: logBatch(logs) } : {}),
        },
      ]);
      // Seal as a running server does (storage.sealMaxRows), so hot tables stay small.
      if ((done / BATCH) % 5 === 4) await store.maintain({ sealAll: true });
      const rate = Math.round(((done + BATCH) * 2) / ((performance.now() - loadStarted) / 1000));
      process.stderr.write(`\rloaded ${done + BATCH} spans + logs (${rate} rows/s)   `);
    }
  }
  // With --skip-load, whatever an earlier (possibly interrupted) run left in --data-dir is used.
  // Loaded out of time order, every sealed part spans the whole day; a server rewrites such a day
  // into time-disjoint parts once it has been quiet for a minute (re-slabbing, ADR 19) — here at once.
  process.stderr.write('\nsealing and re-slabbing…\n');
  const settleStarted = performance.now();
  await store.maintain({ sealAll: true, settled: true });
  process.stderr.write(
    `sealed and re-slabbed in ${((performance.now() - settleStarted) / 1000).toFixed(1)} s\n`,
  );
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  // The data ends at the time it was generated: with --skip-load, "now" is the newest record
  // (the clock has moved on since, and the last hour would hold little or nothing).
  let now = NOW_NS;
  if (args['skip-load']) {
    const [newest] = await store.query(
      tenant,
      null,
      (s) =>
        sql`SELECT greatest((SELECT max(start_time_unix_nano) FROM ${s.spans}), (SELECT max(time_unix_nano) FROM ${s.logs})) AS t`,
    );
    if (newest?.t !== null && newest?.t !== undefined)
      now = BigInt(newest.t as bigint | number) + 1n;
  }
  if (sampleTraceIds.length === 0) {
    const rows = await store.query(
      tenant,
      { fromNs: now - DAY_NS, toNs: now },
      (s) => sql`SELECT DISTINCT trace_id FROM ${s.spans} LIMIT 100`,
    );
    sampleTraceIds.push(...rows.map((r) => r.trace_id as string));
  }

  const [counts] = await store.query(
    tenant,
    null,
    (s) =>
      sql`SELECT (SELECT count(*) FROM ${s.spans}) AS spans, (SELECT count(*) FROM ${s.logs}) AS logs`,
  );
  const loaded = { spans: Number(counts?.spans), logs: Number(counts?.logs) };
  process.stderr.write(`querying ${loaded.spans} spans and ${loaded.logs} log records\n`);
  const day: TimeRange = { fromNs: now - DAY_NS, toNs: now + 1n };
  const hour: TimeRange = { fromNs: now - 3_600_000_000_000n, toNs: now + 1n };
  const { dialect } = store;
  const rare = parseSearch(RARE_TOKEN);
  let k = 0;
  const queries: [string, () => Promise<unknown>][] = [
    ['trace by id', () => getTrace(store, tenant, sampleTraceIds[k++ % sampleTraceIds.length]!)],
    [
      'trace search service+duration+attribute 24h',
      () =>
        searchTraces(store, tenant, {
          range: day,
          service: 'checkout',
          minDurationNs: 200_000_000n,
          where: sql`${dialect.attributeString(sql`attributes`, 'app.tier')} = ${'gold'}`,
          limit: 20,
        }),
    ],
    ['RED all services 24h', () => listServices(store, tenant, day)],
    ['service map 1h', () => getServiceMap(store, tenant, hour)],
    [
      'log search rare token first page 24h',
      () => searchLogs(store, tenant, { query: rare, range: day, limit: 100, cursor: null }),
    ],
    // The full count of a search is the histogram's total (what the UI shows above the list).
    [
      'log search rare token count 24h',
      () => logHistogram(store, tenant, { query: rare, range: day }),
    ],
    [
      'log histogram 24h (by severity, auto step)',
      () => logHistogram(store, tenant, { query: null, range: day }),
    ],
    ['log facets 24h (fields)', () => listLogFields(store, tenant, { query: null, range: day })],
    [
      'log facet values 24h (service_name)',
      () =>
        logFieldValues(store, tenant, {
          field: 'service_name',
          query: null,
          range: day,
          limit: 10,
        }),
    ],
  ];

  // CPU time of this process (DuckDB's threads included) per query: on a shared, loaded machine
  // it varies far less than the wall time, so runs under different load compare on it.
  const results: Record<string, { p50Ms: number; p95Ms: number; cpuP50Ms: number }> = {};
  for (const [name, run] of queries) {
    const { times, cpu } = await timeRuns(run, RUNS); // after one warm-up run
    results[name] = {
      p50Ms: +percentile(times, 0.5).toFixed(1),
      p95Ms: +percentile(times, 0.95).toFixed(1),
      cpuP50Ms: +percentile(cpu, 0.5).toFixed(1),
    };
    process.stderr.write(
      `${backend.padEnd(10)} ${name.padEnd(48)} p50 ${results[name].p50Ms.toFixed(1).padStart(8)} ms   p95 ${results[name].p95Ms.toFixed(1).padStart(8)} ms   cpu ${results[name].cpuP50Ms.toFixed(1).padStart(8)} ms\n`,
    );
  }
  await opened.close();
  return { loaded, loadSeconds, results };
}

const backends = args.backend.split(',');
const byBackend: Record<string, Awaited<ReturnType<typeof benchBackend>>> = {};
for (const backend of backends) byBackend[backend] = await benchBackend(backend);
if (backends.length > 1) {
  const names = Object.keys(byBackend[backends[0]!]!.results);
  process.stderr.write(
    `\n${'p50 / p95 ms'.padEnd(48)} ${backends.map((b) => b.padStart(20)).join(' ')}\n`,
  );
  for (const name of names) {
    const cells = backends.map((b) => {
      const r = byBackend[b]!.results[name]!;
      return `${r.p50Ms.toFixed(1)} / ${r.p95Ms.toFixed(1)}`.padStart(20);
    });
    process.stderr.write(`${name.padEnd(48)} ${cells.join(' ')}\n`);
  }
}
for (const backend of backends) {
  const { loaded, loadSeconds, results } = byBackend[backend]!;
  console.log(
    JSON.stringify({
      bench: 'query',
      backend,
      spans: loaded.spans,
      logs: loaded.logs,
      runs: RUNS,
      loadSeconds: Math.round(loadSeconds),
      cpus: os.cpus().length,
      results,
    }),
  );
}
