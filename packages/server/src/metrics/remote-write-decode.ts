import type { Labels } from '../query/promql/types.js';
import { utf8Text } from '../otlp/wire-reader.js';
import type { PromBatchBuilder } from './prom-batch-builder.js';
import { sortLabels } from './series-id.js';

/**
 * A one-pass decoder of Prometheus remote write 1.0 `prometheus.WriteRequest` (prompb,
 * field numbers from prometheus/prompb/remote.proto and types.proto) straight into a
 * PromBatchBuilder. Unknown fields are skipped; native histograms (TimeSeries field 4) are
 * counted and not stored.
 *
 *   WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
 *   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2;
 *                  repeated Exemplar exemplars = 3; repeated Histogram histograms = 4; }
 *   Label        { string name = 1; string value = 2; }
 *   Sample       { double value = 1; int64 timestamp = 2; }
 *   Exemplar     { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
 *   MetricMetadata { MetricType type = 1; string metric_family_name = 2; string help = 4;
 *                    string unit = 5; }
 */

export class RemoteWriteDecodeError extends Error {}

export interface RemoteWriteStats {
  series: number;
  samples: number;
  exemplars: number;
  /** Native histogram samples, which this receiver does not store. */
  histogramsIgnored: number;
  /** Samples refused because their series id collided with another label set. */
  collisions: number;
}

const METADATA_TYPES = [
  'unknown',
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
];

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Minimal protobuf wire reader over one buffer; every read is bounds-checked. */
class Wire {
  pos: number;
  /** The contents of the last length-delimited field read by `field()`. */
  fieldStart = 0;
  fieldEnd = 0;
  constructor(
    readonly buf: Buffer,
    start: number,
    public end: number,
  ) {
    this.pos = start;
  }

  /** Read a message again over [start, end) of the same buffer (no allocation). */
  reset(start: number, end: number): this {
    this.pos = start;
    this.end = end;
    return this;
  }

  /** Skip over a length-delimited field, remembering its contents in fieldStart/fieldEnd. */
  field(): void {
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) throw new RemoteWriteDecodeError('length exceeds message');
    this.fieldStart = start;
    this.pos = this.fieldEnd = start + length;
  }

  /** An unsigned varint as a number (tags, lengths, enums: all far below 2^53). */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new RemoteWriteDecodeError('truncated varint');
      const byte = this.buf[this.pos++]!;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw new RemoteWriteDecodeError('varint too long');
  }

  /** A signed int64 varint as a number (timestamps in ms fit exactly). */
  int64(): number {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new RemoteWriteDecodeError('truncated varint');
      const byte = this.buf[this.pos++]!;
      if (shift < 28) lo |= (byte & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (byte & 0x0f) << 28;
        hi |= (byte & 0x7f) >> 4;
      } else hi |= (byte & 0x7f) << (shift - 32);
      if (byte < 0x80) break;
      shift += 7;
      if (shift > 63) throw new RemoteWriteDecodeError('varint too long');
    }
    return (hi | 0) * 4294967296 + (lo >>> 0);
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new RemoteWriteDecodeError('truncated double');
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  /** The [start, end) of a length-delimited field's contents. */
  bytes(): [number, number] {
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) throw new RemoteWriteDecodeError('length exceeds message');
    this.pos = start + length;
    return [start, this.pos];
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.advance(8);
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.advance(4);
    else throw new RemoteWriteDecodeError(`unsupported wire type ${wireType}`);
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new RemoteWriteDecodeError('truncated field');
    this.pos += n;
  }
}

function decodeLabels(buf: Buffer, ranges: number[], count = ranges.length): [string, string][] {
  const labels: [string, string][] = [];
  for (let i = 0; i < count; i += 2) {
    const wire = new Wire(buf, ranges[i]!, ranges[i + 1]!);
    let name = '';
    let value = '';
    while (wire.pos < wire.end) {
      const tag = wire.varint();
      if (tag === 0x0a) {
        const [s, e] = wire.bytes();
        name = utf8Text(buf, s, e);
      } else if (tag === 0x12) {
        const [s, e] = wire.bytes();
        value = utf8Text(buf, s, e);
      } else wire.skip(tag & 7);
    }
    if (!LABEL_NAME.test(name)) {
      throw new RemoteWriteDecodeError(`invalid label name ${JSON.stringify(name.slice(0, 100))}`);
    }
    // Prometheus drops empty-valued labels: a label with an empty value is no label.
    if (value !== '') labels.push([name, value]);
  }
  return labels;
}

function validSeries(labels: Labels): void {
  const names = new Set<string>();
  let hasName = false;
  for (const [name] of labels) {
    if (names.has(name)) throw new RemoteWriteDecodeError(`duplicate label name ${name}`);
    names.add(name);
    if (name === '__name__') hasName = true;
  }
  if (!hasName) throw new RemoteWriteDecodeError('a time series has no __name__ label');
}

/**
 * Decode a (decompressed) WriteRequest into `out`. Throws RemoteWriteDecodeError on malformed
 * input; the builder is then to be discarded (nothing of the request is written).
 */
export function decodeWriteRequest(buf: Buffer, out: PromBatchBuilder): RemoteWriteStats {
  const stats: RemoteWriteStats = {
    series: 0,
    samples: 0,
    exemplars: 0,
    histogramsIgnored: 0,
    collisions: 0,
  };
  const wire = new Wire(buf, 0, buf.length);
  const labelRanges: number[] = [];
  const sampleRanges: number[] = [];
  const exemplarRanges: number[] = [];
  const nowMs = Date.now();
  const seriesWire = new Wire(buf, 0, 0);
  const sample = new Wire(buf, 0, 0);
  while (wire.pos < wire.end) {
    const tag = wire.varint();
    if (tag === 0x0a) {
      wire.field();
      // Reused arrays with fill counts: no allocation (or length reset) per series.
      let labelCount = 0;
      let sampleCount = 0;
      let exemplarCount = 0;
      const series = seriesWire.reset(wire.fieldStart, wire.fieldEnd);
      let labelsStart = -1;
      let labelsEnd = -1;
      while (series.pos < series.end) {
        const fieldStart = series.pos;
        const t = series.varint();
        if (t === 0x0a) {
          series.field();
          if (labelsStart < 0) labelsStart = fieldStart;
          labelsEnd = series.fieldEnd;
          labelRanges[labelCount++] = series.fieldStart;
          labelRanges[labelCount++] = series.fieldEnd;
        } else if (t === 0x12) {
          series.field();
          sampleRanges[sampleCount++] = series.fieldStart;
          sampleRanges[sampleCount++] = series.fieldEnd;
        } else if (t === 0x1a) {
          series.field();
          exemplarRanges[exemplarCount++] = series.fieldStart;
          exemplarRanges[exemplarCount++] = series.fieldEnd;
        } else if (t === 0x22) {
          series.field();
          stats.histogramsIgnored++;
        } else series.skip(t & 7);
      }
      const position = stats.series++;
      if (sampleCount === 0 && exemplarCount === 0) continue;
      // Prometheus sends labels contiguous: their raw bytes identify the series without
      // decoding them (labels of a known series are decoded only on a cache miss).
      const contiguous =
        labelsStart >= 0 && labelsEnd - labelsStart === rangesLength(labelRanges, labelCount);
      let labels: Labels | undefined;
      const resolve = (): Labels => {
        if (!labels) {
          labels = sortLabels(decodeLabels(buf, labelRanges, labelCount));
          validSeries(labels);
        }
        return labels;
      };
      let entry = contiguous
        ? out.cachedRawSeries(buf, labelsStart, labelsEnd, position)
        : undefined;
      if (entry === undefined) {
        const fresh = out.seriesOf(resolve());
        if (fresh === null) {
          stats.collisions += sampleCount / 2;
          continue;
        }
        entry = fresh;
        if (contiguous) out.rememberRawSeries(buf, labelsStart, labelsEnd, entry, position);
      }
      for (let i = 0; i < sampleCount; i += 2) {
        sample.reset(sampleRanges[i]!, sampleRanges[i + 1]!);
        let value = 0;
        let timestamp = 0;
        while (sample.pos < sample.end) {
          const t = sample.varint();
          if (t === 0x09) value = sample.double();
          else if (t === 0x10) timestamp = sample.int64();
          else sample.skip(t & 7);
        }
        out.addSample(entry, resolve, timestamp, value);
        stats.samples++;
      }
      for (let i = 0; i < exemplarCount; i += 2) {
        const exemplar = new Wire(buf, exemplarRanges[i]!, exemplarRanges[i + 1]!);
        const ranges: number[] = [];
        let value = 0;
        let timestamp = 0;
        while (exemplar.pos < exemplar.end) {
          const t = exemplar.varint();
          if (t === 0x0a) {
            exemplar.field();
            ranges.push(exemplar.fieldStart, exemplar.fieldEnd);
          } else if (t === 0x11) value = exemplar.double();
          else if (t === 0x18) timestamp = exemplar.int64();
          else exemplar.skip(t & 7);
        }
        out.addExemplar(entry.id, sortLabels(decodeLabels(buf, ranges)), timestamp, value);
        stats.exemplars++;
      }
    } else if (tag === 0x1a) {
      const [start, end] = wire.bytes();
      const meta = new Wire(buf, start, end);
      let type = 0;
      let name = '';
      let help = '';
      let unit = '';
      while (meta.pos < meta.end) {
        const t = meta.varint();
        if (t === 0x08) type = meta.varint();
        else if (t === 0x12) name = utf8Text(buf, ...meta.bytes());
        else if (t === 0x22) help = utf8Text(buf, ...meta.bytes());
        else if (t === 0x2a) unit = utf8Text(buf, ...meta.bytes());
        else meta.skip(t & 7);
      }
      if (name !== '') {
        out.addMetadata(
          { metric: name, type: METADATA_TYPES[type] ?? 'unknown', help, unit },
          nowMs,
        );
      }
    } else wire.skip(tag & 7);
  }
  return stats;
}

function rangesLength(ranges: number[], count: number): number {
  // The wire size of the label fields (tag byte, length prefix, contents): equal to the span
  // from the first label's tag to the last label's end exactly when nothing sits between them.
  let total = 0;
  for (let i = 0; i < count; i += 2) {
    const length = ranges[i + 1]! - ranges[i]!;
    total += length + 1 + varintSize(length);
  }
  return total;
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}
