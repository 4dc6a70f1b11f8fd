import type { DecodedMetrics, MetricType } from '../telemetry/batches.js';
import { AttributeLimiter } from './attribute-limits.js';
import { MetricPointBatchBuilder, NO_NUMBERS } from './builders.js';
import { TEMPORALITIES } from './decode-metrics.js';
import { keyValuesText } from './json-any-value.js';
import { walkEnvelope } from './json-envelope.js';
import {
  JsonPath,
  doubleText,
  field,
  parseJsonBody,
  readArray,
  readBool,
  readDouble,
  readEnum,
  readInt32,
  readInt64,
  readLooseHexId,
  readObject,
  readString,
  readUint32,
  readUint64Number,
  type JsonObject,
} from './json-values.js';
import { RejectionCounter } from './rejections.js';
import type { JsonDecoder } from './decoder-types.js';

/** OTLP/JSON ExportMetricsServiceRequest → MetricPointBatch (same columns as protobuf). */
export const decodeMetricsJson: JsonDecoder<DecodedMetrics> = (text, _receivedAt, limitsGiven) => {
  const doc = parseJsonBody(text);
  const path = new JsonPath();
  const out = new MetricPointBatchBuilder();
  const limits = new AttributeLimiter(limitsGiven);
  walkEnvelope(
    doc,
    path,
    {
      resources: ['resourceMetrics', 'resource_metrics'],
      scopes: ['scopeMetrics', 'scope_metrics'],
      items: ['metrics', 'metrics'],
    },
    out,
    limits,
    (metric) => {
      decodeMetric(metric, path, out, limits);
    },
  );
  return {
    points: out.finish(),
    rejected: new RejectionCounter().finish(),
    limited: limits.finish(),
  };
};

export const TEMPORALITY_NAMES = [
  'AGGREGATION_TEMPORALITY_UNSPECIFIED',
  'AGGREGATION_TEMPORALITY_DELTA',
  'AGGREGATION_TEMPORALITY_CUMULATIVE',
];

/** Each data member of Metric: its type and its JSON keys. */
const DATA_MEMBERS: readonly (readonly [MetricType, string, string])[] = [
  ['gauge', 'gauge', 'gauge'],
  ['sum', 'sum', 'sum'],
  ['histogram', 'histogram', 'histogram'],
  ['exponential_histogram', 'exponentialHistogram', 'exponential_histogram'],
  ['summary', 'summary', 'summary'],
];

function decodeMetric(
  metric: JsonObject,
  path: JsonPath,
  out: MetricPointBatchBuilder,
  limits: AttributeLimiter,
): void {
  const from = out.length;
  const name = readString(metric.name, path, 'name');
  const description = readString(metric.description, path, 'description');
  const unit = readString(metric.unit, path, 'unit');
  for (const [type, camel, snake] of DATA_MEMBERS) {
    const data = readObject(field(metric, camel, snake), path, camel);
    if (data === undefined) continue;
    path.enter(camel);
    const temporality =
      type === 'gauge' || type === 'summary'
        ? 0
        : readEnum(
            field(data, 'aggregationTemporality', 'aggregation_temporality'),
            path,
            'aggregationTemporality',
            TEMPORALITY_NAMES,
          );
    const isMonotonic =
      type === 'sum' && readBool(field(data, 'isMonotonic', 'is_monotonic'), path, 'isMonotonic');
    const points = readArray(field(data, 'dataPoints', 'data_points'), path, 'dataPoints');
    path.enter('dataPoints');
    for (let i = 0; i < points.length; i++) {
      path.enter(i);
      decodePoint(readObject(points[i], path, null) ?? {}, type, path, out, limits);
      path.leave();
    }
    path.leave();
    path.leave();
    out.fillMetric(from, {
      name,
      description,
      unit,
      type,
      temporality: TEMPORALITIES[temporality] ?? 'unspecified',
      isMonotonic,
    });
    return;
  }
}

function decodePoint(
  point: JsonObject,
  type: MetricType,
  path: JsonPath,
  out: MetricPointBatchBuilder,
  limits: AttributeLimiter,
): void {
  out.attributes.push(keyValuesText(point.attributes, path, 'attributes', 0, null, null, limits));
  out.startTimeUnixNano.push(
    readInt64(field(point, 'startTimeUnixNano', 'start_time_unix_nano'), path, 'startTimeUnixNano'),
  );
  out.timeUnixNano.push(
    readInt64(field(point, 'timeUnixNano', 'time_unix_nano'), path, 'timeUnixNano'),
  );
  out.flags.push(readUint32(point.flags, path, 'flags'));
  out.exemplars.push(type === 'summary' ? '[]' : exemplarsText(point.exemplars, path, limits));
  if (type === 'gauge' || type === 'sum') {
    out.value.push(numberValue(point, path));
    out.pushNumberPointDefaults();
    return;
  }
  out.value.push(NaN);
  out.count.push(readUint64Number(point.count, path, 'count'));
  out.sum.push(readDouble(point.sum, path, 'sum', type === 'summary' ? 0 : NaN));
  if (type === 'summary') {
    out.min.push(NaN);
    out.max.push(NaN);
  } else {
    out.min.push(readDouble(point.min, path, 'min', NaN));
    out.max.push(readDouble(point.max, path, 'max', NaN));
  }
  if (type === 'histogram') {
    out.bucketCounts.push(
      numbers(field(point, 'bucketCounts', 'bucket_counts'), path, 'bucketCounts', true),
    );
    out.explicitBounds.push(
      numbers(field(point, 'explicitBounds', 'explicit_bounds'), path, 'explicitBounds', false),
    );
  } else {
    out.bucketCounts.push(NO_NUMBERS);
    out.explicitBounds.push(NO_NUMBERS);
  }
  if (type === 'exponential_histogram') {
    out.expScale.push(readInt32(point.scale, path, 'scale'));
    out.expZeroCount.push(
      readUint64Number(field(point, 'zeroCount', 'zero_count'), path, 'zeroCount'),
    );
    pushBuckets(
      point.positive,
      path,
      'positive',
      out.expPositiveOffset,
      out.expPositiveBucketCounts,
    );
    pushBuckets(
      point.negative,
      path,
      'negative',
      out.expNegativeOffset,
      out.expNegativeBucketCounts,
    );
  } else {
    out.pushNoExponential();
  }
  if (type === 'summary') {
    const values = readArray(
      field(point, 'quantileValues', 'quantile_values'),
      path,
      'quantileValues',
    );
    const quantiles: number[] = [];
    const quantileValues: number[] = [];
    path.enter('quantileValues');
    for (let i = 0; i < values.length; i++) {
      path.enter(i);
      const q = readObject(values[i], path, null) ?? {};
      quantiles.push(readDouble(q.quantile, path, 'quantile', 0));
      quantileValues.push(readDouble(q.value, path, 'value', 0));
      path.leave();
    }
    path.leave();
    out.quantiles.push(values.length === 0 ? NO_NUMBERS : quantiles);
    out.quantileValues.push(values.length === 0 ? NO_NUMBERS : quantileValues);
  } else {
    out.quantiles.push(NO_NUMBERS);
    out.quantileValues.push(NO_NUMBERS);
  }
}

/** A gauge or sum point's value: `asDouble`, else `asInt` as a double, else NaN. */
function numberValue(point: JsonObject, path: JsonPath): number {
  const asDouble = field(point, 'asDouble', 'as_double');
  if (asDouble !== undefined) return readDouble(asDouble, path, 'asDouble', NaN);
  const asInt = field(point, 'asInt', 'as_int');
  if (asInt !== undefined) return Number(BigInt.asIntN(64, readInt64(asInt, path, 'asInt')));
  return NaN;
}

/** A repeated uint64 (`counts`) or double field. */
function numbers(v: unknown, path: JsonPath, key: string, counts: boolean): number[] {
  const items = readArray(v, path, key);
  if (items.length === 0) return NO_NUMBERS;
  path.enter(key);
  const result: number[] = [];
  for (let i = 0; i < items.length; i++) {
    path.enter(i);
    result.push(
      counts ? readUint64Number(items[i], path, null) : readDouble(items[i], path, null, 0),
    );
    path.leave();
  }
  path.leave();
  return result;
}

function pushBuckets(
  v: unknown,
  path: JsonPath,
  key: string,
  offsets: (number | null)[],
  counts: number[][],
): void {
  const buckets = readObject(v, path, key);
  if (buckets === undefined) {
    offsets.push(0);
    counts.push(NO_NUMBERS);
    return;
  }
  path.enter(key);
  offsets.push(readInt32(buckets.offset, path, 'offset'));
  counts.push(numbers(field(buckets, 'bucketCounts', 'bucket_counts'), path, 'bucketCounts', true));
  path.leave();
}

function exemplarsText(v: unknown, path: JsonPath, limits: AttributeLimiter): string {
  const exemplars = readArray(v, path, 'exemplars');
  if (exemplars.length === 0) return '[]';
  path.enter('exemplars');
  let text = '[';
  for (let i = 0; i < exemplars.length; i++) {
    path.enter(i);
    const e = readObject(exemplars[i], path, null) ?? {};
    const time = readInt64(field(e, 'timeUnixNano', 'time_unix_nano'), path, 'timeUnixNano');
    const asDouble = field(e, 'asDouble', 'as_double');
    const asInt = field(e, 'asInt', 'as_int');
    const value =
      asDouble !== undefined
        ? doubleText(readDouble(asDouble, path, 'asDouble', 0))
        : asInt !== undefined
          ? BigInt.asIntN(64, readInt64(asInt, path, 'asInt')).toString()
          : 'null';
    const traceId = readLooseHexId(field(e, 'traceId', 'trace_id'), path, 'traceId');
    const spanId = readLooseHexId(field(e, 'spanId', 'span_id'), path, 'spanId');
    const attributes = keyValuesText(
      field(e, 'filteredAttributes', 'filtered_attributes'),
      path,
      'filteredAttributes',
      0,
      null,
      null,
      limits,
    );
    if (i > 0) text += ',';
    text += `{"timeUnixNano":"${BigInt.asIntN(64, time)}","value":${value},"traceId":"${traceId}","spanId":"${spanId}","attributes":${attributes}}`;
    path.leave();
  }
  path.leave();
  return text + ']';
}
