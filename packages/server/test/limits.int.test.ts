import { status as GrpcStatus } from '@grpc/grpc-js';
import snappy from 'snappy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcTraceExport, traceRequest } from './helpers/otlp-requests.js';
import { encodeWriteRequest } from './helpers/remote-write.js';
import { startTestPharos, type TestPharos } from './helpers/pharos.js';

/**
 * Organisation limits at every door of one node (no Redis: the in-process store): the daily
 * quota over OTLP/HTTP, OTLP/gRPC and remote write, and the API request rate. The rule itself
 * (and its Redis twin) is tested in src/limits/tenant-limiter.contract.test.ts.
 */
const QUOTA = 100;
let pharos: TestPharos;

beforeAll(async () => {
  pharos = await startTestPharos({
    env: {
      PHAROS_LIMITS_DAILY_INGEST_ITEMS: String(QUOTA),
      PHAROS_LIMITS_QUERY_REQUESTS_PER_SECOND: '2',
    },
  });
});
afterAll(async () => {
  await pharos.destroy();
});

const traces = (count: number) =>
  traceRequest({ service: 'limits', traceId: 'a'.repeat(32), count });

async function grpcExport(body: Uint8Array) {
  return (await grpcTraceExport(pharos.otlpGrpcPort!, body)).error;
}

describe('organisation limits', () => {
  it('stores up to the daily quota and refuses the request that would pass it, at every door', async () => {
    const post = (count: number) =>
      fetch(`${pharos.otlpHttpUrl!}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: traces(count),
      });
    expect((await post(60)).status).toBe(200);
    expect(await grpcExport(traces(30))).toBeNull();
    const over = await post(11);
    expect(over.status).toBe(429);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    const grpcError = await grpcExport(traces(11));
    expect(grpcError?.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(grpcError?.details).toMatch(/daily quota of 100 items/);
    const write = await fetch(`${pharos.httpUrl}/prometheus/api/v1/write`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
      body: snappy.compressSync(
        encodeWriteRequest([
          {
            labels: { __name__: 'limits_test', job: 'x' },
            timestamps: Array.from({ length: 11 }, (_, i) => Date.now() - (11 - i) * 1000),
            values: Array.from({ length: 11 }, (_, i) => i),
          },
        ]),
      ),
    });
    expect(write.status).toBe(429);
    // Exactly the 90 acknowledged spans were stored; what was refused was not.
    expect((await post(10)).status).toBe(200);
    expect(pharos.committer.stats.committedItems).toBe(QUOTA);
    const metrics = await (await fetch(`${pharos.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^pharos_limit_refusals_total\{limit="ingest_quota"\} 3$/m);
  });

  it('limits API requests per second, not health checks', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await fetch(`${pharos.httpUrl}/api/v1/services`)).status);
    }
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses.at(-1)).toBe(429);
    for (let i = 0; i < 10; i++) {
      expect((await fetch(`${pharos.httpUrl}/healthz`)).status).toBe(200);
    }
  });
});
