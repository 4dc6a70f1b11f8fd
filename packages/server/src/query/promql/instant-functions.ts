/** Element-wise functions of instant vectors (promql/functions.go `simpleFunc` family and dates). */

function goSign(v: number): number {
  if (v < 0) return -1;
  if (v > 0) return 1;
  return v;
}

export const MATH_FUNCTIONS: ReadonlyMap<string, (v: number) => number> = new Map([
  ['abs', Math.abs],
  ['ceil', Math.ceil],
  ['floor', Math.floor],
  ['exp', Math.exp],
  ['sqrt', Math.sqrt],
  ['ln', Math.log],
  ['log2', Math.log2],
  ['log10', Math.log10],
  ['sgn', goSign],
  ['acos', Math.acos],
  ['acosh', Math.acosh],
  ['asin', Math.asin],
  ['asinh', Math.asinh],
  ['atan', Math.atan],
  ['atanh', Math.atanh],
  ['cos', Math.cos],
  ['cosh', Math.cosh],
  ['sin', Math.sin],
  ['sinh', Math.sinh],
  ['tan', Math.tan],
  ['tanh', Math.tanh],
  ['deg', (v: number) => (v * 180) / Math.PI],
  ['rad', (v: number) => (v * Math.PI) / 180],
]);

/** round(v, to_nearest) as Prometheus: floor(v / n + 0.5) * n, via the inverse. */
export function roundTo(v: number, toNearest: number): number {
  const inverse = 1 / toNearest;
  return Math.floor(v * inverse + 0.5) / inverse;
}

function utcDate(seconds: number): Date {
  return new Date(Math.trunc(seconds) * 1000);
}

export const DATE_FUNCTIONS: ReadonlyMap<string, (seconds: number) => number> = new Map([
  ['day_of_month', (s: number) => utcDate(s).getUTCDate()],
  ['day_of_week', (s: number) => utcDate(s).getUTCDay()],
  [
    'day_of_year',
    (s: number) => {
      const d = utcDate(s);
      return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
    },
  ],
  [
    'days_in_month',
    (s: number) => {
      const d = utcDate(s);
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    },
  ],
  ['hour', (s: number) => utcDate(s).getUTCHours()],
  ['minute', (s: number) => utcDate(s).getUTCMinutes()],
  ['month', (s: number) => utcDate(s).getUTCMonth() + 1],
  ['year', (s: number) => utcDate(s).getUTCFullYear()],
]);

/** Go's strconv.ParseFloat for `le` label values. */
export function parseGoFloat(text: string): number | undefined {
  const t = text.trim() === text ? text : undefined;
  if (t === undefined || t === '') return undefined;
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  if (/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(t)) return Number(t);
  return undefined;
}

interface Bucket {
  upperBound: number;
  count: number;
}

/** Prometheus 2.42 bucketQuantile: classic histogram quantile with linear interpolation. */
export function bucketQuantile(q: number, input: Bucket[]): number {
  const sorted = [...input].sort((a, b) => a.upperBound - b.upperBound);
  return bucketQuantileSorted(
    q,
    Float64Array.from(sorted, (b) => b.upperBound),
    Float64Array.from(sorted, (b) => b.count),
    sorted.length,
  );
}

/**
 * bucketQuantile over the first `n` buckets already sorted by upper bound (stably, as
 * bucketQuantile sorts them). `bounds` and `counts` are scratch: they are overwritten.
 */
export function bucketQuantileSorted(
  q: number,
  bounds: Float64Array,
  counts: Float64Array,
  n: number,
): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  if (n === 0 || bounds[n - 1] !== Infinity) return NaN;
  // Coalesce buckets with the same upper bound.
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (m > 0 && bounds[m - 1] === bounds[i]) counts[m - 1]! += counts[i]!;
    else {
      bounds[m] = bounds[i]!;
      counts[m] = counts[i]!;
      m++;
    }
  }
  // Ensure monotonicity.
  let max = -Infinity;
  for (let i = 0; i < m; i++) {
    const c = counts[i]!;
    if (c > max) max = c;
    else if (c < max) counts[i] = max;
  }
  if (m < 2) return NaN;
  const observations = counts[m - 1]!;
  if (observations === 0) return NaN;
  let rank = q * observations;
  let b = m - 1;
  for (let i = 0; i < m - 1; i++) {
    if (counts[i]! >= rank) {
      b = i;
      break;
    }
  }
  if (b === m - 1) return bounds[m - 2]!;
  if (b === 0 && bounds[0]! <= 0) return bounds[0]!;
  let bucketStart = 0;
  const bucketEnd = bounds[b]!;
  let count = counts[b]!;
  if (b > 0) {
    bucketStart = bounds[b - 1]!;
    count -= counts[b - 1]!;
    rank -= counts[b - 1]!;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}
