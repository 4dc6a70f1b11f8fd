/**
 * A minimal Prometheus remote-write 1.0 client for tests: encodes a WriteRequest protobuf by hand
 * (field numbers from prometheus/prompb/remote.proto and types.proto), snappy block-compresses it
 * and POSTs it.
 */
import snappy from 'snappy';

export interface RemoteWriteSeries {
  /** Label pairs; `__name__` included. */
  readonly labels: Record<string, string>;
  /** Ascending Unix ms. */
  readonly timestamps: readonly number[];
  /** Values; a staleness marker must be passed via `STALE_NAN` (its bits are written as they are). */
  readonly values: readonly number[];
}

/** Prometheus' staleness marker as a Float64Array element with the exact bits 0x7ff0000000000002. */
export const STALE_NAN: number = (() => {
  const buf = new ArrayBuffer(8);
  const view = new DataView(buf);
  view.setUint32(0, 0x7ff00000, false);
  view.setUint32(4, 0x00000002, false);
  return view.getFloat64(0, false);
})();

/** Series values, where entries listed in `staleAt` (indexes) carry the staleness marker bits. */
export function valuesWithStaleness(
  values: readonly number[],
  staleAt: ReadonlySet<number>,
): Float64Array {
  const out = Float64Array.from(values);
  const words = new Uint32Array(out.buffer);
  for (const i of staleAt) {
    words[2 * i] = 0x00000002;
    words[2 * i + 1] = 0x7ff00000;
  }
  return out;
}

class Writer {
  private chunks: Buffer[] = [];
  private size = 0;

  private push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
  }

  varint(value: bigint): void {
    const bytes: number[] = [];
    let v = BigInt.asUintN(64, value);
    while (v >= 0x80n) {
      bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    bytes.push(Number(v));
    this.push(Buffer.from(bytes));
  }

  tag(field: number, wireType: number): void {
    this.varint(BigInt((field << 3) | wireType));
  }

  bytes(field: number, data: Buffer): void {
    this.tag(field, 2);
    this.varint(BigInt(data.length));
    this.push(data);
  }

  string(field: number, s: string): void {
    this.bytes(field, Buffer.from(s, 'utf8'));
  }

  /** A double from raw little-endian bytes (keeps NaN payloads). */
  fixed64(field: number, raw: Buffer): void {
    this.tag(field, 1);
    this.push(raw);
  }

  int64(field: number, v: number): void {
    this.tag(field, 0);
    this.varint(BigInt(v));
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

/** Encode a prometheus.WriteRequest. `values` may be a Float64Array to carry exact NaN bits. */
export function encodeWriteRequest(
  series: readonly {
    labels: Record<string, string>;
    timestamps: readonly number[];
    values: ArrayLike<number>;
  }[],
): Buffer {
  const req = new Writer();
  for (const s of series) {
    const ts = new Writer();
    for (const [name, value] of Object.entries(s.labels).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )) {
      const label = new Writer();
      label.string(1, name);
      label.string(2, value);
      ts.bytes(1, label.finish());
    }
    const values = s.values instanceof Float64Array ? s.values : Float64Array.from(s.values);
    const raw = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    for (let i = 0; i < s.timestamps.length; i++) {
      const sample = new Writer();
      sample.fixed64(1, raw.subarray(i * 8, i * 8 + 8));
      sample.int64(2, s.timestamps[i]!);
      ts.bytes(2, sample.finish());
    }
    req.bytes(1, ts.finish());
  }
  return req.finish();
}

/** POST one WriteRequest; throws with the server's answer on a non-2xx status. */
export async function remoteWrite(
  url: string,
  series: readonly {
    labels: Record<string, string>;
    timestamps: readonly number[];
    values: ArrayLike<number>;
  }[],
  headers: Record<string, string> = {},
): Promise<void> {
  const body = snappy.compressSync(encodeWriteRequest(series));
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Encoding': 'snappy',
      'Content-Type': 'application/x-protobuf',
      'X-Prometheus-Remote-Write-Version': '0.1.0',
      ...headers,
    },
    body,
  });
  if (!res.ok) throw new Error(`remote write to ${url}: HTTP ${res.status}: ${await res.text()}`);
}
