import { describe, expect, it } from 'vitest';
import { keysMayHold, traceKey, traceKeys } from './trace-keys.js';

const id = (n: number) => n.toString(16).padStart(32, '0');

describe('trace-id keys', () => {
  it('holds every id put in it and, at 32 bits, practically no other', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => id(i * 7919 + 1));
    const keys = traceKeys([...ids, ...ids.slice(0, 100)]);
    expect(keys.length).toBe(5000 * 4);
    expect(ids.every((i) => keysMayHold(keys, i))).toBe(true);
    let falsePositives = 0;
    for (let n = 0; n < 100_000; n++) if (keysMayHold(keys, id(50_000_000 + n))) falsePositives++;
    // Expected 100,000 × 5,000 / 2³² ≈ 0.1.
    expect(falsePositives).toBeLessThanOrEqual(2);
  });

  it('stores the keys sorted, little-endian, and finds the first and last', () => {
    const ids = ['a', 'b', 'c', 'd'].map((c) => c.repeat(32));
    const keys = traceKeys(ids);
    const view = new DataView(keys.buffer);
    const stored = [0, 1, 2, 3].map((i) => view.getUint32(i * 4, true));
    expect(stored).toEqual(ids.map(traceKey).sort((x, y) => x - y));
    for (const i of ids) expect(keysMayHold(keys, i)).toBe(true);
    expect(keysMayHold(traceKeys([]), ids[0]!)).toBe(false);
  });
});
