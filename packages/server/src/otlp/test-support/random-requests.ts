/**
 * Random OTLP export requests in the oracle's object shape, for differential tests. They cover
 * every AnyValue type (nested arrays and kvlists, bytes, 64-bit extremes, non-finite doubles,
 * text that needs JSON escaping), missing optional fields, invalid ids, every metric type and
 * temporality. Strings never hold lone surrogates: they cannot be UTF-8 encoded.
 */
import type { Prng } from '../../demo/prng.js';
import {
  ENVIRONMENT_RESOURCE_ATTRIBUTES,
  PROMOTED_SPAN_ATTRIBUTES,
} from '../../telemetry/batches.js';
import type {
  AnyValue,
  Buckets,
  Exemplar,
  KeyValue,
  LogRecord,
  LogsRequest,
  Metric,
  MetricsRequest,
  NumberDataPoint,
  Resource,
  Scope,
  Span,
  TracesRequest,
} from './oracle.js';

const CHARACTERS = [
  ...'abcxyzABC0189 ./-_:{},[]'.split(''), // ASCII only, so splitting is safe
  '"',
  '\\',
  '\n',
  '\t',
  '\r',
  '\b',
  '\f',
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  'é',
  'ß',
  '漢',
  '😀',
  '\u2028',
  '\ufffd',
];

export function randomString(rng: Prng, maxLength = 10): string {
  let out = '';
  const length = rng.chance(0.1) ? 0 : rng.int(maxLength + 1);
  for (let i = 0; i < length; i++) out += rng.pick(CHARACTERS);
  return out;
}

export function randomBytes(rng: Prng, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = rng.int(256);
  return bytes;
}

const TWO_64 = 2n ** 64n;

function random64(rng: Prng): bigint {
  return (BigInt(rng.int(2 ** 32)) << 32n) | BigInt(rng.int(2 ** 32));
}

/** A signed 64-bit value as decimal text, biased towards edges. */
export function randomInt64(rng: Prng): string {
  const edges = [
    0n,
    1n,
    -1n,
    2n ** 53n - 1n,
    2n ** 53n,
    2n ** 53n + 1n,
    -(2n ** 53n) + 1n,
    -(2n ** 53n),
    -(2n ** 53n) - 1n,
    2n ** 63n - 1n,
    -(2n ** 63n),
    2n ** 31n,
    -(2n ** 31n) - 1n,
  ];
  if (rng.chance(0.4)) return rng.pick(edges).toString();
  if (rng.chance(0.5)) return String(rng.int(2000) - 1000);
  return BigInt.asIntN(64, random64(rng)).toString();
}

/** An unsigned 64-bit time as decimal text: mostly realistic, sometimes extreme. */
export function randomTime(rng: Prng): string {
  if (rng.chance(0.1))
    return rng.pick(['0', '1', (TWO_64 - 1n).toString(), (2n ** 63n).toString()]);
  return (
    1_700_000_000_000_000_000n +
    BigInt(rng.int(2 ** 31)) * 1_000_000n +
    BigInt(rng.int(1e6))
  ).toString();
}

function later(rng: Prng, start: string): string {
  if (rng.chance(0.1)) return randomTime(rng);
  if (rng.chance(0.05))
    return ((BigInt(start) - BigInt(rng.int(1000) + 1) + TWO_64) % TWO_64).toString();
  return ((BigInt(start) + BigInt(rng.int(2 ** 30))) % TWO_64).toString();
}

export function randomDouble(rng: Prng): number {
  return rng.pick([
    0,
    -0,
    1.5,
    -2.25,
    0.1,
    1e300,
    -1e-300,
    5e-324,
    2 ** 53,
    1.2345678901234567e19,
    NaN,
    Infinity,
    -Infinity,
    rng.uniform(-1e6, 1e6),
  ]);
}

export function randomAnyValue(rng: Prng, depth = 0): AnyValue {
  switch (rng.int(depth < 3 ? 9 : 6)) {
    case 0:
      return { stringValue: randomString(rng) };
    case 1:
      return { boolValue: rng.chance(0.5) };
    case 2:
      return { intValue: randomInt64(rng) };
    case 3:
      return { doubleValue: randomDouble(rng) };
    case 4:
      return { bytesValue: randomBytes(rng, rng.int(12)) };
    case 5:
      return {};
    case 6:
    case 7: {
      const values: AnyValue[] = [];
      for (let i = rng.int(4); i > 0; i--) values.push(randomAnyValue(rng, depth + 1));
      return { arrayValue: { values } };
    }
    default:
      return { kvlistValue: { values: randomAttributes(rng, [], depth + 1, 3) } };
  }
}

/** A value for a key that feeds a promoted column: mostly scalars that convert. */
function randomPromotedValue(rng: Prng): AnyValue {
  switch (rng.int(8)) {
    case 0:
      return { intValue: rng.pick(['200', '404', '503', '-1', '9007199254740993']) };
    case 1:
      return { doubleValue: rng.pick([200, 200.5, NaN, Infinity]) };
    case 2:
      return { stringValue: rng.pick(['503', '0042', '1234567890', 'abc', '']) };
    case 3:
      return { boolValue: rng.chance(0.5) };
    case 4:
      return randomAnyValue(rng, 2);
    default:
      return { stringValue: randomString(rng) };
  }
}

export function randomAttributes(
  rng: Prng,
  promotedKeys: readonly string[],
  depth = 0,
  max = 6,
): KeyValue[] {
  const attributes: KeyValue[] = [];
  for (let i = rng.int(max + 1); i > 0; i--) {
    if (promotedKeys.length > 0 && rng.chance(0.35)) {
      const key = rng.pick(promotedKeys);
      attributes.push(rng.chance(0.05) ? { key } : { key, value: randomPromotedValue(rng) });
    } else if (rng.chance(0.05)) {
      attributes.push(
        rng.chance(0.5) ? { key: randomString(rng) } : { value: randomAnyValue(rng) },
      );
    } else {
      attributes.push({ key: randomString(rng, 6), value: randomAnyValue(rng, depth) });
    }
  }
  return attributes;
}

const SPAN_KEYS: readonly string[] = Object.values(PROMOTED_SPAN_ATTRIBUTES).flat();
const RESOURCE_KEYS: readonly string[] = ['service.name', ...ENVIRONMENT_RESOURCE_ATTRIBUTES];

function randomResource(rng: Prng): Resource | undefined {
  if (rng.chance(0.1)) return undefined;
  return { attributes: randomAttributes(rng, RESOURCE_KEYS), droppedAttributesCount: rng.int(3) };
}

function randomScope(rng: Prng): Scope | undefined {
  if (rng.chance(0.15)) return undefined;
  const scope: Scope = {};
  if (rng.chance(0.8)) scope.name = randomString(rng);
  if (rng.chance(0.6)) scope.version = randomString(rng, 5);
  if (rng.chance(0.3)) scope.attributes = randomAttributes(rng, [], 0, 2);
  return scope;
}

/** An id: usually valid; sometimes absent, empty, all zeros or of the wrong length. */
function randomId(rng: Prng, size: number, validRate: number): Uint8Array | undefined {
  if (rng.chance(validRate)) {
    const id = randomBytes(rng, size);
    id[0] = 1 + rng.int(255);
    return id;
  }
  switch (rng.int(4)) {
    case 0:
      return undefined;
    case 1:
      return new Uint8Array(0);
    case 2:
      return new Uint8Array(size);
    default:
      return randomBytes(rng, rng.pick([1, size - 1, size + 1, 32]));
  }
}

function randomSpan(rng: Prng): Span {
  const start = randomTime(rng);
  const span: Span = {
    traceId: randomId(rng, 16, 0.95),
    spanId: randomId(rng, 8, 0.95),
    name: randomString(rng, 16),
    startTimeUnixNano: start,
    endTimeUnixNano: later(rng, start),
    attributes: randomAttributes(rng, SPAN_KEYS, 0, 8),
  };
  if (rng.chance(0.6)) span.parentSpanId = randomId(rng, 8, 0.85);
  if (rng.chance(0.3)) span.traceState = randomString(rng);
  if (rng.chance(0.9)) span.kind = rng.pick([0, 1, 2, 3, 4, 5, 6, 99, -1]);
  if (rng.chance(0.3)) span.flags = rng.int(2 ** 32);
  if (rng.chance(0.2)) span.droppedAttributesCount = rng.int(5);
  if (rng.chance(0.5)) {
    span.status = rng.chance(0.2) ? {} : { code: rng.pick([0, 1, 2, 7]) };
    if (rng.chance(0.5)) span.status.message = randomString(rng);
  }
  if (rng.chance(0.6)) {
    span.events = [];
    for (let i = rng.int(4); i > 0; i--) {
      span.events.push({
        timeUnixNano: rng.chance(0.9) ? randomTime(rng) : null,
        name: rng.chance(0.9) ? randomString(rng) : null,
        attributes: randomAttributes(rng, [], 0, 3),
        droppedAttributesCount: rng.int(2),
      });
    }
  }
  if (rng.chance(0.3)) {
    span.links = [];
    for (let i = rng.int(3); i > 0; i--) {
      span.links.push({
        traceId: randomId(rng, 16, 0.8),
        spanId: randomId(rng, 8, 0.8),
        traceState: rng.chance(0.5) ? randomString(rng) : null,
        attributes: randomAttributes(rng, [], 0, 2),
        flags: rng.chance(0.5) ? rng.int(256) : null,
      });
    }
  }
  return span;
}

function repeat<T>(rng: Prng, max: number, make: () => T): T[] {
  const items: T[] = [];
  for (let i = rng.int(max + 1); i > 0; i--) items.push(make());
  return items;
}

export function randomTracesRequest(rng: Prng): TracesRequest {
  return {
    resourceSpans: repeat(rng, 3, () => ({
      resource: randomResource(rng),
      scopeSpans: repeat(rng, 3, () => ({
        scope: randomScope(rng),
        spans: repeat(rng, 6, () => randomSpan(rng)),
      })),
    })),
  };
}

function randomLogRecord(rng: Prng): LogRecord {
  const record: LogRecord = { attributes: randomAttributes(rng, [], 0, 5) };
  if (rng.chance(0.8)) record.timeUnixNano = rng.chance(0.1) ? '0' : randomTime(rng);
  if (rng.chance(0.8)) record.observedTimeUnixNano = rng.chance(0.1) ? '0' : randomTime(rng);
  if (rng.chance(0.8)) record.severityNumber = rng.pick([0, 1, 5, 9, 13, 17, 21, 24, 25, 200, -3]);
  if (rng.chance(0.6)) record.severityText = randomString(rng, 6);
  if (rng.chance(0.9)) {
    record.body = rng.chance(0.6) ? { stringValue: randomString(rng, 30) } : randomAnyValue(rng);
  }
  if (rng.chance(0.3)) record.flags = rng.int(2 ** 32);
  if (rng.chance(0.6)) record.traceId = randomId(rng, 16, 0.8);
  if (rng.chance(0.6)) record.spanId = randomId(rng, 8, 0.8);
  if (rng.chance(0.2)) record.eventName = randomString(rng);
  return record;
}

export function randomLogsRequest(rng: Prng): LogsRequest {
  return {
    resourceLogs: repeat(rng, 3, () => ({
      resource: randomResource(rng),
      scopeLogs: repeat(rng, 3, () => ({
        scope: randomScope(rng),
        logRecords: repeat(rng, 6, () => randomLogRecord(rng)),
      })),
    })),
  };
}

function randomExemplar(rng: Prng): Exemplar {
  const exemplar: Exemplar = { filteredAttributes: randomAttributes(rng, [], 0, 2) };
  if (rng.chance(0.9)) exemplar.timeUnixNano = randomTime(rng);
  const value = rng.int(3);
  if (value === 0) exemplar.asDouble = randomDouble(rng);
  if (value === 1) exemplar.asInt = randomInt64(rng);
  if (rng.chance(0.7)) exemplar.traceId = randomBytes(rng, rng.chance(0.9) ? 16 : 3);
  if (rng.chance(0.7)) exemplar.spanId = randomBytes(rng, 8);
  return exemplar;
}

function pointCommon(rng: Prng): NumberDataPoint {
  const point: NumberDataPoint = { attributes: randomAttributes(rng, [], 1, 4) };
  if (rng.chance(0.8)) point.startTimeUnixNano = randomTime(rng);
  if (rng.chance(0.95)) point.timeUnixNano = randomTime(rng);
  if (rng.chance(0.2)) point.flags = rng.pick([0, 1, 2 ** 32 - 1]);
  return point;
}

function randomCount(rng: Prng): string {
  return rng.chance(0.1) ? (2n ** 53n + 1n).toString() : String(rng.int(100_000));
}

function randomBuckets(rng: Prng): Buckets | undefined {
  if (rng.chance(0.2)) return undefined;
  return {
    offset: rng.int(100) - 50,
    bucketCounts: repeat(rng, 6, () =>
      rng.chance(0.05) ? '18446744073709551615' : String(rng.int(1000)),
    ),
  };
}

function randomMetric(rng: Prng): Metric {
  const metric: Metric = {};
  if (rng.chance(0.95)) metric.name = randomString(rng, 12);
  if (rng.chance(0.5)) metric.description = randomString(rng);
  if (rng.chance(0.5)) metric.unit = rng.pick(['ms', 's', 'By', '1', '{request}', '']);
  const temporality = (): number => rng.pick([0, 1, 2, 2, 1, 9]);
  switch (rng.int(6)) {
    case 0:
      metric.gauge = { dataPoints: repeat(rng, 4, () => numberPoint(rng)) };
      break;
    case 1:
      metric.sum = {
        dataPoints: repeat(rng, 4, () => numberPoint(rng)),
        aggregationTemporality: temporality(),
        isMonotonic: rng.chance(0.5),
      };
      break;
    case 2:
      metric.histogram = {
        aggregationTemporality: temporality(),
        dataPoints: repeat(rng, 4, () => {
          const bounds = repeat(rng, 5, () => randomDouble(rng));
          return {
            ...pointCommon(rng),
            count: randomCount(rng),
            sum: rng.chance(0.8) ? randomDouble(rng) : null,
            bucketCounts: rng.chance(0.9) ? [...bounds, 0].map(() => String(rng.int(500))) : [],
            explicitBounds: bounds,
            exemplars: repeat(rng, 2, () => randomExemplar(rng)),
            min: rng.chance(0.7) ? randomDouble(rng) : null,
            max: rng.chance(0.7) ? randomDouble(rng) : null,
          };
        }),
      };
      break;
    case 3:
      metric.exponentialHistogram = {
        aggregationTemporality: temporality(),
        dataPoints: repeat(rng, 4, () => ({
          ...pointCommon(rng),
          count: randomCount(rng),
          sum: rng.chance(0.8) ? randomDouble(rng) : null,
          scale: rng.int(30) - 10,
          zeroCount: rng.chance(0.8) ? randomCount(rng) : null,
          positive: randomBuckets(rng),
          negative: randomBuckets(rng),
          exemplars: repeat(rng, 2, () => randomExemplar(rng)),
          min: rng.chance(0.7) ? randomDouble(rng) : null,
          max: rng.chance(0.7) ? randomDouble(rng) : null,
          zeroThreshold: rng.chance(0.5) ? randomDouble(rng) : null,
        })),
      };
      break;
    case 4:
      metric.summary = {
        dataPoints: repeat(rng, 4, () => ({
          ...pointCommon(rng),
          count: randomCount(rng),
          sum: rng.chance(0.8) ? randomDouble(rng) : null,
          quantileValues: repeat(rng, 4, () => ({
            quantile: rng.chance(0.9) ? rng.pick([0, 0.5, 0.99, 1]) : null,
            value: rng.chance(0.9) ? randomDouble(rng) : null,
          })),
        })),
      };
      break;
    default:
      // A metric without data: no rows.
      break;
  }
  return metric;
}

function numberPoint(rng: Prng): NumberDataPoint {
  const point = pointCommon(rng);
  const value = rng.int(5);
  if (value <= 1) point.asDouble = randomDouble(rng);
  else if (value <= 3) point.asInt = randomInt64(rng);
  point.exemplars = repeat(rng, 2, () => randomExemplar(rng));
  return point;
}

export function randomMetricsRequest(rng: Prng): MetricsRequest {
  return {
    resourceMetrics: repeat(rng, 3, () => ({
      resource: randomResource(rng),
      scopeMetrics: repeat(rng, 3, () => ({
        scope: randomScope(rng),
        metrics: repeat(rng, 5, () => randomMetric(rng)),
      })),
    })),
  };
}
