import { describe, expect, it } from 'vitest';

import { createPrng } from './prng.js';

describe('createPrng', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const rng = createPrng(seed);
      return Array.from({ length: 5 }, () => rng.next());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('forks independent, reproducible streams', () => {
    const a = createPrng(9).fork('x');
    const b = createPrng(9).fork('x');
    const c = createPrng(9).fork('y');
    expect(a.hex(8)).toBe(b.hex(8));
    expect(createPrng(9).fork('x').hex(8)).not.toBe(c.hex(8));
  });

  it('draws uniform values in [0, 1) and integers in range', () => {
    const rng = createPrng(3);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
      const n = rng.int(6);
      expect(Number.isInteger(n) && n >= 0 && n < 6).toBe(true);
    }
    expect(sum / 20_000).toBeCloseTo(0.5, 1);
  });

  it.each([
    ['normal mean 0, sd 1', (r: ReturnType<typeof createPrng>) => r.normal(), 0, 1],
    ['poisson(3)', (r: ReturnType<typeof createPrng>) => r.poisson(3), 3, Math.sqrt(3)],
    ['poisson(200)', (r: ReturnType<typeof createPrng>) => r.poisson(200), 200, Math.sqrt(200)],
  ])('%s has the right mean and spread', (_name, draw, mean, sd) => {
    const rng = createPrng(5);
    const values = Array.from({ length: 20_000 }, () => draw(rng));
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    const v = values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length;
    expect(Math.abs(m - mean)).toBeLessThan(0.05 * Math.max(1, sd));
    expect(Math.sqrt(v)).toBeCloseTo(sd, 0);
  });

  it('draws log-normal values around their median', () => {
    const rng = createPrng(8);
    const values = Array.from({ length: 10_001 }, () => rng.logNormal(20, 0.5)).sort(
      (a, b) => a - b,
    );
    expect(values[5_000]).toBeGreaterThan(19);
    expect(values[5_000]).toBeLessThan(21);
    // A long right tail: p99 is several times the median.
    expect(values[9_900]! / values[5_000]!).toBeGreaterThan(2.5);
  });

  it('makes lowercase hex ids of the requested size', () => {
    const rng = createPrng(11);
    for (const bytes of [8, 16, 5]) {
      const id = rng.hex(bytes);
      expect(id).toMatch(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
      expect(/^0+$/.test(id)).toBe(false);
    }
  });

  it('picks by weight', () => {
    const rng = createPrng(2);
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 10_000; i++) counts[rng.weighted(['a', 'b'] as const, [9, 1])]++;
    expect(counts.a / 10_000).toBeCloseTo(0.9, 1);
  });
});
