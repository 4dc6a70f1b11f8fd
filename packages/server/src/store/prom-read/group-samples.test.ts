import { describe, expect, it } from 'vitest';
import { groupSamples } from './group-samples.js';

function columns(rows: [id: bigint, timeMs: number, value: number][]) {
  return {
    length: rows.length,
    ids: BigInt64Array.from(rows, (r) => r[0]),
    times: Float64Array.from(rows, (r) => r[1]),
    values: Float64Array.from(rows, (r) => r[2]),
  };
}

function plain(samples: { timestamps: Float64Array; values: Float64Array } | undefined) {
  return samples && { t: [...samples.timestamps], v: [...samples.values] };
}

describe('groupSamples', () => {
  it('groups rows by series position, skipping ids not asked for', () => {
    const c = columns([
      [5n, 1000, 1],
      [5n, 2000, 2],
      [-7n, 1000, 10],
      [99n, 1000, 99],
      [5n, 3000, 3],
    ]);
    const out = groupSamples([-7n, 5n, 42n], c.length, c.ids, c.times, c.values);
    expect(out.map(plain)).toEqual([
      { t: [1000], v: [10] },
      { t: [1000, 2000, 3000], v: [1, 2, 3] },
      undefined,
    ]);
  });

  it('orders runs that arrive out of time order and keeps the last row of a repeated instant', () => {
    const c = columns([
      [1n, 7000, 7],
      [1n, 8000, 8],
      [1n, 1000, 1],
      [1n, 3000, 3],
      [1n, 9000, 9],
      [1n, 2000, 2],
      [1n, 3000, 30],
      [1n, 5000, 5],
    ]);
    const [out] = groupSamples([1n], c.length, c.ids, c.times, c.values);
    expect(plain(out)).toEqual({
      t: [1000, 2000, 3000, 5000, 7000, 8000, 9000],
      v: [1, 2, 30, 5, 7, 8, 9],
    });
  });

  it('puts non-overlapping runs (time buckets of different parts) in order', () => {
    const c = columns([
      [4n, 7000, 7],
      [4n, 8000, 8],
      [5n, 1000, 50],
      [4n, 1000, 1],
      [4n, 2000, 2],
      [4n, 4000, 4],
      [4n, 5000, 5],
    ]);
    const [out] = groupSamples([4n], c.length, c.ids, c.times, c.values);
    expect(plain(out)).toEqual({ t: [1000, 2000, 4000, 5000, 7000, 8000], v: [1, 2, 4, 5, 7, 8] });
  });

  it('tells apart ids that share their low 32 bits', () => {
    const a = (1n << 32n) + 77n;
    const b = (2n << 32n) + 77n;
    const c = columns([
      [a, 1000, 1],
      [b, 1000, 2],
      [77n, 1000, 3],
      [a, 2000, 4],
    ]);
    const out = groupSamples([b, a], c.length, c.ids, c.times, c.values);
    expect(out.map(plain)).toEqual([
      { t: [1000], v: [2] },
      { t: [1000, 2000], v: [1, 4] },
    ]);
  });

  it('keeps NaN payloads bit for bit, also through sorting', () => {
    const values = new Float64Array(3);
    const words = new Uint32Array(values.buffer);
    values[0] = 1;
    words[2] = 2; // 0x7ff0000000000002, the staleness marker
    words[3] = 0x7ff00000;
    values[2] = 3;
    const ids = BigInt64Array.from([9n, 9n, 9n]);
    const times = Float64Array.from([2000, 3000, 1000]);
    const [out] = groupSamples([9n], 3, ids, times, values);
    const outWords = new Uint32Array(out!.values.buffer, out!.values.byteOffset, 6);
    expect([...out!.timestamps]).toEqual([1000, 2000, 3000]);
    expect([outWords[2], outWords[3]]).toEqual([0, 0x3ff00000]);
    expect([outWords[4], outWords[5]]).toEqual([2, 0x7ff00000]);
  });
});
