import { describe, expect, it } from 'vitest';
import { chunkLength, decodeChunk, encodeChunk } from './sample-chunk.js';

const STALE_BITS = [0x00000002, 0x7ff00000];

function roundTrip(timestamps: number[], values: Float64Array | number[]) {
  const ts = Float64Array.from(timestamps);
  const vs = values instanceof Float64Array ? values : Float64Array.from(values);
  const chunk = encodeChunk(ts, vs);
  const n = chunkLength(chunk);
  // Decode at an offset into larger arrays, as the reader does.
  const outTs = new Float64Array(n + 3);
  const outVs = new Float64Array(n + 3);
  const written = decodeChunk(chunk, outTs, outVs, new Uint32Array(outVs.buffer), 2);
  return {
    chunk,
    n,
    written,
    ts: [...outTs.subarray(2, 2 + n)],
    words: [...new Uint32Array(outVs.buffer, 16, 2 * n)],
    inWords: [...new Uint32Array(vs.buffer, vs.byteOffset, 2 * vs.length)],
  };
}

function regular(n: number, start = 1_763_800_000_000, step = 15_000): number[] {
  return Array.from({ length: n }, (_, i) => start + i * step);
}

describe('sample chunks', () => {
  const cases: [string, number[], Float64Array | number[]][] = [
    ['empty', [], []],
    ['one sample', [1_000], [42]],
    ['two samples', [1_000, 16_000], [1.5, -2.25]],
    ['counter (integer mode)', regular(480), regular(480).map((_, i) => i * 17 + (i % 5))],
    ['counter with a reset', regular(6), [10, 20, 30, 2, 5, 9]],
    ['large integers and negatives', regular(4), [2 ** 50, -(2 ** 50), 0, -1]],
    ['integers beyond the integer mode', regular(3), [2 ** 52, 1, 2 ** 53]],
    ['floats (xor mode)', regular(200), regular(200).map((_, i) => Math.sin(i) * 1e3)],
    [
      'a long chunk beyond the scratch buffer (worst-case bytes)',
      Array.from({ length: 20_000 }, (_, i) => i * 1_000_003 + ((i * 7919) % 1013)),
      Array.from({ length: 20_000 }, (_, i) => Math.sin(i) * 1e300),
    ],
    ['repeated floats', regular(5), [0.1, 0.1, 0.1, 0.2, 0.1]],
    ['negative zero', regular(3), [0, -0, 0]],
    ['infinities and NaN', regular(4), [Infinity, -Infinity, NaN, 1]],
    [
      'jittered timestamps',
      [0, 15_003, 29_999, 45_000, 45_001, 1_000_000, 1_000_002],
      [1, 2, 3, 4, 5, 6, 7],
    ],
    ['negative timestamps', [-30_000, -15_000, 0, 15_000], [1, 2, 3, 4]],
    [
      'irregular then regular',
      [0, 10, 20, 1_000, 2_000, 3_000, 4_000, 4_001],
      [1, 2, 3, 4, 5, 6, 7, 8],
    ],
  ];
  it.each(cases)('round-trips %s exactly', (_name, ts, vs) => {
    const r = roundTrip(ts, vs);
    expect(r.n).toBe(ts.length);
    expect(r.written).toBe(ts.length);
    expect(r.ts).toEqual(ts);
    expect(r.words).toEqual(r.inWords);
  });

  it('keeps the staleness NaN bit for bit among integers and floats', () => {
    for (const other of [5, 0.5]) {
      const vs = Float64Array.from([other, 0, other]);
      const words = new Uint32Array(vs.buffer);
      words[2] = STALE_BITS[0]!;
      words[3] = STALE_BITS[1]!;
      const r = roundTrip(regular(3), vs);
      expect(r.words.slice(2, 4)).toEqual(STALE_BITS);
      expect(r.words).toEqual(r.inWords);
    }
  });

  it('encodes a slice of longer arrays', () => {
    const ts = Float64Array.from(regular(10));
    const vs = Float64Array.from(regular(10).map((_, i) => i * 0.5));
    const chunk = encodeChunk(ts, vs, 3, 7);
    const outTs = new Float64Array(4);
    const outVs = new Float64Array(4);
    decodeChunk(chunk, outTs, outVs, new Uint32Array(outVs.buffer), 0);
    expect([...outTs]).toEqual([...ts.subarray(3, 7)]);
    expect([...outVs]).toEqual([...vs.subarray(3, 7)]);
  });

  it('stays compact for regular counters and histogram buckets', () => {
    const ts = regular(480);
    let v = 0;
    const counter = ts.map((_, i) => (v += (i * 7919) % 40));
    const { chunk } = roundTrip(ts, counter);
    // About one byte per sample, timestamps almost free.
    expect(chunk.length / 480).toBeLessThan(1.2);
  });
});
