import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STALE_NAN } from '../../metrics/otlp-to-prometheus.js';
import { PromBatchBuilder } from '../../metrics/prom-batch-builder.js';
import { SeriesRegistry } from '../../metrics/series-registry.js';
import { sortLabels } from '../../metrics/series-id.js';
import { StoreSeriesSource } from '../../query/prometheus/store-series-source.js';
import { PromQLEvaluator } from '../../query/promql/engine.js';
import type { LabelMatcher, Labels, SeriesSamples } from '../../query/promql/types.js';
import { parseTenantId, type TenantId } from '../../tenant.js';
import { formatDay } from '../days.js';
import type { TelemetryStore } from '../telemetry-store.js';
import { DuckDbTelemetryStore } from './duckdb-telemetry-store.js';
import type { PromReaderIo } from './prom-reader.js';

/**
 * The DuckDB store's own Prometheus read path (prom-reader.ts and its cache) must answer exactly
 * what reading the store through plain SQL answers, whatever happened to the data: hot rows,
 * sealing, late writes into sealed buckets, several parts per day, merging, dropped days, a
 * cache too small to hold anything.
 */

const A = parseTenantId('tenant-a');
const B = parseTenantId('tenant-b');
const DAY_MS = 86_400_000;
const DAY0 = (Math.floor(Date.now() / DAY_MS) - 2) * DAY_MS;
// 21:00 UTC, so the data crosses midnight and several 2 h buckets.
const T0 = DAY0 + 21 * 3_600_000;
const STEP = 15_000;

let dir = '';
let store: DuckDbTelemetryStore | undefined;

afterEach(async () => {
  await store?.close();
  store = undefined;
  await fs.rm(dir, { recursive: true, force: true });
});

async function open(promCacheBytes?: number): Promise<DuckDbTelemetryStore> {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-prom-reader-'));
  store = await DuckDbTelemetryStore.open({
    dataDir: dir,
    readerConnections: 2,
    compactMinParts: 3,
    ...(promCacheBytes === undefined ? {} : { promCacheBytes }),
  });
  return store;
}

/** The same store without its own Prometheus read path: plain SQL through `query`. */
function withoutReadPath(s: TelemetryStore): TelemetryStore {
  return new Proxy(s, {
    get(target, property, receiver) {
      if (property === 'promSamples' || property === 'promSeriesIndex') return undefined;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

const registry = new SeriesRegistry({ maxSeries: 10_000 });

async function write(
  s: TelemetryStore,
  tenant: TenantId,
  series: { labels: Labels; samples: [number, number][] }[],
): Promise<void> {
  const builder = new PromBatchBuilder(tenant, registry);
  for (const one of series) {
    const labels = sortLabels(one.labels);
    const entry = builder.seriesOf(labels)!;
    for (const [t, v] of one.samples) builder.addSample(entry, labels, t, v);
  }
  await s.write([builder.build()]);
}

function counter(service: string): Labels {
  return [
    ['__name__', 'requests_total'],
    ['service', service],
  ];
}

function gauge(service: string): Labels {
  return [
    ['__name__', 'temperature'],
    ['service', service],
  ];
}

/** Samples every STEP over [from, to), values from `value(i)`. */
function samples(from: number, to: number, value: (i: number) => number): [number, number][] {
  const out: [number, number][] = [];
  for (let t = from, i = 0; t < to; t += STEP, i++) out.push([t, value(i)]);
  return out;
}

function exact(result: SeriesSamples[]) {
  return result.map((s) => ({
    labels: s.labels,
    t: [...s.timestamps],
    bits: [...new Uint32Array(s.values.buffer, s.values.byteOffset, s.values.length * 2)],
  }));
}

const selectors: LabelMatcher[][] = [
  [{ name: '__name__', type: '=', value: 'requests_total' }],
  [
    { name: '__name__', type: '=', value: 'requests_total' },
    { name: 'service', type: '=~', value: 'ca.*' },
  ],
  [{ name: '__name__', type: '=~', value: 'temp.*|requests_total' }],
  [{ name: 'service', type: '!=', value: 'nothing' }],
];

const windows: [number, number][] = [
  [T0, T0 + 6 * 3_600_000],
  [T0 + 90 * 60_000, T0 + 4 * 3_600_000 + 7_000],
  [T0 + 3 * 3_600_000, T0 + 3 * 3_600_000],
  [T0 - DAY_MS, T0 + 2 * DAY_MS],
];

async function expectSameAnswers(s: TelemetryStore, tenant: TenantId): Promise<void> {
  const own = new StoreSeriesSource(s, tenant);
  const plain = new StoreSeriesSource(withoutReadPath(s), tenant);
  for (const matchers of selectors) {
    for (const [start, end] of windows) {
      // Twice: the second answer comes from the cache filled by the first.
      for (let round = 0; round < 2; round++) {
        expect(exact(await own.select(matchers, start, end))).toEqual(
          exact(await plain.select(matchers, start, end)),
        );
      }
      expect(await own.series([matchers], start, end)).toEqual(
        await plain.series([matchers], start, end),
      );
    }
  }
  expect(await own.labelValues('service', [], T0, T0 + DAY_MS)).toEqual(
    await plain.labelValues('service', [], T0, T0 + DAY_MS),
  );
  const engine = new PromQLEvaluator();
  for (const query of [
    'sum by (service) (rate(requests_total[5m]))',
    'max_over_time(temperature[10m])',
    'temperature',
  ]) {
    expect(await engine.rangeQuery(own, query, T0, T0 + 6 * 3_600_000, 60_000)).toEqual(
      await engine.rangeQuery(plain, query, T0, T0 + 6 * 3_600_000, 60_000),
    );
  }
}

async function writeFixture(s: TelemetryStore): Promise<void> {
  const end = T0 + 5 * 3_600_000;
  await write(s, A, [
    // A counter with a reset, integers (the integer chunk mode).
    {
      labels: counter('cart'),
      samples: samples(T0, end, (i) => (i < 500 ? i * 7 : (i - 500) * 3)),
    },
    // Starts before T0: a window from T0 caches its first bucket only from T0 on, and a wider
    // window must read that bucket again.
    {
      labels: counter('checkout'),
      samples: samples(T0 - 45 * 60_000, end, (i) => i * 11 + (i % 3)),
    },
    // Floats with a staleness marker in the middle (the XOR chunk mode).
    {
      labels: gauge('cart'),
      samples: samples(T0, end, (i) => (i === 300 ? STALE_NAN : 20 + Math.sin(i / 10))),
    },
  ]);
  await write(s, B, [{ labels: counter('cart'), samples: samples(T0, end, (i) => 1000 + i) }]);
}

describe('DuckDB Prometheus read path', () => {
  it('answers like plain SQL through hot rows, sealing, late writes, merges and dropped days', async () => {
    const s = await open();
    await writeFixture(s);
    await expectSameAnswers(s, A);

    await s.maintain({ sealAll: true });
    await expectSameAnswers(s, A);
    await expectSameAnswers(s, B);
    const warm = s.promCacheStats();
    expect(warm.hits).toBeGreaterThan(0);
    expect(warm.bytes).toBeGreaterThan(0);

    // Late samples into sealed buckets: a new series, older samples of a sealed one (between and
    // before its sealed samples) and a retried sample (same instant and value).
    await write(s, A, [
      { labels: counter('late'), samples: samples(T0 + 3_600_000, T0 + 2 * 3_600_000, (i) => i) },
      {
        labels: counter('cart'),
        samples: [
          [T0 - 2 * STEP, 0],
          [T0 + 7_500, 3],
          [T0 + 100 * STEP, 700],
        ],
      },
    ]);
    await expectSameAnswers(s, A);

    // Sealed again: two parts of the same days, overlapping in time.
    await s.maintain({ sealAll: true });
    await expectSameAnswers(s, A);

    // A third part (a retried sample and a new one) and they merge into one part per day: the
    // parts read before are forgotten.
    await write(s, A, [
      {
        labels: counter('checkout'),
        samples: [
          [T0 + 30 * STEP, 210 * 11],
          [T0 + 5 * 3_600_000, 1_000_000],
        ],
      },
    ]);
    await expectSameAnswers(s, A);
    const beforeMerge = s.promCacheStats();
    const report = await s.maintain({ sealAll: true });
    expect(report.partsMerged).toBeGreaterThan(0);
    expect(s.promCacheStats().entries).toBeLessThan(beforeMerge.entries);
    await expectSameAnswers(s, A);

    await s.dropDay(A, formatDay(Math.floor(T0 / DAY_MS)));
    await expectSameAnswers(s, A);
    const gone = await new StoreSeriesSource(s, A).select(
      selectors[0]!,
      T0,
      Math.ceil(T0 / DAY_MS) * DAY_MS - 1,
    );
    expect(gone).toEqual([]);
  });

  it('neither loses nor repeats samples when a seal commits between the hot read and the parts list', async () => {
    const s = await open();
    await writeFixture(s);
    const plain = new StoreSeriesSource(withoutReadPath(s), A);
    const before = exact(await plain.select(selectors[0]!, T0 - DAY_MS, T0 + DAY_MS));
    expect(before.length).toBe(2);
    // readPromSamples reads the hot rows (io.numeric), then lists the parts (io.rows): seal
    // everything right between the two.
    const io = (s as unknown as { promIo: PromReaderIo }).promIo;
    const numeric = io.numeric.bind(io);
    const rows = io.rows.bind(io);
    let armed = false;
    let sealed = 0;
    io.numeric = (connection, query, types) => {
      armed = true;
      return numeric(connection, query, types);
    };
    io.rows = async (connection, query) => {
      if (armed && sealed === 0) {
        sealed++;
        await s.maintain({ sealAll: true });
      }
      armed = false;
      return rows(connection, query);
    };
    const own = new StoreSeriesSource(s, A);
    expect(exact(await own.select(selectors[0]!, T0 - DAY_MS, T0 + DAY_MS))).toEqual(before);
    expect(sealed).toBe(1);
    io.numeric = numeric;
    io.rows = rows;
    // Sealed now: the same samples, from the parts alone.
    expect(exact(await own.select(selectors[0]!, T0 - DAY_MS, T0 + DAY_MS))).toEqual(before);
    expect(exact(await plain.select(selectors[0]!, T0 - DAY_MS, T0 + DAY_MS))).toEqual(before);
  });

  it('reads many series of one metric from hot rows by id range, skipping other series there', async () => {
    const s = await open();
    const end = T0 + 3_600_000;
    const many = Array.from({ length: 40 }, (_, k) => ({
      labels: counter(`svc-${k}`),
      samples: samples(T0, end, (i) => i * (k + 1)),
    }));
    await write(s, A, [
      ...many,
      { labels: gauge('cart'), samples: samples(T0, end, (i) => i / 3) },
      { labels: counter('other'), samples: samples(T0, end, (i) => i) },
    ]);
    const own = new StoreSeriesSource(s, A);
    const plain = new StoreSeriesSource(withoutReadPath(s), A);
    const pinned: LabelMatcher[] = [
      { name: '__name__', type: '=', value: 'requests_total' },
      { name: 'service', type: '=~', value: 'svc-.*' },
    ];
    const answer = exact(await own.select(pinned, T0, end));
    expect(answer.length).toBe(40);
    expect(answer).toEqual(exact(await plain.select(pinned, T0, end)));
    // Two metrics: their ids differ in the name bits, so the hot read keeps the IN list.
    for (const matchers of [selectors[2]!, selectors[3]!]) {
      expect(exact(await own.select(matchers, T0, end))).toEqual(
        exact(await plain.select(matchers, T0, end)),
      );
    }
  });

  it('answers the same with a cache too small to keep anything, and with none', async () => {
    for (const bytes of [1024, 0]) {
      const s = await open(bytes);
      await writeFixture(s);
      await s.maintain({ sealAll: true });
      await expectSameAnswers(s, A);
      const stats = s.promCacheStats();
      expect(stats.bytes).toBeLessThanOrEqual(bytes);
      if (bytes > 0) expect(stats.evictions).toBeGreaterThan(0);
      await s.close();
      store = undefined;
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
