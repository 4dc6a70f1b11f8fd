import type { DecodedMetrics, MetricType, Temporality } from '../telemetry/batches.js';
import { AttributeLimiter } from './attribute-limits.js';
import { MetricPointBatchBuilder } from './builders.js';
import { JsonWriter } from './json-writer.js';
import { EMPTY_RESOURCE, RESOURCE_PROMOTED_KEYS, type PromotedValue } from './promoted.js';
import { RejectionCounter } from './rejections.js';
import { DataPointWireDecoder } from './wire-data-points.js';
import { WireReader } from './wire-reader.js';
import { EMPTY_SCOPE, decodeResource, decodeScope } from './wire-resource.js';
import type { ProtobufDecoder } from './decoder-types.js';

/**
 * ExportMetricsServiceRequest (protobuf) → MetricPointBatch, one row per data point, in one
 * pass over the bytes (field keys from opentelemetry-proto's metrics.proto). Packed and
 * unpacked repeated numbers are both accepted.
 */
export const decodeMetricsProtobuf: ProtobufDecoder<DecodedMetrics> = (
  bytes,
  _receivedAt,
  limits,
) => {
  return new MetricWireDecoder(new WireReader(bytes), new AttributeLimiter(limits)).request();
};

export const TEMPORALITIES: readonly Temporality[] = ['unspecified', 'delta', 'cumulative'];

const resourceAttributes = new JsonWriter();
const resourceSlots: PromotedValue[] = new Array<PromotedValue>(RESOURCE_PROMOTED_KEYS.size).fill(
  null,
);

/** The protobuf message that holds each metric type's points (named in error messages). */
const DATA_MESSAGES: Readonly<Record<MetricType, string>> = {
  gauge: 'Gauge',
  sum: 'Sum',
  histogram: 'Histogram',
  exponential_histogram: 'ExponentialHistogram',
  summary: 'Summary',
};

class MetricWireDecoder {
  private readonly out = new MetricPointBatchBuilder();
  private readonly points: DataPointWireDecoder;
  // Set by `data` for the metric being decoded.
  private temporality = 0;
  private isMonotonic = false;

  constructor(
    private readonly r: WireReader,
    private readonly limits: AttributeLimiter,
  ) {
    this.points = new DataPointWireDecoder(r, this.out, limits);
  }

  request(): DecodedMetrics {
    const r = this.r;
    const end = r.end;
    while (r.pos < end) {
      r.msg = 'ExportMetricsServiceRequest';
      const tag = r.tag(end);
      if (tag === 0x0a) this.resourceMetrics(r.len(end));
      else r.skip(tag, end);
    }
    // Data points need no ids, so nothing is ever rejected.
    return {
      points: this.out.finish(),
      rejected: new RejectionCounter().finish(),
      limited: this.limits.finish(),
    };
  }

  private resourceMetrics(end: number): void {
    const r = this.r;
    const from = this.out.length;
    let resource = EMPTY_RESOURCE;
    while (r.pos < end) {
      r.msg = 'ResourceMetrics';
      const tag = r.tag(end);
      if (tag === 0x0a) {
        resource = decodeResource(r, r.len(end), resourceAttributes, resourceSlots, this.limits);
      } else if (tag === 0x12) {
        this.scopeMetrics(r.len(end));
      } else {
        r.skip(tag, end);
      }
    }
    this.out.fillResource(from, resource);
  }

  private scopeMetrics(end: number): void {
    const r = this.r;
    const from = this.out.length;
    let scope = EMPTY_SCOPE;
    while (r.pos < end) {
      r.msg = 'ScopeMetrics';
      const tag = r.tag(end);
      if (tag === 0x0a) scope = decodeScope(r, r.len(end));
      else if (tag === 0x12) this.metric(r.len(end));
      else r.skip(tag, end);
    }
    this.out.fillScope(from, scope);
  }

  private metric(end: number): void {
    const r = this.r;
    const from = this.out.length;
    let nameStart = 0;
    let nameEnd = 0;
    let descriptionStart = 0;
    let descriptionEnd = 0;
    let unitStart = 0;
    let unitEnd = 0;
    let type: MetricType | null = null;
    while (r.pos < end) {
      r.msg = 'Metric';
      const tag = r.tag(end);
      let dataType: MetricType | null = null;
      switch (tag) {
        case 0x0a:
          nameEnd = r.len(end);
          nameStart = r.pos;
          r.pos = nameEnd;
          break;
        case 0x12:
          descriptionEnd = r.len(end);
          descriptionStart = r.pos;
          r.pos = descriptionEnd;
          break;
        case 0x1a:
          unitEnd = r.len(end);
          unitStart = r.pos;
          r.pos = unitEnd;
          break;
        case 0x2a:
          dataType = 'gauge';
          break;
        case 0x3a:
          dataType = 'sum';
          break;
        case 0x4a:
          dataType = 'histogram';
          break;
        case 0x52:
          dataType = 'exponential_histogram';
          break;
        case 0x5a:
          dataType = 'summary';
          break;
        default:
          r.skip(tag, end);
      }
      if (dataType !== null) {
        // `data` is a oneof: a later member replaces the points of an earlier one.
        this.out.truncatePoints(from);
        type = dataType;
        this.data(r.len(end), dataType);
      }
    }
    if (type === null) return;
    this.out.fillMetric(from, {
      name: r.string(nameStart, nameEnd),
      description: r.string(descriptionStart, descriptionEnd),
      unit: r.string(unitStart, unitEnd),
      type,
      temporality: TEMPORALITIES[this.temporality] ?? 'unspecified',
      isMonotonic: this.isMonotonic,
    });
  }

  /** Decodes a Gauge / Sum / Histogram / ExponentialHistogram / Summary message. */
  private data(end: number, type: MetricType): void {
    const r = this.r;
    const message = DATA_MESSAGES[type];
    const hasTemporality =
      type === 'sum' || type === 'histogram' || type === 'exponential_histogram';
    this.temporality = 0;
    this.isMonotonic = false;
    while (r.pos < end) {
      r.msg = message;
      const tag = r.tag(end);
      if (tag === 0x0a) {
        const e = r.len(end);
        if (type === 'gauge' || type === 'sum') this.points.numberPoint(e);
        else if (type === 'histogram') this.points.histogramPoint(e);
        else if (type === 'exponential_histogram') this.points.exponentialPoint(e);
        else this.points.summaryPoint(e);
      } else if (tag === 0x10 && hasTemporality) {
        this.temporality = r.int32(end);
      } else if (tag === 0x18 && type === 'sum') {
        this.isMonotonic = r.bool(end);
      } else {
        r.skip(tag, end);
      }
    }
  }
}
