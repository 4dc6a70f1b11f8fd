import { describe, expect, it } from 'vitest';
import { PromQLEvaluator } from './engine.js';
import { MemorySeriesSource } from './memory-source.js';
import type { LabelMatcher, QueryResult, SeriesSamples, SeriesSource } from './types.js';
import { PromQLError } from './types.js';

const MIN = 60_000;
const T0 = 1_700_000_000_000;

/** Values where the listed indexes carry the staleness marker bits (0x7ff0000000000002). */
function withStale(values: number[], staleAt: number[]): Float64Array {
  const out = Float64Array.from(values);
  const words = new Uint32Array(out.buffer);
  for (const i of staleAt) {
    words[2 * i] = 2;
    words[2 * i + 1] = 0x7ff00000;
  }
  return out;
}

function series(name: string, labels: Record<string, string>, points: [number, number][]) {
  return {
    labels: { __name__: name, ...labels },
    timestamps: points.map(([t]) => t),
    values: points.map(([, v]) => v),
  };
}

const engine = new PromQLEvaluator();

function vectorValues(r: QueryResult): Record<string, string> {
  if (r.resultType !== 'vector') throw new Error(`expected vector, got ${r.resultType}`);
  return Object.fromEntries(r.result.map((s) => [JSON.stringify(s.metric), s.value[1]]));
}

describe('selectors, lookback and staleness', () => {
  const source = new MemorySeriesSource([
    series('g', { i: 'a' }, [
      [T0, 1],
      [T0 + MIN, 2],
    ]),
    {
      labels: { __name__: 'g', i: 'stale' },
      timestamps: [T0, T0 + MIN],
      values: withStale([5, 0], [1]),
    },
    series('g', { i: 'nan' }, [[T0, NaN]]),
  ]);

  it('an instant selector takes the newest sample within a closed 5m lookback', async () => {
    const at = (t: number) => engine.instantQuery(source, 'g{i="a"}', t).then(vectorValues);
    expect(await at(T0 + MIN)).toEqual({ '{"__name__":"g","i":"a"}': '2' });
    expect(await at(T0 + MIN + 5 * MIN)).toEqual({ '{"__name__":"g","i":"a"}': '2' });
    expect(await at(T0 + MIN + 5 * MIN + 1)).toEqual({});
    expect(await at(T0 - 1)).toEqual({});
  });

  it('a staleness marker ends a series; an ordinary NaN is a value', async () => {
    const r = vectorValues(await engine.instantQuery(source, 'g{i=~"stale|nan"}', T0 + 2 * MIN));
    expect(r).toEqual({ '{"__name__":"g","i":"nan"}': 'NaN' });
    const before = vectorValues(await engine.instantQuery(source, 'g{i="stale"}', T0 + MIN - 1));
    expect(before).toEqual({ '{"__name__":"g","i":"stale"}': '5' });
    // Range selectors drop the marker.
    const range = await engine.instantQuery(
      source,
      'count_over_time(g{i="stale"}[10m])',
      T0 + 2 * MIN,
    );
    expect(vectorValues(range)).toEqual({ '{"i":"stale"}': '1' });
  });

  it('a range query fills steps and drops the name only where Prometheus does', async () => {
    const r = await engine.rangeQuery(source, 'g{i="a"} * 2', T0, T0 + 2 * MIN, MIN);
    expect(r).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: { i: 'a' },
          values: [
            [T0 / 1000, '2'],
            [(T0 + MIN) / 1000, '4'],
            [(T0 + 2 * MIN) / 1000, '4'],
          ],
        },
      ],
    });
  });
});

describe('functions with known answers', () => {
  const counter = series(
    'c_total',
    {},
    Array.from(
      { length: 11 },
      (_, i) =>
        [T0 + i * 15_000, i === 6 ? 2 : i < 6 ? i * 10 : 2 + (i - 6) * 10] as [number, number],
    ),
  );
  const source = new MemorySeriesSource([counter]);
  const one = async (q: string, t = T0 + 150_000) => {
    const r = await engine.instantQuery(source, q, t);
    if (r.resultType === 'scalar') return r.result[1];
    if (r.resultType !== 'vector' || r.result.length !== 1) throw new Error(JSON.stringify(r));
    return r.result[0]!.value[1];
  };

  it('increase() corrects counter resets and extrapolates to the window', async () => {
    // Raw rise 0→42 with a reset after 50: 50 + 42 = 92 over 150 s of samples in a 150 s window.
    expect(await one('increase(c_total[150s])')).toBe('92');
    expect(await one('resets(c_total[150s])')).toBe('1');
    expect(Number(await one('rate(c_total[150s])'))).toBeCloseTo(92 / 150, 12);
  });

  it('irate() uses the last two samples', async () => {
    expect(await one('irate(c_total[1m])')).toBe(String(10 / 15));
  });

  it('scalar arithmetic follows Go float semantics', async () => {
    expect(await one('1 / 0')).toBe('+Inf');
    expect(await one('0 / 0')).toBe('NaN');
    expect(await one('NaN ^ 0')).toBe('1');
    expect(await one('1 ^ NaN')).toBe('1');
    expect(await one('-7 % 3')).toBe('-1');
    expect(await one('2 ^ 3 ^ 2')).toBe('512');
  });

  it('formats values as Go strconv.FormatFloat(v, f, -1)', async () => {
    expect(await one('1.5e21')).toBe('1500000000000000000000');
    expect(await one('1e-7')).toBe('0.0000001');
    expect(await one('-Inf')).toBe('-Inf');
  });
});

describe('pushdown and limits', () => {
  class RecordingSource implements SeriesSource {
    readonly calls: { matchers: readonly LabelMatcher[]; startMs: number; endMs: number }[] = [];
    constructor(private readonly inner: SeriesSource) {}
    select(
      matchers: readonly LabelMatcher[],
      startMs: number,
      endMs: number,
    ): Promise<SeriesSamples[]> {
      this.calls.push({ matchers, startMs, endMs });
      return this.inner.select(matchers, startMs, endMs);
    }
    series = () => Promise.resolve([]);
    labelNames = () => Promise.resolve([]);
    labelValues = () => Promise.resolve([]);
    metadata = () => Promise.resolve([]);
    exemplars = () => Promise.resolve([]);
  }
  const data = new MemorySeriesSource([
    series(
      'x',
      {},
      Array.from({ length: 100 }, (_, i) => [T0 + i * 15_000, i] as [number, number]),
    ),
  ]);

  it('selects once per selector with the window its modifiers need', async () => {
    const source = new RecordingSource(data);
    await engine.rangeQuery(
      source,
      'rate(x[5m] offset 1m) + x @ 1700000000 + max_over_time(x[10m:1m] offset 2m)',
      T0 + 60 * MIN,
      T0 + 120 * MIN,
      MIN,
    );
    expect(source.calls.map((c) => [c.startMs - T0, c.endMs - T0])).toEqual([
      [54 * MIN, 119 * MIN], // range 5m, offset 1m
      [-5 * MIN, 0], // @ fixed time, lookback 5m
      [60 * MIN - 2 * MIN - 10 * MIN - 5 * MIN, 118 * MIN], // subquery: offset, range, inner lookback
    ]);
  });

  it('refuses to load more samples than maxSamples', async () => {
    await expect(
      engine.instantQuery(data, 'x[1h]', T0 + 30 * MIN, { maxSamples: 10 }),
    ).rejects.toMatchObject({
      errorType: 'execution',
      message: 'query processing would load too many samples into memory in query execution',
    });
  });

  it('stops at the timeout', async () => {
    class SlowSource extends RecordingSource {
      override async select(m: readonly LabelMatcher[], s: number, e: number) {
        await new Promise((r) => setTimeout(r, 30));
        return super.select(m, s, e);
      }
    }
    const slow = new SlowSource(data);
    const err = await engine.instantQuery(slow, 'x', T0, { timeoutMs: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PromQLError);
    expect((err as PromQLError).errorType).toBe('timeout');
  });
});

describe('matching errors', () => {
  const source = new MemorySeriesSource([
    series('a', { x: '1', y: '1' }, [[T0, 1]]),
    series('a', { x: '1', y: '2' }, [[T0, 2]]),
    series('b', { x: '1' }, [[T0, 3]]),
  ]);
  it.each([
    [
      'b + on(x) a',
      'found duplicate series for the match group {x="1"} on the right hand-side of the operation',
    ],
    [
      'a + on(x) b',
      'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
    ],
    ['label_replace(a, "y", "z", "", "")', 'vector cannot contain metrics with the same labelset'],
  ])('%s', async (query, message) => {
    const err = await engine.instantQuery(source, query, T0).catch((e: unknown) => e);
    expect((err as PromQLError).errorType).toBe('execution');
    expect((err as PromQLError).message).toContain(message);
  });
});
