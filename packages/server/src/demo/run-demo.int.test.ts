/* eslint-disable @typescript-eslint/no-explicit-any -- the oracle's decoded messages are untyped generated JS. */
/**
 * runDemo against a real OTLP/HTTP server on 127.0.0.1: a small node:http server that gunzips
 * and decodes every request with the reference protobuf classes and counts what arrived.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';

import { afterEach, describe, expect, it } from 'vitest';

import { runDemo, type DemoProgress } from './run-demo.js';

const require = createRequire(import.meta.url);
const proto = require('otlp-transformer-oracle/build/src/generated/root.js').opentelemetry.proto;

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  atMs: number;
}

type Responder = (req: Received, res: ServerResponse) => boolean;

class FakeCollector {
  readonly requests: Received[] = [];
  spans = 0;
  roots = 0;
  logs = 0;
  points = 0;
  services = new Set<string>();
  traceIds = new Set<string>();
  private server: Server | undefined;

  constructor(private readonly respond: Responder = () => false) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.handle(req, Buffer.concat(chunks), res);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.server === undefined) resolve();
      else
        this.server.close(() => {
          resolve();
        });
    });
  }

  private handle(req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    const received: Received = { path: req.url ?? '', headers: req.headers, atMs: Date.now() };
    this.requests.push(received);
    if (this.respond(received, res)) return;
    const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
    let response: Uint8Array;
    switch (received.path) {
      case '/v1/traces': {
        const decoded = proto.collector.trace.v1.ExportTraceServiceRequest.decode(body);
        for (const rs of decoded.resourceSpans) {
          this.services.add(serviceName(rs.resource));
          for (const ss of rs.scopeSpans) {
            for (const span of ss.spans) {
              this.spans++;
              if (span.parentSpanId == null || span.parentSpanId.length === 0) this.roots++;
              this.traceIds.add(Buffer.from(span.traceId).toString('hex'));
            }
          }
        }
        response = proto.collector.trace.v1.ExportTraceServiceResponse.encode({}).finish();
        break;
      }
      case '/v1/logs': {
        const decoded = proto.collector.logs.v1.ExportLogsServiceRequest.decode(body);
        for (const rl of decoded.resourceLogs) {
          for (const sl of rl.scopeLogs) this.logs += Number(sl.logRecords.length);
        }
        response = proto.collector.logs.v1.ExportLogsServiceResponse.encode({}).finish();
        break;
      }
      case '/v1/metrics': {
        const decoded = proto.collector.metrics.v1.ExportMetricsServiceRequest.decode(body);
        for (const rm of decoded.resourceMetrics) {
          for (const sm of rm.scopeMetrics) {
            for (const m of sm.metrics) {
              const data = m.gauge ?? m.sum ?? m.histogram ?? m.exponentialHistogram ?? m.summary;
              this.points += Number(data.dataPoints.length);
            }
          }
        }
        response = proto.collector.metrics.v1.ExportMetricsServiceResponse.encode({}).finish();
        break;
      }
      default:
        res.writeHead(404).end();
        return;
    }
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(response);
  }
}

function serviceName(resource: any): string {
  const kv = (resource?.attributes ?? []).find((a: any) => a.key === 'service.name');
  return String(kv?.value?.stringValue ?? '');
}

let collector: FakeCollector | undefined;
afterEach(async () => {
  await collector?.stop();
  collector = undefined;
});

describe('runDemo', () => {
  it('sends gzipped OTLP protobuf that decodes, retrying a 429 after Retry-After', async () => {
    let refused = false;
    collector = new FakeCollector((req, res) => {
      if (req.path === '/v1/traces' && !refused) {
        refused = true;
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'text/plain' }).end('slow down');
        return true;
      }
      return false;
    });
    const endpoint = await collector.start();
    const progress: DemoProgress[] = [];
    const summary = await runDemo({
      endpoint,
      durationMs: 3_000,
      ratePerSecond: 20,
      apiKey: 'secret-key',
      seed: 11,
      batchIntervalMs: 500,
      metricsIntervalMs: 1_000,
      onProgress: (p) => {
        progress.push(p);
      },
    });

    const requests = collector.requests;
    for (const r of requests) {
      expect(r.headers['content-type']).toBe('application/x-protobuf');
      expect(r.headers['content-encoding']).toBe('gzip');
      expect(r.headers.authorization).toBe('Bearer secret-key');
      expect(r.headers['x-pharos-api-key']).toBe('secret-key');
    }
    const traceRequests = requests.filter((r) => r.path === '/v1/traces');
    // The refused request came back about a second later.
    expect(traceRequests[1]!.atMs - traceRequests[0]!.atMs).toBeGreaterThanOrEqual(900);

    expect(summary.failedRequests).toBe(0);
    expect(summary.retries).toBe(1);
    expect(summary.requests).toBe(requests.length - 1);
    expect(summary.spans).toBe(collector.spans);
    expect(summary.traces).toBe(collector.roots);
    expect(summary.logs).toBe(collector.logs);
    expect(summary.metricPoints).toBe(collector.points);
    expect(collector.spans).toBeGreaterThan(300);
    expect(collector.logs).toBeGreaterThan(20);
    expect(collector.points).toBeGreaterThan(100);
    expect(requests.filter((r) => r.path === '/v1/metrics').length).toBeGreaterThanOrEqual(2);
    expect(summary.bytes).toBeGreaterThan(0);
    expect(collector.services.size).toBeGreaterThanOrEqual(8);
    expect(summary.services).toHaveLength(10);
    expect(summary.seed).toBe(11);
    expect(summary.incidents.length).toBe(summary.incidentDetails.length);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress.at(-1)).toMatchObject({ spans: summary.spans, requests: summary.requests });
  });

  it('counts and describes rejected requests without throwing', async () => {
    collector = new FakeCollector((req, res) => {
      if (req.path === '/v1/logs') {
        res.writeHead(400, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            error: { code: 'bad_request', message: 'logs are disabled for this tenant' },
          }),
        );
        return true;
      }
      if (req.path === '/v1/metrics') {
        const partial = proto.collector.metrics.v1.ExportMetricsServiceResponse.encode({
          partialSuccess: { rejectedDataPoints: 2, errorMessage: 'points too old' },
        }).finish();
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(partial);
        return true;
      }
      return false;
    });
    const endpoint = await collector.start();
    const summary = await runDemo({
      endpoint,
      durationMs: 1_200,
      ratePerSecond: 10,
      seed: 5,
      batchIntervalMs: 400,
    });
    const logRequests = collector.requests.filter((r) => r.path === '/v1/logs').length;
    expect(logRequests).toBeGreaterThan(0);
    expect(summary.failedRequests).toBe(logRequests);
    expect(summary.logs).toBe(0);
    expect(summary.retries).toBe(0);
    expect(summary.errors).toContainEqual({
      message: 'logs: HTTP 400: logs are disabled for this tenant',
      count: logRequests,
    });
    expect(summary.rejectedItems).toBe(
      2 * collector.requests.filter((r) => r.path === '/v1/metrics').length,
    );
    expect(summary.spans).toBe(collector.spans);
  });

  it('stops early when aborted, flushing what was generated', async () => {
    collector = new FakeCollector();
    const endpoint = await collector.start();
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => {
      abort.abort();
    }, 700);
    const summary = await runDemo({
      endpoint,
      durationMs: 60_000,
      ratePerSecond: 20,
      signal: abort.signal,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(summary.failedRequests).toBe(0);
    expect(summary.spans).toBe(collector.spans);
    expect(collector.spans).toBeGreaterThan(0);
    expect(collector.requests.some((r) => r.path === '/v1/metrics')).toBe(true);
  });

  it('reports an unreachable endpoint in the summary', async () => {
    const server = new FakeCollector();
    const endpoint = await server.start();
    await server.stop();
    const summary = await runDemo({
      endpoint,
      durationMs: 300,
      ratePerSecond: 20,
      flushTimeoutMs: 3_000,
    });
    expect(summary.spans).toBe(0);
    expect(summary.failedRequests + summary.droppedRequests).toBeGreaterThan(0);
    expect(summary.lastError).toMatch(/fetch failed|ECONNREFUSED|cancelled/);
  });

  it('rejects invalid options up front', async () => {
    await expect(
      runDemo({ endpoint: 'localhost:4318', durationMs: 1, ratePerSecond: 1 }),
    ).rejects.toThrow(/endpoint/);
    await expect(
      runDemo({ endpoint: 'http://x', durationMs: -1, ratePerSecond: 1 }),
    ).rejects.toThrow(/durationMs/);
    await expect(
      runDemo({ endpoint: 'http://x', durationMs: 1, ratePerSecond: NaN }),
    ).rejects.toThrow(/ratePerSecond/);
  });
});
