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
 * text) as the protobuf path's `wire-any-value.ts`.
 */

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** `{"key":value,...}` from a KeyValue array; captures promoted keys' scalars into `slots`. */
export function keyValuesText(
  list: unknown,
  path: JsonPath,
  key: string,
  depth: number,
  keys: PromotedKeys | null,
  slots: PromotedValue[] | null,
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
    if (i > 0) text += ',';
    path.enter('value');
    text += JSON.stringify(name) + ':' + anyValueText(value, path, depth);
    path.leave();
    if (keys !== null && slots !== null) {
      // A repeated key overwrites, as it does in the JSON map.
      const slot = keys.matchName(name);
      if (slot >= 0) slots[slot] = value === undefined ? null : jsonScalar(value, path);
    }
    path.leave();
  }
  path.leave();
  return text + '}';
}

/** The JSON text of an AnyValue (`null` when it holds none). */
export function anyValueText(value: JsonObject | undefined, path: JsonPath, depth: number): string {
  if (value === undefined) return 'null';
  if (depth > MAX_ANY_VALUE_DEPTH) {
    throw path.error(null, `attribute values nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  }
  let text = 'null';
  let v: unknown;
  if ((v = field(value, 'stringValue', 'string_value')) !== undefined) {
    text = JSON.stringify(readString(v, path, 'stringValue'));
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
      text += anyValueText(readObject(items[i], path, null), path, depth + 1);
      path.leave();
    }
    text += ']';
    path.leave();
    path.leave();
  } else if ((v = field(value, 'kvlistValue', 'kvlist_value')) !== undefined) {
    const list = readObject(v, path, 'kvlistValue') ?? {};
    path.enter('kvlistValue');
    text = keyValuesText(list.values, path, 'values', depth + 1, null, null);
    path.leave();
  } else if ((v = field(value, 'bytesValue', 'bytes_value')) !== undefined) {
    const b64 = readString(v, path, 'bytesValue');
    if (!BASE64.test(b64)) throw path.error('bytesValue', 'expected base64 text');
    text = JSON.stringify(Buffer.from(b64, 'base64').toString('base64'));
  }
  return text;
}

/** The scalar an AnyValue holds (see `PromotedValue`); the value has been validated already. */
function jsonScalar(value: JsonObject, path: JsonPath): PromotedValue {
  let v: unknown;
  if ((v = field(value, 'stringValue', 'string_value')) !== undefined) {
    return readString(v, path, 'stringValue');
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
