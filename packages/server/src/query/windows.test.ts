import { describe, expect, it } from 'vitest';
import { NARROW_WINDOWS, newestFirstWindows } from './windows.js';

describe('newestFirstWindows', () => {
  const range = { fromNs: 1_000n, toNs: 1_000n + 3_200n };

  it('tiles the range backwards, doubling from 1/32, the last clipped', () => {
    const windows = newestFirstWindows(range);
    expect(windows.map((w) => w.toNs - w.fromNs)).toEqual([100n, 200n, 400n, 800n, 1_600n, 100n]);
    expect(windows[0]!.toNs).toBe(range.toNs);
    expect(windows.at(-1)!.fromNs).toBe(range.fromNs);
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.toNs).toBe(windows[i - 1]!.fromNs);
  });

  it('starts narrower and grows faster when asked', () => {
    const windows = newestFirstWindows({ fromNs: 0n, toNs: 2_560n }, NARROW_WINDOWS);
    expect(windows.map((w) => w.toNs - w.fromNs)).toEqual([10n, 40n, 160n, 640n, 1_710n]);
    expect(windows.at(-1)!.fromNs).toBe(0n);
  });

  it('covers a range shorter than 32 ns with 1 ns windows first', () => {
    const windows = newestFirstWindows({ fromNs: 0n, toNs: 3n });
    expect(windows).toEqual([
      { fromNs: 2n, toNs: 3n },
      { fromNs: 0n, toNs: 2n },
    ]);
  });
});
