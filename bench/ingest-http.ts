/**
 * OTLP/HTTP protobuf ingest throughput of one Pharos process with durable acknowledgement.
 *
 *   npm run bench:ingest-http [-- --seconds 20 --concurrency 8 --signal traces|logs]
 *
 * Starts Pharos in a child process on a fresh data directory, sends pre-encoded realistic
 * requests (512 spans of ~12 attributes and 1-2 events; or 512 log records of ~8 attributes and
 * 100-300-byte bodies) from concurrent clients for a fixed time, and prints accepted items/s,
 * request latency percentiles, the server's peak RSS and bytes on disk per item after sealing.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import {
  encodeExportLogsRequest,
  encodeExportTraceRequest,
} from '../packages/server/src/otlp/encode.js';
import type { LogRecord, Span } from '../packages/server/src/otlp/encode-model.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '8' },
    signal: { type: 'string', default: 'traces' },
    requests: { type: 'string', default: '64' },
  },
});
const seconds = Number(args.seconds);
const concurrency = Number(args.concurrency);
const signal = args.signal === 'logs' ? 'logs' : 'traces';
const ITEMS_PER_REQUEST = 512;

let seed = 12345;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
}
function hex(bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i++)
    out += Math.floor(random() * 256)
      .toString(16)
      .padStart(2, '0');
  return out;
}
const SERVICES = [
  'frontend',
  'gateway',
  'cart',
  'checkout',
  'payment',
  'inventory',
  'catalog',
  'email',
];
const ROUTES = ['/api/cart', '/api/checkout', '/api/products/{id}', '/api/users/{id}', '/health'];

function spanRequest(): Uint8Array {
  const now = BigInt(Date.now()) * 1_000_000n;
  const service = SERVICES[Math.floor(random() * SERVICES.length)]!;
  const spans: Span[] = [];
  let traceId = hex(16);
  for (let i = 0; i < ITEMS_PER_REQUEST; i++) {
    if (i % 8 === 0) traceId = hex(16);
    const start = now - BigInt(Math.floor(random() * 1e9));
    const duration = BigInt(Math.floor(Math.exp(random() * 10) * 10_000));
    const route = ROUTES[Math.floor(random() * ROUTES.length)]!;
    const error = random() < 0.03;
    spans.push({
      traceId,
      spanId: hex(8),
      parentSpanId: i % 8 === 0 ? '' : hex(8),
      name: `GET ${route}`,
      kind: i % 8 === 0 ? 'server' : 'client',
      startTimeUnixNano: start,
      endTimeUnixNano: start + duration,
      attributes: {
        'http.request.method': 'GET',
        'http.route': route,
        'http.response.status_code': BigInt(error ? 500 : 200),
        'url.path': route.replace('{id}', String(Math.floor(random() * 10_000))),
        'server.address': `${service}.shop.svc`,
        'server.port': 8080n,
        'network.protocol.version': '1.1',
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0',
        'user.id': `user-${Math.floor(random() * 50_000)}`,
        'session.id': hex(8),
        'app.cart.items': BigInt(Math.floor(random() * 10)),
        'app.feature_flag': random() < 0.5,
      },
      events:
        i % 3 === 0
          ? [{ timeUnixNano: start + 1000n, name: 'cache.miss', attributes: { key: `k-${i}` } }]
          : [
              { timeUnixNano: start + 1000n, name: 'acquire', attributes: { pool: 'db' } },
              { timeUnixNano: start + 2000n, name: 'release', attributes: { pool: 'db' } },
            ],
      status: error ? { code: 'error', message: 'upstream failed' } : { code: 'unset' },
    });
  }
  return encodeExportTraceRequest({
    resourceSpans: [
      {
        resource: {
          attributes: {
            'service.name': service,
            'service.version': '1.4.2',
            'deployment.environment.name': 'production',
            'host.name': `node-${Math.floor(random() * 20)}`,
            'k8s.pod.name': `${service}-${hex(4)}`,
          },
        },
        scopeSpans: [
          { scope: { name: '@opentelemetry/instrumentation-http', version: '0.57.0' }, spans },
        ],
      },
    ],
  });
}

const WORDS =
  'request served user cart checkout payment declined retry timeout cache miss hit order shipped queue lag slow query database connection pool exhausted'.split(
    ' ',
  );

function logRequest(): Uint8Array {
  const now = BigInt(Date.now()) * 1_000_000n;
  const service = SERVICES[Math.floor(random() * SERVICES.length)]!;
  const logRecords: LogRecord[] = [];
  for (let i = 0; i < ITEMS_PER_REQUEST; i++) {
    const length = 100 + Math.floor(random() * 200);
    let body = '';
    while (body.length < length) body += `${WORDS[Math.floor(random() * WORDS.length)]} `;
    const severity = random() < 0.05 ? 17 : random() < 0.1 ? 13 : 9;
    logRecords.push({
      timeUnixNano: now - BigInt(Math.floor(random() * 1e9)),
      severityNumber: severity,
      severityText: severity === 17 ? 'ERROR' : severity === 13 ? 'WARN' : 'INFO',
      body: body.slice(0, length),
      traceId: hex(16),
      spanId: hex(8),
      attributes: {
        'code.function': 'handleRequest',
        'code.filepath': 'src/handlers/cart.ts',
        'thread.id': BigInt(Math.floor(random() * 16)),
        'user.id': `user-${Math.floor(random() * 50_000)}`,
        'http.route': ROUTES[Math.floor(random() * ROUTES.length)]!,
        'order.id': BigInt(Math.floor(random() * 1e6)),
        region: 'eu-west-1',
        'log.iostream': 'stdout',
      },
    });
  }
  return encodeExportLogsRequest({
    resourceLogs: [
      {
        resource: {
          attributes: { 'service.name': service, 'host.name': `node-${Math.floor(random() * 20)}` },
        },
        scopeLogs: [{ scope: { name: 'pino' }, logRecords }],
      },
    ],
  });
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function directorySize(root: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pharos-bench-'));
  const bin = path.join(import.meta.dirname, '../packages/server/bin/pharos.js');
  const server = spawn(
    process.execPath,
    [
      // e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server
      ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
      bin,
      'start',
      '--http-port',
      '0',
      '--otlp-http-port',
      '0',
      '--otlp-grpc-port',
      '0',
      '--data-dir',
      dataDir,
    ],
    {
      env: {
        ...process.env,
        PHAROS_LOG_LEVEL: 'info',
        PHAROS_BANNER: 'false',
        PHAROS_AUTH: 'off',
        PHAROS_STORAGE_SEAL_INTERVAL_SECONDS: '3600',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const otlpUrl = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: server.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; otlpHttp?: string };
      if (entry.msg === 'pharos started') resolve(entry.otlpHttp!);
    });
    server.once('exit', (code) => {
      reject(new Error(`server exited ${code}`));
    });
  });

  const bodies = Array.from(
    { length: Number(args.requests) },
    signal === 'traces' ? spanRequest : logRequest,
  );
  const meanBytes = bodies.reduce((n, b) => n + b.length, 0) / bodies.length;
  let peakRssKb = 0;
  const rssTimer = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${server.pid}/status`, 'utf8');
      peakRssKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? peakRssKb);
    } catch {
      // the server is gone; the last reading stands
    }
  }, 250);

  const latencies: number[] = [];
  let accepted = 0;
  let refused = 0;
  let next = 0;
  const endAt = performance.now() + seconds * 1000;
  const url = `${otlpUrl}/v1/${signal}`;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < endAt) {
        const body = bodies[next++ % bodies.length]!;
        const t0 = performance.now();
        const response = await fetch(url, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/x-protobuf' },
        });
        await response.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (response.ok) accepted += ITEMS_PER_REQUEST;
        else refused++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(rssTimer);

  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  // Seal everything, as a long-running server would within storage.sealIntervalSeconds.
  const sealer = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'seal-all.ts'), dataDir],
    { stdio: 'inherit' },
  );
  await new Promise((resolve) => sealer.once('exit', resolve));
  const bytesOnDisk = directorySize(path.join(dataDir, 'parts'));

  latencies.sort((a, b) => a - b);
  const result = {
    benchmark: 'ingest-http',
    signal,
    encoding: 'protobuf',
    seconds: Number(elapsed.toFixed(1)),
    concurrency,
    itemsPerRequest: ITEMS_PER_REQUEST,
    meanRequestBytes: Math.round(meanBytes),
    acceptedItemsPerSecond: Math.round(accepted / elapsed),
    refusedRequests: refused,
    latencyMs: {
      p50: Number(percentile(latencies, 0.5).toFixed(1)),
      p99: Number(percentile(latencies, 0.99).toFixed(1)),
    },
    serverPeakRssMiB: Math.round(peakRssKb / 1024),
    sealedBytesPerItem: Number((bytesOnDisk / accepted).toFixed(1)),
  };
  console.log(JSON.stringify(result));
  fs.rmSync(dataDir, { recursive: true, force: true });
}

await main();
