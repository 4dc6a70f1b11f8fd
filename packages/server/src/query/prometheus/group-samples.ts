/** One series' samples: ascending timestamps (Unix ms), one value each. */
export interface SampleArrays {
  timestamps: Float64Array;
  values: Float64Array;
}

const TWO_32 = 4294967296;

/**
 * Flat (series id, time, value) columns → each wanted series' samples, by position in `ids`
 * (undefined when it has none). Rows may come in any order; rows of ids not wanted are skipped.
 * Rows of one series usually come in runs (parts are sorted by id), so the id lookup is done
 * once per run, on the id's 32-bit halves (no BigInt per row). Value bits are copied as
 * integers, so NaN payloads survive.
 */
export function groupSamples(
  ids: readonly bigint[],
  length: number,
  seriesIds: BigInt64Array,
  times: BigInt64Array,
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
  const idWords = new Int32Array(seriesIds.buffer, seriesIds.byteOffset, length * 2);
  const timeWords = new Int32Array(times.buffer, times.byteOffset, length * 2);
  const valueWords = new Uint32Array(values.buffer, values.byteOffset, length * 2);

  // Pass 1: each row's series position (-1: not wanted) and the count per series.
  const rowSeries = new Int32Array(length);
  const counts = new Int32Array(ids.length);
  let lastLow = 0;
  let lastHigh = 0;
  let lastPosition = -2;
  for (let r = 0; r < length; r++) {
    const low = idWords[2 * r]!;
    const high = idWords[2 * r + 1]!;
    if (lastPosition === -2 || low !== lastLow || high !== lastHigh) {
      lastLow = low;
      lastHigh = high;
      lastPosition = positionOf(low, high);
    }
    rowSeries[r] = lastPosition;
    if (lastPosition >= 0) counts[lastPosition]!++;
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

  // Pass 2: fill per series, noting which came out of time order.
  const out: (SampleArrays | undefined)[] = new Array<SampleArrays | undefined>(ids.length);
  const valueWordsOut: Uint32Array[] = [];
  const fill = new Int32Array(ids.length);
  const unsorted = new Uint8Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const n = counts[i]!;
    if (n === 0) continue;
    const samples = { timestamps: new Float64Array(n), values: new Float64Array(n) };
    out[i] = samples;
    valueWordsOut[i] = new Uint32Array(samples.values.buffer);
  }
  for (let r = 0; r < length; r++) {
    const i = rowSeries[r]!;
    if (i < 0) continue;
    const samples = out[i]!;
    const k = fill[i]!++;
    const t = timeWords[2 * r + 1]! * TWO_32 + (timeWords[2 * r]! >>> 0);
    if (k > 0 && t < samples.timestamps[k - 1]!) unsorted[i] = 1;
    samples.timestamps[k] = t;
    const words = valueWordsOut[i]!;
    words[2 * k] = valueWords[2 * r]!;
    words[2 * k + 1] = valueWords[2 * r + 1]!;
  }
  for (let i = 0; i < ids.length; i++) {
    const samples = out[i];
    if (samples === undefined) continue;
    out[i] = dedupeTimestamps(unsorted[i] ? sortByTime(samples) : samples);
  }
  return out;
}

/**
 * Stable sort by timestamp. A series' rows arrive as a few ascending runs (one per part or
 * scan thread), so this is a natural merge sort: adjacent runs are merged pairwise until one
 * is left, O(n log runs). Value bits move as integers.
 */
function sortByTime({ timestamps, values }: SampleArrays): SampleArrays {
  const n = timestamps.length;
  let bounds: number[] = [0];
  for (let i = 1; i < n; i++) if (timestamps[i]! < timestamps[i - 1]!) bounds.push(i);
  bounds.push(n);
  let ts: Float64Array = timestamps;
  let vs: Uint32Array = new Uint32Array(values.buffer, values.byteOffset, n * 2);
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
