/**
 * A compact, fast-to-decode byte encoding of one series' samples (ascending Unix ms timestamps,
 * float64 values), used to keep sealed samples in memory (docs/adr/0013-prometheus-read-cache.md).
 *
 * Layout: varint sample count n; mode byte; first timestamp (float64 LE); then, for n > 1, the
 * timestamps as delta-of-delta tokens; then the values.
 *
 * - Timestamp tokens (varints): even t = one delta-of-delta zigzag(t / 2); odd t = a run of
 *   (t - 1) / 2 zero delta-of-deltas. The first token is the first delta itself. A regular scrape
 *   costs a few bytes per chunk; jittered ones about a byte per sample.
 * - Values, mode INTEGER (every value a finite integer, |v| ≤ 2^50, no −0): zigzag varints of the
 *   first value and then of each difference — counters and histogram buckets cost about a byte.
 * - Values, mode XOR (anything else, NaN payloads included): the first value's 8 bytes, then per
 *   sample the XOR with the previous value: 0xff when zero, else a byte (leading zero bytes << 4
 *   | trailing zero bytes) and the bytes between, most significant first (Gorilla's idea at byte
 *   granularity, which decodes faster in JS than bit streams).
 *
 * Numbers stay below 2^53, so varints are built with arithmetic, not 32-bit bit operations.
 */

const MODE_XOR = 0;
const MODE_INTEGER = 1;
const INTEGER_LIMIT = 2 ** 50;

/**
 * Byte writer over one shared scratch buffer (encoding is synchronous), sized up front for the
 * worst case so that writes need no bounds checks; the result is copied out.
 */
class ByteWriter {
  private static scratch = new Uint8Array(64 * 1024);
  readonly bytes: Uint8Array;
  at = 0;

  constructor(capacity: number) {
    if (ByteWriter.scratch.length < capacity) ByteWriter.scratch = new Uint8Array(capacity * 2);
    this.bytes = ByteWriter.scratch;
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.at);
  }

  byte(b: number): void {
    this.bytes[this.at++] = b;
  }

  /** A non-negative integer below 2^53 (at most 8 bytes). */
  varint(value: number): void {
    if (value < 0x80) {
      this.bytes[this.at++] = value;
      return;
    }
    let v = value;
    while (v >= 0x80) {
      this.bytes[this.at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.at++] = v;
  }

  /** The float64 at `index` of `words` (a Uint32Array view), little-endian, bits exact. */
  float64(words: Uint32Array, index: number): void {
    const lo = words[2 * index]!;
    const hi = words[2 * index + 1]!;
    for (let k = 0; k < 4; k++) this.bytes[this.at++] = (lo >>> (8 * k)) & 0xff;
    for (let k = 0; k < 4; k++) this.bytes[this.at++] = (hi >>> (8 * k)) & 0xff;
  }
}

function zigzag(v: number): number {
  return v >= 0 ? 2 * v : -2 * v - 1;
}

function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

function integerMode(values: Float64Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || Math.abs(v) > INTEGER_LIMIT || Object.is(v, -0)) return false;
  }
  return true;
}

/**
 * Encode samples [from, to) of one series (timestamps ascending, integer ms, |t| < 2^50). Value
 * bits are kept exactly (the staleness NaN included).
 */
export function encodeChunk(
  timestamps: Float64Array,
  values: Float64Array,
  from = 0,
  to = timestamps.length,
): Uint8Array {
  const n = to - from;
  // Worst case: header 17 bytes; per sample a timestamp token and a value of at most 9 each.
  const out = new ByteWriter(32 + n * 18);
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  const tsWords = new Uint32Array(timestamps.buffer, timestamps.byteOffset, timestamps.length * 2);
  out.varint(n);
  const integers = integerMode(values, from, to);
  out.byte(integers ? MODE_INTEGER : MODE_XOR);
  if (n === 0) return out.result();
  out.float64(tsWords, from);

  // Timestamps.
  if (n > 1) {
    let delta = timestamps[from + 1]! - timestamps[from]!;
    out.varint(2 * zigzag(delta));
    let zeros = 0;
    for (let i = from + 2; i < to; i++) {
      const d = timestamps[i]! - timestamps[i - 1]!;
      const dod = d - delta;
      delta = d;
      if (dod === 0) {
        zeros++;
        continue;
      }
      if (zeros > 0) out.varint(2 * zeros + 1);
      zeros = 0;
      out.varint(2 * zigzag(dod));
    }
    if (zeros > 0) out.varint(2 * zeros + 1);
  }

  // Values.
  if (integers) {
    let previous = 0;
    for (let i = from; i < to; i++) {
      const v = values[i]!;
      out.varint(zigzag(v - previous));
      previous = v;
    }
  } else {
    out.float64(words, from);
    let lo = words[2 * from]!;
    let hi = words[2 * from + 1]!;
    for (let i = from + 1; i < to; i++) {
      const nlo = words[2 * i]!;
      const nhi = words[2 * i + 1]!;
      const xlo = (lo ^ nlo) >>> 0;
      const xhi = (hi ^ nhi) >>> 0;
      lo = nlo;
      hi = nhi;
      if (xlo === 0 && xhi === 0) {
        out.byte(0xff);
        continue;
      }
      // Big-endian bytes 0..7 of the 64-bit XOR: 0..3 from the high word, 4..7 from the low.
      let lead = 0;
      while (lead < 8 && xorByte(xhi, xlo, lead) === 0) lead++;
      let trail = 0;
      while (trail < 8 && xorByte(xhi, xlo, 7 - trail) === 0) trail++;
      out.byte((lead << 4) | trail);
      for (let b = lead; b < 8 - trail; b++) out.byte(xorByte(xhi, xlo, b));
    }
  }
  return out.result();
}

function xorByte(hi: number, lo: number, b: number): number {
  return b < 4 ? (hi >>> (8 * (3 - b))) & 0xff : (lo >>> (8 * (7 - b))) & 0xff;
}

/** The number of samples a chunk holds. */
export function chunkLength(chunk: Uint8Array): number {
  let v = 0;
  let scale = 1;
  for (let at = 0; ; at++) {
    const b = chunk[at]!;
    v += (b & 0x7f) * scale;
    if (b < 0x80) return v;
    scale *= 0x80;
  }
}

/** The first timestamp of a non-empty chunk. */
export function chunkFirstTimestamp(chunk: Uint8Array): number {
  let at = 0;
  while (chunk[at]! >= 0x80) at++;
  // Past the count's last byte and the mode byte.
  return readFloat64(chunk, at + 2);
}

/**
 * Decode a chunk into `timestamps` / `values` from position `at` (room for chunkLength(chunk)
 * samples). Values are written through `valueWords` (a Uint32Array over `values`' buffer, from
 * its byte offset), so NaN payloads survive. Returns the number of samples written.
 */
export function decodeChunk(
  chunk: Uint8Array,
  timestamps: Float64Array,
  values: Float64Array,
  valueWords: Uint32Array,
  at: number,
): number {
  let pos = 0;
  // Inline varint reader; one byte is the common case.
  const varint = (): number => {
    let b = chunk[pos++]!;
    if (b < 0x80) return b;
    let v = b & 0x7f;
    let scale = 0x80;
    for (;;) {
      b = chunk[pos++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 0x80;
    }
  };
  const n = varint();
  const mode = chunk[pos++]!;
  if (n === 0) return 0;
  const end = at + n;

  // First timestamp: float64 LE.
  const first = readFloat64(chunk, pos);
  pos += 8;
  timestamps[at] = first;
  if (n > 1) {
    let delta = unzigzag(varint() / 2);
    let t = first + delta;
    timestamps[at + 1] = t;
    let i = at + 2;
    while (i < end) {
      const token = varint();
      if (token % 2 === 1) {
        const stop = i + (token - 1) / 2;
        for (; i < stop; i++) {
          t += delta;
          timestamps[i] = t;
        }
      } else {
        delta += unzigzag(token / 2);
        t += delta;
        timestamps[i++] = t;
      }
    }
  }

  if (mode === MODE_INTEGER) {
    let v = 0;
    for (let i = at; i < end; i++) {
      let z = chunk[pos++]!;
      if (z >= 0x80) {
        pos--;
        z = varint();
      }
      v += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      values[i] = v;
    }
    return n;
  }

  let lo =
    (chunk[pos]! | (chunk[pos + 1]! << 8) | (chunk[pos + 2]! << 16) | (chunk[pos + 3]! << 24)) >>>
    0;
  let hi =
    (chunk[pos + 4]! |
      (chunk[pos + 5]! << 8) |
      (chunk[pos + 6]! << 16) |
      (chunk[pos + 7]! << 24)) >>>
    0;
  pos += 8;
  valueWords[2 * at] = lo;
  valueWords[2 * at + 1] = hi;
  for (let i = at + 1; i < end; i++) {
    const head = chunk[pos++]!;
    if (head !== 0xff) {
      const lead = head >>> 4;
      const stop = 8 - (head & 0x0f);
      let xhi = 0;
      let xlo = 0;
      for (let b = lead; b < stop; b++) {
        const byte = chunk[pos++]!;
        if (b < 4) xhi |= byte << (8 * (3 - b));
        else xlo |= byte << (8 * (7 - b));
      }
      hi = (hi ^ xhi) >>> 0;
      lo = (lo ^ xlo) >>> 0;
    }
    valueWords[2 * i] = lo;
    valueWords[2 * i + 1] = hi;
  }
  return n;
}

const float64Scratch = new Float64Array(1);
const float64Bytes = new Uint8Array(float64Scratch.buffer);

function readFloat64(bytes: Uint8Array, pos: number): number {
  for (let k = 0; k < 8; k++) float64Bytes[k] = bytes[pos + k]!;
  return float64Scratch[0]!;
}
