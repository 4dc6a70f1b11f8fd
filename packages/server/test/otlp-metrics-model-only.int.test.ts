import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreSeriesSource } from '../src/query/prometheus/store-series-source.js';
import { DEFAULT_TENANT } from '../src/tenant.js';
import { startTestPharos, type TestPharos } from './helpers/pharos.js';

let pharos: TestPharos;

beforeAll(async () => {
  pharos = await startTestPharos({ env: { PHAROS_PROMETHEUS_STORE_OTLP_POINTS: 'false' } });
});
afterAll(async () => {
  await pharos.destroy();
});

describe('prometheus.storeOtlpPoints=false', () => {
  it('stores OTLP metrics in the Prometheus model only', async () => {
    const timeMs = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const response = await fetch(`${pharos.httpUrl}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceMetrics: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: 'queue.depth',
                    gauge: {
                      dataPoints: [
                        { asDouble: 7, timeUnixNano: String(BigInt(timeMs) * 1_000_000n) },
                      ],
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const source = new StoreSeriesSource(pharos.store, DEFAULT_TENANT);
    const [gauge] = await source.select(
      [{ name: '__name__', type: '=', value: 'queue_depth' }],
      timeMs - 1000,
      timeMs + 1000,
    );
    expect(Object.fromEntries(gauge!.labels)).toEqual({ __name__: 'queue_depth', job: 'shop' });
    expect([...gauge!.values]).toEqual([7]);
    const points = await pharos.getJson<{ metrics: { name: string }[] }>('/api/v1/metrics');
    expect(points.metrics.map((m) => m.name)).not.toContain('queue.depth');
  });
});
