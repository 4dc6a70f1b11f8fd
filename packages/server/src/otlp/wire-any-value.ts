import { truncatedUtf8Text, type AttributeLimiter } from './attribute-limits.js';
import { OtlpDecodeError } from './decode-error.js';
import { int64Text, int64Number, isSafeInt64 } from './int64-text.js';
import type { JsonWriter } from './json-writer.js';
import type { PromotedKeys, PromotedValue } from './promoted.js';
import type { WireReader } from './wire-reader.js';

/**
 * KeyValue / AnyValue wire bytes written straight into JSON text (see `JsonWriter`), following
 * the attribute conventions of `telemetry/batches.ts`. A oneof set more than once keeps its last
 * value, as protobuf decoders do; an AnyValue with no value is `null`. Attribute limits are
 * applied as `attribute-limits.ts` describes.
 */

/** Deeper nesting than this is refused rather than risking the stack. */
export const MAX_ANY_VALUE_DEPTH = 64;

// Field keys (field number << 3 | wire type).
const KV_KEY = 0x0a;
const KV_VALUE = 0x12;
const AV_STRING = 0x0a;
const AV_BOOL = 0x10;
const AV_INT = 0x18;
const AV_DOUBLE = 0x21;
const AV_ARRAY = 0x2a;
const AV_KVLIST = 0x32;
const AV_BYTES = 0x3a;
const LIST_VALUES = 0x0a;

/**
 * Writes one KeyValue (`r.pos` to `end`) as `"key":value` into `w`, preceded by a comma unless it
 * is the first member after `{`. When `keys` knows the key, its scalar value goes into `slots`.
 * At depth 0 (an item's own attributes) it counts towards `limits.maxAttributes`.
 */
export function writeKeyValue(
  r: WireReader,
  end: number,
  w: JsonWriter,
  depth: number,
  keys: PromotedKeys | null,
  slots: PromotedValue[] | null,
  limits: AttributeLimiter,
): void {
  // Key and value may come in either order: find both, then write the key first.
  let keyStart = 0;
  let keyEnd = 0;
  let valueStart = -1;
  let valueEnd = -1;
  while (r.pos < end) {
    r.msg = 'KeyValue';
    const tag = r.tag(end);
    if (tag === KV_KEY) {
      keyEnd = r.len(end);
      keyStart = r.pos;
      r.pos = keyEnd;
    } else if (tag === KV_VALUE) {
      valueEnd = r.len(end);
      valueStart = r.pos;
      r.pos = valueEnd;
    } else {
      r.skip(tag, end);
    }
  }
  const mapEnd = w.len;
  const truncatedBefore = limits.valuesTruncated;
  if (w.buf[mapEnd - 1] !== 0x7b) w.byte(0x2c); // not right after '{': ','
  w.utf8String(r.buf, keyStart, keyEnd);
  w.byte(0x3a); // ':'
  if (valueStart < 0) {
    w.ascii('null');
  } else {
    r.pos = valueStart;
    writeAnyValue(r, valueEnd, w, depth, limits);
  }
  if (depth === 0 && w.members++ >= limits.maxAttributes) {
    // Beyond the count limit: written only to validate it, then taken back.
    w.len = mapEnd;
    limits.valuesTruncated = truncatedBefore;
    limits.attributesDropped++;
  } else if (keys !== null && slots !== null) {
    // A repeated key overwrites, as it does in the JSON map.
    const slot = keys.matchBytes(r.buf, keyStart, keyEnd);
    if (slot >= 0) {
      slots[slot] =
        valueStart < 0 ? null : scalarAt(r, valueStart, valueEnd, limits.maxValueLength);
    }
  }
  r.pos = end;
}

/** Writes the AnyValue from `r.pos` to `end` as a JSON value. */
export function writeAnyValue(
  r: WireReader,
  end: number,
  w: JsonWriter,
  depth: number,
  limits: AttributeLimiter,
): void {
  if (depth > MAX_ANY_VALUE_DEPTH) {
    throw new OtlpDecodeError(
      `invalid protobuf: attribute values nested deeper than ${MAX_ANY_VALUE_DEPTH} levels at byte ${r.pos}`,
    );
  }
  const start = w.len;
  // A later value replaces an earlier one, and so does what the limits counted for it.
  const truncatedBefore = limits.valuesTruncated;
  while (r.pos < end) {
    r.msg = 'AnyValue';
    const tag = r.tag(end);
    switch (tag) {
      case AV_STRING: {
        const e = r.len(end);
        w.len = start;
        limits.valuesTruncated = truncatedBefore;
        const max = limits.maxValueLength;
        const cut = e - r.pos > max ? truncatedUtf8Text(r.buf, r.pos, e, max) : null;
        if (cut === null) {
          w.utf8String(r.buf, r.pos, e);
        } else {
          w.stringText(cut);
          limits.valuesTruncated++;
        }
        r.pos = e;
        break;
      }
      case AV_BOOL: {
        const b = r.bool(end);
        w.len = start;
        limits.valuesTruncated = truncatedBefore;
        w.ascii(b ? 'true' : 'false');
        break;
      }
      case AV_INT:
        r.varint64(end);
        w.len = start;
        limits.valuesTruncated = truncatedBefore;
        w.int64(r.lo, r.hi);
        break;
      case AV_DOUBLE: {
        const d = r.double(end);
        w.len = start;
        limits.valuesTruncated = truncatedBefore;
        w.double(d);
        break;
      }
      case AV_ARRAY: {
        const e = r.len(end);
        w.len = start;
        limits.valuesTruncated = truncatedBefore;
        writeArrayValue(r, e, w, depth + 1, limits);
        break;
      }
      case AV_KVLIST: {
        const e = r.len(end);
        w.len = start;
        limits.valuesTruncated = truncatedBefore;
        writeKeyValueList(r, e, w, depth + 1, limits);
        break;
      }
      case AV_BYTES: {
        const e = r.len(end);
        w.len = start;
        limits.valuesTruncated = truncatedBefore;
        if (e - r.pos > limits.maxValueLength) {
          w.base64String(r.buf, r.pos, r.pos + limits.maxValueLength);
          limits.valuesTruncated++;
        } else {
          w.base64String(r.buf, r.pos, e);
        }
        r.pos = e;
        break;
      }
      default:
        r.skip(tag, end);
    }
  }
  if (w.len === start) w.ascii('null');
}

function writeArrayValue(
  r: WireReader,
  end: number,
  w: JsonWriter,
  depth: number,
  limits: AttributeLimiter,
): void {
  w.byte(0x5b); // '['
  let first = true;
  while (r.pos < end) {
    r.msg = 'ArrayValue';
    const tag = r.tag(end);
    if (tag !== LIST_VALUES) {
      r.skip(tag, end);
      continue;
    }
    const e = r.len(end);
    if (!first) w.byte(0x2c);
    first = false;
    writeAnyValue(r, e, w, depth, limits);
  }
  w.byte(0x5d); // ']'
}

function writeKeyValueList(
  r: WireReader,
  end: number,
  w: JsonWriter,
  depth: number,
  limits: AttributeLimiter,
): void {
  w.byte(0x7b); // '{'
  while (r.pos < end) {
    r.msg = 'KeyValueList';
    const tag = r.tag(end);
    if (tag !== LIST_VALUES) {
      r.skip(tag, end);
      continue;
    }
    const e = r.len(end);
    writeKeyValue(r, e, w, depth, null, null, limits);
  }
  w.byte(0x7d); // '}'
}

/**
 * The scalar an AnyValue holds (see `PromotedValue`), strings cut to `maxValueLength`
 * characters like the JSON map's; leaves `r.pos` at `end`.
 */
export function scalarAt(
  r: WireReader,
  start: number,
  end: number,
  maxValueLength: number,
): PromotedValue {
  let value: PromotedValue = null;
  r.pos = start;
  while (r.pos < end) {
    const tag = r.tag(end);
    switch (tag) {
      case AV_STRING: {
        const e = r.len(end);
        const cut =
          e - r.pos > maxValueLength ? truncatedUtf8Text(r.buf, r.pos, e, maxValueLength) : null;
        value = cut ?? r.string(r.pos, e);
        r.pos = e;
        break;
      }
      case AV_BOOL:
        value = r.bool(end);
        break;
      case AV_INT:
        r.varint64(end);
        value = isSafeInt64(r.hi) ? int64Number(r.lo, r.hi) : int64Text(r.lo, r.hi);
        break;
      case AV_DOUBLE:
        value = r.double(end);
        break;
      case AV_ARRAY:
      case AV_KVLIST:
      case AV_BYTES:
        r.pos = r.len(end);
        value = null;
        break;
      default:
        r.skip(tag, end);
    }
  }
  return value;
}

/** The key of the value field an AnyValue sets last (which wins), or -1 when it sets none. */
export function lastValueTag(r: WireReader, start: number, end: number): number {
  let last = -1;
  r.pos = start;
  while (r.pos < end) {
    r.msg = 'AnyValue';
    const tag = r.tag(end);
    if (tag >= AV_STRING && tag <= AV_BYTES && ANY_VALUE_TAGS.has(tag)) last = tag;
    r.skip(tag, end);
  }
  return last;
}

const ANY_VALUE_TAGS = new Set([
  AV_STRING,
  AV_BOOL,
  AV_INT,
  AV_DOUBLE,
  AV_ARRAY,
  AV_KVLIST,
  AV_BYTES,
]);
export const ANY_VALUE_STRING_TAG = AV_STRING;
