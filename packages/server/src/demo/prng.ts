/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32) with the
 * distributions the simulator needs. Same seed, same sequence, on every platform.
 */

export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight; `weights` must have one positive-sum entry per item. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  /** Standard normal (mean 0, standard deviation 1). */
  normal(): number;
  /** Log-normal with the given median and sigma (of the underlying normal). */
  logNormal(median: number, sigma: number): number;
  /** Number of events of a Poisson process with mean `lambda`. */
  poisson(lambda: number): number;
  /** `byteCount` random bytes as lowercase hex, never all zeros. */
  hex(byteCount: number): string;
  /** An independent generator derived from this one's state and `label`. */
  fork(label: string): Prng;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);

export function createPrng(seed: number): Prng {
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();

  function nextUint32(): number {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  }
  // sfc32 needs a few rounds to mix a weak seed.
  for (let i = 0; i < 12; i++) nextUint32();

  let spareNormal: number | undefined;

  const prng: Prng = {
    next: () => nextUint32() / 4294967296,
    int: (n) => Math.floor(prng.next() * n),
    uniform: (min, max) => min + prng.next() * (max - min),
    chance: (probability) => prng.next() < probability,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[prng.int(items.length)]!;
    },
    weighted: <T>(items: readonly T[], weights: readonly number[]): T => {
      let total = 0;
      for (const w of weights) total += w;
      let r = prng.next() * total;
      for (let i = 0; i < items.length; i++) {
        r -= weights[i] ?? 0;
        if (r < 0) return items[i]!;
      }
      return items[items.length - 1]!;
    },
    normal: () => {
      if (spareNormal !== undefined) {
        const value = spareNormal;
        spareNormal = undefined;
        return value;
      }
      // Box-Muller; 1 - next() keeps the logarithm finite.
      const u = 1 - prng.next();
      const v = prng.next();
      const r = Math.sqrt(-2 * Math.log(u));
      spareNormal = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    logNormal: (median, sigma) => median * Math.exp(sigma * prng.normal()),
    poisson: (lambda) => {
      if (lambda <= 0) return 0;
      if (lambda > 50) {
        // Normal approximation: exact enough for arrival counts and far cheaper.
        return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * prng.normal()));
      }
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = prng.next();
      while (p > limit) {
        k++;
        p *= prng.next();
      }
      return k;
    },
    hex: (byteCount) => {
      let out = '';
      let allZero = true;
      for (let i = 0; i < byteCount; i += 4) {
        let word = nextUint32();
        for (let j = 0; j < 4 && i + j < byteCount; j++) {
          if ((word & 0xff) !== 0) allZero = false;
          out += HEX_BYTE[word & 0xff]!;
          word >>>= 8;
        }
      }
      return allZero ? prng.hex(byteCount) : out;
    },
    fork: (label) => createPrng((nextUint32() ^ hashLabel(label)) >>> 0),
  };
  return prng;
}
