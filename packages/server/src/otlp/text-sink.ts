import { isUtf8 } from 'node:buffer';
import type { Utf8Column } from '../telemetry/utf8-column.js';
import type { JsonWriter } from './json-writer.js';
import { HEX_DIGITS, hexText, utf8Text, wireText } from './wire-reader.js';

/**
 * Where a decoder appends the rows of one string column: as JS strings (`StringSink`, the
 * batches of `telemetry/batches.ts`) or as UTF-8 bytes (`Utf8Sink`, a `Utf8Column`, what decode
 * workers hand over without a structured clone). Decoders append wire bytes, hex ids and JSON
 * writers' text without knowing which; only the string sink makes JS strings of them.
 */
export interface TextSink {
  readonly length: number;
  /** A value that already is a JS string; `null` only in nullable columns. */
  push(value: string | null): void;
  /** The UTF-8 bytes `buf[start, end)`; invalid sequences become U+FFFD. */
  utf8(buf: Buffer, start: number, end: number): void;
  /** The lowercase hex text of `buf[start, end)`. */
  hex(buf: Uint8Array, start: number, end: number): void;
  /**
   * The JSON text in `w`, after writing its closing byte (`}` or `]`); `empty` when `w` holds
   * only its opening byte (no allocation for `{}` / `[]`).
   */
  json(w: JsonWriter, close: 0x7d | 0x5d, empty: string): void;
  /** `count` copies of `value`. */
  repeat(value: string | null, count: number): void;
}

export type TextMode = 'strings' | 'utf8';

export function textSink(mode: TextMode): TextSink {
  return mode === 'strings' ? new StringSink() : new Utf8Sink();
}

export class StringSink implements TextSink {
  readonly values: (string | null)[] = [];

  get length(): number {
    return this.values.length;
  }

  push(value: string | null): void {
    this.values.push(value);
  }

  utf8(buf: Buffer, start: number, end: number): void {
    this.values.push(wireText(buf, start, end));
  }

  hex(buf: Uint8Array, start: number, end: number): void {
    this.values.push(hexText(buf, start, end));
  }

  json(w: JsonWriter, close: 0x7d | 0x5d, empty: string): void {
    if (w.len === 1) {
      this.values.push(empty);
      return;
    }
    w.byte(close);
    this.values.push(w.text());
  }

  repeat(value: string | null, count: number): void {
    for (let i = 0; i < count; i++) this.values.push(value);
  }
}

const INITIAL_BYTES = 1024;
const INITIAL_ROWS = 64;
/** Copies shorter than this are a loop; longer ones a native copy. */
const SHORT_COPY = 32;

/**
 * Working buffers of finished sinks, for the next request's sinks: a decoder thread fills the
 * same columns request after request, and growing fresh buffers each time was a visible cost.
 * Bounded in count and in the size of a buffer kept.
 */
const spareBytes: Uint8Array[] = [];
const spareEnds: Uint32Array[] = [];
const MAX_SPARES = 64;
const MAX_SPARE_BYTES = 4 << 20;

export class Utf8Sink implements TextSink {
  length = 0;
  private bytes = spareBytes.pop() ?? new Uint8Array(INITIAL_BYTES);
  private byteLength = 0;
  private ends = spareEnds.pop() ?? new Uint32Array(INITIAL_ROWS);
  private nulls: Uint8Array | null = null;

  push(value: string | null): void {
    if (value === null) {
      this.pushNull();
      return;
    }
    const n = value.length;
    this.reserve(n);
    const bytes = this.bytes;
    let p = this.byteLength;
    let i = 0;
    while (i < n) {
      const c = value.charCodeAt(i);
      if (c > 0x7f) break;
      bytes[p++] = c;
      i++;
    }
    if (i < n) {
      // Not ASCII: let Buffer encode the rest (lone surrogates become U+FFFD, as everywhere).
      const rest = Buffer.from(value.slice(i), 'utf8');
      this.byteLength = p;
      this.reserve(rest.length);
      this.bytes.set(rest, this.byteLength);
      p = this.byteLength + rest.length;
    }
    this.byteLength = p;
    this.endRow();
  }

  utf8(buf: Buffer, start: number, end: number): void {
    let bits = 0;
    for (let i = start; i < end; i++) bits |= buf[i]!;
    if (bits > 0x7f && !isUtf8(buf.subarray(start, end))) {
      this.push(utf8Text(buf, start, end));
      return;
    }
    this.copy(buf, start, end);
  }

  hex(buf: Uint8Array, start: number, end: number): void {
    this.reserve((end - start) * 2);
    const bytes = this.bytes;
    let p = this.byteLength;
    for (let i = start; i < end; i++) {
      const d = buf[i]! << 1;
      bytes[p++] = HEX_DIGITS[d]!;
      bytes[p++] = HEX_DIGITS[d + 1]!;
    }
    this.byteLength = p;
    this.endRow();
  }

  json(w: JsonWriter, close: 0x7d | 0x5d, empty: string): void {
    if (w.len === 1) {
      this.push(empty);
      return;
    }
    w.byte(close);
    if (w.hasNonAscii && !isUtf8(w.buf.subarray(0, w.len))) {
      this.push(w.text());
      return;
    }
    this.copy(w.buf, 0, w.len);
  }

  repeat(value: string | null, count: number): void {
    if (count <= 0) return;
    this.push(value);
    if (value === null) {
      for (let i = 1; i < count; i++) this.pushNull();
      return;
    }
    const end = this.byteLength;
    const start = this.length > 1 ? this.ends[this.length - 2]! : 0;
    const n = end - start;
    this.reserve(n * (count - 1));
    // Doubling copies: log2(count) native calls rather than one per row.
    let copied = 1;
    while (copied < count) {
      const rows = Math.min(copied, count - copied);
      this.bytes.copyWithin(this.byteLength, start, start + rows * n);
      for (let i = 0; i < rows; i++) {
        this.byteLength += n;
        this.endRow();
      }
      copied += rows;
    }
  }

  /**
   * The column, in buffers of its own (exactly sized, so they can be transferred). The sink's
   * working buffers go to the next sink; this one is done.
   */
  finish(): Utf8Column {
    const column: Utf8Column = {
      utf8: true,
      length: this.length,
      bytes: this.bytes.slice(0, this.byteLength),
      ends: this.ends.slice(0, this.length),
      nulls: this.nulls === null ? null : this.nulls.slice(0, this.length),
    };
    if (spareBytes.length < MAX_SPARES && this.bytes.length <= MAX_SPARE_BYTES) {
      spareBytes.push(this.bytes);
      spareEnds.push(this.ends);
    }
    this.bytes = new Uint8Array(0);
    this.ends = new Uint32Array(0);
    this.byteLength = 0;
    this.length = 0;
    return column;
  }

  private pushNull(): void {
    this.nulls ??= new Uint8Array(this.ends.length);
    this.endRow();
    this.nulls[this.length - 1] = 1;
  }

  private copy(src: Buffer, start: number, end: number): void {
    const n = end - start;
    this.reserve(n);
    if (n < SHORT_COPY) {
      const bytes = this.bytes;
      let p = this.byteLength;
      for (let i = start; i < end; i++) bytes[p++] = src[i]!;
    } else {
      src.copy(this.bytes, this.byteLength, start, end);
    }
    this.byteLength += n;
    this.endRow();
  }

  private endRow(): void {
    if (this.length === this.ends.length) {
      const ends = new Uint32Array(Math.max(INITIAL_ROWS, this.ends.length * 2));
      ends.set(this.ends);
      this.ends = ends;
      if (this.nulls !== null) {
        const nulls = new Uint8Array(ends.length);
        nulls.set(this.nulls);
        this.nulls = nulls;
      }
    }
    this.ends[this.length++] = this.byteLength;
  }

  private reserve(n: number): void {
    const needed = this.byteLength + n;
    if (needed <= this.bytes.length) return;
    const bytes = new Uint8Array(Math.max(needed, INITIAL_BYTES, this.bytes.length * 2));
    bytes.set(this.bytes.subarray(0, this.byteLength));
    this.bytes = bytes;
  }
}
