/**
 * Profile of the slow query-benchmark queries on a data directory `bench:query` left behind
 * (`--data-dir DIR --keep`): times each query function and the store's SQL pieces, and prints
 * DuckDB's EXPLAIN ANALYZE of the main statements.
 *
 *   node --import tsx bench/query-profile.ts --data-dir DIR [--runs 5] [--explain]
 */
import { parseArgs } from 'node:util';
import { logTiebreak, searchLogs } from '../packages/server/src/query/logs.js';
import { listLogFields, logFieldValues } from '../packages/server/src/query/log-fields.js';
import { listServices } from '../packages/server/src/query/services.js';
import { logHistogram } from '../packages/server/src/query/log-histogram.js';
import { parseSearch } from '../packages/server/src/query/search/index.js';
import { getServiceMap } from '../packages/server/src/query/service-map.js';
import { searchTraces } from '../packages/server/src/query/trace-search.js';
import { getTrace, getTraceSpans } from '../packages/server/src/query/traces.js';
import { DuckDbTelemetryStore } from '../packages/server/src/store/duckdb/duckdb-telemetry-store.js';
import { sql, type SqlFragment } from '../packages/server/src/store/sql.js';
import type {
  QueryHints,
  ScopedSources,
  TimeRange,
} from '../packages/server/src/store/telemetry-store.js';
import { parseTenantId } from '../packages/server/src/tenant.js';
import { RARE_TOKEN } from './query/dataset.js';
import { timeRuns } from './query/timing.js';

const { values: args } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    runs: { type: 'string', default: '5' },
    explain: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
if (!args['data-dir']) throw new Error('--data-dir is required');
const RUNS = Number(args.runs);
const tenant = parseTenantId('default');
const store = await DuckDbTelemetryStore.open({ dataDir: args['data-dir'], memoryLimit: '2GB' });

const [bounds] = await store.query(
  tenant,
  null,
  (s) => sql`SELECT max(time_unix_nano) AS t FROM ${s.logs}`,
);
const now = BigInt(String(bounds?.t)) + 1n;
const day: TimeRange = { fromNs: now - 86_400_000_000_000n, toNs: now + 1n };
const hour: TimeRange = { fromNs: now - 3_600_000_000_000n, toNs: now + 1n };
const ids = (
  await store.query(
    tenant,
    day,
    (s) => sql`SELECT DISTINCT trace_id FROM ${s.spans} USING SAMPLE 100 ROWS`,
  )
).map((r) => r.trace_id as string);
const rare = parseSearch(RARE_TOKEN);
let k = 0;

async function time(name: string, run: () => Promise<unknown>): Promise<void> {
  if (args.only && !name.includes(args.only)) return;
  const { times, cpu } = await timeRuns(run, RUNS);
  console.log(
    `${name.padEnd(50)} p50 ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms  cpu ${cpu[Math.floor(cpu.length / 2)]!.toFixed(1)} ms`,
  );
}

async function explain(
  name: string,
  range: TimeRange | null,
  build: (s: ScopedSources) => SqlFragment,
  hints: QueryHints = {},
): Promise<void> {
  if (!args.explain || (args.only && !name.includes(args.only))) return;
  const rows = await store.query(tenant, range, (s) => sql`EXPLAIN ANALYZE ${build(s)}`, {
    hints,
  });
  console.log(`--- ${name}`);
  for (const row of rows) console.log(String(row.explain_value));
}

interface PlanNode {
  operator_name?: string;
  name?: string;
  operator_timing?: number;
  operator_cardinality?: number;
  extra_info?: Record<string, unknown>;
  children?: PlanNode[];
}

function printPlan(node: PlanNode, depth = 0): void {
  const name = node.operator_name ?? node.name ?? '?';
  const ms = ((node.operator_timing ?? 0) * 1000).toFixed(1);
  const info = node.extra_info ?? {};
  const detail = ['Function', 'Join Type', 'Conditions', 'Filters', 'Groups']
    .map((k) => (info[k] === undefined ? '' : `${k}: ${JSON.stringify(info[k]).slice(0, 120)}`))
    .filter((x) => x)
    .join(' ');
  if (name.trim() !== '') {
    console.log(
      `${'  '.repeat(depth)}${name.trim()} ${ms} ms, ${node.operator_cardinality ?? ''} rows ${detail}`,
    );
  }
  for (const child of node.children ?? []) printPlan(child, name.trim() === '' ? depth : depth + 1);
}

/** The store, but every query is also run as EXPLAIN ANALYZE and its plan printed. */
function explaining(name: string): DuckDbTelemetryStore {
  const proxy = Object.create(store) as DuckDbTelemetryStore;
  proxy.query = async (tenant, range, build, options) => {
    const t = performance.now();
    const rows = await store.query(tenant, range, build, options);
    const took = performance.now() - t;
    const plan = await store.query(
      tenant,
      range,
      (s) => sql`EXPLAIN (ANALYZE, FORMAT json) ${build(s)}`,
      options,
    );
    console.log(`--- ${name}: query took ${took.toFixed(1)} ms`);
    const json = JSON.parse(String(plan[0]?.explain_value)) as PlanNode | PlanNode[];
    for (const node of Array.isArray(json) ? json : [json]) printPlan(node);
    return rows;
  };
  return proxy;
}

if (args.explain) {
  const only = args.only ?? '';
  if ('trace search'.includes(only) || only === '') {
    await searchTraces(explaining('trace search'), tenant, {
      range: day,
      service: 'checkout',
      minDurationNs: 200_000_000n,
      where: sql`${store.dialect.attributeString(sql`attributes`, 'app.tier')} = ${'gold'}`,
      limit: 20,
    });
  }
  if ('service map'.includes(only) || only === '') {
    await getServiceMap(explaining('service map'), tenant, hour);
  }
  if ('RED'.includes(only) || only === '') {
    await listServices(explaining('RED'), tenant, day);
  }
  if ('trace by id'.includes(only) || only === '') {
    await getTrace(explaining('trace by id'), tenant, ids[0]!);
  }
  if ('rare first page'.includes(only) || only === '') {
    await searchLogs(explaining('rare first page'), tenant, {
      query: rare,
      range: day,
      limit: 100,
      cursor: null,
    });
  }
}

await time('trace by id', () => getTrace(store, tenant, ids[k++ % ids.length]!));
await time('trace by id: spans only', () => getTraceSpans(store, tenant, ids[k++ % ids.length]!));
await time('trace by id: empty query with hint', () =>
  store.query(tenant, null, () => sql`SELECT 1`, { hints: { traceIds: [ids[k++ % ids.length]!] } }),
);
await time('trace by id: logs only', async () => {
  const id = ids[k++ % ids.length]!;
  const [r] = await store.query(
    tenant,
    day,
    (s) =>
      sql`SELECT min(start_time_unix_nano) AS a, max(end_time_unix_nano) AS b FROM ${s.spans} WHERE trace_id = ${id}`,
    { hints: { traceIds: [id] } },
  );
  const a = BigInt(String(r?.a)) - 60_000_000_000n;
  const b = BigInt(String(r?.b)) + 60_000_000_000n;
  const t = performance.now();
  await store.query(
    tenant,
    { fromNs: a, toNs: b },
    (s) =>
      sql`SELECT * FROM ${s.logs} WHERE trace_id = ${id} ORDER BY time_unix_nano, span_id LIMIT 1001`,
    { hints: { traceIds: [id] } },
  );
  console.log('   logs piece', (performance.now() - t).toFixed(1));
});
await time('empty query, whole range', () => store.query(tenant, null, () => sql`SELECT 1`));
await time('trace search', () =>
  searchTraces(store, tenant, {
    range: day,
    service: 'checkout',
    minDurationNs: 200_000_000n,
    where: sql`${store.dialect.attributeString(sql`attributes`, 'app.tier')} = ${'gold'}`,
    limit: 20,
  }),
);
await time('service map 1h', () => getServiceMap(store, tenant, hour));
await time('rare first page', () =>
  searchLogs(store, tenant, { query: rare, range: day, limit: 100, cursor: null }),
);
for (const word of [RARE_TOKEN, 'order', 'cache']) {
  const q = parseSearch(word);
  await time(`page two-phase ${word}`, () =>
    searchLogs(store, tenant, { query: q, range: day, limit: 100, cursor: null }),
  );
  await time(`page single ${word}`, () =>
    store.query(
      tenant,
      day,
      (s) => sql`SELECT *, ${logTiebreak(store.dialect)} AS _tiebreak FROM ${s.logs}
        WHERE contains(lower(body), ${word}) ORDER BY time_unix_nano DESC, _tiebreak DESC LIMIT 101`,
      { hints: { logBodyContains: [word] } },
    ),
  );
  await time(`page times ${word}`, () =>
    store.query(
      tenant,
      day,
      (s) => sql`SELECT time_unix_nano FROM ${s.logs}
        WHERE contains(lower(body), ${word}) ORDER BY time_unix_nano DESC LIMIT 101`,
      { hints: { logBodyContains: [word] } },
    ),
  );
}
await time('histogram', () => logHistogram(store, tenant, { query: null, range: day }));
await time('facets', () => listLogFields(store, tenant, { query: null, range: day }));
await time('facet values', () =>
  logFieldValues(store, tenant, { field: 'service_name', query: null, range: day, limit: 10 }),
);
await time('RED', () => listServices(store, tenant, day));
await time('rare count', () => logHistogram(store, tenant, { query: rare, range: day }));
await time('rare: matching times only', () =>
  store.query(
    tenant,
    day,
    (s) => sql`SELECT time_unix_nano FROM ${s.logs} WHERE contains(lower(body), ${RARE_TOKEN})`,
    { hints: { logBodyContains: [RARE_TOKEN] } },
  ),
);
await explain(
  'rare: matching times only',
  day,
  (s) => sql`SELECT time_unix_nano FROM ${s.logs} WHERE contains(lower(body), ${RARE_TOKEN})`,
  { logBodyContains: [RARE_TOKEN] },
);
await explain(
  'trace by id: spans',
  null,
  (s) => sql`SELECT * FROM ${s.spans} WHERE trace_id = ${ids[0]!}`,
  { traceIds: [ids[0]!] },
);
await explain(
  'rare page query',
  day,
  (s) => sql`SELECT *, ${logTiebreak(store.dialect)} AS _tiebreak FROM ${s.logs}
      WHERE (contains(lower(body), ${RARE_TOKEN})) AND time_unix_nano >= (SELECT coalesce(min(time_unix_nano), 0) FROM (
        SELECT time_unix_nano FROM ${s.logs} WHERE (contains(lower(body), ${RARE_TOKEN}))
        ORDER BY time_unix_nano DESC LIMIT 101) AS newest)
      ORDER BY time_unix_nano DESC, _tiebreak DESC LIMIT 101`,
  { logBodyContains: [RARE_TOKEN] },
);
await store.close();
