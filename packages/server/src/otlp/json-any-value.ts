import { truncateText, type AttributeLimiter } from './attribute-limits.js';
import { isSafeInt64 } from './int64-text.js';
import type { PromotedKeys, PromotedValue } from './promoted.js';
import { MAX_ANY_VALUE_DEPTH } from './wire-any-value.js';
import {
  doubleText,
  field,
  readArray,
  readBool,
  readDouble,
  readInt64,
  readObject,
  readString,
  type JsonObject,
  type JsonPath,
} from './json-values.js';

/**
 * OTLP/JSON KeyValue / AnyValue → attribute JSON text, with the same conventions (and the same
 * text, and the same attribute limits) as the protobuf path's `wire-any-value.ts`.
 */

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * `{"key":value,...}` from a KeyValue array; captures promoted keys' scalars into `slots`. At
 * depth 0 (an item's own attributes) only the first `limits.maxAttributes` are kept.
 */
export function keyValuesText(
  list: unknown,
  path: JsonPath,
  key: string,
  depth: number,
  keys: PromotedKeys | null,
  slots: PromotedValue[] | null,
  limits: AttributeLimiter,
): string {
  const items = readArray(list, path, key);
  if (items.length === 0) return '{}';
  path.enter(key);
  let text = '{';
  for (let i = 0; i < items.length; i++) {
    path.enter(i);
    const kv = readObject(items[i], path, null) ?? {};
    const name = readString(kv.key, path, 'key');
    const value = readObject(kv.value, path, 'value');
    const truncatedBefore = limits.valuesTruncated;
    path.enter('value');
    const valueText = anyValueText(value, path, depth, limits);
    path.leave();
    if (depth === 0 && i >= limits.maxAttributes) {
      // Beyond the count limit: read only to validate it.
      limits.valuesTruncated = truncatedBefore;
      limits.attributesDropped++;
    } else {
      if (i > 0) text += ',';
      text += JSON.stringify(name) + ':' + valueText;
      if (keys !== null && slots !== null) {
        // A repeated key overwrites, as it does in the JSON map.
        const slot = keys.matchName(name);
        if (slot >= 0) {
          slots[slot] = value === undefined ? null : jsonScalar(value, path, limits.maxValueLength);
        }
      }
    }
    path.leave();
  }
  path.leave();
  return text + '}';
}

/** The JSON text of an AnyValue (`null` when it holds none). */
export function anyValueText(
  value: JsonObject | undefined,
  path: JsonPath,
  depth: number,
  limits: AttributeLimiter,
): string {
  if (value === undefined) return 'null';
  if (depth > MAX_ANY_VALUE_DEPTH) {
    throw path.error(null, `attribute values nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  }
  let text = 'null';
  let v: unknown;
  if ((v = field(value, 'stringValue', 'string_value')) !== undefined) {
    const s = readString(v, path, 'stringValue');
    const cut = truncateText(s, limits.maxValueLength);
    if (cut.length !== s.length) limits.valuesTruncated++;
    text = JSON.stringify(cut);
  } else if ((v = field(value, 'boolValue', 'bool_value')) !== undefined) {
    text = readBool(v, path, 'boolValue') ? 'true' : 'false';
  } else if ((v = field(value, 'intValue', 'int_value')) !== undefined) {
    text = BigInt.asIntN(64, readInt64(v, path, 'intValue')).toString();
  } else if ((v = field(value, 'doubleValue', 'double_value')) !== undefined) {
    text = doubleText(readDouble(v, path, 'doubleValue', 0));
  } else if ((v = field(value, 'arrayValue', 'array_value')) !== undefined) {
    const array = readObject(v, path, 'arrayValue') ?? {};
    const items = readArray(array.values, path, 'arrayValue.values');
    path.enter('arrayValue');
    path.enter('values');
    text = '[';
    for (let i = 0; i < items.length; i++) {
      path.enter(i);
      if (i > 0) text += ',';
      text += anyValueText(readObject(items[i], path, null), path, depth + 1, limits);
      path.leave();
    }
    text += ']';
    path.leave();
    path.leave();
  } else if ((v = field(value, 'kvlistValue', 'kvlist_value')) !== undefined) {
    const list = readObject(v, path, 'kvlistValue') ?? {};
    path.enter('kvlistValue');
    text = keyValuesText(list.values, path, 'values', depth + 1, null, null, limits);
    path.leave();
  } else if ((v = field(value, 'bytesValue', 'bytes_value')) !== undefined) {
    const b64 = readString(v, path, 'bytesValue');
    if (!BASE64.test(b64)) throw path.error('bytesValue', 'expected base64 text');
    let bytes = Buffer.from(b64, 'base64');
    if (bytes.length > limits.maxValueLength) {
      bytes = bytes.subarray(0, limits.maxValueLength);
      limits.valuesTruncated++;
    }
    text = JSON.stringify(bytes.toString('base64'));
  }
  return text;
}

/**
 * The scalar an AnyValue holds (see `PromotedValue`), strings cut like the JSON map's; the value
 * has been validated already.
 */
function jsonScalar(value: JsonObject, path: JsonPath, maxValueLength: number): PromotedValue {
  let v: unknown;
  if ((v = field(value, 'stringValue', 'string_value')) !== undefined) {
    return truncateText(readString(v, path, 'stringValue'), maxValueLength);
  }
  if ((v = field(value, 'boolValue', 'bool_value')) !== undefined) {
    return readBool(v, path, 'boolValue');
  }
  if ((v = field(value, 'intValue', 'int_value')) !== undefined) {
    const n = BigInt.asIntN(64, readInt64(v, path, 'intValue'));
    const hi = Number(BigInt.asUintN(32, n >> 32n));
    return isSafeInt64(hi) ? Number(n) : n.toString();
  }
  if ((v = field(value, 'doubleValue', 'double_value')) !== undefined) {
    return readDouble(v, path, 'doubleValue', 0);
  }
  return null;
}
