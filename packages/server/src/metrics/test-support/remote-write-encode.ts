/**
 * A small encoder of Prometheus remote write 1.0 `WriteRequest`s (for tests and benchmarks).
 * The decoder is tested against protobufjs as an independent oracle; this one is only a fast
 * producer of well-formed requests.
 */

export interface WriteSeries {
  labels: readonly (readonly [string, string])[];
  samples: readonly { value: number; timestampMs: number }[];
  exemplars?: readonly {
    labels: readonly (readonly [string, string])[];
    value: number;
    timestampMs: number;
  }[];
}

export interface WriteMetadata {
  type: number;
  metricFamilyName: string;
  help: string;
  unit: string;
}

class Writer {
  private buf = Buffer.alloc(1024);
  pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  varint(value: number): void {
    this.ensure(10);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  int64(value: number): void {
    if (value >= 0) {
      this.varint(value);
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  bytes(data: Buffer): void {
    this.varint(data.length);
    this.ensure(data.length);
    data.copy(this.buf, this.pos);
    this.pos += data.length;
  }

  string(text: string): void {
    this.bytes(Buffer.from(text, 'utf8'));
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

function message(write: (w: Writer) => void): Buffer {
  const w = new Writer();
  write(w);
  return Buffer.from(w.finish());
}

function label(w: Writer, field: number, name: string, value: string): void {
  w.varint((field << 3) | 2);
  w.bytes(
    message((m) => {
      m.varint(0x0a);
      m.string(name);
      m.varint(0x12);
      m.string(value);
    }),
  );
}

export function encodeWriteRequest(
  series: readonly WriteSeries[],
  metadata: readonly WriteMetadata[] = [],
): Buffer {
  return message((w) => {
    for (const s of series) {
      w.varint(0x0a);
      w.bytes(
        message((ts) => {
          for (const [name, value] of s.labels) label(ts, 1, name, value);
          for (const sample of s.samples) {
            ts.varint(0x12);
            ts.bytes(
              message((m) => {
                m.varint(0x09);
                m.double(sample.value);
                m.varint(0x10);
                m.int64(sample.timestampMs);
              }),
            );
          }
          for (const e of s.exemplars ?? []) {
            ts.varint(0x1a);
            ts.bytes(
              message((m) => {
                for (const [name, value] of e.labels) label(m, 1, name, value);
                m.varint(0x11);
                m.double(e.value);
                m.varint(0x18);
                m.int64(e.timestampMs);
              }),
            );
          }
        }),
      );
    }
    for (const m of metadata) {
      w.varint(0x1a);
      w.bytes(
        message((mm) => {
          mm.varint(0x08);
          mm.varint(m.type);
          mm.varint(0x12);
          mm.string(m.metricFamilyName);
          mm.varint(0x22);
          mm.string(m.help);
          mm.varint(0x2a);
          mm.string(m.unit);
        }),
      );
    }
  });
}
