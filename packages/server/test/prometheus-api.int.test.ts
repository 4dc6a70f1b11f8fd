import { randomBytes } from 'node:crypto';
import { compressSync } from 'snappy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeWriteRequest,
  type WriteSeries,
} from '../src/metrics/test-support/remote-write-encode.js';
import { StoreSeriesSource } from '../src/query/prometheus/store-series-source.js';
import { DEFAULT_TENANT } from '../src/tenant.js';
import { startTestPharos, type TestPharos } from './helpers/pharos.js';

let pharos: TestPharos;
let api = '';

beforeAll(async () => {
  pharos = await startTestPharos({ env: { PHAROS_INGEST_MAX_REQUEST_BYTES: '65536' } });
  api = `${pharos.httpUrl}/prometheus/api/v1`;
});
afterAll(async () => {
  await pharos.destroy();
});

const NOW = Math.floor(Date.now() / 15_000) * 15_000 - 600_000;

function write(body: Buffer, headers: Record<string, string> = {}) {
  return fetch(`${api}/write`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
      ...headers,
    },
    body,
  });
}

function series(name: string, labels: Record<string, string>, values: number[]): WriteSeries {
  return {
    labels: Object.entries({ __name__: name, ...labels }).sort(([a], [b]) => (a < b ? -1 : 1)),
    samples: values.map((value, i) => ({ value, timestampMs: NOW + i * 15_000 })),
  };
}

function form(params: [string, string][]): { body: string; headers: Record<string, string> } {
  return {
    body: new URLSearchParams(params).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

async function json(
  response: Response,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const start = String((NOW - 60_000) / 1000);
const end = String((NOW + 120_000) / 1000);

describe('remote write receiver', () => {
  it('stores samples, exemplars and metadata, answering 204 after commit', async () => {
    const body = encodeWriteRequest(
      [
        series('rw_requests_total', { service: 'cart', code: '200' }, [1, 2, 3]),
        series('rw_requests_total', { service: 'cart', code: '500' }, [0, 1]),
        series('rw_requests_total', { service: 'checkout', code: '200' }, [5]),
        {
          ...series('rw_latency_seconds_bucket', { service: 'cart', le: '0.5' }, [4]),
          exemplars: [
            { labels: [['trace_id', 'ab'.repeat(16)]], value: 0.3, timestampMs: NOW + 1 },
          ],
        },
      ],
      [{ type: 1, metricFamilyName: 'rw_requests_total', help: 'Requests.', unit: '' }],
    );
    const response = await write(compressSync(body));
    expect(response.status).toBe(204);
    // Committed before the answer: readable at once.
    const source = new StoreSeriesSource(pharos.store, DEFAULT_TENANT);
    const selected = await source.select(
      [
        { name: '__name__', type: '=', value: 'rw_requests_total' },
        { name: 'code', type: '=', value: '200' },
        { name: 'service', type: '=', value: 'cart' },
      ],
      NOW,
      NOW + 60_000,
    );
    expect(selected.map((s) => [...s.values])).toEqual([[1, 2, 3]]);
    const metrics = await (await fetch(`${pharos.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/pharos_remote_write_requests_total\{status="204"\} [1-9]/);
    expect(metrics).toMatch(
      /pharos_remote_write_items_total\{kind="sample",outcome="accepted"\} 7/,
    );
  });

  it('refuses what it cannot store, with a message', async () => {
    const good = encodeWriteRequest([series('x', {}, [1])]);
    const cases: [Response, number, RegExp][] = [
      [await write(good), 400, /snappy/], // not compressed
      [await write(compressSync(good), { 'content-encoding': 'gzip' }), 415, /snappy/],
      [await write(compressSync(Buffer.from([0x0a, 0x05, 0x01]))), 400, /malformed remote write/],
      [
        await write(
          compressSync(
            encodeWriteRequest([
              { labels: [['job', 'x']], samples: [{ value: 1, timestampMs: 1 }] },
            ]),
          ),
        ),
        400,
        /no __name__/,
      ],
      // A snappy block announcing 1 GiB uncompressed is refused before decompressing.
      [await write(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x04, 0x00])), 413, /exceeds/],
      // Beyond ingest.maxRequestBytes (64 KiB here) on the wire.
      [await write(compressSync(randomBytes(70_000))), 413, /./],
    ];
    for (const [response, status, message] of cases) {
      expect(response.status).toBe(status);
      expect(await response.text()).toMatch(message);
    }
  });
});

describe('Prometheus HTTP API (as Grafana calls it)', () => {
  it('series: form POST with repeated match[] and time bounds', async () => {
    const { body, headers } = form([
      ['match[]', 'rw_requests_total{code="500"}'],
      ['match[]', '{__name__="rw_requests_total", service=~"check.*"}'],
      ['start', start],
      ['end', end],
    ]);
    const response = await json(await fetch(`${api}/series`, { method: 'POST', body, headers }));
    expect(response).toEqual({
      status: 200,
      body: {
        status: 'success',
        data: [
          { __name__: 'rw_requests_total', code: '200', service: 'checkout' },
          { __name__: 'rw_requests_total', code: '500', service: 'cart' },
        ],
      },
    });
    // RFC 3339 bounds that exclude the data (a day earlier).
    const early = new URLSearchParams([
      ['match[]', 'rw_requests_total'],
      ['start', new Date(NOW - 3 * 86_400_000).toISOString()],
      ['end', new Date(NOW - 2 * 86_400_000).toISOString()],
    ]);
    expect(await json(await fetch(`${api}/series?${early.toString()}`))).toEqual({
      status: 200,
      body: { status: 'success', data: [] },
    });
  });

  it('labels and label values, with and without match[]', async () => {
    const labels = await json(
      await fetch(
        `${api}/labels?${new URLSearchParams([
          ['match[]', 'rw_requests_total'],
          ['start', start],
          ['end', end],
        ]).toString()}`,
      ),
    );
    expect(labels.body).toEqual({ status: 'success', data: ['__name__', 'code', 'service'] });
    const { body, headers } = form([
      ['start', start],
      ['end', end],
    ]);
    const all = await json(await fetch(`${api}/labels`, { method: 'POST', body, headers }));
    expect(all.body.data).toEqual(['__name__', 'code', 'le', 'service']);
    const names = await json(await fetch(`${api}/label/__name__/values?start=${start}&end=${end}`));
    expect(names.body.data).toEqual(
      expect.arrayContaining(['rw_requests_total', 'rw_latency_seconds_bucket']),
    );
    const codes = await json(
      await fetch(
        `${api}/label/code/values?${new URLSearchParams([['match[]', '{service="cart"}']]).toString()}`,
      ),
    );
    expect(codes.body).toEqual({ status: 'success', data: ['200', '500'] });
  });

  it('metadata, exemplars and build info', async () => {
    expect((await json(await fetch(`${api}/metadata?metric=rw_requests_total`))).body).toEqual({
      status: 'success',
      data: { rw_requests_total: [{ type: 'counter', help: 'Requests.', unit: '' }] },
    });
    const { body, headers } = form([
      ['query', 'histogram_quantile(0.9, rate(rw_latency_seconds_bucket{service="cart"}[5m]))'],
      ['start', start],
      ['end', end],
    ]);
    const exemplars = await json(
      await fetch(`${api}/query_exemplars`, { method: 'POST', body, headers }),
    );
    expect(exemplars.body).toEqual({
      status: 'success',
      data: [
        {
          seriesLabels: { __name__: 'rw_latency_seconds_bucket', le: '0.5', service: 'cart' },
          exemplars: [
            { labels: { trace_id: 'ab'.repeat(16) }, value: '0.3', timestamp: (NOW + 1) / 1000 },
          ],
        },
      ],
    });
    const build = await json(await fetch(`${api}/status/buildinfo`));
    expect(build.body).toMatchObject({ status: 'success', data: { version: expect.any(String) } });
  });

  it('answers errors in the Prometheus envelope', async () => {
    const cases: [string, number, RegExp][] = [
      ['/series', 400, /no match\[\] parameter provided/],
      ['/series?match[]=rw_requests_total&start=yesterday', 400, /cannot parse "yesterday"/],
      ['/series?match[]={job=""}', 400, /at least one non-empty matcher/],
      ['/series?match[]=up{', 400, /parse error/],
      ['/series?match[]={job=~"("}', 400, /invalid regular expression/],
      ['/series?match[]=up&start=100&end=50', 400, /end timestamp must not be before start/],
      ['/label/bad-name/values', 400, /invalid label name/],
      ['/nope', 404, /no route/],
    ];
    for (const [path, status, message] of cases) {
      const response = await json(await fetch(`${api}${path}`));
      expect(response.status, path).toBe(status);
      expect(response.body.status).toBe('error');
      expect(response.body.errorType).toBe(status === 404 ? 'not_found' : 'bad_data');
      expect(String(response.body.error)).toMatch(message);
    }
  });
});

describe('OTLP metrics in the Prometheus model', () => {
  it('turns OTLP/HTTP delta counters into cumulative Prometheus series with job and instance', async () => {
    const t = (BigInt(NOW) + 5_000n) * 1_000_000n;
    const request = (value: number, i: bigint) => ({
      resourceMetrics: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: 'billing' } },
              { key: 'service.instance.id', value: { stringValue: 'b-1' } },
              { key: 'cloud.region', value: { stringValue: 'eu-1' } },
            ],
          },
          scopeMetrics: [
            {
              scope: { name: 'billing-meter' },
              metrics: [
                {
                  name: 'invoices.sent',
                  unit: '{invoice}',
                  sum: {
                    aggregationTemporality: 1,
                    isMonotonic: true,
                    dataPoints: [
                      {
                        asInt: String(value),
                        startTimeUnixNano: String(t + (i - 1n) * 1_000_000_000n),
                        timeUnixNano: String(t + i * 1_000_000_000n),
                        attributes: [{ key: 'channel', value: { stringValue: 'email' } }],
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    for (const [value, i] of [
      [2, 1n],
      [3, 2n],
    ] as const) {
      const response = await fetch(`${pharos.httpUrl}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request(value, i)),
      });
      expect(response.status).toBe(200);
    }
    const source = new StoreSeriesSource(pharos.store, DEFAULT_TENANT);
    const [counter] = await source.select(
      [{ name: '__name__', type: '=', value: 'invoices_sent_total' }],
      NOW,
      NOW + 60_000,
    );
    expect(Object.fromEntries(counter!.labels)).toEqual({
      __name__: 'invoices_sent_total',
      channel: 'email',
      instance: 'b-1',
      job: 'billing',
      otel_scope_name: 'billing-meter',
    });
    expect([...counter!.values]).toEqual([2, 5]);
    const targetInfo = await json(
      await fetch(
        `${api}/series?${new URLSearchParams([['match[]', 'target_info{job="billing"}']]).toString()}`,
      ),
    );
    expect(targetInfo.body.data).toEqual([
      { __name__: 'target_info', cloud_region: 'eu-1', instance: 'b-1', job: 'billing' },
    ]);
    // The old OTLP point model keeps working next to it.
    const points = await pharos.getJson<{ metrics: { name: string }[] }>('/api/v1/metrics');
    expect(points.metrics.map((m) => m.name)).toContain('invoices.sent');
  });
});
