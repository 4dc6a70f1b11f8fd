/**
 * In-process timing of bench:metrics' dashboard queries on a data directory it kept
 * (`npm run bench:metrics -- --keep`), for profiling the PromQL read path without HTTP:
 *
 *   node --import tsx [--cpu-prof --cpu-prof-dir=DIR] bench/promql-profile.ts --data-dir DIR \
 *     [--runs 7] [--only 24h] [--cache-mb 256]
 *
 * Opens the store (no server may hold the directory), then per query: one cold run (cache
 * empty, JIT warm from the previous queries), one untimed run and `--runs` warm runs, each
 * split into series index, samples (cache + hot rows) and evaluation (engine and JSON shape),
 * with the process CPU time (all threads, DuckDB's included: steadier than latency when the
 * machine is shared).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PromQLEvaluator } from '../packages/server/src/query/promql/engine.js';
import type { LabelMatcher, SeriesSamples } from '../packages/server/src/query/promql/types.js';
import { StoreSeriesSource } from '../packages/server/src/query/prometheus/store-series-source.js';
import { DuckDbTelemetryStore } from '../packages/server/src/store/duckdb/duckdb-telemetry-store.js';
import { parseTenantId } from '../packages/server/src/tenant.js';

const { values: args } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    runs: { type: 'string', default: '7' },
    only: { type: 'string' },
    'cache-mb': { type: 'string', default: '256' },
  },
});
const dataDir = args['data-dir'];
if (!dataDir) throw new Error('--data-dir is required');
const RUNS = Number(args.runs);
const endMs = Number(fs.readFileSync(path.join(dataDir, 'bench-end-ms'), 'utf8'));
const tenant = parseTenantId('default');
const store = await DuckDbTelemetryStore.open({
  dataDir,
  promCacheBytes: Number(args['cache-mb']) * 1024 * 1024,
});

/** The source with the time of each `select` added up (reads run in parallel: wall time). */
class TimedSource extends StoreSeriesSource {
  selectMs = 0;
  override async select(
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
  ): Promise<SeriesSamples[]> {
    const t0 = performance.now();
    const result = await super.select(matchers, startMs, endMs);
    this.selectMs += performance.now() - t0;
    return result;
  }
}

const QUERIES = [
  'sum by (service) (rate(bench_requests_total[5m]))',
  'histogram_quantile(0.99, sum by (le) (rate(bench_latency_seconds_bucket[5m])))',
  'avg(bench_memory_bytes)',
];
const RANGES = [
  { name: '2h', hours: 2, step: 15_000 },
  { name: '24h', hours: 24, step: 60_000 },
];
const engine = new PromQLEvaluator();

/** Wall time inside the store's two Prometheus reads (they run in parallel per selector). */
const storeMs = { index: 0, samples: 0 };
for (const method of ['promSeriesIndex', 'promSamples'] as const) {
  const original = store[method].bind(store) as (...a: unknown[]) => Promise<unknown>;
  (store as unknown as Record<string, unknown>)[method] = async (...a: unknown[]) => {
    const t0 = performance.now();
    try {
      return await original(...a);
    } finally {
      storeMs[method === 'promSeriesIndex' ? 'index' : 'samples'] += performance.now() - t0;
    }
  };
}

async function once(query: string, hours: number, step: number) {
  const source = new TimedSource(store, tenant);
  storeMs.index = 0;
  storeMs.samples = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await engine.rangeQuery(source, query, endMs - hours * 3_600_000, endMs, step);
  const json = JSON.stringify(result);
  const total = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    cpuMs: (cpu.user + cpu.system) / 1000,
    total,
    select: source.selectMs,
    ...storeMs,
    bytes: json.length,
  };
}

for (const range of RANGES) {
  for (const query of QUERIES) {
    const name = `${range.name} ${query}`;
    if (args.only && !name.includes(args.only)) continue;
    const cold = await once(query, range.hours, range.step);
    await once(query, range.hours, range.step);
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await once(query, range.hours, range.step));
    const cpuMs = runs.map((r) => r.cpuMs).sort((a, b) => a - b);
    runs.sort((a, b) => a.total - b.total);
    const p50 = runs[Math.floor(runs.length / 2)]!;
    console.log(
      `${name}: cold ${cold.total.toFixed(0)} ms (CPU ${cold.cpuMs.toFixed(0)}, select ${cold.select.toFixed(0)}); ` +
        `warm CPU p50 ${cpuMs[Math.floor(cpuMs.length / 2)]!.toFixed(1)} ms (min ${cpuMs[0]!.toFixed(1)}); ` +
        `warm p50 ${p50.total.toFixed(1)} ms (select ${p50.select.toFixed(1)}: index ${p50.index.toFixed(1)}, samples ${p50.samples.toFixed(1)}; ` +
        `rest ${(p50.total - p50.select).toFixed(1)}), min ${runs[0]!.total.toFixed(1)}`,
    );
  }
}
const stats = store.promCacheStats();
console.log(
  `read cache: ${(stats.bytes / 1e6).toFixed(1)} MB for ${stats.samples.toLocaleString('en')} samples`,
);
await store.close();
