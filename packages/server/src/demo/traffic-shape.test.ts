import { describe, expect, it } from 'vitest';

import { diurnalFactor, expectedArrivals } from './traffic-shape.js';

const DAY = Date.UTC(2025, 2, 3);
const HOUR = 3_600_000;

describe('diurnalFactor', () => {
  it('averages to 1 over a day, so the configured rate is the mean', () => {
    let sum = 0;
    for (let minute = 0; minute < 24 * 60; minute++) sum += diurnalFactor(DAY + minute * 60_000);
    expect(sum / (24 * 60)).toBeCloseTo(1, 6);
  });

  it.each([
    [19, 1.6],
    [7, 0.4],
    [13, 1],
    [1, 1],
  ])('at %i:00 UTC is %d', (hour, factor) => {
    expect(diurnalFactor(DAY + hour * HOUR)).toBeCloseTo(factor, 6);
  });

  it('scales expected arrivals by the interval and the hour', () => {
    expect(expectedArrivals(20, DAY + 19 * HOUR, DAY + 19 * HOUR + 1_000)).toBeCloseTo(32, 1);
    expect(expectedArrivals(20, DAY + 7 * HOUR, DAY + 7 * HOUR + 500)).toBeCloseTo(4, 1);
  });
});
