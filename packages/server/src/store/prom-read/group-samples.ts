/** One series' samples: ascending timestamps (Unix ms), one value each. */
export interface SampleArrays {
  timestamps: Float64Array;
  values: Float64Array;
}

/**
 * Flat (series id, time, value) columns → each wanted series' samples, by position in `ids`
 * (undefined when it has none). Rows may come in any order; rows of ids not wanted are skipped.
 * Rows of one series come in runs (parts are sorted by id within a time bucket), so the work is
 * per run: one id lookup (on the id's 32-bit halves, no BigInt per row) and one block copy of
 * times and of values. Value bits are copied as integers, so NaN payloads survive.
 */
export function groupSamples(
  ids: readonly bigint[],
  length: number,
  seriesIds: BigInt64Array,
  times: Float64Array,
  values: Float64Array,
): (SampleArrays | undefined)[] {
  const byLow = new Map<number, number>();
  const ambiguous = new Set<number>();
  const idWordsOf = new Int32Array(ids.length * 2);
  new BigInt64Array(idWordsOf.buffer).set(ids);
  for (let i = 0; i < ids.length; i++) {
    const low = idWordsOf[2 * i]!;
    if (byLow.has(low)) ambiguous.add(low);
    byLow.set(low, i);
  }
  function positionOf(low: number, high: number): number {
    if (ambiguous.has(low)) {
      for (let i = 0; i < ids.length; i++) {
        if (idWordsOf[2 * i] === low && idWordsOf[2 * i + 1] === high) return i;
      }
      return -1;
    }
    const i = byLow.get(low);
    return i !== undefined && idWordsOf[2 * i + 1] === high ? i : -1;
  }

  // Pass 1: runs of rows of one series (start row, series position), and counts per series.
  const idWords = new Int32Array(seriesIds.buffer, seriesIds.byteOffset, length * 2);
  const runStart: number[] = [];
  const runEnd: number[] = [];
  const runSeries: number[] = [];
  const counts = new Int32Array(ids.length);
  let r = 0;
  while (r < length) {
    const low = idWords[2 * r]!;
    const high = idWords[2 * r + 1]!;
    const start = r;
    while (r < length && idWords[2 * r] === low && idWords[2 * r + 1] === high) r++;
    const position = positionOf(low, high);
    if (position < 0) continue;
    runStart.push(start);
    runEnd.push(r);
    runSeries.push(position);
    counts[position]! += r - start;
  }

  // Pass 2: copy each run into its series, noting series whose runs came out of time order.
  const out: (SampleArrays | undefined)[] = new Array<SampleArrays | undefined>(ids.length);
  const outWords: Uint32Array[] = [];
  const fill = new Int32Array(ids.length);
  const unsorted = new Uint8Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const n = counts[i]!;
    if (n === 0) continue;
    const samples = { timestamps: new Float64Array(n), values: new Float64Array(n) };
    out[i] = samples;
    outWords[i] = new Uint32Array(samples.values.buffer);
  }
  const valueWords = new Uint32Array(values.buffer, values.byteOffset, length * 2);
  for (let k = 0; k < runSeries.length; k++) {
    const i = runSeries[k]!;
    const from = runStart[k]!;
    const to = runEnd[k]!;
    const samples = out[i]!;
    const at = fill[i]!;
    if (at > 0 && times[from]! < samples.timestamps[at - 1]!) unsorted[i] = 1;
    for (let j = from + 1; j < to; j++) if (times[j]! < times[j - 1]!) unsorted[i] = 1;
    samples.timestamps.set(times.subarray(from, to), at);
    outWords[i]!.set(valueWords.subarray(2 * from, 2 * to), 2 * at);
    fill[i] = at + (to - from);
  }
  for (let i = 0; i < ids.length; i++) {
    const samples = out[i];
    if (samples === undefined) continue;
    out[i] = dedupeTimestamps(unsorted[i] ? sortByTime(samples) : samples);
  }
  return out;
}

/**
 * Stable sort by timestamp. A series' rows arrive as ascending runs (one per part, time bucket
 * or scan thread); when the runs, ordered by their first timestamp, do not overlap they are
 * just concatenated in that order. Otherwise adjacent runs are merged pairwise until one is
 * left (natural merge sort, O(n log runs)). Value bits move as integers.
 */
export function sortByTime({ timestamps, values }: SampleArrays): SampleArrays {
  const n = timestamps.length;
  let bounds: number[] = [0];
  for (let i = 1; i < n; i++) if (timestamps[i]! < timestamps[i - 1]!) bounds.push(i);
  bounds.push(n);
  const inWords = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  const concatenated = concatenateRuns(timestamps, inWords, bounds);
  if (concatenated) return concatenated;
  let ts: Float64Array = timestamps;
  let vs: Uint32Array = inWords;
  let tsOut: Float64Array = new Float64Array(n);
  let vsOut: Uint32Array = new Uint32Array(n * 2);
  while (bounds.length > 2) {
    const next: number[] = [0];
    for (let r = 0; r + 1 < bounds.length; r += 2) {
      const lo = bounds[r]!;
      const mid = bounds[r + 1]!;
      const hi = r + 2 < bounds.length ? bounds[r + 2]! : mid;
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid || j < hi) {
        // Ties take the left run first: rows of one instant keep their order.
        const from = j >= hi || (i < mid && ts[i]! <= ts[j]!) ? i++ : j++;
        tsOut[k] = ts[from]!;
        vsOut[2 * k] = vs[2 * from]!;
        vsOut[2 * k + 1] = vs[2 * from + 1]!;
        k++;
      }
      next.push(hi);
    }
    bounds = next;
    [ts, tsOut] = [tsOut, ts];
    [vs, vsOut] = [vsOut, vs];
  }
  return { timestamps: ts, values: new Float64Array(vs.buffer, vs.byteOffset, n) };
}

/** Runs [bounds[k], bounds[k+1]) copied in order of their first timestamp, if none overlap. */
function concatenateRuns(
  timestamps: Float64Array,
  words: Uint32Array,
  bounds: readonly number[],
): SampleArrays | undefined {
  const runs = bounds.length - 1;
  const order = Array.from({ length: runs }, (_, k) => k).sort(
    (a, b) => timestamps[bounds[a]!]! - timestamps[bounds[b]!]!,
  );
  for (let k = 1; k < runs; k++) {
    const previousLast = timestamps[bounds[order[k - 1]! + 1]! - 1]!;
    if (previousLast >= timestamps[bounds[order[k]!]!]!) return undefined;
  }
  const n = timestamps.length;
  const sorted = { timestamps: new Float64Array(n), values: new Float64Array(n) };
  const outWords = new Uint32Array(sorted.values.buffer);
  let at = 0;
  for (const k of order) {
    const from = bounds[k]!;
    const to = bounds[k + 1]!;
    sorted.timestamps.set(timestamps.subarray(from, to), at);
    outWords.set(words.subarray(2 * from, 2 * to), 2 * at);
    at += to - from;
  }
  return sorted;
}

/**
 * One sample per timestamp: a series written twice for the same instant (a retried request)
 * keeps the value that comes last.
 */
export function dedupeTimestamps({ timestamps, values }: SampleArrays): SampleArrays {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  let out = 0;
  for (let i = 0; i < timestamps.length; i++) {
    if (out > 0 && timestamps[out - 1] === timestamps[i]) {
      words[2 * (out - 1)] = words[2 * i]!;
      words[2 * (out - 1) + 1] = words[2 * i + 1]!;
      continue;
    }
    timestamps[out] = timestamps[i]!;
    words[2 * out] = words[2 * i]!;
    words[2 * out + 1] = words[2 * i + 1]!;
    out++;
  }
  if (out === timestamps.length) return { timestamps, values };
  return { timestamps: timestamps.subarray(0, out), values: values.subarray(0, out) };
}

/** Index of the first timestamp >= t (binary search). */
export function lowerBound(ts: Float64Array, t: number, from = 0): number {
  let lo = from;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const bitsScratch = new Float64Array(1);
const bitsWords = new Uint32Array(bitsScratch.buffer);

/**
 * Prometheus' staleness marker is the signalling NaN 0x7ff0000000000002. On its way through
 * DuckDB and JS numbers it comes back quieted (0x7ff8000000000002); write the exact bits back
 * (through an integer view: a NaN stored as a number could be quieted again) so that the
 * engine recognises it by its bit pattern, as Prometheus' `value.IsStaleNaN` does.
 */
export function restoreStaleMarkers(values: Float64Array): void {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isNaN(value)) continue;
    bitsScratch[0] = value;
    if (bitsWords[0] === 2 && (bitsWords[1]! & 0x7ff7ffff) === 0x7ff00000) {
      words[2 * i] = 2;
      words[2 * i + 1] = 0x7ff00000;
    }
  }
}
