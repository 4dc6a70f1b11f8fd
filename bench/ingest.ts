/**
 * Ingest benchmark: one Pharos process, durable acknowledgement, OTLP/HTTP and OTLP/gRPC clients.
 *
 *   npm run bench:ingest [-- --seconds 20 --concurrency 8 --signals traces,logs,metrics]
 *                        [--backend duckdb,clickhouse --clickhouse-url http://127.0.0.1:18123]
 *                        [--sizing false]   (skip the bytes-on-disk phase)
 *
 * With `--backend clickhouse` the server stores into ClickHouse (a fresh database
 * `pharos_bench_<pid>_<n>` per server, dropped afterwards; user/password from
 * PHAROS_CLICKHOUSE_USER / PHAROS_CLICKHOUSE_PASSWORD, default the test server's `pharos`), and
 * bytes on disk are the active parts' `bytes_on_disk` after `OPTIMIZE … FINAL`.
 *
 * For each signal: a fresh Pharos on a fresh data directory; half the clients send protobuf over
 * HTTP, half over gRPC, pre-encoded realistic requests (512 spans of ~12 attributes and 1-2
 * events; 512 log records of ~8 attributes and 100-300-byte bodies; 512 metric points across
 * 5,000 series) for a fixed time. Then an overload phase offering 3× the sustained rate open-loop
 * (requests sent on a timer, not after the previous answer). Then bytes on disk:
 * a fresh server receives 200 requests of unique data, which are sealed and measured (the
 * throughput phases cycle a fixed set of bodies, which would flatter compression).
 * Prints a table and one JSON line per signal.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createClient } from '@clickhouse/client';
import { Client, credentials, status as GrpcStatus } from '@grpc/grpc-js';
import { ITEMS_PER_REQUEST, logRequest, metricRequest, spanRequest } from './ingest/payloads.js';
import { directorySize, sealAll, spawnPharos } from './pharos-server.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '8' },
    signals: { type: 'string', default: 'traces,logs,metrics' },
    bodies: { type: 'string', default: '64' },
    /** Requests in flight at most during the open-loop overload phase. */
    'max-outstanding': { type: 'string', default: '512' },
    /** `false` skips the bytes-on-disk phase (quicker runs while iterating). */
    sizing: { type: 'string', default: 'true' },
    backend: { type: 'string', default: 'duckdb' },
    'clickhouse-url': { type: 'string', default: 'http://127.0.0.1:18123' },
  },
});
const seconds = Number(args.seconds);
const concurrency = Number(args.concurrency);

type Signal = 'traces' | 'logs' | 'metrics';
const GENERATOR: Record<Signal, () => Uint8Array> = {
  traces: spanRequest,
  logs: logRequest,
  metrics: metricRequest,
};
const GRPC_PATH: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
};

interface Server {
  child: ChildProcess;
  otlpHttp: string;
  grpcPort: number;
  dataDir: string;
  /** The ClickHouse database, or null on DuckDB. */
  database: string | null;
  peakRssMiB: () => number;
  cpuSeconds: () => number;
  stop: () => Promise<void>;
}

const clickhouse = {
  url: args['clickhouse-url'],
  username: process.env.PHAROS_CLICKHOUSE_USER ?? 'pharos',
  password: process.env.PHAROS_CLICKHOUSE_PASSWORD ?? 'pharos',
};
let databases = 0;

async function clickhouseCommand(query: string): Promise<void> {
  const client = createClient(clickhouse);
  try {
    await client.command({ query });
  } finally {
    await client.close();
  }
}

async function clickhouseBytes(database: string): Promise<number> {
  const client = createClient(clickhouse);
  try {
    const tables = await client.query({
      query: `SELECT name FROM system.tables WHERE database = '${database}' AND engine = 'MergeTree'`,
      format: 'JSONEachRow',
    });
    for (const { name } of await tables.json<{ name: string }>()) {
      await client.command({ query: `OPTIMIZE TABLE ${database}.${name} FINAL` });
    }
    const result = await client.query({
      query: `SELECT sum(bytes_on_disk) AS b FROM system.parts WHERE database = '${database}' AND active`,
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ b: string }>();
    return Number(row?.b ?? 0);
  } finally {
    await client.close();
  }
}

async function startServer(backend: string): Promise<Server> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pharos-bench-'));
  const database = backend === 'clickhouse' ? `pharos_bench_${process.pid}_${databases++}` : null;
  if (database) await clickhouseCommand(`CREATE DATABASE ${database}`);
  const backendEnv = database
    ? {
        PHAROS_CLICKHOUSE_URL: clickhouse.url,
        PHAROS_CLICKHOUSE_USER: clickhouse.username,
        PHAROS_CLICKHOUSE_PASSWORD: clickhouse.password,
        PHAROS_CLICKHOUSE_DATABASE: database,
      }
    : {};
  const server = await spawnPharos(dataDir, backendEnv);
  return {
    child: server.child,
    otlpHttp: server.otlpHttpUrl,
    grpcPort: server.otlpGrpcPort,
    dataDir,
    database,
    peakRssMiB: server.peakRssMiB,
    cpuSeconds: server.cpuSeconds,
    stop: server.stop,
  };
}

type Sender = (body: Uint8Array) => Promise<number>;

function httpSender(server: Server, signal: Signal): Sender {
  const url = `${server.otlpHttp}/v1/${signal}`;
  return async (body) => {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-protobuf' },
    });
    await response.arrayBuffer();
    return response.status;
  };
}

function grpcSender(server: Server, signal: Signal): Sender {
  const client = new Client(`127.0.0.1:${server.grpcPort}`, credentials.createInsecure());
  return (body) =>
    new Promise((resolve) => {
      client.makeUnaryRequest(
        GRPC_PATH[signal],
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from(body),
        (error) => {
          // Map the gRPC outcome onto HTTP-like codes for the report.
          resolve(
            error === null
              ? 200
              : error.code === GrpcStatus.RESOURCE_EXHAUSTED
                ? 429
                : error.code === GrpcStatus.UNAVAILABLE
                  ? 503
                  : 500,
          );
        },
      );
    });
}

interface PhaseResult {
  itemsPerSecond: number;
  requests: number;
  refused: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function drive(
  senders: Sender[],
  bodies: Uint8Array[],
  clients: number,
  durationS: number,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  let accepted = 0;
  let refused = 0;
  let failed = 0;
  let next = 0;
  const started = performance.now();
  const endAt = started + durationS * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const send = senders[c % senders.length]!;
      while (performance.now() < endAt) {
        const body = bodies[next++ % bodies.length]!;
        const t0 = performance.now();
        const status = await send(body).catch(() => 0);
        latencies.push(performance.now() - t0);
        if (status === 200) accepted += ITEMS_PER_REQUEST;
        else if (status === 429 || status === 503) refused++;
        else failed++;
        // A refused client backs off as an SDK would.
        if (status === 429 || status === 503) await new Promise((r) => setTimeout(r, 100));
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    itemsPerSecond: Math.round(accepted / elapsed),
    requests: latencies.length,
    refused,
    failed,
    p50Ms: Number(percentile(latencies, 0.5).toFixed(1)),
    p99Ms: Number(percentile(latencies, 0.99).toFixed(1)),
  };
}

/**
 * Open-loop load: requests leave at a fixed rate whether or not earlier ones were answered (as
 * many independent SDKs would send), so offered load really exceeds capacity and the server must
 * refuse the excess. At most `maxOutstanding` requests are in flight; a request due while the
 * client is at that cap is counted as `unsent` (the server was not answering fast enough).
 */
async function driveOpenLoop(
  senders: Sender[],
  bodies: Uint8Array[],
  requestsPerSecond: number,
  durationS: number,
  maxOutstanding: number,
): Promise<PhaseResult & { offeredItemsPerSecond: number; unsent: number }> {
  const latencies: number[] = [];
  let accepted = 0;
  let refused = 0;
  let failed = 0;
  let unsent = 0;
  let outstanding = 0;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const total = Math.round(requestsPerSecond * durationS);
  for (let i = 0; i < total; i++) {
    const dueAt = started + (i * 1000) / requestsPerSecond;
    const wait = dueAt - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (outstanding >= maxOutstanding) {
      unsent++;
      continue;
    }
    outstanding++;
    const send = senders[i % senders.length]!;
    const t0 = performance.now();
    const request = send(bodies[i % bodies.length]!)
      .catch(() => 0)
      .then((status) => {
        latencies.push(performance.now() - t0);
        if (status === 200) accepted += ITEMS_PER_REQUEST;
        else if (status === 429 || status === 503) refused++;
        else failed++;
        outstanding--;
        inFlight.delete(request);
      });
    inFlight.add(request);
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    offeredItemsPerSecond: Math.round(requestsPerSecond * ITEMS_PER_REQUEST),
    itemsPerSecond: Math.round(accepted / elapsed),
    requests: latencies.length,
    refused,
    failed,
    unsent,
    p50Ms: Number(percentile(latencies, 0.5).toFixed(1)),
    p99Ms: Number(percentile(latencies, 0.99).toFixed(1)),
  };
}

async function dropServerData(server: Server): Promise<void> {
  fs.rmSync(server.dataDir, { recursive: true, force: true });
  if (server.database) await clickhouseCommand(`DROP DATABASE ${server.database}`);
}

async function benchSignal(signal: Signal, backend: string) {
  const bodies = Array.from({ length: Number(args.bodies) }, GENERATOR[signal]);
  const meanRequestBytes = Math.round(bodies.reduce((n, b) => n + b.length, 0) / bodies.length);

  const server = await startServer(backend);
  const senders = [httpSender(server, signal), grpcSender(server, signal)];
  const cpuBefore = server.cpuSeconds();
  const sustained = await drive(senders, bodies, concurrency, seconds);
  // Server CPU per accepted item: unlike items/s, hardly affected by other load on the machine.
  const serverCpuUsPerItem = Number(
    (
      ((server.cpuSeconds() - cpuBefore) * 1e6) /
      Math.max(1, sustained.itemsPerSecond * seconds)
    ).toFixed(2),
  );
  const rssSustained = server.peakRssMiB();
  // Overload: three times the sustained rate, offered open-loop.
  const overloadRate = Math.max(1, (3 * sustained.itemsPerSecond) / ITEMS_PER_REQUEST);
  const overload = await driveOpenLoop(
    senders,
    bodies,
    overloadRate,
    Math.max(5, seconds / 2),
    Number(args['max-outstanding']),
  );
  const rssOverload = server.peakRssMiB();
  await server.stop();
  await dropServerData(server);
  const result = {
    benchmark: 'ingest',
    backend,
    signal,
    protocols: 'http+grpc protobuf',
    seconds,
    concurrency,
    itemsPerRequest: ITEMS_PER_REQUEST,
    meanRequestBytes,
    sustained,
    serverCpuUsPerItem,
    overload,
    peakRssMiB: { sustained: rssSustained, overload: rssOverload },
  };

  // Bytes on disk, on unique data.
  if (args.sizing === 'false') return { ...result, sealedBytesPerItem: null };
  const sizing = await startServer(backend);
  const unique = Array.from({ length: 200 }, GENERATOR[signal]);
  await drive([httpSender(sizing, signal)], unique, 1, 0.001); // warm-up connection
  let stored = 0;
  for (const body of unique) {
    if ((await httpSender(sizing, signal)(body)) === 200) stored += ITEMS_PER_REQUEST;
  }
  await sizing.stop();
  let bytesOnDisk: number;
  if (sizing.database) {
    bytesOnDisk = await clickhouseBytes(sizing.database);
  } else {
    await sealAll(sizing.dataDir);
    bytesOnDisk = directorySize(path.join(sizing.dataDir, 'parts'));
  }
  await dropServerData(sizing);

  return {
    ...result,
    sealedBytesPerItem: Number((bytesOnDisk / Math.max(1, stored)).toFixed(1)),
  };
}

const results = [];
for (const backend of args.backend.split(',')) {
  for (const signal of args.signals.split(',') as Signal[]) {
    if (!(signal in GENERATOR)) throw new Error(`unknown signal ${signal}`);
    const result = await benchSignal(signal, backend);
    results.push(result);
    console.log(
      `${backend.padEnd(10)} ${signal.padEnd(8)} ${String(result.sustained.itemsPerSecond).padStart(8)} items/s  ` +
        `p50 ${result.sustained.p50Ms} ms  p99 ${result.sustained.p99Ms} ms  ` +
        `overload (3× offered, ${result.overload.offeredItemsPerSecond}/s): ${result.overload.itemsPerSecond} items/s, ` +
        `${result.overload.refused}/${result.overload.requests} refused, ${result.overload.unsent} unsent  ` +
        `server CPU ${result.serverCpuUsPerItem} µs/item  ` +
        `peak RSS ${result.peakRssMiB.sustained}/${result.peakRssMiB.overload} MiB  ` +
        `${result.sealedBytesPerItem ?? '-'} B/item on disk`,
    );
  }
}
for (const result of results) console.log(JSON.stringify(result));
