import { describe, expect, it } from 'vitest';

import { createPrng } from '../demo/prng.js';
import { int64Number, int64Text, isSafeInt64, uint64Text } from './int64-text.js';

function halves(value: bigint): [lo: number, hi: number] {
  const u = BigInt.asUintN(64, value);
  return [Number(u & 0xffffffffn), Number(u >> 32n)];
}

describe('int64Text / uint64Text', () => {
  it('match BigInt for edges and random values', () => {
    const rng = createPrng(5);
    const values = [
      0n,
      1n,
      -1n,
      2n ** 53n - 1n,
      2n ** 53n,
      -(2n ** 53n),
      2n ** 63n - 1n,
      -(2n ** 63n),
      999_999n,
      1_000_000n,
    ];
    for (let i = 0; i < 10_000; i++) {
      values.push(BigInt.asIntN(64, (BigInt(rng.int(2 ** 32)) << 32n) | BigInt(rng.int(2 ** 32))));
    }
    for (const value of values) {
      const [lo, hi] = halves(value);
      expect(int64Text(lo, hi)).toBe(value.toString());
      expect(uint64Text(lo, hi)).toBe(BigInt.asUintN(64, value).toString());
      expect(int64Number(lo, hi)).toBe(Number(value));
      expect(isSafeInt64(hi)).toBe(value >= -(2n ** 53n) && value < 2n ** 53n);
    }
  });
});
