/**
 * Functions over a range-vector window (`rate(x[5m])`, `*_over_time`, ...), following Prometheus
 * 2.42's promql/functions.go. Each receives one series' samples in [lo, hi) of `ts` / `vs`
 * (timestamps in ms, stale markers already removed) and returns the output value, or undefined
 * for "no output at this step".
 */
import { PromQLError } from './types.js';

/** Mutable and reused across steps by the evaluator (no allocation per step). */
export interface RangeWindow {
  ts: Float64Array;
  vs: Float64Array;
  lo: number;
  /** Exclusive. */
  hi: number;
  /** Window boundaries (closed), Unix ms. */
  rangeStartMs: number;
  rangeEndMs: number;
  rangeMs: number;
  /** The evaluation timestamp of the step (for predict_linear), Unix ms. */
  stepMs: number;
  /** resets[i]: how many k <= i have vs[k] < vs[k-1] (lets counters skip the reset scan). */
  resets: Int32Array | undefined;
}

/** The prefix count of counter resets of a series (see RangeWindow.resets). */
export function resetPrefix(vs: Float64Array): Int32Array {
  const out = new Int32Array(vs.length);
  for (let i = 1; i < vs.length; i++) out[i] = out[i - 1]! + (vs[i]! < vs[i - 1]! ? 1 : 0);
  return out;
}

export type RangeFunction = (w: RangeWindow, scalarArgs: readonly number[]) => number | undefined;

/** Neumaier-compensated increment, as Prometheus' kahanSumInc. */
function kahanSumInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
  else c += inc - t + sum;
  return [t, c];
}

function extrapolatedRate(w: RangeWindow, isCounter: boolean, isRate: boolean): number | undefined {
  const { ts, vs, lo, hi } = w;
  const count = hi - lo;
  if (count < 2) return undefined;
  let result = vs[hi - 1]! - vs[lo]!;
  if (isCounter && (w.resets === undefined || w.resets[hi - 1]! !== w.resets[lo]!)) {
    let last = 0;
    for (let i = lo; i < hi; i++) {
      const v = vs[i]!;
      if (v < last) result += last;
      last = v;
    }
  }
  let durationToStart = (ts[lo]! - w.rangeStartMs) / 1000;
  const durationToEnd = (w.rangeEndMs - ts[hi - 1]!) / 1000;
  const sampledInterval = (ts[hi - 1]! - ts[lo]!) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (count - 1);
  if (isCounter && result > 0 && vs[lo]! >= 0) {
    const durationToZero = sampledInterval * (vs[lo]! / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = averageDurationBetweenSamples * 1.1;
  let extrapolateToInterval = sampledInterval;
  extrapolateToInterval +=
    durationToStart < threshold ? durationToStart : averageDurationBetweenSamples / 2;
  extrapolateToInterval +=
    durationToEnd < threshold ? durationToEnd : averageDurationBetweenSamples / 2;
  let factor = extrapolateToInterval / sampledInterval;
  if (isRate) factor /= w.rangeMs / 1000;
  return result * factor;
}

/**
 * `rate`, `increase` or `delta` of one series at every step of a grid without `@`: the same
 * arithmetic as `extrapolatedRate`, in one pass that slides the window over the samples
 * (O(samples + steps)) without a call per step. Writes `values` / `present` per step; returns
 * whether any step has a value. `nonDecreasing`: the caller knows no value is below the one
 * before it, so no counter resets need counting.
 */
export function extrapolatedRateSteps(
  ts: Float64Array,
  vs: Float64Array,
  gridStart: number,
  gridStep: number,
  steps: number,
  rangeMs: number,
  offsetMs: number,
  isCounter: boolean,
  isRate: boolean,
  values: Float64Array,
  present: Uint8Array,
  nonDecreasing = false,
): boolean {
  const n = ts.length;
  const rangeSeconds = rangeMs / 1000;
  let lo = 0;
  let hi = 0;
  // Counter resets (k with vs[k] < vs[k-1]) for lo < k < hi: the reset scan runs only then.
  // Not counted for a series known to have none (the window moves without reading values).
  const track = !nonDecreasing;
  let resets = 0;
  let any = false;
  for (let i = 0; i < steps; i++) {
    const end = gridStart + i * gridStep - offsetMs;
    const start = end - rangeMs;
    while (lo < n && ts[lo]! < start) {
      if (track && lo + 1 < hi && vs[lo + 1]! < vs[lo]!) resets--;
      lo++;
    }
    if (hi < lo) {
      hi = lo;
      resets = 0;
    }
    while (hi < n && ts[hi]! <= end) {
      if (track && hi > lo && vs[hi]! < vs[hi - 1]!) resets++;
      hi++;
    }
    const count = hi - lo;
    if (count < 2) continue;
    const firstValue = vs[lo]!;
    let result = vs[hi - 1]! - firstValue;
    if (isCounter && resets > 0) {
      let last = 0;
      for (let k = lo; k < hi; k++) {
        const v = vs[k]!;
        if (v < last) result += last;
        last = v;
      }
    }
    const firstTime = ts[lo]!;
    const lastTime = ts[hi - 1]!;
    let durationToStart = (firstTime - start) / 1000;
    const durationToEnd = (end - lastTime) / 1000;
    const sampledInterval = (lastTime - firstTime) / 1000;
    const averageDurationBetweenSamples = sampledInterval / (count - 1);
    if (isCounter && result > 0 && firstValue >= 0) {
      const durationToZero = sampledInterval * (firstValue / result);
      if (durationToZero < durationToStart) durationToStart = durationToZero;
    }
    const threshold = averageDurationBetweenSamples * 1.1;
    let extrapolateToInterval = sampledInterval;
    extrapolateToInterval +=
      durationToStart < threshold ? durationToStart : averageDurationBetweenSamples / 2;
    extrapolateToInterval +=
      durationToEnd < threshold ? durationToEnd : averageDurationBetweenSamples / 2;
    let factor = extrapolateToInterval / sampledInterval;
    if (isRate) factor /= rangeSeconds;
    values[i] = result * factor;
    present[i] = 1;
    any = true;
  }
  return any;
}

function instantValue(w: RangeWindow, isRate: boolean): number | undefined {
  const { ts, vs, lo, hi } = w;
  if (hi - lo < 2) return undefined;
  const last = vs[hi - 1]!;
  const previous = vs[hi - 2]!;
  let result = isRate && last < previous ? last : last - previous;
  const interval = ts[hi - 1]! - ts[hi - 2]!;
  if (interval === 0) return undefined;
  if (isRate) result /= interval / 1000;
  return result;
}

/** Least squares fit of the window; x in seconds relative to interceptTimeMs. */
export function linearRegression(w: RangeWindow, interceptTimeMs: number): [number, number] {
  const { ts, vs, lo, hi } = w;
  let n = 0;
  let sumX = 0;
  let cX = 0;
  let sumY = 0;
  let cY = 0;
  let sumXY = 0;
  let cXY = 0;
  let sumX2 = 0;
  let cX2 = 0;
  const initY = vs[lo]!;
  let constY = true;
  for (let i = lo; i < hi; i++) {
    const v = vs[i]!;
    if (constY && i > lo && v !== initY) constY = false;
    n += 1;
    const x = (ts[i]! - interceptTimeMs) / 1e3;
    [sumX, cX] = kahanSumInc(x, sumX, cX);
    [sumY, cY] = kahanSumInc(v, sumY, cY);
    [sumXY, cXY] = kahanSumInc(x * v, sumXY, cXY);
    [sumX2, cX2] = kahanSumInc(x * x, sumX2, cX2);
  }
  if (constY) {
    if (!Number.isFinite(initY) && !Number.isNaN(initY)) return [NaN, NaN];
    return [0, initY];
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return [slope, intercept];
}

/** Prometheus' quantile with linear interpolation over sorted values. */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...values].sort(compareFloatsNaNFirst);
  const n = sorted.length;
  const rank = q * (n - 1);
  const lowerIndex = Math.max(0, Math.floor(rank));
  const upperIndex = Math.min(n - 1, lowerIndex + 1);
  const weight = rank - Math.floor(rank);
  return sorted[lowerIndex]! * (1 - weight) + sorted[upperIndex]! * weight;
}

/** Go's sort order for float heaps in quantile: NaN sorts first. */
export function compareFloatsNaNFirst(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a - b;
}

function avgOverTime(w: RangeWindow): number {
  let mean = 0;
  let count = 0;
  let c = 0;
  for (let i = w.lo; i < w.hi; i++) {
    const v = w.vs[i]!;
    count++;
    if (!Number.isFinite(mean) && !Number.isNaN(mean)) {
      if (!Number.isFinite(v) && !Number.isNaN(v) && mean > 0 === v > 0) continue;
      if (Number.isFinite(v)) continue;
    }
    [mean, c] = kahanSumInc(v / count - mean / count, mean, c);
  }
  if (!Number.isFinite(mean) && !Number.isNaN(mean)) return mean;
  return mean + c;
}

function varianceOverTime(w: RangeWindow): number {
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (let i = w.lo; i < w.hi; i++) {
    const v = w.vs[i]!;
    count++;
    const delta = v - (mean + cMean);
    [mean, cMean] = kahanSumInc(delta / count, mean, cMean);
    [aux, cAux] = kahanSumInc(delta * (v - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

function holtWinters(w: RangeWindow, sf: number, tf: number): number | undefined {
  if (!(sf > 0 && sf < 1)) {
    throw new PromQLError(
      'execution',
      `invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf.toFixed(6)}`,
    );
  }
  if (!(tf > 0 && tf < 1)) {
    throw new PromQLError(
      'execution',
      `invalid trend factor. Expected: 0 < tf < 1, got: ${tf.toFixed(6)}`,
    );
  }
  const { vs, lo, hi } = w;
  const l = hi - lo;
  if (l < 2) return undefined;
  let s0 = 0;
  let s1 = vs[lo]!;
  let b = vs[lo + 1]! - vs[lo]!;
  for (let i = 1; i < l; i++) {
    const x = sf * vs[lo + i]!;
    if (i - 1 !== 0) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

export const RANGE_FUNCTIONS: ReadonlyMap<string, RangeFunction> = new Map<string, RangeFunction>([
  ['rate', (w) => extrapolatedRate(w, true, true)],
  ['increase', (w) => extrapolatedRate(w, true, false)],
  ['delta', (w) => extrapolatedRate(w, false, false)],
  ['irate', (w) => instantValue(w, true)],
  ['idelta', (w) => instantValue(w, false)],
  ['deriv', (w) => (w.hi - w.lo < 2 ? undefined : linearRegression(w, w.ts[w.lo]!)[0])],
  [
    'predict_linear',
    (w, [duration]) => {
      if (w.hi - w.lo < 2) return undefined;
      const [slope, intercept] = linearRegression(w, w.stepMs);
      return slope * duration! + intercept;
    },
  ],
  ['holt_winters', (w, [sf, tf]) => holtWinters(w, sf!, tf!)],
  [
    'changes',
    (w) => {
      let changes = 0;
      for (let i = w.lo + 1; i < w.hi; i++) {
        const cur = w.vs[i]!;
        const prev = w.vs[i - 1]!;
        if (cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev))) changes++;
      }
      return changes;
    },
  ],
  [
    'resets',
    (w) => {
      let resets = 0;
      for (let i = w.lo + 1; i < w.hi; i++) if (w.vs[i]! < w.vs[i - 1]!) resets++;
      return resets;
    },
  ],
  ['avg_over_time', avgOverTime],
  ['count_over_time', (w) => w.hi - w.lo],
  [
    'sum_over_time',
    (w) => {
      let sum = 0;
      let c = 0;
      for (let i = w.lo; i < w.hi; i++) [sum, c] = kahanSumInc(w.vs[i]!, sum, c);
      return Number.isFinite(sum) ? sum + c : sum;
    },
  ],
  [
    'max_over_time',
    (w) => {
      let max = w.vs[w.lo]!;
      for (let i = w.lo + 1; i < w.hi; i++) {
        const v = w.vs[i]!;
        if (v > max || Number.isNaN(max)) max = v;
      }
      return max;
    },
  ],
  [
    'min_over_time',
    (w) => {
      let min = w.vs[w.lo]!;
      for (let i = w.lo + 1; i < w.hi; i++) {
        const v = w.vs[i]!;
        if (v < min || Number.isNaN(min)) min = v;
      }
      return min;
    },
  ],
  ['last_over_time', (w) => w.vs[w.hi - 1]],
  ['present_over_time', () => 1],
  ['stddev_over_time', (w) => Math.sqrt(varianceOverTime(w))],
  ['stdvar_over_time', varianceOverTime],
  ['quantile_over_time', (w, [q]) => quantile(q!, Array.from(w.vs.subarray(w.lo, w.hi)))],
]);
