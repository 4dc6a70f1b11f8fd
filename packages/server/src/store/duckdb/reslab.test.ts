import { describe, expect, it } from 'vitest';
import { slabRanges } from './reslab.js';

describe('slabRanges', () => {
  const slab = (n: number) => BigInt(n) * 10n;

  it('cuts consecutive slabs into abutting ranges of at most maxRows that cover the day', () => {
    const ranges = slabRanges(
      [
        { slab: slab(3), rows: 4 },
        { slab: slab(1), rows: 5 },
        { slab: slab(2), rows: 6 },
        { slab: slab(5), rows: 2 },
      ],
      10,
      0n,
      100n,
    );
    expect(ranges).toEqual([
      { fromNs: 0n, toNs: 20n, rows: 5 },
      { fromNs: 20n, toNs: 50n, rows: 10 },
      { fromNs: 50n, toNs: 100n, rows: 2 },
    ]);
  });

  it('gives a slab holding more than maxRows a range of its own', () => {
    expect(
      slabRanges(
        [
          { slab: slab(1), rows: 3 },
          { slab: slab(2), rows: 50 },
          { slab: slab(3), rows: 3 },
        ],
        10,
        0n,
        100n,
      ),
    ).toEqual([
      { fromNs: 0n, toNs: 20n, rows: 3 },
      { fromNs: 20n, toNs: 30n, rows: 50 },
      { fromNs: 30n, toNs: 100n, rows: 3 },
    ]);
  });

  it('ignores empty slabs and returns nothing for none', () => {
    expect(slabRanges([{ slab: slab(1), rows: 0 }], 10, 0n, 100n)).toEqual([]);
    expect(slabRanges([{ slab: slab(4), rows: 1 }], 10, 0n, 100n)).toEqual([
      { fromNs: 0n, toNs: 100n, rows: 1 },
    ]);
  });
});
