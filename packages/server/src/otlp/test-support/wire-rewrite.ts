/**
 * Rewrites valid OTLP protobuf into other valid encodings of the same message, to test that a
 * decoder does not depend on how an encoder happens to lay fields out: fields of different
 * numbers in random order (a resource after its scope_spans, a key after its value), packed
 * repeated numbers unpacked, unknown fields of every wire type inserted, and lengths written
 * as over-long varints. Test-only; has its own tiny wire parser so as not to test the decoder
 * with itself.
 */
import type { Prng } from '../../demo/prng.js';

/** Per message: the fields that hold a submessage, or packed numbers of the given element. */
type FieldKind = string | { packed: 'fixed64' | 'double' | 'varint' };

const SCHEMA: Readonly<Record<string, Readonly<Record<number, FieldKind>>>> = {
  ExportTraceServiceRequest: { 1: 'ResourceSpans' },
  ExportLogsServiceRequest: { 1: 'ResourceLogs' },
  ExportMetricsServiceRequest: { 1: 'ResourceMetrics' },
  ResourceSpans: { 1: 'Resource', 2: 'ScopeSpans' },
  ResourceLogs: { 1: 'Resource', 2: 'ScopeLogs' },
  ResourceMetrics: { 1: 'Resource', 2: 'ScopeMetrics' },
  ScopeSpans: { 1: 'Scope', 2: 'Span' },
  ScopeLogs: { 1: 'Scope', 2: 'LogRecord' },
  ScopeMetrics: { 1: 'Scope', 2: 'Metric' },
  Resource: { 1: 'KeyValue' },
  Scope: { 3: 'KeyValue' },
  KeyValue: { 2: 'AnyValue' },
  AnyValue: { 5: 'ArrayValue', 6: 'KeyValueList' },
  ArrayValue: { 1: 'AnyValue' },
  KeyValueList: { 1: 'KeyValue' },
  Span: { 9: 'KeyValue', 11: 'Event', 13: 'Link', 15: 'Status' },
  Event: { 3: 'KeyValue' },
  Link: { 4: 'KeyValue' },
  Status: {},
  LogRecord: { 5: 'AnyValue', 6: 'KeyValue' },
  Metric: { 5: 'Gauge', 7: 'Sum', 9: 'Histogram', 10: 'ExponentialHistogram', 11: 'Summary' },
  Gauge: { 1: 'NumberDataPoint' },
  Sum: { 1: 'NumberDataPoint' },
  Histogram: { 1: 'HistogramDataPoint' },
  ExponentialHistogram: { 1: 'ExponentialHistogramDataPoint' },
  Summary: { 1: 'SummaryDataPoint' },
  NumberDataPoint: { 5: 'Exemplar', 7: 'KeyValue' },
  HistogramDataPoint: {
    6: { packed: 'fixed64' },
    7: { packed: 'double' },
    8: 'Exemplar',
    9: 'KeyValue',
  },
  ExponentialHistogramDataPoint: { 1: 'KeyValue', 8: 'Buckets', 9: 'Buckets', 11: 'Exemplar' },
  Buckets: { 2: { packed: 'varint' } },
  SummaryDataPoint: { 6: 'ValueAtQuantile', 7: 'KeyValue' },
  ValueAtQuantile: {},
  Exemplar: { 7: 'KeyValue' },
};

interface RawField {
  number: number;
  wireType: number;
  /** The value's bytes: the payload of a length-delimited field, else the encoded value. */
  value: Uint8Array;
}

function readVarint(bytes: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    const b = bytes[pos++];
    if (b === undefined) throw new Error('test wire parser: truncated varint');
    value += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) return [value, pos];
  }
}

function parseFields(bytes: Uint8Array): RawField[] {
  const fields: RawField[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const [tag, afterTag] = readVarint(bytes, pos);
    const wireType = tag % 8;
    const number = Math.floor(tag / 8);
    let end: number;
    let start = afterTag;
    if (wireType === 0) end = readVarint(bytes, afterTag)[1];
    else if (wireType === 1) end = afterTag + 8;
    else if (wireType === 5) end = afterTag + 4;
    else if (wireType === 2) {
      const [length, afterLength] = readVarint(bytes, afterTag);
      start = afterLength;
      end = afterLength + length;
    } else throw new Error(`test wire parser: wire type ${wireType}`);
    fields.push({ number, wireType, value: bytes.subarray(start, end) });
    pos = end;
  }
  return fields;
}

function varint(value: number, padTo = 0): number[] {
  const out: number[] = [];
  let v = value;
  do {
    out.push(v % 128);
    v = Math.floor(v / 128);
  } while (v > 0);
  while (out.length < padTo) out.push(0);
  for (let i = 0; i < out.length - 1; i++) out[i]! |= 0x80;
  return out;
}

function unpack(field: RawField, element: 'fixed64' | 'double' | 'varint'): RawField[] {
  const out: RawField[] = [];
  const bytes = field.value;
  let pos = 0;
  while (pos < bytes.length) {
    const end = element === 'varint' ? readVarint(bytes, pos)[1] : pos + 8;
    out.push({
      number: field.number,
      wireType: element === 'varint' ? 0 : 1,
      value: bytes.subarray(pos, end),
    });
    pos = end;
  }
  return out;
}

function unknownField(rng: Prng): RawField {
  const number = 100 + rng.int(5000);
  switch (rng.int(4)) {
    case 0:
      return { number, wireType: 0, value: new Uint8Array(varint(rng.int(2 ** 31), rng.int(4))) };
    case 1:
      return { number, wireType: 1, value: new Uint8Array(8).fill(rng.int(256)) };
    case 2:
      return { number, wireType: 5, value: new Uint8Array(4).fill(rng.int(256)) };
    default:
      return { number, wireType: 2, value: new Uint8Array(rng.int(6)).fill(0x0a) };
  }
}

export interface RewriteOptions {
  shuffle: boolean;
  unpack: boolean;
  unknownFields: boolean;
  longLengths: boolean;
}

/** Another valid encoding of the `message` in `bytes`. */
export function rewriteMessage(
  bytes: Uint8Array,
  message: string,
  rng: Prng,
  options: RewriteOptions,
): Uint8Array {
  const schema = SCHEMA[message] ?? {};
  let fields: RawField[] = [];
  for (const field of parseFields(bytes)) {
    const kind = schema[field.number];
    if (field.wireType === 2 && typeof kind === 'string') {
      fields.push({ ...field, value: rewriteMessage(field.value, kind, rng, options) });
    } else if (
      field.wireType === 2 &&
      kind !== undefined &&
      typeof kind !== 'string' &&
      options.unpack &&
      rng.chance(0.5)
    ) {
      fields.push(...unpack(field, kind.packed));
    } else {
      fields.push(field);
    }
  }
  if (options.shuffle) {
    // Same-numbered fields keep their relative order (that order is the order of a repeated field).
    const rank = new Map<number, number>();
    for (const field of fields) if (!rank.has(field.number)) rank.set(field.number, rng.next());
    fields = fields
      .map((field, i) => ({ field, i }))
      .sort((a, b) => rank.get(a.field.number)! - rank.get(b.field.number)! || a.i - b.i)
      .map(({ field }) => field);
  }
  if (options.unknownFields) {
    for (let n = rng.int(3); n > 0; n--)
      fields.splice(rng.int(fields.length + 1), 0, unknownField(rng));
  }
  const out: number[] = [];
  for (const field of fields) {
    out.push(...varint(field.number * 8 + field.wireType));
    if (field.wireType === 2) {
      out.push(
        ...varint(field.value.length, options.longLengths && rng.chance(0.2) ? 1 + rng.int(4) : 0),
      );
    }
    for (const b of field.value) out.push(b);
  }
  return new Uint8Array(out);
}
