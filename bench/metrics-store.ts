/**
 * bench:metrics-store — what the DuckDB store costs per Prometheus sample, without HTTP,
 * decoding or a second process: group commits of `--batch` samples (10,000 series at one
 * instant each, as a remote write request of the benchmark) into the hot table, then sealing.
 * Reports process CPU (all threads: DuckDB's included) per sample for each phase, and RSS.
 *
 *   node --import tsx bench/metrics-store.ts [--series 10000] [--steps 160] [--group 4]
 *
 * CPU time is steadier than wall time on a shared machine; both are printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDbTelemetryStore } from '../packages/server/src/store/duckdb/duckdb-telemetry-store.js';
import type { TenantBatch } from '../packages/server/src/store/telemetry-store.js';
import { DEFAULT_TENANT } from '../packages/server/src/tenant.js';

const { values: args } = parseArgs({
  options: {
    series: { type: 'string', default: '10000' },
    steps: { type: 'string', default: '160' },
    group: { type: 'string', default: '4' },
  },
});
const SERIES = Number(args.series);
const STEPS = Number(args.steps);
const GROUP = Number(args.group);

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const rssMiB = () => Math.round(process.memoryUsage.rss() / 1048576);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pharos-bench-metrics-store-'));
const store = await DuckDbTelemetryStore.open({ dataDir, memoryLimit: '256MB' });
const ids = BigInt64Array.from({ length: SERIES }, (_, i) => BigInt(i) * 7919n + (1n << 52n));
const startMs = Math.floor(Date.now() / 15_000) * 15_000 - STEPS * 15_000;
const values = Array.from({ length: SERIES }, () => 0);

function request(step: number): TenantBatch {
  const timeMs = new BigInt64Array(SERIES).fill(BigInt(startMs + step * 15_000));
  const value = new Float64Array(SERIES);
  for (let i = 0; i < SERIES; i++) value[i] = values[i]! += Math.floor(Math.random() * 40);
  return {
    tenant: DEFAULT_TENANT,
    promSamples: { length: SERIES, seriesId: ids.slice(), timeMs, value },
  };
}

let peakRss = rssMiB();
const writeCpu0 = cpuMs();
const writeWall0 = performance.now();
for (let step = 0; step < STEPS; step += GROUP) {
  const group: TenantBatch[] = [];
  for (let j = step; j < Math.min(STEPS, step + GROUP); j++) group.push(request(j));
  await store.write(group);
  peakRss = Math.max(peakRss, rssMiB());
}
const writeCpu = cpuMs() - writeCpu0;
const writeWall = performance.now() - writeWall0;
const samples = SERIES * STEPS;
const sealCpu0 = cpuMs();
const sealWall0 = performance.now();
const report = await store.maintain();
const sealCpu = cpuMs() - sealCpu0;
const sealWall = performance.now() - sealWall0;
peakRss = Math.max(peakRss, rssMiB());
await store.close();
fs.rmSync(dataDir, { recursive: true, force: true });
const result = {
  samples,
  writeCpuUsPerSample: Number(((writeCpu * 1000) / samples).toFixed(3)),
  writeWallS: Number((writeWall / 1000).toFixed(2)),
  sealCpuUsPerSample: Number(((sealCpu * 1000) / samples).toFixed(3)),
  sealWallS: Number((sealWall / 1000).toFixed(2)),
  sealedRows: report.sealedRows,
  peakRssMiB: peakRss,
  loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
};
console.error(
  `${samples.toLocaleString('en')} samples: write ${result.writeCpuUsPerSample} µs CPU/sample (${result.writeWallS} s), ` +
    `seal ${result.sealCpuUsPerSample} µs CPU/sample (${result.sealWallS} s), peak RSS ${peakRss} MiB`,
);
console.log(JSON.stringify(result));
