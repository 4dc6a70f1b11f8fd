import { describe, expect, it } from 'vitest';
import { PromReadCache } from './prom-read-cache.js';
import { encodeChunk } from './sample-chunk.js';

function chunkOf(n: number): Uint8Array {
  const ts = Float64Array.from({ length: n }, (_, i) => i * 15_000);
  const vs = Float64Array.from({ length: n }, (_, i) => i * 0.37);
  return encodeChunk(ts, vs);
}

describe('PromReadCache', () => {
  it('finds what was put, tells absences from misses, and counts', () => {
    const cache = new PromReadCache(1 << 20);
    const chunk = chunkOf(10);
    cache.putChunks(
      'p1',
      7,
      new Map([
        [1n, chunk],
        [2n, null],
      ]),
    );
    expect(cache.chunks('p1', 7, [1n, 2n, 3n])).toEqual([chunk, null, undefined]);
    expect(cache.chunks('p1', 8, [1n])).toEqual([undefined]);
    expect(cache.chunks('p2', 7, [1n])).toEqual([undefined]);
    const stats = cache.stats();
    expect(stats).toMatchObject({ hits: 2, misses: 3, entries: 1, samples: 10, evictions: 0 });
    expect(stats.bytes).toBeGreaterThan(chunk.length);
  });

  it('evicts the least recently used entries to stay within its bound', () => {
    const one = chunkOf(200);
    const cache = new PromReadCache(3 * (one.length + 120) + 10);
    cache.putChunks('p', 1, new Map([[1n, one]]));
    cache.putChunks('p', 2, new Map([[1n, one]]));
    cache.putChunks('p', 3, new Map([[1n, one]]));
    // Bucket 1 used again: bucket 2 is now the least recently used.
    expect(cache.chunks('p', 1, [1n])[0]).toBe(one);
    cache.putChunks('p', 4, new Map([[1n, one]]));
    expect(cache.chunks('p', 2, [1n])).toEqual([undefined]);
    expect(cache.chunks('p', 1, [1n])[0]).toBe(one);
    expect(cache.chunks('p', 4, [1n])[0]).toBe(one);
    const stats = cache.stats();
    expect(stats.evictions).toBe(1);
    expect(stats.bytes).toBeLessThanOrEqual(stats.maxBytes);
    expect(stats.samples).toBe(600);
  });

  it('keeps nothing larger than its bound, and nothing at all when off', () => {
    for (const bound of [100, 0]) {
      const cache = new PromReadCache(bound);
      cache.putChunks('p', 1, new Map([[1n, chunkOf(500)]]));
      cache.putIndex('p', new Map([['m', [{ id: 1n, labels: [['__name__', 'm']] }]]]));
      expect(cache.chunks('p', 1, [1n])).toEqual([undefined]);
      expect(cache.stats()).toMatchObject({ bytes: 0, entries: 0, samples: 0 });
    }
  });

  it('forgets parts that left the catalog', () => {
    const cache = new PromReadCache(1 << 20);
    const index = new Map([['m', [{ id: 1n, labels: [['__name__', 'm']] as const }]]]);
    cache.putChunks('old', 1, new Map([[1n, chunkOf(5)]]));
    cache.putIndex('old', index);
    cache.putIndex('old', new Map([['n', []]]), 'n');
    expect(cache.index('old', 'n')).toEqual(new Map([['n', []]]));
    expect(cache.index('old', 'm')).toBeUndefined();
    expect(cache.index('old')).toBe(index);
    cache.putChunks('new', 1, new Map([[1n, chunkOf(5)]]));
    cache.forgetParts(['old']);
    expect(cache.chunks('old', 1, [1n])).toEqual([undefined]);
    expect(cache.index('old')).toBeUndefined();
    expect(cache.index('old', 'n')).toBeUndefined();
    expect(cache.chunks('new', 1, [1n])[0]).toBeDefined();
    expect(cache.stats()).toMatchObject({ entries: 1, samples: 5 });
  });
});
