import { utf8Text } from '../otlp/wire-reader.js';

/**
 * The protobuf wire of Prometheus remote write 1.0 `prometheus.WriteRequest` (prompb, field
 * numbers from prometheus/prompb/remote.proto and types.proto):
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

export const METADATA_TYPES = [
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
export class Wire {
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

  /** A length-delimited field's contents as UTF-8 text. */
  text(): string {
    const [start, end] = this.bytes();
    return utf8Text(this.buf, start, end);
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

export function decodeLabels(
  buf: Buffer,
  ranges: number[],
  count = ranges.length,
): [string, string][] {
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
