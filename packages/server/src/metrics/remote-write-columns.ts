import type { Labels } from '../query/promql/types.js';
import type { MetadataEntry } from './prom-batch-builder.js';
import { METADATA_TYPES, RemoteWriteDecodeError, Wire, decodeLabels } from './remote-write-wire.js';
import { sortLabels } from './series-id.js';

/**
 * A remote write 1.0 `WriteRequest` (decompressed) as columns: the part of decoding that needs
 * no server state, so it can run on a decode worker (see ADR 14). What stays for the main
 * thread is finding each series' id (by the hashes of its label bytes, see
 * `SeriesRegistry.cachedByBytes`) and filling the series id column.
 *
 * Per series with samples or exemplars, in request order: two 32-bit hashes of its encoded
 * label fields, where those bytes are (decoded only when the series is not known), where its
 * samples end, and its smallest and largest sample time (one day → one index
 * check). Samples are columns in request order, ready to be the store batch's columns.
 */
export interface WriteRequestColumns {
  /** TimeSeries in the request, with or without samples. */
  seriesTotal: number;
  /** Series with samples or exemplars (the length of the per-series arrays). */
  seriesCount: number;
  /** `2 * i`, `2 * i + 1`: the hashes of series i's label bytes. */
  labelHashes: Uint32Array<ArrayBuffer>;
  /** Series i's label fields (as on the wire: tag, length, Label message) in `labelBytes`. */
  labelStarts: Uint32Array<ArrayBuffer>;
  labelEnds: Uint32Array<ArrayBuffer>;
  /**
   * The request's bytes, followed by copies of the label fields of series whose labels are not
   * contiguous on the wire (senders write them contiguous, so normally nothing follows).
   */
  labelBytes: Uint8Array<ArrayBuffer>;
  /** End of series i's samples in the sample columns (start: the previous series' end). */
  sampleEnds: Uint32Array<ArrayBuffer>;
  minTimeMs: Float64Array<ArrayBuffer>;
  maxTimeMs: Float64Array<ArrayBuffer>;
  timeMs: BigInt64Array<ArrayBuffer>;
  value: Float64Array<ArrayBuffer>;
  exemplars: { series: number; labels: Labels; timeMs: number; value: number }[];
  metadata: MetadataEntry[];
  /** Native histogram samples, which this receiver does not store. */
  histogramsIgnored: number;
}

const SEED_A = 0x9747b28c;
const SEED_B = 0x2f1c3a5d;

/**
 * Two 32-bit hashes of `bytes[start, end)` in one pass (MurmurHash3's block mixing, x86 32-bit,
 * into two accumulators with different seeds and rounds): the 64 bits a series is found by.
 * Fast and well mixed; not collision-resistant against a sender that crafts label sets, which
 * could only merge its own tenant's series that way.
 */
export function labelHashesOf(
  bytes: DataView,
  start: number,
  end: number,
  out: Uint32Array,
  at: number,
): void {
  let a = SEED_A;
  let b = SEED_B;
  let i = start;
  const whole = start + ((end - start) & ~3);
  for (; i < whole; i += 4) {
    // One unaligned little-endian load (V8 inlines DataView reads): about twice as fast as
    // assembling the word from four byte loads, measured on label sets of ~100 bytes.
    let k = bytes.getInt32(i, true);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    a ^= k;
    a = (a << 13) | (a >>> 19);
    a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    b ^= k;
    b = (b << 17) | (b >>> 15);
    b = (Math.imul(b, 9) + 0x38495ab5) | 0;
  }
  let k = 0;
  const tail = end - i;
  if (tail === 3) k ^= bytes.getUint8(i + 2) << 16;
  if (tail >= 2) k ^= bytes.getUint8(i + 1) << 8;
  if (tail >= 1) {
    k ^= bytes.getUint8(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    a ^= k;
    b ^= k;
  }
  out[at] = finalMix(a ^ (end - start));
  out[at + 1] = finalMix(b ^ (end - start));
}

function finalMix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Sizes of the last request decoded on this thread (initial capacities of the next one). */
const sizeHint = { series: 0, samples: 0 };
/** A hint never reserves more than this many entries up front. */
const MAX_SIZE_HINT = 1 << 20;

/** Typed columns that double when full. */
class Growing {
  length = 0;
  timeMs: BigInt64Array<ArrayBuffer>;
  /** `timeMs` as 32-bit halves (little-endian): integer ms stored without a BigInt each. */
  timeWords: Int32Array;
  value: Float64Array<ArrayBuffer>;

  constructor(capacity: number) {
    this.timeMs = new BigInt64Array(capacity);
    this.timeWords = new Int32Array(this.timeMs.buffer);
    this.value = new Float64Array(capacity);
  }

  push(timeMs: number, value: number): void {
    if (this.length === this.value.length) this.grow();
    const i = this.length++;
    const high = Math.floor(timeMs / 4294967296);
    this.timeWords[2 * i] = timeMs - high * 4294967296;
    this.timeWords[2 * i + 1] = high;
    this.value[i] = value;
  }

  private grow(): void {
    const timeMs = new BigInt64Array(this.value.length * 2);
    timeMs.set(this.timeMs);
    const value = new Float64Array(this.value.length * 2);
    value.set(this.value);
    this.timeMs = timeMs;
    this.timeWords = new Int32Array(timeMs.buffer);
    this.value = value;
  }
}

/**
 * Decode a (decompressed) WriteRequest into columns. Throws RemoteWriteDecodeError on
 * malformed wire data; label names and values are checked when a series' labels are decoded
 * (`labelsOfColumns`), which the main thread does for series it does not know.
 */
export function decodeWriteRequestColumns(bytes: Uint8Array): WriteRequestColumns {
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const wire = new Wire(buf, 0, buf.length);
  const series = new Wire(buf, 0, 0);
  const sample = new Wire(buf, 0, 0);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  // A sender's requests are alike: start at the previous request's sizes (no regrowing).
  let capacity = Math.max(1024, sizeHint.series);
  let labelHashes = new Uint32Array(2 * capacity);
  let labelStarts = new Uint32Array(capacity);
  let labelEnds = new Uint32Array(capacity);
  let sampleEnds = new Uint32Array(capacity);
  let minTimeMs = new Float64Array(capacity);
  let maxTimeMs = new Float64Array(capacity);
  // Label fields of series whose labels are not contiguous, copied after the request's bytes.
  const scattered: Buffer[] = [];
  let scatteredLength = 0;
  const samples = new Growing(Math.max(4096, sizeHint.samples));
  const exemplars: WriteRequestColumns['exemplars'] = [];
  const metadata: MetadataEntry[] = [];
  const exemplarRanges: number[] = [];
  let seriesTotal = 0;
  let count = 0;
  let histogramsIgnored = 0;

  while (wire.pos < wire.end) {
    const tag = wire.varint();
    if (tag === 0x0a) {
      wire.field();
      seriesTotal++;
      let labelsStart = -1;
      let labelsEnd = -1;
      let contiguous = true;
      const fieldRanges: number[] = [];
      const samplesStart = samples.length;
      let exemplarCount = 0;
      let min = Infinity;
      let max = -Infinity;
      series.reset(wire.fieldStart, wire.fieldEnd);
      while (series.pos < series.end) {
        const fieldStart = series.pos;
        const t = series.varint();
        if (t === 0x0a) {
          series.field();
          if (labelsStart < 0) labelsStart = fieldStart;
          else if (fieldStart !== labelsEnd) contiguous = false;
          labelsEnd = series.fieldEnd;
          fieldRanges.push(fieldStart, labelsEnd);
        } else if (t === 0x12) {
          series.field();
          sample.reset(series.fieldStart, series.fieldEnd);
          let value = 0;
          let timestamp = 0;
          while (sample.pos < sample.end) {
            const st = sample.varint();
            if (st === 0x09) value = sample.double();
            else if (st === 0x10) timestamp = sample.int64();
            else sample.skip(st & 7);
          }
          samples.push(timestamp, value);
          if (timestamp < min) min = timestamp;
          if (timestamp > max) max = timestamp;
        } else if (t === 0x1a) {
          series.field();
          exemplarRanges[exemplarCount++] = series.fieldStart;
          exemplarRanges[exemplarCount++] = series.fieldEnd;
        } else if (t === 0x22) {
          series.field();
          histogramsIgnored++;
        } else series.skip(t & 7);
      }
      if (samples.length === samplesStart && exemplarCount === 0) continue;
      if (count === capacity) {
        capacity *= 2;
        labelHashes = grown(labelHashes, 2 * capacity);
        labelStarts = grown(labelStarts, capacity);
        labelEnds = grown(labelEnds, capacity);
        sampleEnds = grown(sampleEnds, capacity);
        minTimeMs = grown(minTimeMs, capacity);
        maxTimeMs = grown(maxTimeMs, capacity);
      }
      if (labelsStart < 0) {
        labelsStart = labelsEnd = 0;
      } else if (!contiguous) {
        const copy = Buffer.concat(
          Array.from({ length: fieldRanges.length / 2 }, (_, j) =>
            buf.subarray(fieldRanges[2 * j], fieldRanges[2 * j + 1]),
          ),
        );
        labelsStart = buf.length + scatteredLength;
        labelsEnd = labelsStart + copy.length;
        scattered.push(copy);
        scatteredLength += copy.length;
      }
      labelStarts[count] = labelsStart;
      labelEnds[count] = labelsEnd;
      if (contiguous) labelHashesOf(view, labelsStart, labelsEnd, labelHashes, 2 * count);
      else {
        const copy = scattered.at(-1)!;
        const copyView = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
        labelHashesOf(copyView, 0, labelsEnd - labelsStart, labelHashes, 2 * count);
      }
      sampleEnds[count] = samples.length;
      minTimeMs[count] = min;
      maxTimeMs[count] = max;
      for (let i = 0; i < exemplarCount; i += 2) {
        exemplars.push(decodeExemplar(buf, exemplarRanges[i]!, exemplarRanges[i + 1]!, count));
      }
      count++;
    } else if (tag === 0x1a) {
      const [start, end] = wire.bytes();
      const entry = decodeMetadata(buf, start, end);
      if (entry !== null) metadata.push(entry);
    } else wire.skip(tag & 7);
  }
  sizeHint.series = Math.min(count, MAX_SIZE_HINT);
  sizeHint.samples = Math.min(samples.length, MAX_SIZE_HINT);
  return {
    seriesTotal,
    seriesCount: count,
    labelHashes: labelHashes.slice(0, 2 * count),
    labelStarts: labelStarts.slice(0, count),
    labelEnds: labelEnds.slice(0, count),
    labelBytes: withScattered(buf, scattered, scatteredLength),
    sampleEnds: sampleEnds.slice(0, count),
    minTimeMs: minTimeMs.slice(0, count),
    maxTimeMs: maxTimeMs.slice(0, count),
    timeMs: samples.timeMs.slice(0, samples.length),
    value: samples.value.slice(0, samples.length),
    exemplars,
    metadata,
    histogramsIgnored,
  };
}

/** A copy of the request's bytes with the scattered label copies after them. */
function withScattered(buf: Buffer, scattered: Buffer[], length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(buf.length + length);
  bytes.set(buf);
  let at = buf.length;
  for (const copy of scattered) {
    bytes.set(copy, at);
    at += copy.length;
  }
  return bytes;
}

function grown<T extends Uint32Array | Float64Array>(array: T, size: number): T {
  const next = new (array.constructor as new (size: number) => T)(size);
  next.set(array);
  return next;
}

/**
 * Series i's labels (sorted, validated): throws RemoteWriteDecodeError for invalid or duplicate
 * label names or a missing `__name__`.
 */
export function labelsOfColumns(columns: WriteRequestColumns, i: number): Labels {
  const start = columns.labelStarts[i]!;
  const end = columns.labelEnds[i]!;
  const bytes = columns.labelBytes;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const wire = new Wire(buf, start, end);
  const ranges: number[] = [];
  while (wire.pos < wire.end) {
    const tag = wire.varint();
    if (tag !== 0x0a) throw new RemoteWriteDecodeError('malformed label field');
    wire.field();
    ranges.push(wire.fieldStart, wire.fieldEnd);
  }
  const labels = sortLabels(decodeLabels(buf, ranges));
  const names = new Set<string>();
  let hasName = false;
  for (const [name] of labels) {
    if (names.has(name)) throw new RemoteWriteDecodeError(`duplicate label name ${name}`);
    names.add(name);
    if (name === '__name__') hasName = true;
  }
  if (!hasName) throw new RemoteWriteDecodeError('a time series has no __name__ label');
  return labels;
}

function decodeExemplar(
  buf: Buffer,
  start: number,
  end: number,
  series: number,
): WriteRequestColumns['exemplars'][number] {
  const exemplar = new Wire(buf, start, end);
  const ranges: number[] = [];
  let value = 0;
  let timeMs = 0;
  while (exemplar.pos < exemplar.end) {
    const t = exemplar.varint();
    if (t === 0x0a) {
      exemplar.field();
      ranges.push(exemplar.fieldStart, exemplar.fieldEnd);
    } else if (t === 0x11) value = exemplar.double();
    else if (t === 0x18) timeMs = exemplar.int64();
    else exemplar.skip(t & 7);
  }
  return { series, labels: sortLabels(decodeLabels(buf, ranges)), timeMs, value };
}

function decodeMetadata(buf: Buffer, start: number, end: number): MetadataEntry | null {
  const meta = new Wire(buf, start, end);
  let type = 0;
  let metric = '';
  let help = '';
  let unit = '';
  while (meta.pos < meta.end) {
    const t = meta.varint();
    if (t === 0x08) type = meta.varint();
    else if (t === 0x12) metric = meta.text();
    else if (t === 0x22) help = meta.text();
    else if (t === 0x2a) unit = meta.text();
    else meta.skip(t & 7);
  }
  if (metric === '') return null;
  return { metric, type: METADATA_TYPES[type] ?? 'unknown', help, unit };
}
