import { describe, expect, it } from 'vitest';
import { parseDurationNs, parseStepNs } from './duration.js';

describe('parseDurationNs', () => {
  it.each([
    ['250ms', 250_000_000n],
    ['1.5s', 1_500_000_000n],
    ['0.001s', 1_000_000n],
    ['2m', 120_000_000_000n],
    ['1h', 3_600_000_000_000n],
    ['100us', 100_000n],
    ['100µs', 100_000n],
    ['7ns', 7n],
    ['250000000', 250_000_000n],
    [' 3s ', 3_000_000_000n],
    ['1.0000000005s', 1_000_000_000n],
  ])('%s → %s ns', (text, ns) => {
    expect(parseDurationNs(text)).toBe(ns);
  });

  it.each(['', 'abc', '-1s', '1.5', '1d', '1 s s', '1e9', 'Infinity'])('rejects %j', (text) => {
    expect(() => parseDurationNs(text, 'minDuration')).toThrow(/invalid minDuration/);
  });

  it('requires a step of at least 1ms', () => {
    expect(parseStepNs('1m')).toBe(60_000_000_000n);
    expect(() => parseStepNs('10us')).toThrow(/at least 1ms/);
  });
});
