/**
 * bench:metrics — Prometheus remote write ingest and dashboard queries against a real Pharos
 * process.
 *
 *   npm run bench:metrics -- [--series 10000] [--hours 24] [--step 15] [--concurrency 4]
 *                            [--repeat 15] [--keep] [--queries-only DIR] [--ingest-only]
 *                            [--end ISO-TIME]
 *
 * `--keep` leaves the data directory in place (its path is printed); `--queries-only DIR` skips
 * steps 1-3 and times the queries on a directory kept earlier (same `--series` and `--hours`).
 * `--only TEXT` times only the queries whose "range query" name contains TEXT (e.g. `24h hist`);
 * `--cold false` skips the cold runs (e.g. to profile the warm server with `BENCH_NODE_ARGS`).
 * `--ingest-only` stops after step 3. `--end` sets the last sample's time (default: now), e.g.
 * to place a UTC midnight inside the window or outside it.
 *
 * 1. Starts `pharos start` (auth off) on a fresh data directory.
 * 2. Sends `--hours` of data at `--step` seconds for `--series` active series (counters, gauges
 *    and classic histograms across 20 services) through POST /prometheus/api/v1/write, one
 *    snappy-compressed WriteRequest per timestamp holding every series, `--concurrency`
 *    requests in flight. The requests are encoded before the clock starts (so the figures are
 *    the server's), unless they would take more than `--preencode-mb` (default 1024) of
 *    memory; then the client encodes on the fly, on the same machine, and says so.
 * 3. Stops the server, seals everything into Parquet parts and reports bytes per sample.
 * 4. Times typical dashboard queries through /prometheus/api/v1/query_range over 1 h, 2 h and
 *    24 h (the last at 60 s steps): cold — each query once on a freshly started server (nothing
 *    in Pharos' memory); warm — on one server, after one untimed run, latency p50/p95 over
 *    `--repeat` runs; both with the server's CPU time per query (all threads; steadier than
 *    latency on a shared machine). Then the Prometheus read cache's size from /metrics.
 *
 * Prints a human summary on stderr and one JSON line on stdout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compressSync } from 'snappy';
import { directorySize, sealAll, spawnPharos, type BenchPharos } from './pharos-server.js';

const { values: args } = parseArgs({
  options: {
    series: { type: 'string', default: '10000' },
    hours: { type: 'string', default: '24' },
    step: { type: 'string', default: '15' },
    concurrency: { type: 'string', default: '4' },
    repeat: { type: 'string', default: '15' },
    'preencode-mb': { type: 'string', default: '1024' },
    keep: { type: 'boolean', default: false },
    'queries-only': { type: 'string' },
    only: { type: 'string' },
    cold: { type: 'string', default: 'true' },
    'ingest-only': { type: 'boolean', default: false },
    end: { type: 'string' },
  },
});
const SERIES = Number(args.series);
const HOURS = Number(args.hours);
const STEP_MS = Number(args.step) * 1000;
const CONCURRENCY = Number(args.concurrency);
const REPEAT = Number(args.repeat);

// ---------------------------------------------------------------- the data set

const BUCKETS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '1', '+Inf'];
type Kind = 'counter' | 'gauge' | 'bucket' | 'sum' | 'count';
interface BenchSeries {
  kind: Kind;
  /** The TimeSeries' label fields, pre-encoded. */
  labelBytes: Buffer;
  value: number;
  le: number;
}

function encodeLabel(name: string, value: string): Buffer {
  const n = Buffer.from(name);
  const v = Buffer.from(value);
  const inner = Buffer.concat([Buffer.from([0x0a, n.length]), n, Buffer.from([0x12, v.length]), v]);
  return Buffer.concat([Buffer.from([0x0a, inner.length]), inner]);
}

function makeSeries(labels: Record<string, string>, kind: Kind, le = 0): BenchSeries {
  const sorted = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    kind,
    labelBytes: Buffer.concat(sorted.map(([n, v]) => encodeLabel(n, v))),
    value: 0,
    le,
  };
}

/** Groups of 12 series: a counter, a gauge, a histogram of 8 buckets with _sum and _count. */
function dataSet(count: number): BenchSeries[] {
  const all: BenchSeries[] = [];
  for (let g = 0; all.length < count; g++) {
    const service = `svc-${g % 20}`;
    const instance = `i-${Math.floor(g / 20)}`;
    const route = `/route/${g % 7}`;
    const common = { service, instance, job: 'bench' };
    all.push(
      makeSeries({ __name__: 'bench_requests_total', ...common, route, code: '200' }, 'counter'),
    );
    all.push(makeSeries({ __name__: 'bench_memory_bytes', ...common }, 'gauge'));
    BUCKETS.forEach((le, i) => {
      all.push(
        makeSeries({ __name__: 'bench_latency_seconds_bucket', ...common, route, le }, 'bucket', i),
      );
    });
    all.push(makeSeries({ __name__: 'bench_latency_seconds_sum', ...common, route }, 'sum'));
    all.push(makeSeries({ __name__: 'bench_latency_seconds_count', ...common, route }, 'count'));
  }
  return all.slice(0, count);
}

/** A small deterministic PRNG (xorshift32): values vary like real ones, runs repeat. */
let prngState = 0x9e3779b9;
function random(): number {
  prngState ^= prngState << 13;
  prngState ^= prngState >>> 17;
  prngState ^= prngState << 5;
  return (prngState >>> 0) / 4294967296;
}

function advance(series: BenchSeries[]): void {
  // This step's new observations at or below the current bucket's bound (cumulative in `le`).
  let newObservations = 0;
  let totalObservations = 0;
  for (const s of series) {
    switch (s.kind) {
      case 'counter':
        s.value += Math.floor(random() * 40);
        break;
      case 'gauge':
        // A random walk around 500 MB, in whole bytes.
        s.value = Math.max(0, (s.value || 500e6) + Math.round((random() - 0.5) * 1e6));
        break;
      case 'bucket':
        // Cumulative buckets: a higher bucket gains at least what the one below gains, so each
        // is at least as large as the one below (every bucket is a counter of the same events).
        if (s.le === 0) newObservations = 0;
        newObservations += Math.floor(random() * 6);
        s.value += newObservations;
        totalObservations = s.value;
        break;
      case 'sum':
        s.value += random() * 2;
        break;
      case 'count':
        // Equal to the +Inf bucket.
        s.value = totalObservations;
        break;
    }
  }
}

function varint(buf: Buffer, pos: number, value: number): number {
  let v = value;
  while (v >= 0x80) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

/** One WriteRequest with every series' sample at `timestampMs`. */
function encodeRequest(series: BenchSeries[], timestampMs: number, scratch: Buffer): Buffer {
  let pos = 0;
  for (const s of series) {
    const sampleLen = 1 + 8 + 1 + varintSize(timestampMs);
    const tsLen = s.labelBytes.length + 2 + sampleLen;
    scratch[pos++] = 0x0a;
    pos = varint(scratch, pos, tsLen);
    s.labelBytes.copy(scratch, pos);
    pos += s.labelBytes.length;
    scratch[pos++] = 0x12;
    scratch[pos++] = sampleLen;
    scratch[pos++] = 0x09;
    scratch.writeDoubleLE(s.value, pos);
    pos += 8;
    scratch[pos++] = 0x10;
    pos = varint(scratch, pos, timestampMs);
  }
  return compressSync(scratch.subarray(0, pos));
}

function varintSize(value: number): number {
  let size = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 128)) size++;
  return size;
}

// ---------------------------------------------------------------- the server

/** The server as users run it: default sealing (PHAROS_* in the environment still apply). */
async function startServer(dataDir: string): Promise<BenchPharos> {
  return spawnPharos(dataDir);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

// ---------------------------------------------------------------- run

const reuseDir = args['queries-only'];
const dataDir = reuseDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pharos-bench-metrics-'));
const series = dataSet(SERIES);
const endFile = path.join(dataDir, 'bench-end-ms');
const endMs = reuseDir
  ? Number(fs.readFileSync(endFile, 'utf8'))
  : Math.floor((args.end === undefined ? Date.now() : Date.parse(args.end)) / STEP_MS) * STEP_MS -
    STEP_MS;
const steps = Math.floor((HOURS * 3_600_000) / STEP_MS);
const startMs = endMs - (steps - 1) * STEP_MS;
const totalSamples = steps * series.length;
let samplesPerSecond = 0;
let ingestSeconds = 0;
let encodeMs = 0;
let refused = 0;
let failed = 0;
let peakRssMiB = 0;
let ingestCpuUsPerSample = 0;
let bytesPerSample = 0;
let bytesPerSampleAll = 0;
if (!reuseDir) await ingestAndSeal();
if (args['ingest-only']) {
  if (!args.keep) fs.rmSync(dataDir, { recursive: true, force: true });
  console.log(JSON.stringify(ingestSummary()));
  process.exit(0);
}

function ingestSummary() {
  return {
    series: series.length,
    hours: HOURS,
    stepSeconds: STEP_MS / 1000,
    samples: totalSamples,
    ingestSamplesPerSecond: samplesPerSecond,
    ingestSeconds: Number(ingestSeconds.toFixed(1)),
    clientEncodeSeconds: Number((encodeMs / 1000).toFixed(1)),
    refusals: refused,
    failed,
    peakRssMiB,
    ingestServerCpuUsPerSample: Number(ingestCpuUsPerSample.toFixed(3)),
    bytesPerSample: Number(bytesPerSample.toFixed(3)),
    bytesPerSampleWithIndex: Number(bytesPerSampleAll.toFixed(3)),
    cpus: os.cpus().length,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

async function ingestAndSeal(): Promise<void> {
  fs.writeFileSync(endFile, String(endMs));
  console.error(
    `bench:metrics: ${series.length} series, ${HOURS} h at ${STEP_MS / 1000} s = ${steps} steps, ${totalSamples.toLocaleString('en')} samples; data dir ${dataDir}`,
  );

  const scratch = Buffer.alloc(series.reduce((n, s) => n + s.labelBytes.length + 32, 0));
  // Steps are produced in order by one encoder (values are cumulative).
  const encodeStep = (step: number): Buffer => {
    const t0 = performance.now();
    advance(series);
    const body = encodeRequest(series, startMs + step * STEP_MS, scratch);
    encodeMs += performance.now() - t0;
    return body;
  };
  const first = encodeStep(0);
  const preencoded: Buffer[] = [];
  if (first.length * steps <= Number(args['preencode-mb']) * 1024 * 1024) {
    preencoded.push(first);
    for (let step = 1; step < steps; step++) preencoded.push(encodeStep(step));
    const megabytes = preencoded.reduce((n, b) => n + b.length, 0) / 1e6;
    console.error(
      `pre-encoded ${steps} requests (${megabytes.toFixed(0)} MB) in ${(encodeMs / 1000).toFixed(1)} s`,
    );
    encodeMs = 0;
  } else {
    console.error(`encoding on the fly: ${steps} requests exceed --preencode-mb`);
  }
  const bodyOf = (step: number): Buffer =>
    preencoded[step] ?? (step === 0 ? first : encodeStep(step));

  const server = await startServer(dataDir);
  const writeUrl = `${server.httpUrl}/prometheus/api/v1/write`;
  const ingestCpuBefore = server.cpuSeconds() * 1000;
  let nextStep = 0;
  const ingestStarted = performance.now();
  async function worker(): Promise<void> {
    for (;;) {
      const step = nextStep++;
      if (step >= steps) return;
      const body = bodyOf(step);
      for (;;) {
        const response = await fetch(writeUrl, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/x-protobuf',
            'content-encoding': 'snappy',
            'x-prometheus-remote-write-version': '0.1.0',
          },
        });
        await response.arrayBuffer();
        if (response.status === 204) break;
        if (response.status === 429 || response.status === 503) {
          refused++;
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        failed++;
        throw new Error(`remote write answered ${response.status}`);
      }
      if (step % 500 === 0 && step > 0) {
        const seconds = (performance.now() - ingestStarted) / 1000;
        console.error(
          `  ${step}/${steps} steps (${new Date(startMs + step * STEP_MS).toISOString()}), ` +
            `${Math.round((step * series.length) / seconds).toLocaleString('en')} samples/s, ` +
            `${refused} refusals, ${seconds.toFixed(1)} s`,
        );
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  ingestSeconds = (performance.now() - ingestStarted) / 1000;
  samplesPerSecond = Math.round(totalSamples / ingestSeconds);
  ingestCpuUsPerSample = ((server.cpuSeconds() * 1000 - ingestCpuBefore) * 1000) / totalSamples;
  peakRssMiB = server.peakRssMiB();
  await server.stop();
  console.error(
    `ingest: ${samplesPerSecond.toLocaleString('en')} samples/s over ${ingestSeconds.toFixed(1)} s ` +
      `(client encoding ${(encodeMs / 1000).toFixed(1)} s of it), ${refused} refusals (retried), peak RSS ${peakRssMiB} MiB, ` +
      `server CPU ${ingestCpuUsPerSample.toFixed(2)} µs/sample`,
  );

  await sealAll(dataDir);
  const partsDir = path.join(dataDir, 'parts');
  const sampleBytes = directorySize(path.join(partsDir, 'prom_samples'));
  const indexBytes =
    directorySize(path.join(partsDir, 'prom_series')) +
    directorySize(path.join(partsDir, 'prom_metadata'));
  bytesPerSample = sampleBytes / totalSamples;
  bytesPerSampleAll = (sampleBytes + indexBytes) / totalSamples;
  console.error(
    `disk: ${(sampleBytes / 1e6).toFixed(1)} MB samples + ${(indexBytes / 1e6).toFixed(2)} MB series index = ` +
      `${bytesPerSample.toFixed(3)} B/sample (${bytesPerSampleAll.toFixed(3)} with the index)`,
  );
}

// ---------------------------------------------------------------- queries

const QUERIES = {
  'sum by (service) (rate(bench_requests_total[5m]))':
    'sum by (service) (rate(bench_requests_total[5m]))',
  'histogram_quantile(0.99, sum by (le) (rate(bench_latency_seconds_bucket[5m])))':
    'histogram_quantile(0.99, sum by (le) (rate(bench_latency_seconds_bucket[5m])))',
  'avg(bench_memory_bytes)': 'avg(bench_memory_bytes)',
};
const RANGES: { name: string; hours: number; stepSeconds: number }[] = [
  { name: '1h', hours: 1, stepSeconds: 15 },
  { name: '2h', hours: 2, stepSeconds: 15 },
  { name: '24h', hours: 24, stepSeconds: 60 },
].filter((r) => r.hours <= HOURS);

/** One query_range request: latency, result series, or the engine-missing marker. */
async function runQuery(
  server: BenchPharos,
  query: string,
  range: { hours: number; stepSeconds: number },
): Promise<{ ms: number; series: number } | 'engine missing'> {
  const params = new URLSearchParams({
    query,
    start: String((endMs - range.hours * 3_600_000) / 1000),
    end: String(endMs / 1000),
    step: String(range.stepSeconds),
  });
  const t0 = performance.now();
  const response = await fetch(`${server.httpUrl}/prometheus/api/v1/query_range`, {
    method: 'POST',
    body: params.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data?: { result: unknown[] };
  };
  const ms = performance.now() - t0;
  if (body.status !== 'success') {
    if (body.error === 'PromQL engine not merged') return 'engine missing';
    throw new Error(`query ${query} failed: ${body.error}`);
  }
  return { ms, series: body.data?.result.length ?? 0 };
}

/** A value of the server's own metrics (`GET /metrics`), NaN when absent. */
async function serverMetric(server: BenchPharos, name: string): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? NaN : Number(line.slice(name.length + 1));
}

const queryResults: Record<
  string,
  {
    coldMs: number;
    coldServerCpuMs: number;
    p50Ms: number;
    p95Ms: number;
    serverCpuMs: number;
    series: number;
  }
> = {};
let engineMissing = false;
let cacheBytes = NaN;
let cacheSamples = NaN;

// Cold: each query once, first after a fresh start (nothing of the data in memory but what the
// OS caches of the files).
const cold = new Map<string, { ms: number; cpuMs: number }>();
const selected = (range: { name: string }, name: string): boolean =>
  args.only === undefined || `${range.name} ${name}`.includes(args.only);
coldLoop: for (const range of RANGES) {
  if (args.cold === 'false') break;
  for (const [name, query] of Object.entries(QUERIES)) {
    if (!selected(range, name)) continue;
    const server = await startServer(dataDir);
    try {
      const cpuBefore = server.cpuSeconds() * 1000;
      const result = await runQuery(server, query, range);
      if (result === 'engine missing') {
        engineMissing = true;
        break coldLoop;
      }
      cold.set(`${range.name} ${name}`, {
        ms: result.ms,
        cpuMs: server.cpuSeconds() * 1000 - cpuBefore,
      });
    } finally {
      await server.stop();
    }
  }
}

// Warm: one server; each query once to warm up, then `--repeat` timed runs.
const queryServer = await startServer(dataDir);
outer: for (const range of RANGES) {
  if (engineMissing) break;
  for (const [name, query] of Object.entries(QUERIES)) {
    if (!selected(range, name)) continue;
    const latencies: number[] = [];
    let seriesCount = 0;
    const warmUp = await runQuery(queryServer, query, range);
    if (warmUp === 'engine missing') {
      engineMissing = true;
      break outer;
    }
    const cpuBefore = queryServer.cpuSeconds() * 1000;
    for (let i = 0; i < REPEAT; i++) {
      const result = await runQuery(queryServer, query, range);
      if (result === 'engine missing') throw new Error('engine disappeared');
      latencies.push(result.ms);
      seriesCount = result.series;
    }
    const serverCpuMs = (queryServer.cpuSeconds() * 1000 - cpuBefore) / latencies.length;
    latencies.sort((a, b) => a - b);
    const key = `${range.name} ${name}`;
    const coldRun = cold.get(key);
    queryResults[key] = {
      coldMs: Number((coldRun?.ms ?? NaN).toFixed(1)),
      coldServerCpuMs: Number((coldRun?.cpuMs ?? NaN).toFixed(1)),
      p50Ms: Number(percentile(latencies, 0.5).toFixed(1)),
      p95Ms: Number(percentile(latencies, 0.95).toFixed(1)),
      serverCpuMs: Number(serverCpuMs.toFixed(1)),
      series: seriesCount,
    };
    console.error(
      `query ${key}: cold ${queryResults[key].coldMs} ms (server CPU ${queryResults[key].coldServerCpuMs} ms); ` +
        `warm p50 ${queryResults[key].p50Ms} ms, p95 ${queryResults[key].p95Ms} ms, ` +
        `server CPU ${queryResults[key].serverCpuMs} ms/query (${seriesCount} result series)`,
    );
  }
}
if (!engineMissing) {
  cacheBytes = await serverMetric(queryServer, 'pharos_prometheus_read_cache_bytes');
  cacheSamples = await serverMetric(queryServer, 'pharos_prometheus_read_cache_samples');
  console.error(
    `read cache after the queries: ${(cacheBytes / 1e6).toFixed(1)} MB for ${cacheSamples.toLocaleString('en')} samples ` +
      `(${(cacheBytes / cacheSamples).toFixed(2)} B/sample, index parts and overheads included)`,
  );
}
if (engineMissing) {
  console.error(
    'queries: SKIPPED — /prometheus/api/v1/query_range answers "PromQL engine not merged" ' +
      '(this branch has the placeholder; the engine comes with the promql branch).',
  );
}
await queryServer.stop();
if (args.keep || reuseDir) console.error(`data kept in ${dataDir}`);
else fs.rmSync(dataDir, { recursive: true, force: true });

console.log(
  JSON.stringify({
    ...ingestSummary(),
    queries: engineMissing ? 'engine not merged' : queryResults,
    readCacheBytes: cacheBytes,
    readCacheSamples: cacheSamples,
  }),
);
