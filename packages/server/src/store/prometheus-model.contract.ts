import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STALE_NAN } from '../metrics/otlp-to-prometheus.js';
import { PromBatchBuilder } from '../metrics/prom-batch-builder.js';
import { SeriesRegistry } from '../metrics/series-registry.js';
import { sortLabels } from '../metrics/series-id.js';
import { StoreSeriesSource } from '../query/prometheus/store-series-source.js';
import type { LabelMatcher, Labels, SeriesSamples } from '../query/promql/types.js';
import { parseTenantId, type TenantId } from '../tenant.js';
import { formatDay } from './days.js';
import type { StoreHarness } from './telemetry-store.contract.js';
import type { TelemetryStore, TenantBatch } from './telemetry-store.js';

/**
 * The Prometheus model (docs/adr/0004-metrics-model.md) through the dialect-neutral
 * StoreSeriesSource: part of every TelemetryStore implementation's contract.
 */

const A = parseTenantId('tenant-a');
const B = parseTenantId('tenant-b');
const DAY_MS = 86_400_000;
// 10:00 UTC two days ago.
const DAY0 = (Math.floor(Date.now() / DAY_MS) - 2) * DAY_MS;
const T0 = DAY0 + 10 * 3_600_000;

type Series = { labels: Labels; samples: [number, number][]; exemplars?: [number, number][] };

function batchOf(tenant: TenantId, series: Series[], registry: SeriesRegistry): TenantBatch {
  const builder = new PromBatchBuilder(tenant, registry);
  for (const s of series) {
    const labels = sortLabels(s.labels);
    const series = builder.seriesOf(labels)!;
    for (const [t, v] of s.samples) builder.addSample(series, labels, t, v);
    for (const [t, v] of s.exemplars ?? []) {
      builder.addExemplar(series.id, [['trace_id', `t${t}`]], t, v);
    }
    builder.addMetadata(
      { metric: labels.find(([n]) => n === '__name__')![1], type: 'counter', help: 'h', unit: '' },
      s.samples[0]?.[0] ?? T0,
    );
  }
  return builder.build();
}

function requests(service: string, code: string, samples: [number, number][]): Series {
  return {
    labels: [
      ['__name__', 'http_requests_total'],
      ['service', service],
      ['code', code],
    ],
    samples,
  };
}

function plain(result: SeriesSamples[]) {
  return result.map((s) => ({
    labels: Object.fromEntries(s.labels),
    t: [...s.timestamps],
    v: [...s.values],
  }));
}

export function describePrometheusModelContract(name: string, harness: StoreHarness): void {
  describe(`Prometheus model contract: ${name}`, () => {
    let store: TelemetryStore;
    const registry = () => new SeriesRegistry({ maxSeries: 10_000 });

    beforeEach(async () => {
      store = await harness.create();
    });
    afterEach(async () => {
      await store.close();
      await harness.destroy();
    });

    async function writeFixture() {
      const r = registry();
      // Samples out of time order and split over two writes, one of them on the previous day.
      await store.write([
        batchOf(
          A,
          [
            requests('cart', '200', [
              [T0 + 30_000, 3],
              [T0, 1],
            ]),
            requests('cart', '500', [[T0 + 15_000, 7]]),
            {
              labels: [
                ['__name__', 'memory_bytes'],
                ['service', 'cart'],
              ],
              samples: [[T0, 100]],
              exemplars: [[T0 + 1, 99]],
            },
          ],
          r,
        ),
      ]);
      await store.write([
        batchOf(
          A,
          [
            requests('cart', '200', [
              [T0 + 15_000, 2],
              [T0 - DAY_MS, 0.5],
            ]),
            requests('checkout', '200', [[T0 + 15_000, 10]]),
          ],
          r,
        ),
        batchOf(B, [requests('cart', '200', [[T0, 1000]])], registry()),
      ]);
    }

    const cart200 = {
      labels: { __name__: 'http_requests_total', code: '200', service: 'cart' },
      t: [T0, T0 + 15_000, T0 + 30_000],
      v: [1, 2, 3],
    };

    async function expectFixture() {
      const source = new StoreSeriesSource(store, A);
      const name: LabelMatcher = { name: '__name__', type: '=', value: 'http_requests_total' };
      // The window is inclusive at both ends and excludes the previous day's sample.
      expect(
        plain(
          await source.select(
            [
              name,
              { name: 'service', type: '=', value: 'cart' },
              { name: 'code', type: '!=', value: '500' },
            ],
            T0,
            T0 + 30_000,
          ),
        ),
      ).toEqual([cart200]);
      expect(
        plain(
          await source.select([name, { name: 'code', type: '=~', value: '5..' }], T0, T0 + 60_000),
        ),
      ).toEqual([
        {
          labels: { __name__: 'http_requests_total', code: '500', service: 'cart' },
          t: [T0 + 15_000],
          v: [7],
        },
      ]);
      const all = await source.select(
        [
          { name: 'service', type: '!~', value: 'check.*' },
          { name: '__name__', type: '=~', value: '.+' },
        ],
        T0 - DAY_MS,
        T0 + 60_000,
      );
      expect(all.map((s) => Object.fromEntries(s.labels).__name__)).toEqual([
        'http_requests_total',
        'http_requests_total',
        'memory_bytes',
      ]);
      expect([...all[0]!.timestamps]).toEqual([T0 - DAY_MS, T0, T0 + 15_000, T0 + 30_000]);
      expect(all[0]!.timestamps).toBeInstanceOf(Float64Array);
      expect(all[0]!.values).toBeInstanceOf(Float64Array);
      // A matcher on a label no series has matches the empty value.
      expect(
        await source.select([name, { name: 'nope', type: '=', value: '' }], T0, T0 + 15_000),
      ).toHaveLength(3);
      expect(await source.select([name, { name: 'nope', type: '=', value: 'x' }], T0, T0)).toEqual(
        [],
      );

      expect(await source.labelNames([], T0, T0 + 1)).toEqual(['__name__', 'code', 'service']);
      expect(await source.labelValues('service', [], T0, T0 + 1)).toEqual(['cart', 'checkout']);
      expect(await source.labelValues('__name__', [], T0, T0 + 1)).toEqual([
        'http_requests_total',
        'memory_bytes',
      ]);
      expect(
        await source.labelValues(
          'code',
          [[{ name: 'service', type: '=', value: 'checkout' }]],
          T0,
          T0 + 1,
        ),
      ).toEqual(['200']);
      const series = await source.series(
        [[name, { name: 'code', type: '=', value: '200' }]],
        T0,
        T0 + 1,
      );
      expect(series.map((l) => Object.fromEntries(l).service)).toEqual(['cart', 'checkout']);
      expect(await source.metadata()).toEqual([
        { metric: 'http_requests_total', type: 'counter', help: 'h', unit: '' },
        { metric: 'memory_bytes', type: 'counter', help: 'h', unit: '' },
      ]);
      expect(await source.metadata('memory_bytes')).toHaveLength(1);
      expect(await source.metadata(undefined, 1)).toHaveLength(1);
      const exemplars = await source.exemplars(
        [[{ name: '__name__', type: '=', value: 'memory_bytes' }]],
        T0,
        T0 + 10,
      );
      expect(exemplars).toEqual([
        {
          seriesLabels: [
            ['__name__', 'memory_bytes'],
            ['service', 'cart'],
          ],
          exemplars: [{ labels: [['trace_id', `t${T0 + 1}`]], value: 99, timestampMs: T0 + 1 }],
        },
      ]);
      // Tenant B sees only its own series.
      const other = new StoreSeriesSource(store, B);
      expect(plain(await other.select([name], T0 - DAY_MS, T0 + 60_000))).toEqual([
        { labels: cart200.labels, t: [T0], v: [1000] },
      ]);
      expect(await other.labelValues('service', [], T0, T0)).toEqual(['cart']);
    }

    it('selects series by matchers and window, column-wise in time order, per tenant', async () => {
      await writeFixture();
      await expectFixture();
    });

    it('answers the same after sealing and after re-opening', async () => {
      await writeFixture();
      const report = await store.maintain({ sealAll: true });
      expect(report.partsWritten).toBeGreaterThan(0);
      await expectFixture();
      store = await harness.reopen(store);
      await expectFixture();
      // The same series written again after the seal (a new index row for its day) stays one.
      await store.write([batchOf(A, [requests('cart', '200', [[T0 + 45_000, 4]])], registry())]);
      await store.maintain({ sealAll: true });
      const source = new StoreSeriesSource(store, A);
      const result = await source.select(
        [
          { name: '__name__', type: '=', value: 'http_requests_total' },
          { name: 'service', type: '=', value: 'cart' },
          { name: 'code', type: '=', value: '200' },
        ],
        T0,
        T0 + 60_000,
      );
      expect(plain(result)).toEqual([
        { ...cart200, t: [...cart200.t, T0 + 45_000], v: [1, 2, 3, 4] },
      ]);
      expect(
        await source.series([[{ name: 'service', type: '=', value: 'cart' }]], T0, T0),
      ).toHaveLength(3);
    });

    it("returns Prometheus' staleness marker bit for bit", async () => {
      const labels: Labels = [['__name__', 'up']];
      await store.write([
        batchOf(
          A,
          [
            {
              labels,
              samples: [
                [T0, 1],
                [T0 + 15_000, STALE_NAN],
                [T0 + 30_000, Number.NaN],
              ],
            },
          ],
          registry(),
        ),
      ]);
      const [up] = await new StoreSeriesSource(store, A).select(
        [{ name: '__name__', type: '=', value: 'up' }],
        T0,
        T0 + 30_000,
      );
      const bits = new BigUint64Array(up!.values.buffer, up!.values.byteOffset, 3);
      // Where NaN payloads do not survive (ClickHouse) the store flags the marker instead; either
      // way it comes back exact, and a plain NaN stays a plain NaN.
      expect([...bits].map((b) => b.toString(16))).toEqual([
        '3ff0000000000000',
        '7ff0000000000002',
        expect.stringMatching(/^7ff8/),
      ]);
    });

    it('drops a day of samples and series index', async () => {
      await writeFixture();
      await store.maintain({ sealAll: true });
      await store.dropDay(A, formatDay(Math.floor(DAY0 / DAY_MS)));
      const source = new StoreSeriesSource(store, A);
      const left = await source.select(
        [{ name: 'service', type: '=', value: 'cart' }],
        0,
        T0 + DAY_MS,
      );
      expect(plain(left)).toEqual([{ labels: cart200.labels, t: [T0 - DAY_MS], v: [0.5] }]);
      expect(await source.labelValues('service', [], T0, T0)).toEqual([]);
    });
  });
}
