import { OtlpDecodeError } from './decode-error.js';
import { describeField } from './proto-names.js';

/** Node's native slicers; undocumented on `Buffer` but what `toString` calls after its checks. */
interface NativeSlices {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}
const HAS_NATIVE_SLICES =
  typeof (Buffer.prototype as Partial<NativeSlices>).utf8Slice === 'function' &&
  typeof (Buffer.prototype as Partial<NativeSlices>).latin1Slice === 'function';

/** UTF-8 text of `buf[start, end)`; invalid sequences become U+FFFD. */
export function utf8Text(buf: Buffer, start: number, end: number): string {
  return HAS_NATIVE_SLICES
    ? (buf as unknown as NativeSlices).utf8Slice(start, end)
    : buf.toString('utf8', start, end);
}

/** Latin-1 text of `buf[start, end)`: the fastest way to turn ASCII bytes into a string. */
export function asciiText(buf: Buffer, start: number, end: number): string {
  return HAS_NATIVE_SLICES
    ? (buf as unknown as NativeSlices).latin1Slice(start, end)
    : buf.toString('latin1', start, end);
}

/** ASCII codes of the two lowercase hex digits of every byte value, at `2 * byte`. */
export const HEX_DIGITS = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  const digits = i.toString(16).padStart(2, '0');
  HEX_DIGITS[2 * i] = digits.charCodeAt(0);
  HEX_DIGITS[2 * i + 1] = digits.charCodeAt(1);
}
const hexScratch = Buffer.alloc(64);

/** Lowercase hex text of `buf[start, end)`. */
export function hexText(buf: Uint8Array, start: number, end: number): string {
  if (end - start > hexScratch.length >> 1)
    return Buffer.from(buf.subarray(start, end)).toString('hex');
  let j = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i]! << 1;
    hexScratch[j++] = HEX_DIGITS[d]!;
    hexScratch[j++] = HEX_DIGITS[d + 1]!;
  }
  return asciiText(hexScratch, 0, j);
}

export function isAllZero(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * Names, routes, methods, service names: the short strings a decoder turns into JS strings
 * repeat across spans and requests. A direct-mapped cache of ASCII strings, checked against the
 * bytes character by character, saves the allocation and the native call for most of them.
 */
const MAX_CACHED_LENGTH = 40;
const CACHE_SLOTS = 4096;
const textCache: string[] = new Array<string>(CACHE_SLOTS).fill('');

function cachedText(buf: Buffer, start: number, end: number): string {
  let hash = 0x811c9dc5;
  let bits = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    bits |= c;
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  if (bits > 0x7f) return utf8Text(buf, start, end);
  const slot = (hash >>> 0) & (CACHE_SLOTS - 1);
  const cached = textCache[slot]!;
  if (cached.length === end - start) {
    let i = 0;
    while (i < cached.length && cached.charCodeAt(i) === buf[start + i]) i++;
    if (i === cached.length) return cached;
  }
  const text = asciiText(buf, start, end);
  textCache[slot] = text;
  return text;
}

/** The UTF-8 text of `buf[start, end)` (invalid sequences become U+FFFD); short ASCII strings come from a cache. */
export function wireText(buf: Buffer, start: number, end: number): string {
  const n = end - start;
  if (n === 0) return '';
  return n <= MAX_CACHED_LENGTH ? cachedText(buf, start, end) : utf8Text(buf, start, end);
}

/**
 * A cursor over protobuf wire bytes. Every read takes `end`, the end of the message being read,
 * and fails with an `OtlpDecodeError` rather than reading past it, so a forged length can
 * neither read out of bounds nor make the decoder allocate for bytes that are not there.
 *
 * 64-bit values are returned as two unsigned 32-bit halves in `lo` / `hi` so that the hot path
 * allocates no BigInt. `msg` names the message being decoded (set by the decoders) and the last
 * field key read is kept, so that errors can say where they happened.
 */
export class WireReader {
  readonly buf: Buffer;
  readonly end: number;
  pos = 0;
  lo = 0;
  hi = 0;
  msg = '';
  private lastTag = 0;
  private readonly view: DataView;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = bytes.byteLength;
  }

  /** Reads a field key (field number << 3 | wire type). */
  tag(end: number): number {
    const pos = this.pos;
    if (pos < end) {
      const b = this.buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        this.lastTag = b;
        return b;
      }
    }
    if (pos >= end) throw this.error('truncated field key in', pos, false);
    this.lastTag = 0;
    this.varint64(end);
    if (this.hi !== 0) throw this.error('field key longer than 32 bits in', pos, false);
    this.lastTag = this.lo;
    return this.lo;
  }

  uint32(end: number): number {
    const pos = this.pos;
    if (pos < end) {
      const b = this.buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    this.varint64(end);
    return this.lo;
  }

  int32(end: number): number {
    return this.uint32(end) | 0;
  }

  sint32(end: number): number {
    const n = this.uint32(end);
    return (n >>> 1) ^ -(n & 1);
  }

  bool(end: number): boolean {
    this.varint64(end);
    return this.lo !== 0 || this.hi !== 0;
  }

  /** Reads a varint into `lo` / `hi`. */
  varint64(end: number): void {
    const buf = this.buf;
    const start = this.pos;
    let pos = start;
    let lo = 0;
    let b: number;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) throw this.error('truncated varint in', start, true);
      b = buf[pos++]!;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = 0;
        return;
      }
    }
    if (pos >= end) throw this.error('truncated varint in', start, true);
    b = buf[pos++]!;
    lo |= (b & 0x7f) << 28;
    let hi = (b & 0x7f) >>> 4;
    if (b >= 0x80) {
      for (let shift = 3; ; shift += 7) {
        if (shift > 31) throw this.error('varint longer than 10 bytes in', start, true);
        if (pos >= end) throw this.error('truncated varint in', start, true);
        b = buf[pos++]!;
        hi |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
    }
    this.pos = pos;
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** Reads 8 little-endian bytes into `lo` / `hi`. */
  fixed64(end: number): void {
    const pos = this.pos;
    if (pos + 8 > end) throw this.error('truncated 64-bit value in', pos, true);
    this.lo = this.view.getUint32(pos, true);
    this.hi = this.view.getUint32(pos + 4, true);
    this.pos = pos + 8;
  }

  fixed32(end: number): number {
    const pos = this.pos;
    if (pos + 4 > end) throw this.error('truncated 32-bit value in', pos, true);
    this.pos = pos + 4;
    return this.view.getUint32(pos, true);
  }

  double(end: number): number {
    const pos = this.pos;
    if (pos + 8 > end) throw this.error('truncated 64-bit value in', pos, true);
    this.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  /** Reads the length of a length-delimited field and returns where its bytes end. */
  len(end: number): number {
    const start = this.pos;
    let n: number;
    const b = start < end ? this.buf[start]! : 0x80;
    if (b < 0x80) {
      this.pos = start + 1;
      n = b;
    } else {
      this.varint64(end);
      if (this.hi !== 0) throw this.error('length out of range in', start, true);
      n = this.lo;
    }
    const fieldEnd = this.pos + n;
    if (fieldEnd > end) {
      throw this.error(
        `truncated length-delimited`,
        start,
        true,
        `: it declares ${n} bytes but only ${end - this.pos} remain`,
      );
    }
    return fieldEnd;
  }

  /** Skips the value of a field this decoder does not use. */
  skip(tag: number, end: number): void {
    if (tag < 8) throw this.error('invalid field number 0 in', this.pos, false);
    switch (tag & 7) {
      case 0:
        this.varint64(end);
        return;
      case 1:
        if (this.pos + 8 > end) throw this.error('truncated 64-bit value in', this.pos, true);
        this.pos += 8;
        return;
      case 2:
        this.pos = this.len(end);
        return;
      case 5:
        if (this.pos + 4 > end) throw this.error('truncated 32-bit value in', this.pos, true);
        this.pos += 4;
        return;
      case 3:
      case 4:
        throw this.error('unsupported group (wire type 3/4) in', this.pos, true);
      default:
        throw this.error(`invalid wire type ${tag & 7} in`, this.pos, true);
    }
  }

  /** The UTF-8 text of `buf[start, end)`; short ASCII strings come from a cache. */
  string(start: number, end: number): string {
    return wireText(this.buf, start, end);
  }

  private error(problem: string, at: number, withField: boolean, detail = ''): OtlpDecodeError {
    const field = this.lastTag >>> 3;
    const where =
      withField && field !== 0
        ? `field ${field} (${describeField(this.msg, field)})`
        : this.msg || 'message';
    return new OtlpDecodeError(`invalid protobuf: ${problem} ${where} at byte ${at}${detail}`);
  }
}
