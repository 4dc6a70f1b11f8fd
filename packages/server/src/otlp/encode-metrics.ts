import {
  checkInt64,
  i64Tag,
  lenTag,
  varintTag,
  writeDoubleField,
  writeFixed64,
  writeFixed64FromNumber,
  writeIdField,
  writeKeyValues,
  writeStringField,
  writeTimeField,
  writeUint32Field,
  type Writer,
  encodeResourceGroups,
} from './encode-common.js';
import type {
  Exemplar,
  ExponentialBuckets,
  ExponentialHistogramDataPoint,
  ExportMetricsRequest,
  HistogramDataPoint,
  Metric,
  NumberDataPoint,
  SummaryDataPoint,
  Temporality,
} from './encode-model.js';

const TEMPORALITY_NUMBER: Readonly<Record<Temporality, number>> = {
  unspecified: 0,
  delta: 1,
  cumulative: 2,
};

/** `opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest` as protobuf bytes. */
export function encodeExportMetricsRequest(request: ExportMetricsRequest): Uint8Array {
  return encodeResourceGroups(
    request.resourceMetrics.map((r) => ({
      resource: r.resource,
      schemaUrl: r.schemaUrl,
      scopes: r.scopeMetrics.map((s) => ({
        scope: s.scope,
        schemaUrl: s.schemaUrl,
        items: s.metrics,
      })),
    })),
    writeMetric,
  );
}

function writeMetric(w: Writer, metric: Metric): void {
  writeStringField(w, 1, metric.name);
  writeStringField(w, 2, metric.description);
  writeStringField(w, 3, metric.unit);
  const data = metric.data;
  switch (data.type) {
    case 'gauge':
      w.uint32(lenTag(5)).fork();
      writePoints(w, data.points, writeNumberPoint);
      w.ldelim();
      break;
    case 'sum':
      w.uint32(lenTag(7)).fork();
      writePoints(w, data.points, writeNumberPoint);
      writeTemporality(w, data.temporality);
      if (data.isMonotonic) w.uint32(varintTag(3)).bool(true);
      w.ldelim();
      break;
    case 'histogram':
      w.uint32(lenTag(9)).fork();
      writePoints(w, data.points, writeHistogramPoint);
      writeTemporality(w, data.temporality);
      w.ldelim();
      break;
    case 'exponential_histogram':
      w.uint32(lenTag(10)).fork();
      writePoints(w, data.points, writeExponentialHistogramPoint);
      writeTemporality(w, data.temporality);
      w.ldelim();
      break;
    case 'summary':
      w.uint32(lenTag(11)).fork();
      writePoints(w, data.points, writeSummaryPoint);
      w.ldelim();
      break;
  }
  writeKeyValues(w, 12, metric.metadata);
}

/** Every data-point list is field 1 of its container; so is the temporality's field 2. */
function writePoints<P>(w: Writer, points: readonly P[], write: (w: Writer, point: P) => void) {
  for (const point of points) {
    w.uint32(lenTag(1)).fork();
    write(w, point);
    w.ldelim();
  }
}

function writeTemporality(w: Writer, temporality: Temporality): void {
  const value = TEMPORALITY_NUMBER[temporality];
  if (value !== 0) w.uint32(varintTag(2)).int32(value);
}

function writeNumberPoint(w: Writer, point: NumberDataPoint): void {
  writeTimeField(w, 2, point.startTimeUnixNano);
  writeTimeField(w, 3, point.timeUnixNano);
  // value is a oneof: written even when zero.
  if (typeof point.value === 'bigint') {
    writeFixed64(w.uint32(i64Tag(6)), checkInt64(point.value));
  } else {
    w.uint32(i64Tag(4)).double(point.value);
  }
  writeExemplars(w, 5, point.exemplars);
  writeKeyValues(w, 7, point.attributes);
  writeUint32Field(w, 8, point.flags);
}

function writeHistogramPoint(w: Writer, point: HistogramDataPoint): void {
  writeTimeField(w, 2, point.startTimeUnixNano);
  writeTimeField(w, 3, point.timeUnixNano);
  writeCount(w, 4, point.count);
  writeDoubleField(w, 5, point.sum);
  if (point.bucketCounts.length > 0) {
    w.uint32(lenTag(6)).fork();
    for (const count of point.bucketCounts) writeFixed64FromNumber(w, count);
    w.ldelim();
  }
  if (point.explicitBounds.length > 0) {
    w.uint32(lenTag(7)).fork();
    for (const bound of point.explicitBounds) w.double(bound);
    w.ldelim();
  }
  writeExemplars(w, 8, point.exemplars);
  writeKeyValues(w, 9, point.attributes);
  writeUint32Field(w, 10, point.flags);
  writeDoubleField(w, 11, point.min);
  writeDoubleField(w, 12, point.max);
}

function writeExponentialHistogramPoint(w: Writer, point: ExponentialHistogramDataPoint): void {
  writeKeyValues(w, 1, point.attributes);
  writeTimeField(w, 2, point.startTimeUnixNano);
  writeTimeField(w, 3, point.timeUnixNano);
  writeCount(w, 4, point.count);
  writeDoubleField(w, 5, point.sum);
  if (point.scale !== 0) w.uint32(varintTag(6)).sint32(point.scale);
  writeCount(w, 7, point.zeroCount);
  writeBuckets(w, 8, point.positive);
  writeBuckets(w, 9, point.negative);
  writeUint32Field(w, 10, point.flags);
  writeExemplars(w, 11, point.exemplars);
  writeDoubleField(w, 12, point.min);
  writeDoubleField(w, 13, point.max);
  if (point.zeroThreshold !== undefined && point.zeroThreshold !== 0) {
    w.uint32(i64Tag(14)).double(point.zeroThreshold);
  }
}

function writeBuckets(w: Writer, field: number, buckets: ExponentialBuckets | undefined): void {
  if (buckets === undefined) return;
  w.uint32(lenTag(field)).fork();
  if (buckets.offset !== 0) w.uint32(varintTag(1)).sint32(buckets.offset);
  if (buckets.bucketCounts.length > 0) {
    w.uint32(lenTag(2)).fork();
    for (const count of buckets.bucketCounts) w.uint64(count);
    w.ldelim();
  }
  w.ldelim();
}

function writeSummaryPoint(w: Writer, point: SummaryDataPoint): void {
  writeTimeField(w, 2, point.startTimeUnixNano);
  writeTimeField(w, 3, point.timeUnixNano);
  writeCount(w, 4, point.count);
  if (point.sum !== 0) w.uint32(i64Tag(5)).double(point.sum);
  for (const q of point.quantileValues) {
    w.uint32(lenTag(6)).fork();
    if (q.quantile !== 0) w.uint32(i64Tag(1)).double(q.quantile);
    if (q.value !== 0) w.uint32(i64Tag(2)).double(q.value);
    w.ldelim();
  }
  writeKeyValues(w, 7, point.attributes);
  writeUint32Field(w, 8, point.flags);
}

function writeCount(w: Writer, field: number, count: number): void {
  if (count !== 0) writeFixed64FromNumber(w.uint32(i64Tag(field)), count);
}

function writeExemplars(w: Writer, field: number, exemplars: readonly Exemplar[] | undefined) {
  if (exemplars === undefined) return;
  for (const exemplar of exemplars) {
    w.uint32(lenTag(field)).fork();
    writeTimeField(w, 2, exemplar.timeUnixNano);
    if (typeof exemplar.value === 'bigint') {
      writeFixed64(w.uint32(i64Tag(6)), checkInt64(exemplar.value));
    } else {
      w.uint32(i64Tag(3)).double(exemplar.value);
    }
    writeIdField(w, 4, exemplar.spanId);
    writeIdField(w, 5, exemplar.traceId);
    writeKeyValues(w, 7, exemplar.filteredAttributes);
    w.ldelim();
  }
}
