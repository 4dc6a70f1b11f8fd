import { OtlpDecodeError } from './decode-error.js';

/**
 * Reading OTLP/JSON (the protobuf JSON mapping): lowerCamelCase keys, also the proto's
 * snake_case names; 64-bit integers as decimal strings or numbers; enums as numbers or names;
 * `null` as absent. Every read names where it failed, e.g.
 * `resourceSpans[0].scopeSpans[1].spans[3].startTimeUnixNano: expected an integer`.
 */

export type JsonObject = Record<string, unknown>;

/** Where in the document a reader is; extended only when descending, joined only on error. */
export class JsonPath {
  private readonly parts: (string | number)[] = [];

  enter(part: string | number): void {
    this.parts.push(part);
  }

  leave(): void {
    this.parts.pop();
  }

  error(key: string | null, problem: string): OtlpDecodeError {
    let text = '';
    for (const part of this.parts) {
      text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
    }
    if (key !== null) text += text === '' ? key : `.${key}`;
    return new OtlpDecodeError(
      `invalid OTLP JSON: ${text === '' ? '(top level)' : text}: ${problem}`,
    );
  }
}

/** `obj[camel]`, else `obj[snake]`; `null` reads as absent. */
export function field(obj: JsonObject, camel: string, snake: string): unknown {
  const v = obj[camel];
  if (v !== undefined && v !== null) return v;
  const s = obj[snake];
  return s === null ? undefined : s;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'string')
    return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number' || typeof v === 'boolean') return `the ${typeof v} ${v}`;
  return typeof v;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object, or undefined when absent. */
export function readObject(v: unknown, path: JsonPath, key: string | null): JsonObject | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw path.error(key, `expected an object, got ${describe(v)}`);
  return v;
}

/** An array (empty when absent). */
export function readArray(v: unknown, path: JsonPath, key: string | null): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw path.error(key, `expected an array, got ${describe(v)}`);
  return v;
}

export function readString(v: unknown, path: JsonPath, key: string | null): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw path.error(key, `expected a string, got ${describe(v)}`);
  return v;
}

export function readBool(v: unknown, path: JsonPath, key: string | null): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw path.error(key, `expected true or false, got ${describe(v)}`);
  return v;
}

const INTEGER = /^-?[0-9]+$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_END = 2n ** 64n;

/**
 * A 64-bit integer (signed or unsigned: `[-2^63, 2^64)`), 0n when absent. The caller's column
 * wraps it to signed 64 bits.
 */
export function readInt64(v: unknown, path: JsonPath, key: string | null): bigint {
  if (v === undefined || v === null) return 0n;
  let n: bigint;
  if (typeof v === 'number' && Number.isInteger(v)) n = BigInt(v);
  else if (typeof v === 'string' && INTEGER.test(v)) n = BigInt(v);
  else
    throw path.error(key, `expected an integer (a number or a decimal string), got ${describe(v)}`);
  if (n < INT64_MIN || n >= UINT64_END) throw path.error(key, `integer out of 64-bit range: ${v}`);
  return n;
}

/** A 32-bit integer field (flags, counts), 0 when absent. */
export function readUint32(v: unknown, path: JsonPath, key: string | null): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' && INTEGER.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 32) {
    throw path.error(key, `expected a 32-bit integer, got ${describe(v)}`);
  }
  return n >>> 0;
}

/** A signed 32-bit integer (scale, offset), 0 when absent. */
export function readInt32(v: unknown, path: JsonPath, key: string | null): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' && INTEGER.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) {
    throw path.error(key, `expected a 32-bit integer, got ${describe(v)}`);
  }
  return n;
}

/** An unsigned 64-bit count as a double, 0 when absent. */
export function readUint64Number(v: unknown, path: JsonPath, key: string | null): number {
  return Number(BigInt.asUintN(64, readInt64(v, path, key)));
}

const NON_FINITE: Readonly<Record<string, number>> = {
  NaN: NaN,
  Infinity: Infinity,
  '-Infinity': -Infinity,
};

/** A double: a number, or a string holding one or "NaN" / "Infinity" / "-Infinity". */
export function readDouble(v: unknown, path: JsonPath, key: string | null, absent: number): number {
  if (v === undefined || v === null) return absent;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const special = NON_FINITE[v];
    if (special !== undefined) return special;
    const n = Number(v);
    if (v.trim() !== '' && Number.isFinite(n)) return n;
  }
  throw path.error(key, `expected a number, got ${describe(v)}`);
}

/** An enum given as its number or its name (`names[i]` is the name of value `i`). */
export function readEnum(
  v: unknown,
  path: JsonPath,
  key: string | null,
  names: readonly string[],
): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    const i = names.indexOf(v);
    if (i >= 0) return i;
    if (INTEGER.test(v)) return Number(v);
  }
  throw path.error(key, `expected one of ${names.join(', ')} or its number, got ${describe(v)}`);
}

const HEX = /^[0-9a-fA-F]*$/;
const ZEROS = /^0*$/;

/** An id as lowercase hex and what is wrong with it, for the decoders to reject the item. */
export interface HexId {
  hex: string;
  problem: string | null;
}

/**
 * Reads a trace or span id (hex in OTLP/JSON). A wrong type fails the request; a wrong length
 * or non-hex text is a `problem` that rejects only the item. Optional ids may be empty, and an
 * all-zero optional id reads as empty.
 */
export function readHexId(
  v: unknown,
  path: JsonPath,
  key: string | null,
  name: string,
  bytes: number,
  optional: boolean,
): HexId {
  const text = readString(v, path, key);
  if (text === '' && optional) return { hex: '', problem: null };
  if (text.length !== bytes * 2 || !HEX.test(text)) {
    const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
    return { hex: '', problem: `${name} must be ${bytes * 2} hex characters, got ${shown}` };
  }
  if (ZEROS.test(text)) {
    return optional
      ? { hex: '', problem: null }
      : { hex: '', problem: `${name} must not be all zeros` };
  }
  return { hex: text.toLowerCase(), problem: null };
}

/** Hex of an id inside links and exemplars: lowercased when it is hex, else `''`. */
export function readLooseHexId(v: unknown, path: JsonPath, key: string | null): string {
  const text = readString(v, path, key);
  return text.length % 2 === 0 && HEX.test(text) ? text.toLowerCase() : '';
}

/** Text of a double in attribute JSON (the JsonWriter's convention). */
export function doubleText(d: number): string {
  if (Number.isFinite(d)) return String(d);
  return d > 0 ? '"Infinity"' : d < 0 ? '"-Infinity"' : '"NaN"';
}

/** Parses a request body, turning a syntax error (or a too-deep document) into a decode error. */
export function parseJsonBody(text: string): JsonObject {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new OtlpDecodeError(
      `invalid OTLP JSON: ${e instanceof SyntaxError ? e.message : 'the document is nested too deeply'}`,
    );
  }
  if (!isObject(doc)) {
    throw new OtlpDecodeError(
      `invalid OTLP JSON: expected an object at the top level, got ${describe(doc)}`,
    );
  }
  return doc;
}
