import { describe, expect, it } from 'vitest';
import { metricPointBatchFromRows, type MetricPointRow } from '../telemetry/batch-from-rows.js';
import { parseTenantId } from '../tenant.js';
import { DeltaToCumulative } from './delta-to-cumulative.js';
import { prometheusMetricName, sanitizeLabelName, unitSuffix } from './naming.js';
import { OtlpToPrometheus, STALE_NAN, exponentialBuckets } from './otlp-to-prometheus.js';
import { PromBatchBuilder } from './prom-batch-builder.js';
import { parseLabelsText } from './series-id.js';
import { SeriesRegistry } from './series-registry.js';

const TENANT = parseTenantId('t1');
const T = 1_700_000_000_000n * 1_000_000n; // ns
const MS = 1_700_000_000_000;

function converter() {
  const registry = new SeriesRegistry({ maxSeries: 10_000 });
  const otlp = new OtlpToPrometheus(new DeltaToCumulative({ maxSeriesPerTenant: 100 }));
  // Index rows are written once per series and day: remember labels across requests.
  const labelsById = new Map<bigint, string>();
  return {
    run(rows: MetricPointRow[]) {
      const builder = new PromBatchBuilder(TENANT, registry);
      const stats = otlp.convert(metricPointBatchFromRows(rows), builder);
      const batch = builder.build();
      builder.commitRegistered();
      const series = batch.promSeries;
      for (let i = 0; i < (series?.length ?? 0); i++) {
        const text = parseLabelsText(series!.labels[i]!)
          .map(([n, v]) => `${n}=${v}`)
          .join(',');
        labelsById.set(series!.seriesId[i]!, text);
      }
      const samples: Record<string, number> = {};
      const s = batch.promSamples;
      for (let i = 0; i < (s?.length ?? 0); i++) {
        const key = labelsById.get(s!.seriesId[i]!) ?? `#${s!.seriesId[i]}`;
        samples[`${key} @${s!.timeMs[i]}`] = s!.value[i]!;
      }
      return { batch, stats, samples };
    },
  };
}

const base = {
  serviceName: 'checkout',
  resourceAttributes: { 'service.namespace': 'shop', 'service.instance.id': 'pod-1' },
  scopeName: 'io.meter',
  scopeVersion: '1.2',
  timeUnixNano: T,
  startTimeUnixNano: T - 60_000_000_000n,
} satisfies Partial<MetricPointRow>;

const ids = 'instance=pod-1,job=shop/checkout,otel_scope_name=io.meter,otel_scope_version=1.2';

describe('OTLP metric names and labels → Prometheus', () => {
  it.each([
    ['http.server.request.duration', 's', 'other', 'http_server_request_duration_seconds'],
    ['process.memory.usage', 'By', 'gauge', 'process_memory_usage_bytes'],
    ['system.cpu.utilization', '1', 'gauge', 'system_cpu_utilization_ratio'],
    ['http.requests', '{request}', 'counter', 'http_requests_total'],
    ['process.cpu.time', 's', 'counter', 'process_cpu_time_seconds_total'],
    ['requests_total', '', 'counter', 'requests_total'],
    ['network.io', 'By/s', 'gauge', 'network_io_bytes_per_second'],
    ['latency_ms', 'ms', 'gauge', 'latency_ms_milliseconds'],
    ['queue.size', '1', 'counter', 'queue_size_total'],
    ['2xx-rate!!', '', 'gauge', '_2xx_rate_'],
    ['temperature', 'Cel', 'gauge', 'temperature_celsius'],
    ['already_seconds', 's', 'gauge', 'already_seconds'],
  ] as const)('%s [%s] (%s) → %s', (name, unit, kind, expected) => {
    expect(prometheusMetricName(name, unit, kind)).toBe(expected);
  });

  it('sanitizes label names', () => {
    expect(sanitizeLabelName('http.method')).toBe('http_method');
    expect(sanitizeLabelName('1st')).toBe('key_1st');
    expect(sanitizeLabelName('_ok')).toBe('_ok');
    expect(sanitizeLabelName('__reserved')).toBe('__reserved');
    expect(unitSuffix('{packets}/s', 'gauge')).toBe('per_second');
  });
});

describe('OTLP metric points → Prometheus series', () => {
  it('gauge, with job/instance, scope labels and target_info', () => {
    const { samples, batch } = converter().run([
      {
        ...base,
        metricName: 'queue.depth',
        metricType: 'gauge',
        attributes: { 'queue.name': 'orders' },
        value: 7,
        resourceAttributes: { ...base.resourceAttributes, 'host.name': 'h1' },
      },
    ]);
    expect(samples).toEqual({
      [`__name__=queue_depth,${ids},queue_name=orders @${MS}`]: 7,
      [`__name__=target_info,host_name=h1,instance=pod-1,job=shop/checkout @${MS}`]: 1,
    });
    expect(batch.promMetadata?.metricName).toEqual(['target_info', 'queue_depth']);
    expect(batch.promMetadata?.metricType).toEqual(['gauge', 'gauge']);
  });

  it('monotonic cumulative sum → counter with _total', () => {
    const { samples, batch } = converter().run([
      {
        ...base,
        metricName: 'http.requests',
        unit: '{request}',
        metricType: 'sum',
        isMonotonic: true,
        temporality: 'cumulative',
        value: 42,
        description: 'Requests served',
      },
    ]);
    expect(samples).toEqual({ [`__name__=http_requests_total,${ids} @${MS}`]: 42 });
    expect(batch.promMetadata?.metricType).toEqual(['counter']);
    expect(batch.promMetadata?.help).toEqual(['Requests served']);
  });

  it('monotonic delta sum → cumulative counter, per series', () => {
    const c = converter();
    const point = (value: number, i: number, attributes = { route: '/a' }): MetricPointRow => ({
      ...base,
      metricName: 'jobs',
      metricType: 'sum',
      isMonotonic: true,
      temporality: 'delta',
      attributes,
      value,
      startTimeUnixNano: T + BigInt(i - 1) * 10_000_000_000n,
      timeUnixNano: T + BigInt(i) * 10_000_000_000n,
    });
    c.run([point(5, 1), point(1, 1, { route: '/b' })]);
    const second = c.run([point(3, 2), point(2, 2, { route: '/b' })]);
    const third = c.run([point(4, 3)]);
    expect(second.samples).toEqual({
      [`__name__=jobs_total,${ids},route=/a @${MS + 20_000}`]: 8,
      [`__name__=jobs_total,${ids},route=/b @${MS + 20_000}`]: 3,
    });
    expect(third.samples).toEqual({ [`__name__=jobs_total,${ids},route=/a @${MS + 30_000}`]: 12 });
    // A repeated (or older) delta point is refused, not counted twice.
    const again = c.run([point(4, 3)]);
    expect(again.samples).toEqual({});
    expect(again.stats.dropped).toBe(1);
  });

  it('non-monotonic sums (cumulative and delta) → gauges', () => {
    const c = converter();
    const row = (
      temporality: 'cumulative' | 'delta',
      value: number,
      i: number,
    ): MetricPointRow => ({
      ...base,
      metricName: `inflight.${temporality}`,
      metricType: 'sum',
      isMonotonic: false,
      temporality,
      value,
      timeUnixNano: T + BigInt(i) * 1_000_000_000n,
    });
    c.run([row('cumulative', 3, 0), row('delta', 2, 0)]);
    const { samples, batch } = c.run([row('cumulative', -1, 1), row('delta', -5, 1)]);
    expect(samples).toEqual({
      [`__name__=inflight_cumulative,${ids} @${MS + 1000}`]: -1,
      [`__name__=inflight_delta,${ids} @${MS + 1000}`]: -3,
    });
    expect(batch.promMetadata?.metricType).toBeUndefined(); // announced with the first request
  });

  it('cumulative histogram → _bucket{le} (cumulative, +Inf), _sum, _count, exemplar on its bucket', () => {
    const { samples, batch } = converter().run([
      {
        ...base,
        metricName: 'http.server.duration',
        unit: 's',
        metricType: 'histogram',
        temporality: 'cumulative',
        explicitBounds: [0.1, 0.5],
        bucketCounts: [2, 3, 1],
        count: 6,
        sum: 2.5,
        exemplars: [
          {
            timeUnixNano: String(T - 1_000_000n),
            value: 0.3,
            traceId: 'ab'.repeat(16),
            spanId: 'cd'.repeat(8),
            attributes: { 'user.id': 'u1' },
          },
        ],
      },
    ]);
    const name = 'http_server_duration_seconds';
    expect(samples).toEqual({
      [`__name__=${name}_bucket,instance=pod-1,job=shop/checkout,le=0.1,otel_scope_name=io.meter,otel_scope_version=1.2 @${MS}`]: 2,
      [`__name__=${name}_bucket,instance=pod-1,job=shop/checkout,le=0.5,otel_scope_name=io.meter,otel_scope_version=1.2 @${MS}`]: 5,
      [`__name__=${name}_bucket,instance=pod-1,job=shop/checkout,le=+Inf,otel_scope_name=io.meter,otel_scope_version=1.2 @${MS}`]: 6,
      [`__name__=${name}_sum,${ids} @${MS}`]: 2.5,
      [`__name__=${name}_count,${ids} @${MS}`]: 6,
    });
    expect(batch.promMetadata?.metricType).toEqual(['histogram']);
    const exemplars = batch.promExemplars!;
    expect(exemplars.length).toBe(1);
    expect(parseLabelsText(exemplars.labels[0]!)).toEqual([
      ['span_id', 'cd'.repeat(8)],
      ['trace_id', 'ab'.repeat(16)],
      ['user_id', 'u1'],
    ]);
    expect(Number(exemplars.timeMs[0])).toBe(MS - 1);
    // The exemplar (0.3) sits on the le=0.5 bucket series.
    const le05 = batch.promSeries!.labels.findIndex((l) => l.includes('"le","0.5"'));
    expect(exemplars.seriesId[0]).toBe(batch.promSeries!.seriesId[le05]);
  });

  it('reuses a point identity across requests and follows a change of histogram bounds', () => {
    const c = converter();
    const point = (bounds: number[], counts: number[], timeUnixNano: bigint) => ({
      ...base,
      timeUnixNano,
      metricName: 'rpc.duration',
      unit: 's',
      metricType: 'histogram' as const,
      temporality: 'cumulative' as const,
      explicitBounds: bounds,
      bucketCounts: counts,
      count: counts.reduce((a, b) => a + b, 0),
      sum: 1,
    });
    const first = c.run([point([0.1, 0.5], [1, 1, 1], T)]);
    const second = c.run([point([0.1, 0.5], [2, 1, 1], T + 15_000_000_000n)]);
    // Same series, no new index rows on the same day.
    expect([...second.batch.promSamples!.seriesId]).toEqual([...first.batch.promSamples!.seriesId]);
    expect(second.batch.promSeries).toBeUndefined();
    const third = c.run([point([0.1, 1], [2, 2, 1], T + 30_000_000_000n)]);
    const name = 'rpc_duration_seconds_bucket';
    const labels = 'instance=pod-1,job=shop/checkout';
    const scope = 'otel_scope_name=io.meter,otel_scope_version=1.2';
    const later = MS + 30_000;
    expect(third.samples).toMatchObject({
      [`__name__=${name},${labels},le=0.1,${scope} @${later}`]: 2,
      [`__name__=${name},${labels},le=1,${scope} @${later}`]: 4,
      [`__name__=${name},${labels},le=+Inf,${scope} @${later}`]: 5,
    });
    // Only the new bucket (le=1) needed an index row.
    expect(third.batch.promSeries?.length).toBe(1);
  });

  it('delta histogram → cumulative buckets, sum and count', () => {
    const c = converter();
    const row = (counts: number[], i: number): MetricPointRow => ({
      ...base,
      metricName: 'size',
      unit: 'By',
      metricType: 'histogram',
      temporality: 'delta',
      explicitBounds: [100],
      bucketCounts: counts,
      count: counts[0]! + counts[1]!,
      sum: counts[0]! * 10 + counts[1]! * 1000,
      startTimeUnixNano: T + BigInt(i - 1) * 1_000_000_000n,
      timeUnixNano: T + BigInt(i) * 1_000_000_000n,
    });
    c.run([row([1, 1], 1)]);
    const { samples } = c.run([row([2, 0], 2)]);
    const labels = 'instance=pod-1,job=shop/checkout';
    const scope = 'otel_scope_name=io.meter,otel_scope_version=1.2';
    expect(samples).toEqual({
      [`__name__=size_bytes_bucket,${labels},le=100,${scope} @${MS + 2000}`]: 3,
      [`__name__=size_bytes_bucket,${labels},le=+Inf,${scope} @${MS + 2000}`]: 4,
      [`__name__=size_bytes_sum,${ids} @${MS + 2000}`]: 1030,
      [`__name__=size_bytes_count,${ids} @${MS + 2000}`]: 4,
    });
  });

  it('exponential histogram → classic buckets at the exponential bounds', () => {
    // scale 0: base 2; positive offset 0 → buckets (1,2], (2,4]; one negative (-2,-1]; zero 1.
    expect(exponentialBuckets(0, 1, 0, [3, 4], 0, [2])).toEqual({
      bounds: [-1, 0, 2, 4],
      counts: [2, 1, 3, 4],
    });
    const { samples } = converter().run([
      {
        ...base,
        metricName: 'latency',
        unit: 'ms',
        metricType: 'exponential_histogram',
        temporality: 'cumulative',
        expScale: 1,
        expZeroCount: 0,
        expPositiveOffset: 0,
        expPositiveBucketCounts: [1, 2],
        expNegativeOffset: 0,
        expNegativeBucketCounts: [],
        count: 3,
        sum: 4,
      },
    ]);
    const labels = 'instance=pod-1,job=shop/checkout';
    const scope = 'otel_scope_name=io.meter,otel_scope_version=1.2';
    const name = 'latency_milliseconds';
    expect(samples).toEqual({
      [`__name__=${name}_bucket,${labels},le=${Math.SQRT2},${scope} @${MS}`]: 1,
      [`__name__=${name}_bucket,${labels},le=2.0000000000000004,${scope} @${MS}`]: 3,
      [`__name__=${name}_bucket,${labels},le=+Inf,${scope} @${MS}`]: 3,
      [`__name__=${name}_sum,${ids} @${MS}`]: 4,
      [`__name__=${name}_count,${ids} @${MS}`]: 3,
    });
  });

  it('summary → {quantile}, _sum, _count', () => {
    const { samples, batch } = converter().run([
      {
        ...base,
        metricName: 'rpc.latency',
        unit: 's',
        metricType: 'summary',
        quantiles: [0.5, 0.99],
        quantileValues: [0.02, 0.4],
        count: 10,
        sum: 1.5,
      },
    ]);
    const name = 'rpc_latency_seconds';
    expect(samples).toEqual({
      [`__name__=${name},${ids},quantile=0.5 @${MS}`]: 0.02,
      [`__name__=${name},${ids},quantile=0.99 @${MS}`]: 0.4,
      [`__name__=${name}_sum,${ids} @${MS}`]: 1.5,
      [`__name__=${name}_count,${ids} @${MS}`]: 10,
    });
    expect(batch.promMetadata?.metricType).toEqual(['summary']);
  });

  it('a point flagged "no recorded value" becomes a staleness marker', () => {
    const { batch } = converter().run([
      { ...base, metricName: 'up', metricType: 'gauge', value: 1, flags: 1 },
    ]);
    const bits = new BigUint64Array(new Float64Array([batch.promSamples!.value[0]!]).buffer)[0];
    expect(bits).toBe(new BigUint64Array(new Float64Array([STALE_NAN]).buffer)[0]);
  });

  it('indexes each series once per day and writes metadata once', () => {
    const c = converter();
    const row: MetricPointRow = { ...base, metricName: 'g', metricType: 'gauge', value: 1 };
    const first = c.run([row]);
    const second = c.run([{ ...row, timeUnixNano: T + 1_000_000_000n }]);
    expect(first.batch.promSeries?.length).toBe(1);
    expect(second.batch.promSeries).toBeUndefined();
    expect(second.batch.promMetadata).toBeUndefined();
    expect(second.batch.promSamples?.length).toBe(1);
  });

  it('bounds the delta state per tenant', () => {
    const deltas = new DeltaToCumulative({ maxSeriesPerTenant: 2 });
    deltas.add(TENANT, 'a', 0n, 1n, [1]);
    deltas.add(TENANT, 'b', 0n, 1n, [1]);
    deltas.add(TENANT, 'c', 0n, 1n, [1]);
    expect(deltas.size(TENANT)).toBe(2);
    // 'a' was forgotten: it starts again from its next delta.
    expect(deltas.add(TENANT, 'a', 1n, 2n, [5])).toEqual([5]);
    expect(deltas.add(TENANT, 'c', 1n, 2n, [5])).toEqual([6]);
  });
});
