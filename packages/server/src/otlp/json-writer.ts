import { HEX_DIGITS, asciiText, utf8Text } from './wire-reader.js';
import { SAFE_HI, TWO_32, int64Number, isSafeInt64, uint64High, uint64Low6 } from './int64-text.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const INITIAL_CAPACITY = 4096;
/** A writer that grew past this for one huge value gives the memory back on its next reset. */
const RETAINED_CAPACITY = 1 << 20;

/**
 * Per byte: 0 when it is copied into a JSON string as it is, else the character written after
 * a backslash (`\b \t \n \f \r \" \\` as JSON.stringify writes them), or `u` for `\u00XX`.
 */
const ESCAPE = new Uint8Array(256);
ESCAPE.fill(0x75, 0, 0x20);
ESCAPE[0x08] = 0x62;
ESCAPE[0x09] = 0x74;
ESCAPE[0x0a] = 0x6e;
ESCAPE[0x0c] = 0x66;
ESCAPE[0x0d] = 0x72;
ESCAPE[QUOTE] = QUOTE;
ESCAPE[BACKSLASH] = BACKSLASH;

const BASE64 = new Uint8Array(64);
for (let i = 0; i < 64; i++) {
  BASE64[i] = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i);
}

/**
 * Builds JSON text as UTF-8 bytes straight from protobuf wire bytes, so that an attribute map
 * costs one string allocation however many values it holds. String bytes are copied as they
 * are, escaping only what JSON requires; invalid UTF-8 is replaced with U+FFFD when the text is
 * decoded, exactly as if each string had been decoded on its own (the structural characters
 * around them are ASCII, which always ends a broken sequence).
 */
export class JsonWriter {
  buf = Buffer.allocUnsafe(INITIAL_CAPACITY);
  len = 0;
  /**
   * Top-level members written since the last reset; kept by `writeKeyValue` for the attribute
   * count limit (a writer holds one attribute map at a time).
   */
  members = 0;
  /** Whether a byte above 0x7f has been written since the last reset (else Latin-1 decodes). */
  private nonAscii = false;

  get hasNonAscii(): boolean {
    return this.nonAscii;
  }

  reset(): void {
    this.len = 0;
    this.members = 0;
    this.nonAscii = false;
    if (this.buf.length > RETAINED_CAPACITY) this.buf = Buffer.allocUnsafe(INITIAL_CAPACITY);
  }

  text(): string {
    return this.nonAscii ? utf8Text(this.buf, 0, this.len) : asciiText(this.buf, 0, this.len);
  }

  /** Closes an object opened with `{` and returns the text (`{}` without allocating). */
  closeObject(): string {
    if (this.len === 1) return '{}';
    this.byte(0x7d);
    return this.text();
  }

  /** Closes an array opened with `[` and returns the text (`[]` without allocating). */
  closeArray(): string {
    if (this.len === 1) return '[]';
    this.byte(0x5d);
    return this.text();
  }

  byte(c: number): void {
    if (this.len === this.buf.length) this.grow(1);
    this.buf[this.len++] = c;
  }

  /** Writes an ASCII-only string (keywords, numbers, fixed keys) as it is. */
  ascii(s: string): void {
    const n = s.length;
    if (this.len + n > this.buf.length) this.grow(n);
    const buf = this.buf;
    let p = this.len;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.len = p;
  }

  /** A JSON string literal of the UTF-8 bytes `src[start, end)`. */
  utf8String(src: Uint8Array, start: number, end: number): void {
    const n = end - start + 2;
    if (this.len + n > this.buf.length) this.grow(n);
    let buf = this.buf;
    let p = this.len;
    let bits = 0;
    buf[p++] = QUOTE;
    for (let i = start; i < end; i++) {
      const c = src[i]!;
      const escape = ESCAPE[c]!;
      bits |= c;
      if (escape === 0) {
        buf[p++] = c;
        continue;
      }
      // An escape takes up to six bytes where the estimate reserved one.
      if (p + 6 + (end - i) > buf.length) {
        this.len = p;
        this.grow(6 + (end - i));
        buf = this.buf;
      }
      buf[p++] = BACKSLASH;
      buf[p++] = escape;
      if (escape === 0x75) {
        buf[p++] = 0x30;
        buf[p++] = 0x30;
        buf[p++] = HEX_DIGITS[c << 1]!;
        buf[p++] = HEX_DIGITS[(c << 1) + 1]!;
      }
    }
    buf[p++] = QUOTE;
    this.len = p;
    if (bits > 0x7f) this.nonAscii = true;
  }

  /** A JSON string literal of a JS string (for the rare values that are not wire bytes). */
  stringText(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.utf8String(bytes, 0, bytes.length);
  }

  /** A JSON string literal holding the lowercase hex of `src[start, end)`. */
  hexString(src: Uint8Array, start: number, end: number): void {
    const n = (end - start) * 2 + 2;
    if (this.len + n > this.buf.length) this.grow(n);
    const buf = this.buf;
    let p = this.len;
    buf[p++] = QUOTE;
    for (let i = start; i < end; i++) {
      const d = src[i]! << 1;
      buf[p++] = HEX_DIGITS[d]!;
      buf[p++] = HEX_DIGITS[d + 1]!;
    }
    buf[p++] = QUOTE;
    this.len = p;
  }

  /** A JSON string literal holding the standard (padded) base64 of `src[start, end)`. */
  base64String(src: Uint8Array, start: number, end: number): void {
    const n = Math.ceil((end - start) / 3) * 4 + 2;
    if (this.len + n > this.buf.length) this.grow(n);
    const buf = this.buf;
    let p = this.len;
    buf[p++] = QUOTE;
    let i = start;
    for (; i + 2 < end; i += 3) {
      const v = (src[i]! << 16) | (src[i + 1]! << 8) | src[i + 2]!;
      buf[p++] = BASE64[v >>> 18]!;
      buf[p++] = BASE64[(v >>> 12) & 63]!;
      buf[p++] = BASE64[(v >>> 6) & 63]!;
      buf[p++] = BASE64[v & 63]!;
    }
    if (i < end) {
      const two = i + 1 < end;
      const v = (src[i]! << 16) | (two ? src[i + 1]! << 8 : 0);
      buf[p++] = BASE64[v >>> 18]!;
      buf[p++] = BASE64[(v >>> 12) & 63]!;
      buf[p++] = two ? BASE64[(v >>> 6) & 63]! : 0x3d;
      buf[p++] = 0x3d;
    }
    buf[p++] = QUOTE;
    this.len = p;
  }

  /** A double: a JSON number, or the string "NaN" / "Infinity" / "-Infinity". */
  double(d: number): void {
    if (Number.isFinite(d)) this.ascii(String(d));
    else this.ascii(d > 0 ? '"Infinity"' : d < 0 ? '"-Infinity"' : '"NaN"');
  }

  /** A signed 64-bit integer given as halves, as exact JSON number text. */
  int64(lo: number, hi: number): void {
    if (hi === 0 && lo < 0x80000000) {
      this.smallUint(lo);
    } else if (isSafeInt64(hi)) {
      this.ascii(String(int64Number(lo, hi)));
    } else {
      this.int64Digits(lo, hi);
    }
  }

  /** Exact decimal digits of a signed 64-bit integer given as halves, without allocating. */
  int64Digits(lo: number, hi: number): void {
    if (hi >= 0x80000000) {
      this.byte(0x2d); // '-'
      const negLo = (~lo + 1) >>> 0;
      this.uint64Digits(negLo, (~hi + (negLo === 0 ? 1 : 0)) >>> 0);
    } else {
      this.uint64Digits(lo, hi);
    }
  }

  /** Exact decimal digits of an unsigned 64-bit integer given as halves. */
  uint64Digits(lo: number, hi: number): void {
    if (hi < SAFE_HI) {
      this.safeUint(hi * TWO_32 + lo);
    } else {
      this.safeUint(uint64High(lo, hi));
      this.padded6(uint64Low6(lo, hi));
    }
  }

  /** A non-negative integer below 2^31, without allocating its text. */
  smallUint(n: number): void {
    this.digits(n, 0);
  }

  /** A non-negative integer below 2^53, without allocating its text. */
  private safeUint(n: number): void {
    if (n < 1e8) {
      this.digits(n, 0);
    } else {
      // Two int32-sized halves, so that digit arithmetic stays in integer registers.
      const high = Math.floor(n / 1e8);
      this.digits(high, 0);
      this.digits(n - high * 1e8, 8);
    }
  }

  /** Six digits with leading zeros. */
  private padded6(n: number): void {
    this.digits(n, 6);
  }

  /** The digits of `0 <= n < 2^31`, zero-padded to at least `width`. */
  private digits(n: number, width: number): void {
    let count = 1;
    for (let t = n; t >= 10; t = (t / 10) | 0) count++;
    if (count < width) count = width;
    if (this.len + count > this.buf.length) this.grow(count);
    const buf = this.buf;
    const start = this.len;
    let t = n | 0;
    for (let p = start + count - 1; p >= start; p--) {
      buf[p] = 0x30 + (t % 10);
      t = (t / 10) | 0;
    }
    this.len = start + count;
  }

  /** Appends everything another writer holds. */
  append(other: JsonWriter): void {
    const n = other.len;
    if (this.len + n > this.buf.length) this.grow(n);
    const from = other.buf;
    const to = this.buf;
    let p = this.len;
    // A loop beats Buffer#copy's call overhead for the small maps this is used for.
    if (n < 256) for (let i = 0; i < n; i++) to[p++] = from[i]!;
    else p += from.copy(to, p, 0, n);
    this.len = p;
    if (other.nonAscii) this.nonAscii = true;
  }

  private grow(needed: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + needed));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
}
