import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { buildMainApp } from '../src/http/app.js';
import { GroupCommitter } from '../src/ingest/group-committer.js';
import {
  encodeExportLogsRequest,
  encodeExportMetricsRequest,
  encodeExportTraceRequest,
} from '../src/otlp/encode.js';
import { PharosMetrics } from '../src/selfmon/pharos-metrics.js';
import { DuckDbTelemetryStore } from '../src/store/duckdb/duckdb-telemetry-store.js';

/**
 * 100,000 mutated OTLP payloads (protobuf and JSON, all three signals) against the real HTTP app
 * and a real store, in process through Fastify's inject(): every one must be answered 2xx or
 * 4xx, and the server must still be healthy and consistent afterwards.
 */

const PAYLOADS = 100_000;
let dataDir: string;
let store: DuckDbTelemetryStore;
let committer: GroupCommitter;
let app: FastifyInstance;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-fuzz-'));
  const config = loadConfig({
    env: {},
    cwd: dataDir,
    flags: { dataDir, 'ingest.batchMaxDelayMs': 1, 'ingest.maxRequestBytes': 262_144, auth: false },
  });
  store = await DuckDbTelemetryStore.open({ dataDir, readerConnections: 1 });
  committer = new GroupCommitter(store, {
    maxDelayMs: config.ingest.batchMaxDelayMs,
    maxItems: config.ingest.batchMaxItems,
    maxPendingItems: config.ingest.maxPendingItems,
  });
  const logger = pino({ level: 'silent' });
  app = await buildMainApp({
    config,
    store,
    committer,
    logger,
    metrics: new PharosMetrics(() => committer.stats),
    auth: null,
    isReady: () => true,
  });
});

afterAll(async () => {
  await app.close();
  await committer.drain();
  await store.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

let seed = 0x5eed;
function random(): number {
  seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
  return seed / 2 ** 32;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const now = BigInt(Date.now()) * 1_000_000n;
const resource = { attributes: { 'service.name': 'fuzz', 'host.name': 'h', n: 3n, f: 1.5 } };
const seeds: { signal: string; body: Uint8Array }[] = [
  {
    signal: 'traces',
    body: encodeExportTraceRequest({
      resourceSpans: [
        {
          resource,
          scopeSpans: [
            {
              scope: { name: 's', version: '1' },
              spans: Array.from({ length: 3 }, (_, i) => ({
                traceId: 'a1'.repeat(16),
                spanId: (i + 1).toString(16).padStart(16, '0'),
                parentSpanId: i === 0 ? '' : '1'.padStart(16, '0'),
                name: `op-${i}`,
                kind: 'client' as const,
                startTimeUnixNano: now,
                endTimeUnixNano: now + 5000n,
                attributes: { 'http.route': '/x', list: ['a', 1n, true], map: { k: 'v' } },
                events: [{ timeUnixNano: now, name: 'exception', attributes: { m: 'x' } }],
                links: [{ traceId: 'b2'.repeat(16), spanId: 'c3'.repeat(8) }],
                status: { code: 'error' as const, message: 'boom' },
              })),
            },
          ],
        },
      ],
    }),
  },
  {
    signal: 'logs',
    body: encodeExportLogsRequest({
      resourceLogs: [
        {
          resource,
          scopeLogs: [
            {
              scope: { name: 'l' },
              logRecords: [
                {
                  timeUnixNano: now,
                  severityNumber: 9,
                  severityText: 'INFO',
                  body: 'hello world',
                  traceId: 'a1'.repeat(16),
                  spanId: 'd4'.repeat(8),
                  attributes: { a: 1n },
                },
                { timeUnixNano: now, body: { nested: ['x', 2.5] } },
              ],
            },
          ],
        },
      ],
    }),
  },
  {
    signal: 'metrics',
    body: encodeExportMetricsRequest({
      resourceMetrics: [
        {
          resource,
          scopeMetrics: [
            {
              scope: { name: 'm' },
              metrics: [
                {
                  name: 'g',
                  data: {
                    type: 'gauge',
                    points: [{ timeUnixNano: now, value: 1.5, attributes: { a: 'b' } }],
                  },
                },
                {
                  name: 'c',
                  data: {
                    type: 'sum',
                    temporality: 'cumulative',
                    isMonotonic: true,
                    points: [{ timeUnixNano: now, startTimeUnixNano: now - 1000n, value: 3n }],
                  },
                },
                {
                  name: 'h',
                  data: {
                    type: 'histogram',
                    temporality: 'delta',
                    points: [
                      {
                        timeUnixNano: now,
                        startTimeUnixNano: now - 1000n,
                        count: 3,
                        sum: 2,
                        bucketCounts: [1, 2],
                        explicitBounds: [1],
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    }),
  },
];

function mutate(input: Uint8Array): Uint8Array {
  const bytes = Array.from(input);
  const rounds = 1 + Math.floor(random() * 4);
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(random() * Math.max(1, bytes.length));
    switch (Math.floor(random() * 6)) {
      case 0: // flip a bit
        if (bytes.length > 0) bytes[at] = bytes[at]! ^ (1 << Math.floor(random() * 8));
        break;
      case 1: // truncate
        bytes.length = at;
        break;
      case 2: // insert random bytes
        bytes.splice(
          at,
          0,
          ...Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * 256)),
        );
        break;
      case 3: // delete a run
        bytes.splice(at, 1 + Math.floor(random() * 8));
        break;
      case 4: // overwrite with an extreme varint
        bytes.splice(at, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
        break;
      default: // duplicate a slice
        bytes.splice(at, 0, ...bytes.slice(Math.floor(random() * bytes.length), at));
    }
  }
  return Uint8Array.from(bytes);
}

function jsonMutation(): string {
  const base = JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fuzz' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: 'a1'.repeat(16),
                spanId: '01'.repeat(8),
                name: 'x',
                startTimeUnixNano: '1',
                endTimeUnixNano: '2',
                attributes: [{ key: 'k', value: { intValue: '7' } }],
              },
            ],
          },
        ],
      },
    ],
    resourceLogs: [
      { scopeLogs: [{ logRecords: [{ body: { stringValue: 'x' }, timeUnixNano: 5 }] }] },
    ],
    resourceMetrics: [
      { scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: [{ asDouble: 1 }] } }] }] },
    ],
  });
  const chars = base.split('');
  for (let r = 0; r < 1 + Math.floor(random() * 3); r++) {
    const at = Math.floor(random() * chars.length);
    const op = Math.floor(random() * 3);
    if (op === 0) chars.splice(at, 1);
    else if (op === 1)
      chars.splice(
        at,
        0,
        pick(['{', '}', '[', ']', '"', ',', ':', '0', 'null', '-1e999', '"\\ud800"']),
      );
    else chars[at] = pick(['1', 'x', '"', ' ', '{']);
  }
  return chars.join('');
}

it(`answers ${PAYLOADS} mutated OTLP payloads with 2xx or 4xx and stays healthy`, async () => {
  const statuses = new Map<number, number>();
  const concurrency = 32;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < PAYLOADS) {
        next++;
        const json = random() < 0.15;
        const target = pick(seeds);
        const response = await app.inject({
          method: 'POST',
          url: `/v1/${json ? pick(['traces', 'logs', 'metrics']) : target.signal}`,
          headers: { 'content-type': json ? 'application/json' : 'application/x-protobuf' },
          payload: json ? jsonMutation() : Buffer.from(mutate(target.body)),
        });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        if (response.statusCode >= 500) {
          throw new Error(`status ${response.statusCode}: ${response.body.slice(0, 300)}`);
        }
      }
    }),
  );
  const total = [...statuses.values()].reduce((a, b) => a + b, 0);
  expect(total).toBeGreaterThanOrEqual(PAYLOADS);
  // Both outcomes must actually occur, or the mutations are not exercising the decoder.
  const seen = JSON.stringify(Object.fromEntries(statuses));
  expect(statuses.get(200) ?? 0, seen).toBeGreaterThan(1000);
  expect(statuses.get(400) ?? 0, seen).toBeGreaterThan(10_000);
  const health = await app.inject({ method: 'GET', url: '/readyz' });
  expect(health.json()).toEqual({ status: 'ready' });
  const services = await app.inject({ method: 'GET', url: '/api/v1/services?from=now-1d' });
  expect(services.statusCode).toBe(200);
}, 300_000);
