import { describe, expect, it } from 'vitest';

import {
  attributesKey,
  DURATION_BOUNDS_SECONDS,
  ExponentialHistogramSeries,
  HistogramSeries,
  SumSeries,
} from './metric-series.js';

describe('HistogramSeries', () => {
  it('counts values into upper-inclusive buckets with sum, min and max', () => {
    const series = new HistogramSeries({ route: '/' }, [0.1, 1]);
    for (const v of [0.05, 0.1, 0.5, 1, 3]) series.record(v);
    const point = series.toPoint(1n, 2n);
    expect(point).toMatchObject({
      count: 5,
      bucketCounts: [2, 2, 1],
      explicitBounds: [0.1, 1],
      min: 0.05,
      max: 3,
      startTimeUnixNano: 1n,
      timeUnixNano: 2n,
    });
    expect(point.sum).toBeCloseTo(4.65, 10);
  });

  it('keeps the latest exemplar and leaves min/max out while empty', () => {
    const series = new HistogramSeries({}, DURATION_BOUNDS_SECONDS);
    expect(series.toPoint(1n, 2n)).not.toHaveProperty('min');
    series.record(0.2, { timeUnixNano: 5n, traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) });
    expect(series.toPoint(1n, 2n).exemplars).toEqual([
      { timeUnixNano: 5n, traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), value: 0.2 },
    ]);
  });
});

describe('ExponentialHistogramSeries', () => {
  it.each([
    [1, -1],
    [2, 7],
    [2.0001, 8],
    [0.5, -9],
  ])('puts %d in bucket %i at scale 3', (value, index) => {
    const series = new ExponentialHistogramSeries({}, 3);
    series.record(value);
    expect(series.toPoint(0n, 1n).positive).toEqual({ offset: index, bucketCounts: [1] });
  });

  it('spans its buckets from the lowest to the highest index', () => {
    const series = new ExponentialHistogramSeries({}, 0);
    for (const v of [1.5, 3, 3.5, 20, 0]) series.record(v);
    const point = series.toPoint(0n, 1n);
    // scale 0: (1,2] → 0, (2,4] → 1, (16,32] → 4
    expect(point.positive).toEqual({ offset: 0, bucketCounts: [1, 2, 0, 0, 1] });
    expect(point).toMatchObject({ count: 5, zeroCount: 1, min: 0, max: 20, sum: 28 });
  });
});

describe('SumSeries', () => {
  it('accumulates and reports an int64', () => {
    const series = new SumSeries({ a: 'b' });
    series.add(1);
    series.add(2);
    expect(series.toPoint(1n, 2n)).toEqual({
      attributes: { a: 'b' },
      startTimeUnixNano: 1n,
      timeUnixNano: 2n,
      value: 3n,
    });
  });
});

describe('attributesKey', () => {
  it('tells attribute sets apart, including value types', () => {
    expect(attributesKey({ a: '1' })).not.toBe(attributesKey({ a: 1n }));
    expect(attributesKey({ a: 'x', b: 'y' })).toBe(attributesKey({ a: 'x', b: 'y' }));
    expect(attributesKey({ a: [1n] })).toBe(attributesKey({ a: [1n] }));
  });
});
