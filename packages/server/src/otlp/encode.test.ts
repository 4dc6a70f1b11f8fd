/**
 * Round trip: random models → our encoder → the oracle's generated protobufjs decoder
 * (@opentelemetry/otlp-transformer's root.js) → back to the model's shape → compared with the
 * input after filling in the defaults the encoder leaves out.
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- the oracle's decoded messages are untyped generated JS. */
import { createRequire } from 'node:module';

import { describe, expect, it } from 'vitest';

import { createPrng, type Prng } from '../demo/prng.js';
import {
  encodeExportLogsRequest,
  encodeExportMetricsRequest,
  encodeExportTraceRequest,
  type AnyValue,
  type Attributes,
  type Exemplar,
  type ExportLogsRequest,
  type ExportMetricsRequest,
  type ExportTraceRequest,
  type InstrumentationScope,
  type LogRecord,
  type Metric,
  type MetricData,
  type Resource,
  type Span,
} from './encode.js';

const require = createRequire(import.meta.url);
// The oracle is plain generated JS without types worth importing.
const oracle = require('otlp-transformer-oracle/build/src/generated/root.js').opentelemetry.proto;

const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
const STATUS_CODES = ['unset', 'ok', 'error'] as const;
const TEMPORALITIES = ['unspecified', 'delta', 'cumulative'] as const;

// ------------------------------------------------------------------ random models

// Multi-byte UTF-8 on purpose, including a surrogate pair.
const ALPHABET = ['a', 'b', 'c', 'x', 'y', 'z', ' ', '.', '_', '-', '/', 'é', 'ö', '漢', '😀'];

function randomString(rng: Prng, maxLength = 12): string {
  let out = '';
  const length = rng.int(maxLength + 1);
  for (let i = 0; i < length; i++) out += rng.pick(ALPHABET);
  return out;
}

function randomInt64(rng: Prng): bigint {
  switch (rng.int(5)) {
    case 0:
      return -(2n ** 63n);
    case 1:
      return 2n ** 63n - 1n;
    case 2:
      return 0n;
    case 3:
      return BigInt(rng.int(2000) - 1000);
    default:
      return BigInt.asIntN(64, BigInt(`0x${rng.hex(8)}`));
  }
}

function randomDouble(rng: Prng): number {
  return rng.pick([0, -0.5, 1e-300, 2, Math.PI, -1e300, Infinity, NaN, rng.uniform(-1e6, 1e6)]);
}

function randomAnyValue(rng: Prng, depth: number): AnyValue {
  const choice = rng.int(depth > 0 ? 8 : 6);
  switch (choice) {
    case 0:
      return randomString(rng);
    case 1:
      return rng.chance(0.5);
    case 2:
      return randomInt64(rng);
    case 3:
      return randomDouble(rng);
    case 4:
      return Uint8Array.from({ length: rng.int(5) }, () => rng.int(256));
    case 5:
      return null;
    case 6:
      return Array.from({ length: rng.int(4) }, () => randomAnyValue(rng, depth - 1));
    default:
      return randomAttributes(rng, depth - 1, 3);
  }
}

function randomAttributes(rng: Prng, depth = 2, max = 6): Attributes {
  const attributes: Record<string, AnyValue> = {};
  const count = rng.int(max + 1);
  for (let i = 0; i < count; i++) {
    attributes[`k${i}.${randomString(rng, 6)}`] = randomAnyValue(rng, depth);
  }
  return attributes;
}

function maybe<T>(rng: Prng, make: () => T): T | undefined {
  return rng.chance(0.5) ? make() : undefined;
}

function randomTime(rng: Prng): bigint {
  return BigInt(`0x${rng.hex(8)}`) >> 1n;
}

function randomResource(rng: Prng): Resource {
  return {
    attributes: randomAttributes(rng),
    droppedAttributesCount: maybe(rng, () => rng.int(5)),
  };
}

function randomScope(rng: Prng): InstrumentationScope {
  return {
    name: randomString(rng),
    version: maybe(rng, () => randomString(rng, 5)),
    attributes: maybe(rng, () => randomAttributes(rng, 1, 2)),
    droppedAttributesCount: maybe(rng, () => rng.int(3)),
  };
}

function randomSpan(rng: Prng): Span {
  return {
    traceId: rng.hex(16),
    spanId: rng.hex(8),
    parentSpanId: rng.pick([undefined, '', rng.hex(8)]),
    traceState: maybe(rng, () => 'vendor=abc'),
    name: randomString(rng, 30),
    kind: rng.pick(SPAN_KINDS),
    startTimeUnixNano: randomTime(rng),
    endTimeUnixNano: randomTime(rng),
    attributes: maybe(rng, () => randomAttributes(rng)),
    droppedAttributesCount: maybe(rng, () => rng.int(4)),
    events: maybe(rng, () =>
      Array.from({ length: rng.int(3) }, () => ({
        timeUnixNano: randomTime(rng),
        name: randomString(rng),
        attributes: maybe(rng, () => randomAttributes(rng, 1)),
        droppedAttributesCount: maybe(rng, () => rng.int(3)),
      })),
    ),
    droppedEventsCount: maybe(rng, () => rng.int(3)),
    links: maybe(rng, () =>
      Array.from({ length: rng.int(3) }, () => ({
        traceId: rng.hex(16),
        spanId: rng.hex(8),
        traceState: maybe(rng, () => 'a=b'),
        attributes: maybe(rng, () => randomAttributes(rng, 1)),
        droppedAttributesCount: maybe(rng, () => rng.int(3)),
        flags: maybe(rng, () => rng.pick([0, 1, 0x301])),
      })),
    ),
    droppedLinksCount: maybe(rng, () => rng.int(3)),
    status: maybe(rng, () => ({
      code: rng.pick(STATUS_CODES),
      message: maybe(rng, () => randomString(rng)),
    })),
    flags: maybe(rng, () => rng.pick([0, 1, 0x101, 0x301])),
  };
}

function randomTraceRequest(rng: Prng): ExportTraceRequest {
  return {
    resourceSpans: Array.from({ length: 1 + rng.int(3) }, () => ({
      resource: randomResource(rng),
      schemaUrl: maybe(rng, () => 'https://opentelemetry.io/schemas/1.26.0'),
      scopeSpans: Array.from({ length: 1 + rng.int(2) }, () => ({
        scope: randomScope(rng),
        schemaUrl: maybe(rng, () => 'https://opentelemetry.io/schemas/1.24.0'),
        spans: Array.from({ length: rng.int(5) }, () => randomSpan(rng)),
      })),
    })),
  };
}

function randomLogRecord(rng: Prng): LogRecord {
  return {
    timeUnixNano: maybe(rng, () => randomTime(rng)),
    observedTimeUnixNano: maybe(rng, () => randomTime(rng)),
    severityNumber: maybe(rng, () => rng.int(25)),
    severityText: maybe(rng, () => rng.pick(['INFO', 'WARN', 'ERROR'])),
    body: maybe(rng, () => randomAnyValue(rng, 2)),
    attributes: maybe(rng, () => randomAttributes(rng)),
    droppedAttributesCount: maybe(rng, () => rng.int(3)),
    flags: maybe(rng, () => rng.pick([0, 1])),
    traceId: maybe(rng, () => rng.hex(16)),
    spanId: maybe(rng, () => rng.hex(8)),
    eventName: maybe(rng, () => randomString(rng)),
  };
}

function randomLogsRequest(rng: Prng): ExportLogsRequest {
  return {
    resourceLogs: Array.from({ length: 1 + rng.int(3) }, () => ({
      resource: randomResource(rng),
      schemaUrl: maybe(rng, () => 'https://opentelemetry.io/schemas/1.26.0'),
      scopeLogs: Array.from({ length: 1 + rng.int(2) }, () => ({
        scope: randomScope(rng),
        schemaUrl: maybe(rng, () => 'x'),
        logRecords: Array.from({ length: rng.int(5) }, () => randomLogRecord(rng)),
      })),
    })),
  };
}

function randomExemplars(rng: Prng): Exemplar[] | undefined {
  return maybe(rng, () =>
    Array.from({ length: rng.int(3) }, () => ({
      timeUnixNano: randomTime(rng),
      value: rng.chance(0.5) ? randomInt64(rng) : randomDouble(rng),
      traceId: maybe(rng, () => rng.hex(16)),
      spanId: maybe(rng, () => rng.hex(8)),
      filteredAttributes: maybe(rng, () => randomAttributes(rng, 0, 2)),
    })),
  );
}

function pointBase(rng: Prng) {
  return {
    attributes: maybe(rng, () => randomAttributes(rng, 1)),
    startTimeUnixNano: maybe(rng, () => randomTime(rng)),
    timeUnixNano: randomTime(rng),
    flags: maybe(rng, () => rng.pick([0, 1])),
  };
}

function randomCount(rng: Prng): number {
  return rng.pick([0, 1, rng.int(1e9), 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]);
}

function randomMetricData(rng: Prng): MetricData {
  const points = 1 + rng.int(3);
  switch (rng.int(5)) {
    case 0:
      return {
        type: 'gauge',
        points: Array.from({ length: points }, () => ({
          ...pointBase(rng),
          value: rng.chance(0.5) ? randomInt64(rng) : randomDouble(rng),
          exemplars: randomExemplars(rng),
        })),
      };
    case 1:
      return {
        type: 'sum',
        temporality: rng.pick(TEMPORALITIES),
        isMonotonic: rng.chance(0.5),
        points: Array.from({ length: points }, () => ({
          ...pointBase(rng),
          value: rng.chance(0.5) ? randomInt64(rng) : randomDouble(rng),
          exemplars: randomExemplars(rng),
        })),
      };
    case 2:
      return {
        type: 'histogram',
        temporality: rng.pick(TEMPORALITIES),
        points: Array.from({ length: points }, () => {
          const explicitBounds = Array.from({ length: rng.int(5) }, (_, i) => i * 0.25);
          return {
            ...pointBase(rng),
            count: randomCount(rng),
            sum: maybe(rng, () => randomDouble(rng)),
            bucketCounts:
              explicitBounds.length === 0 ? [] : [...explicitBounds, 0].map(() => randomCount(rng)),
            explicitBounds,
            min: maybe(rng, () => randomDouble(rng)),
            max: maybe(rng, () => randomDouble(rng)),
            exemplars: randomExemplars(rng),
          };
        }),
      };
    case 3:
      return {
        type: 'exponential_histogram',
        temporality: rng.pick(TEMPORALITIES),
        points: Array.from({ length: points }, () => ({
          ...pointBase(rng),
          count: randomCount(rng),
          sum: maybe(rng, () => randomDouble(rng)),
          scale: rng.int(41) - 20,
          zeroCount: randomCount(rng),
          positive: maybe(rng, () => ({
            offset: rng.int(200) - 100,
            bucketCounts: Array.from({ length: rng.int(6) }, () => randomCount(rng)),
          })),
          negative: maybe(rng, () => ({
            offset: rng.int(200) - 100,
            bucketCounts: Array.from({ length: rng.int(6) }, () => randomCount(rng)),
          })),
          min: maybe(rng, () => randomDouble(rng)),
          max: maybe(rng, () => randomDouble(rng)),
          zeroThreshold: maybe(rng, () => rng.pick([0, 1e-9])),
          exemplars: randomExemplars(rng),
        })),
      };
    default:
      return {
        type: 'summary',
        points: Array.from({ length: points }, () => ({
          ...pointBase(rng),
          count: randomCount(rng),
          sum: randomDouble(rng),
          quantileValues: Array.from({ length: rng.int(4) }, () => ({
            quantile: rng.pick([0, 0.5, 0.99, 1]),
            value: randomDouble(rng),
          })),
        })),
      };
  }
}

function randomMetricsRequest(rng: Prng): ExportMetricsRequest {
  return {
    resourceMetrics: Array.from({ length: 1 + rng.int(3) }, () => ({
      resource: randomResource(rng),
      schemaUrl: maybe(rng, () => 'https://opentelemetry.io/schemas/1.26.0'),
      scopeMetrics: Array.from({ length: 1 + rng.int(2) }, () => ({
        scope: randomScope(rng),
        schemaUrl: maybe(rng, () => 'y'),
        metrics: Array.from({ length: rng.int(4) }, (): Metric => ({
          name: randomString(rng),
          description: maybe(rng, () => randomString(rng)),
          unit: maybe(rng, () => rng.pick(['s', 'By', '{request}'])),
          data: randomMetricData(rng),
          metadata: maybe(rng, () => randomAttributes(rng, 0, 2)),
        })),
      })),
    })),
  };
}

// ------------------------------------------------------------------ canonical forms
// Both the input model and the decoded message are mapped to one plain shape: explicit defaults,
// bigint for 64-bit integers, hex for bytes, attribute lists as [key, value] pairs (order counts).

type Canonical = unknown;

function canonicalValue(value: AnyValue): Canonical {
  if (value === null) return { empty: true };
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('hex') };
  if (Array.isArray(value)) return { array: value.map(canonicalValue) };
  if (typeof value === 'object') return { kvlist: canonicalAttributes(value as Attributes) };
  return { [typeof value]: value };
}

function canonicalAttributes(attributes: Attributes | undefined): Canonical {
  return Object.entries(attributes ?? {}).map(([k, v]) => [k, canonicalValue(v)]);
}

function decodedValue(value: any): Canonical {
  if (value === null || value === undefined) return { empty: true };
  if (value.stringValue != null) return { string: value.stringValue };
  if (value.boolValue != null) return { boolean: value.boolValue };
  if (value.intValue != null) return { bigint: long(value.intValue, true) };
  if (value.doubleValue != null) return { number: value.doubleValue };
  if (value.bytesValue != null) return { bytes: Buffer.from(value.bytesValue).toString('hex') };
  if (value.arrayValue != null) return { array: (value.arrayValue.values ?? []).map(decodedValue) };
  if (value.kvlistValue != null) return { kvlist: decodedAttributes(value.kvlistValue.values) };
  return { empty: true };
}

function decodedAttributes(list: any[] | null | undefined): Canonical {
  return (list ?? []).map((kv: any) => [kv.key, decodedValue(kv.value)]);
}

/** protobufjs Long (or number) → bigint. */
function long(value: any, signed = false): bigint {
  if (value == null) return 0n;
  if (typeof value === 'number') return BigInt(value);
  const big = BigInt(value.toUnsigned().toString());
  return signed ? BigInt.asIntN(64, big) : big;
}

function hex(bytes: any): string {
  return bytes == null ? '' : Buffer.from(bytes).toString('hex');
}

function canonicalResource(r: Resource): Canonical {
  return { attributes: canonicalAttributes(r.attributes), dropped: r.droppedAttributesCount ?? 0 };
}
function decodedResource(r: any): Canonical {
  return { attributes: decodedAttributes(r?.attributes), dropped: r?.droppedAttributesCount ?? 0 };
}
function canonicalScope(s: InstrumentationScope): Canonical {
  return {
    name: s.name,
    version: s.version ?? '',
    attributes: canonicalAttributes(s.attributes),
    dropped: s.droppedAttributesCount ?? 0,
  };
}
function decodedScope(s: any): Canonical {
  return {
    name: s?.name ?? '',
    version: s?.version ?? '',
    attributes: decodedAttributes(s?.attributes),
    dropped: s?.droppedAttributesCount ?? 0,
  };
}

function canonicalSpan(s: Span): Canonical {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId ?? '',
    traceState: s.traceState ?? '',
    name: s.name,
    kind: SPAN_KINDS.indexOf(s.kind),
    start: s.startTimeUnixNano,
    end: s.endTimeUnixNano,
    attributes: canonicalAttributes(s.attributes),
    droppedAttributes: s.droppedAttributesCount ?? 0,
    events: (s.events ?? []).map((e) => ({
      time: e.timeUnixNano,
      name: e.name,
      attributes: canonicalAttributes(e.attributes),
      dropped: e.droppedAttributesCount ?? 0,
    })),
    droppedEvents: s.droppedEventsCount ?? 0,
    links: (s.links ?? []).map((l) => ({
      traceId: l.traceId,
      spanId: l.spanId,
      traceState: l.traceState ?? '',
      attributes: canonicalAttributes(l.attributes),
      dropped: l.droppedAttributesCount ?? 0,
      flags: l.flags ?? 0,
    })),
    droppedLinks: s.droppedLinksCount ?? 0,
    status: {
      code: STATUS_CODES.indexOf(s.status?.code ?? 'unset'),
      message: s.status?.message ?? '',
    },
    flags: s.flags ?? 0,
  };
}

function decodedSpan(s: any): Canonical {
  return {
    traceId: hex(s.traceId),
    spanId: hex(s.spanId),
    parentSpanId: hex(s.parentSpanId),
    traceState: s.traceState ?? '',
    name: s.name ?? '',
    kind: s.kind ?? 0,
    start: long(s.startTimeUnixNano),
    end: long(s.endTimeUnixNano),
    attributes: decodedAttributes(s.attributes),
    droppedAttributes: s.droppedAttributesCount ?? 0,
    events: (s.events ?? []).map((e: any) => ({
      time: long(e.timeUnixNano),
      name: e.name ?? '',
      attributes: decodedAttributes(e.attributes),
      dropped: e.droppedAttributesCount ?? 0,
    })),
    droppedEvents: s.droppedEventsCount ?? 0,
    links: (s.links ?? []).map((l: any) => ({
      traceId: hex(l.traceId),
      spanId: hex(l.spanId),
      traceState: l.traceState ?? '',
      attributes: decodedAttributes(l.attributes),
      dropped: l.droppedAttributesCount ?? 0,
      flags: l.flags ?? 0,
    })),
    droppedLinks: s.droppedLinksCount ?? 0,
    status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
    flags: s.flags ?? 0,
  };
}

function canonicalLog(r: LogRecord): Canonical {
  return {
    time: r.timeUnixNano ?? 0n,
    observed: r.observedTimeUnixNano ?? 0n,
    severity: r.severityNumber ?? 0,
    severityText: r.severityText ?? '',
    body: r.body === undefined ? 'absent' : canonicalValue(r.body),
    attributes: canonicalAttributes(r.attributes),
    dropped: r.droppedAttributesCount ?? 0,
    flags: r.flags ?? 0,
    traceId: r.traceId ?? '',
    spanId: r.spanId ?? '',
    eventName: r.eventName ?? '',
  };
}

function decodedLog(r: any): Canonical {
  return {
    time: long(r.timeUnixNano),
    observed: long(r.observedTimeUnixNano),
    severity: r.severityNumber ?? 0,
    severityText: r.severityText ?? '',
    body: r.body == null ? 'absent' : decodedValue(r.body),
    attributes: decodedAttributes(r.attributes),
    dropped: r.droppedAttributesCount ?? 0,
    flags: r.flags ?? 0,
    traceId: hex(r.traceId),
    spanId: hex(r.spanId),
    eventName: r.eventName ?? '',
  };
}

function canonicalExemplars(list: readonly Exemplar[] | undefined): Canonical {
  return (list ?? []).map((e) => ({
    time: e.timeUnixNano,
    value: e.value,
    traceId: e.traceId ?? '',
    spanId: e.spanId ?? '',
    attributes: canonicalAttributes(e.filteredAttributes),
  }));
}

function decodedExemplars(list: any[] | null): Canonical {
  return (list ?? []).map((e: any) => ({
    time: long(e.timeUnixNano),
    value: e.asInt != null ? long(e.asInt, true) : e.asDouble,
    traceId: hex(e.traceId),
    spanId: hex(e.spanId),
    attributes: decodedAttributes(e.filteredAttributes),
  }));
}

function canonicalMetric(m: Metric): Canonical {
  const d = m.data;
  const base = (p: {
    attributes?: Attributes;
    startTimeUnixNano?: bigint;
    timeUnixNano: bigint;
    flags?: number;
  }) => ({
    attributes: canonicalAttributes(p.attributes),
    start: p.startTimeUnixNano ?? 0n,
    time: p.timeUnixNano,
    flags: p.flags ?? 0,
  });
  let data: Canonical;
  switch (d.type) {
    case 'gauge':
    case 'sum':
      data = {
        type: d.type,
        temporality: d.type === 'sum' ? TEMPORALITIES.indexOf(d.temporality) : undefined,
        monotonic: d.type === 'sum' ? d.isMonotonic : undefined,
        points: d.points.map((p) => ({
          ...base(p),
          value: p.value,
          exemplars: canonicalExemplars(p.exemplars),
        })),
      };
      break;
    case 'histogram':
      data = {
        type: d.type,
        temporality: TEMPORALITIES.indexOf(d.temporality),
        points: d.points.map((p) => ({
          ...base(p),
          count: p.count,
          sum: p.sum ?? 'absent',
          bucketCounts: p.bucketCounts,
          explicitBounds: p.explicitBounds,
          min: p.min ?? 'absent',
          max: p.max ?? 'absent',
          exemplars: canonicalExemplars(p.exemplars),
        })),
      };
      break;
    case 'exponential_histogram':
      data = {
        type: d.type,
        temporality: TEMPORALITIES.indexOf(d.temporality),
        points: d.points.map((p) => ({
          ...base(p),
          count: p.count,
          sum: p.sum ?? 'absent',
          scale: p.scale,
          zeroCount: p.zeroCount,
          positive: p.positive ?? 'absent',
          negative: p.negative ?? 'absent',
          min: p.min ?? 'absent',
          max: p.max ?? 'absent',
          zeroThreshold: p.zeroThreshold ?? 0,
          exemplars: canonicalExemplars(p.exemplars),
        })),
      };
      break;
    case 'summary':
      data = {
        type: d.type,
        points: d.points.map((p) => ({
          ...base(p),
          count: p.count,
          sum: p.sum,
          quantiles: p.quantileValues.map((q) => [q.quantile, q.value]),
        })),
      };
      break;
  }
  return {
    name: m.name,
    description: m.description ?? '',
    unit: m.unit ?? '',
    data,
    metadata: canonicalAttributes(m.metadata),
  };
}

function decodedMetric(m: any): Canonical {
  const base = (p: any) => ({
    attributes: decodedAttributes(p.attributes),
    start: long(p.startTimeUnixNano),
    time: long(p.timeUnixNano),
    flags: p.flags ?? 0,
  });
  const numberPoint = (p: any) => ({
    ...base(p),
    value: p.asInt != null ? long(p.asInt, true) : p.asDouble,
    exemplars: decodedExemplars(p.exemplars),
  });
  const buckets = (b: any) =>
    b == null
      ? 'absent'
      : {
          offset: b.offset ?? 0,
          bucketCounts: (b.bucketCounts ?? []).map((c: any) => Number(long(c))),
        };
  let data: Canonical;
  if (m.gauge != null) {
    data = {
      type: 'gauge',
      temporality: undefined,
      monotonic: undefined,
      points: (m.gauge.dataPoints ?? []).map(numberPoint),
    };
  } else if (m.sum != null) {
    data = {
      type: 'sum',
      temporality: m.sum.aggregationTemporality ?? 0,
      monotonic: m.sum.isMonotonic ?? false,
      points: (m.sum.dataPoints ?? []).map(numberPoint),
    };
  } else if (m.histogram != null) {
    data = {
      type: 'histogram',
      temporality: m.histogram.aggregationTemporality ?? 0,
      points: (m.histogram.dataPoints ?? []).map((p: any) => ({
        ...base(p),
        count: Number(long(p.count)),
        sum: p.sum ?? 'absent',
        bucketCounts: (p.bucketCounts ?? []).map((c: any) => Number(long(c))),
        explicitBounds: p.explicitBounds ?? [],
        min: p.min ?? 'absent',
        max: p.max ?? 'absent',
        exemplars: decodedExemplars(p.exemplars),
      })),
    };
  } else if (m.exponentialHistogram != null) {
    data = {
      type: 'exponential_histogram',
      temporality: m.exponentialHistogram.aggregationTemporality ?? 0,
      points: (m.exponentialHistogram.dataPoints ?? []).map((p: any) => ({
        ...base(p),
        count: Number(long(p.count)),
        sum: p.sum ?? 'absent',
        scale: p.scale ?? 0,
        zeroCount: Number(long(p.zeroCount)),
        positive: buckets(p.positive),
        negative: buckets(p.negative),
        min: p.min ?? 'absent',
        max: p.max ?? 'absent',
        zeroThreshold: p.zeroThreshold ?? 0,
        exemplars: decodedExemplars(p.exemplars),
      })),
    };
  } else {
    data = {
      type: 'summary',
      points: (m.summary.dataPoints ?? []).map((p: any) => ({
        ...base(p),
        count: Number(long(p.count)),
        sum: p.sum ?? 0,
        quantiles: (p.quantileValues ?? []).map((q: any) => [q.quantile ?? 0, q.value ?? 0]),
      })),
    };
  }
  return {
    name: m.name ?? '',
    description: m.description ?? '',
    unit: m.unit ?? '',
    data,
    metadata: decodedAttributes(m.metadata),
  };
}

// ------------------------------------------------------------------ tests

const traceRequestType = oracle.collector.trace.v1.ExportTraceServiceRequest;
const logsRequestType = oracle.collector.logs.v1.ExportLogsServiceRequest;
const metricsRequestType = oracle.collector.metrics.v1.ExportMetricsServiceRequest;

describe('encodeExportTraceRequest', () => {
  it('round-trips random requests through the oracle decoder', () => {
    const rng = createPrng(1);
    for (let i = 0; i < 300; i++) {
      const request = randomTraceRequest(rng);
      const decoded = traceRequestType.decode(encodeExportTraceRequest(request));
      const actual = (decoded.resourceSpans ?? []).map((rs: any) => ({
        resource: decodedResource(rs.resource),
        schemaUrl: rs.schemaUrl ?? '',
        scopes: (rs.scopeSpans ?? []).map((ss: any) => ({
          scope: decodedScope(ss.scope),
          schemaUrl: ss.schemaUrl ?? '',
          spans: (ss.spans ?? []).map(decodedSpan),
        })),
      }));
      const expected = request.resourceSpans.map((rs) => ({
        resource: canonicalResource(rs.resource),
        schemaUrl: rs.schemaUrl ?? '',
        scopes: rs.scopeSpans.map((ss) => ({
          scope: canonicalScope(ss.scope),
          schemaUrl: ss.schemaUrl ?? '',
          spans: ss.spans.map(canonicalSpan),
        })),
      }));
      expect(actual).toEqual(expected);
    }
  });

  it('encodes what the oracle encoder encodes, byte for byte, for a plain span', () => {
    const span: Span = {
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      parentSpanId: 'eee19b7ec3c1b173',
      name: 'GET /api/products',
      kind: 'server',
      startTimeUnixNano: 1_700_000_000_123_456_789n,
      endTimeUnixNano: 1_700_000_000_223_456_789n,
      attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200n },
      status: { code: 'error', message: 'boom' },
    };
    const ours = encodeExportTraceRequest({
      resourceSpans: [
        {
          resource: { attributes: { 'service.name': 'cart' } },
          scopeSpans: [{ scope: { name: 'demo', version: '1' }, spans: [span] }],
        },
      ],
    });
    const theirs = traceRequestType
      .encode({
        resourceSpans: [
          {
            resource: {
              attributes: [{ key: 'service.name', value: { stringValue: 'cart' } }],
            },
            scopeSpans: [
              {
                scope: { name: 'demo', version: '1' },
                spans: [
                  {
                    traceId: Buffer.from(span.traceId, 'hex'),
                    spanId: Buffer.from(span.spanId, 'hex'),
                    parentSpanId: Buffer.from(span.parentSpanId!, 'hex'),
                    name: span.name,
                    kind: 2,
                    startTimeUnixNano: span.startTimeUnixNano.toString(),
                    endTimeUnixNano: span.endTimeUnixNano.toString(),
                    attributes: [
                      { key: 'http.request.method', value: { stringValue: 'GET' } },
                      { key: 'http.response.status_code', value: { intValue: 200 } },
                    ],
                    status: { message: 'boom', code: 2 },
                  },
                ],
              },
            ],
          },
        ],
      })
      .finish();
    expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(theirs).toString('hex'));
  });

  it('rejects ids that are not hex', () => {
    const span: Span = {
      traceId: 'not-hex',
      spanId: 'eee19b7ec3c1b174',
      name: 'x',
      kind: 'internal',
      startTimeUnixNano: 1n,
      endTimeUnixNano: 2n,
    };
    expect(() =>
      encodeExportTraceRequest({
        resourceSpans: [
          { resource: { attributes: {} }, scopeSpans: [{ scope: { name: 's' }, spans: [span] }] },
        ],
      }),
    ).toThrow(/hex/);
  });
});

describe('int64 values', () => {
  it('refuses bigints outside the int64 range instead of wrapping them', () => {
    const request = (value: bigint): ExportLogsRequest => ({
      resourceLogs: [
        {
          resource: { attributes: { n: value } },
          scopeLogs: [{ scope: { name: 's' }, logRecords: [] }],
        },
      ],
    });
    expect(() => encodeExportLogsRequest(request(2n ** 63n))).toThrow(RangeError);
    expect(() => encodeExportLogsRequest(request(-(2n ** 63n) - 1n))).toThrow(RangeError);
    expect(() => encodeExportLogsRequest(request(-(2n ** 63n)))).not.toThrow();
    const gauge = (value: bigint): ExportMetricsRequest => ({
      resourceMetrics: [
        {
          resource: { attributes: {} },
          scopeMetrics: [
            {
              scope: { name: 's' },
              metrics: [
                { name: 'g', data: { type: 'gauge', points: [{ timeUnixNano: 1n, value }] } },
              ],
            },
          ],
        },
      ],
    });
    expect(() => encodeExportMetricsRequest(gauge(2n ** 64n))).toThrow(RangeError);
  });
});

describe('encodeExportLogsRequest', () => {
  it('round-trips random requests through the oracle decoder', () => {
    const rng = createPrng(2);
    for (let i = 0; i < 300; i++) {
      const request = randomLogsRequest(rng);
      const decoded = logsRequestType.decode(encodeExportLogsRequest(request));
      const actual = (decoded.resourceLogs ?? []).map((rl: any) => ({
        resource: decodedResource(rl.resource),
        schemaUrl: rl.schemaUrl ?? '',
        scopes: (rl.scopeLogs ?? []).map((sl: any) => ({
          scope: decodedScope(sl.scope),
          schemaUrl: sl.schemaUrl ?? '',
          records: (sl.logRecords ?? []).map(decodedLog),
        })),
      }));
      const expected = request.resourceLogs.map((rl) => ({
        resource: canonicalResource(rl.resource),
        schemaUrl: rl.schemaUrl ?? '',
        scopes: rl.scopeLogs.map((sl) => ({
          scope: canonicalScope(sl.scope),
          schemaUrl: sl.schemaUrl ?? '',
          records: sl.logRecords.map(canonicalLog),
        })),
      }));
      expect(actual).toEqual(expected);
    }
  });
});

describe('encodeExportMetricsRequest', () => {
  it('round-trips random requests through the oracle decoder', () => {
    const rng = createPrng(3);
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const request = randomMetricsRequest(rng);
      for (const rm of request.resourceMetrics) {
        for (const sm of rm.scopeMetrics) for (const m of sm.metrics) seen.add(m.data.type);
      }
      const decoded = metricsRequestType.decode(encodeExportMetricsRequest(request));
      const actual = (decoded.resourceMetrics ?? []).map((rm: any) => ({
        resource: decodedResource(rm.resource),
        schemaUrl: rm.schemaUrl ?? '',
        scopes: (rm.scopeMetrics ?? []).map((sm: any) => ({
          scope: decodedScope(sm.scope),
          schemaUrl: sm.schemaUrl ?? '',
          metrics: (sm.metrics ?? []).map(decodedMetric),
        })),
      }));
      const expected = request.resourceMetrics.map((rm) => ({
        resource: canonicalResource(rm.resource),
        schemaUrl: rm.schemaUrl ?? '',
        scopes: rm.scopeMetrics.map((sm) => ({
          scope: canonicalScope(sm.scope),
          schemaUrl: sm.schemaUrl ?? '',
          metrics: sm.metrics.map(canonicalMetric),
        })),
      }));
      expect(actual).toEqual(expected);
    }
    expect([...seen].sort()).toEqual([
      'exponential_histogram',
      'gauge',
      'histogram',
      'sum',
      'summary',
    ]);
  });
});
