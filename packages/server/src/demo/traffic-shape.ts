/**
 * Day/night traffic: the request rate follows the UTC hour of day as a sinusoid that peaks in
 * the evening and bottoms out in the early morning. Its mean over a day is 1, so a configured
 * rate is the daily mean.
 */

/** Peak-to-mean swing: 0.6 means the peak is 1.6x and the trough 0.4x the mean. */
const AMPLITUDE = 0.6;
const PEAK_HOUR_UTC = 19;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function diurnalFactor(unixMs: number): number {
  const hourOfDay = (((unixMs % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
  return 1 + AMPLITUDE * Math.cos((2 * Math.PI * (hourOfDay - PEAK_HOUR_UTC)) / 24);
}

/** Expected root requests in `[fromMs, toMs)` for a mean rate of `ratePerSecond`. */
export function expectedArrivals(ratePerSecond: number, fromMs: number, toMs: number): number {
  // The factor barely moves within a simulation step: the midpoint is exact enough.
  return ratePerSecond * diurnalFactor((fromMs + toMs) / 2) * ((toMs - fromMs) / 1000);
}
