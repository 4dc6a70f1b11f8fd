/**
 * Protobuf building blocks shared by the OTLP encoders: wire tags, 64-bit fields from bigint,
 * hex ids, AnyValue / KeyValue, Resource and InstrumentationScope.
 * Field numbers follow opentelemetry-proto (checked against the generated oracle in the tests).
 */
import protobuf from 'protobufjs/minimal.js';

import type { AnyValue, Attributes, InstrumentationScope, Resource } from './encode-model.js';

export type Writer = protobuf.Writer;

export function createWriter(): Writer {
  return protobuf.Writer.create();
}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

/** Tag of a varint field. */
export function varintTag(field: number): number {
  return (field << 3) | WIRE_VARINT;
}
/** Tag of a fixed64 / sfixed64 / double field. */
export function i64Tag(field: number): number {
  return (field << 3) | WIRE_I64;
}
/** Tag of a length-delimited field (string, bytes, message, packed repeated). */
export function lenTag(field: number): number {
  return (field << 3) | WIRE_LEN;
}
/** Tag of a fixed32 field. */
export function i32Tag(field: number): number {
  return (field << 3) | WIRE_I32;
}

const TWO_32 = 4294967296;

/**
 * Writes 8 little-endian bytes (fixed64 / sfixed64) from a bigint. Negative values wrap to their
 * two's complement, so the same helper serves sfixed64.
 */
export function writeFixed64(w: Writer, value: bigint): void {
  w.fixed32(Number(BigInt.asUintN(32, value))).fixed32(Number(BigInt.asUintN(32, value >> 32n)));
}

/** fixed64 from a non-negative safe integer (counts). */
export function writeFixed64FromNumber(w: Writer, value: number): void {
  w.fixed32(value >>> 0).fixed32(Math.floor(value / TWO_32) >>> 0);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Throws for a bigint that does not fit int64 rather than silently wrapping it. */
export function checkInt64(value: bigint): bigint {
  if (value < INT64_MIN || value > INT64_MAX) {
    throw new RangeError(`${value} does not fit in a signed 64-bit integer`);
  }
  return value;
}

/** An int64 varint from a bigint, via protobufjs' `{ low, high }` long shape. */
export function writeInt64Varint(w: Writer, value: bigint): void {
  checkInt64(value);
  w.int64({
    low: Number(BigInt.asIntN(32, value)),
    high: Number(BigInt.asIntN(32, value >> 32n)),
    unsigned: false,
  });
}

/** Writes a time field when set (non-zero). */
export function writeTimeField(w: Writer, field: number, value: bigint | undefined): void {
  if (value !== undefined && value !== 0n) {
    writeFixed64(w.uint32(i64Tag(field)), value);
  }
}

export function writeStringField(w: Writer, field: number, value: string | undefined): void {
  if (value !== undefined && value !== '') {
    w.uint32(lenTag(field)).string(value);
  }
}

export function writeUint32Field(w: Writer, field: number, value: number | undefined): void {
  if (value !== undefined && value !== 0) {
    w.uint32(varintTag(field)).uint32(value);
  }
}

export function writeFixed32Field(w: Writer, field: number, value: number | undefined): void {
  if (value !== undefined && value !== 0) {
    w.uint32(i32Tag(field)).fixed32(value);
  }
}

export function writeDoubleField(w: Writer, field: number, value: number | undefined): void {
  if (value !== undefined) {
    w.uint32(i64Tag(field)).double(value);
  }
}

/** Hex id → bytes field; `''` / undefined writes nothing. Throws on non-hex text. */
export function writeIdField(w: Writer, field: number, hex: string | undefined): void {
  if (hex === undefined || hex === '') return;
  w.uint32(lenTag(field)).bytes(hexToBytes(hex));
}

export function hexToBytes(hex: string): Uint8Array {
  const bytes = Buffer.from(hex, 'hex');
  // Buffer.from stops at the first non-hex pair, so a short result means bad input.
  if (bytes.length * 2 !== hex.length) {
    throw new TypeError(`not an even-length hex string: ${JSON.stringify(hex)}`);
  }
  return bytes;
}

// ---------------------------------------------------------------- AnyValue

function isAnyValueArray(value: AnyValue): value is readonly AnyValue[] {
  return Array.isArray(value);
}

/** The AnyValue message body (without its own tag / length). */
export function writeAnyValue(w: Writer, value: AnyValue): void {
  switch (typeof value) {
    case 'string':
      w.uint32(lenTag(1)).string(value);
      return;
    case 'boolean':
      w.uint32(varintTag(2)).bool(value);
      return;
    case 'bigint':
      writeInt64Varint(w.uint32(varintTag(3)), value);
      return;
    case 'number':
      w.uint32(i64Tag(4)).double(value);
      return;
    default:
      break;
  }
  if (value === null) return;
  if (value instanceof Uint8Array) {
    w.uint32(lenTag(7)).bytes(value);
  } else if (isAnyValueArray(value)) {
    w.uint32(lenTag(5)).fork();
    for (const item of value) {
      w.uint32(lenTag(1)).fork();
      writeAnyValue(w, item);
      w.ldelim();
    }
    w.ldelim();
  } else {
    w.uint32(lenTag(6)).fork();
    writeKeyValues(w, 1, value);
    w.ldelim();
  }
}

/** Each attribute as a repeated KeyValue field number `field`. */
export function writeKeyValues(w: Writer, field: number, attributes: Attributes | undefined): void {
  if (attributes === undefined) return;
  const tag = lenTag(field);
  for (const key in attributes) {
    const value = attributes[key]!;
    const keyLength = Buffer.byteLength(key);
    const valueLength = scalarAnyValueLength(value);
    w.uint32(tag);
    if (valueLength >= 0) {
      // Scalars (nearly all attributes): lengths computed up front instead of fork/ldelim,
      // which allocate per call and dominate the encoder's cost.
      w.uint32(1 + varintSize(keyLength) + keyLength + 1 + varintSize(valueLength) + valueLength);
      w.uint32(lenTag(1)).string(key);
      w.uint32(lenTag(2)).uint32(valueLength);
      writeAnyValue(w, value);
    } else {
      w.fork();
      w.uint32(lenTag(1)).string(key);
      w.uint32(lenTag(2)).fork();
      writeAnyValue(w, value);
      w.ldelim();
      w.ldelim();
    }
  }
}

/** Encoded size of a string / bool / int / double AnyValue; -1 for the other kinds. */
function scalarAnyValueLength(value: AnyValue): number {
  switch (typeof value) {
    case 'string': {
      const n = Buffer.byteLength(value);
      return 1 + varintSize(n) + n;
    }
    case 'boolean':
      return 2;
    case 'number':
      return 9;
    case 'bigint':
      return 1 + int64VarintSize(value);
    default:
      return -1;
  }
}

function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/** int64 varints are 10 bytes for negative values (two's complement, sign-extended). */
function int64VarintSize(value: bigint): number {
  if (checkInt64(value) < 0n) return 10;
  let size = 1;
  for (let v = value >> 7n; v > 0n; v >>= 7n) size++;
  return size;
}

export function writeResourceField(w: Writer, field: number, resource: Resource): void {
  w.uint32(lenTag(field)).fork();
  writeKeyValues(w, 1, resource.attributes);
  writeUint32Field(w, 2, resource.droppedAttributesCount);
  w.ldelim();
}

export function writeScopeField(w: Writer, field: number, scope: InstrumentationScope): void {
  w.uint32(lenTag(field)).fork();
  writeStringField(w, 1, scope.name);
  writeStringField(w, 2, scope.version);
  writeKeyValues(w, 3, scope.attributes);
  writeUint32Field(w, 4, scope.droppedAttributesCount);
  w.ldelim();
}

/** One resource's items grouped by scope, as every Export*ServiceRequest nests them. */
export interface ResourceGroup<T> {
  resource: Resource;
  schemaUrl?: string | undefined;
  scopes: readonly {
    scope: InstrumentationScope;
    schemaUrl?: string | undefined;
    items: readonly T[];
  }[];
}

/**
 * The nesting shared by the three export requests: request field 1 is the repeated
 * Resource{Spans,Logs,Metrics} (resource 1, scope groups 2, schema_url 3), and each scope group
 * has scope 1, items 2, schema_url 3.
 */
export function encodeResourceGroups<T>(
  groups: readonly ResourceGroup<T>[],
  writeItem: (w: Writer, item: T) => void,
): Uint8Array {
  const w = createWriter();
  for (const group of groups) {
    w.uint32(lenTag(1)).fork();
    writeResourceField(w, 1, group.resource);
    for (const scopeGroup of group.scopes) {
      w.uint32(lenTag(2)).fork();
      writeScopeField(w, 1, scopeGroup.scope);
      for (const item of scopeGroup.items) {
        w.uint32(lenTag(2)).fork();
        writeItem(w, item);
        w.ldelim();
      }
      writeStringField(w, 3, scopeGroup.schemaUrl);
      w.ldelim();
    }
    writeStringField(w, 3, group.schemaUrl);
    w.ldelim();
  }
  return w.finish();
}
