import type {
  LogBatch,
  MetricPointBatch,
  MetricType,
  SpanBatch,
  SpanKind,
  StatusCode,
  Temporality,
} from '../telemetry/batches.js';
import type { ResourceColumns } from './promoted.js';
import { TimeColumn } from './time-column.js';
import type { ScopeColumns } from './wire-resource.js';

/**
 * Column builders the decoders append rows to. Row-level columns are pushed when a row is
 * complete; columns that come from an enclosing message (resource, scope, metric) are filled
 * for the row range once that message is complete, because protobuf lets its fields arrive
 * after the rows. `finish` returns the batch; a builder is used once.
 */

/** Shared by every row whose point type has no such values; frozen so no consumer can fill it. */
const NO_NUMBERS = Object.freeze([]) as unknown as number[];
export { NO_NUMBERS };

export class SpanBatchBuilder {
  readonly traceId: string[] = [];
  readonly spanId: string[] = [];
  readonly parentSpanId: string[] = [];
  readonly traceState: string[] = [];
  readonly name: string[] = [];
  readonly kind: SpanKind[] = [];
  readonly serviceName: string[] = [];
  readonly startTimeUnixNano = new TimeColumn();
  readonly endTimeUnixNano = new TimeColumn();
  readonly durationNs = new TimeColumn();
  readonly statusCode: StatusCode[] = [];
  readonly statusMessage: string[] = [];
  readonly httpMethod: (string | null)[] = [];
  readonly httpRoute: (string | null)[] = [];
  readonly httpStatusCode: (number | null)[] = [];
  readonly dbSystem: (string | null)[] = [];
  readonly messagingSystem: (string | null)[] = [];
  readonly peerService: (string | null)[] = [];
  readonly serverAddress: (string | null)[] = [];
  readonly environment: (string | null)[] = [];
  readonly resourceAttributes: string[] = [];
  readonly attributes: string[] = [];
  readonly events: string[] = [];
  readonly links: string[] = [];
  readonly scopeName: string[] = [];
  readonly scopeVersion: string[] = [];

  get length(): number {
    return this.traceId.length;
  }

  fillResource(from: number, resource: ResourceColumns): void {
    for (let i = from; i < this.length; i++) {
      this.serviceName.push(resource.serviceName);
      this.environment.push(resource.environment);
      this.resourceAttributes.push(resource.attributes);
    }
  }

  fillScope(from: number, scope: ScopeColumns): void {
    for (let i = from; i < this.length; i++) {
      this.scopeName.push(scope.name);
      this.scopeVersion.push(scope.version);
    }
  }

  finish(): SpanBatch {
    return {
      length: this.length,
      traceId: this.traceId,
      spanId: this.spanId,
      parentSpanId: this.parentSpanId,
      traceState: this.traceState,
      name: this.name,
      kind: this.kind,
      serviceName: this.serviceName,
      startTimeUnixNano: this.startTimeUnixNano.finish(),
      endTimeUnixNano: this.endTimeUnixNano.finish(),
      durationNs: this.durationNs.finish(),
      statusCode: this.statusCode,
      statusMessage: this.statusMessage,
      httpMethod: this.httpMethod,
      httpRoute: this.httpRoute,
      httpStatusCode: this.httpStatusCode,
      dbSystem: this.dbSystem,
      messagingSystem: this.messagingSystem,
      peerService: this.peerService,
      serverAddress: this.serverAddress,
      environment: this.environment,
      resourceAttributes: this.resourceAttributes,
      attributes: this.attributes,
      events: this.events,
      links: this.links,
      scopeName: this.scopeName,
      scopeVersion: this.scopeVersion,
    };
  }
}

export class LogBatchBuilder {
  readonly timeUnixNano = new TimeColumn();
  readonly observedTimeUnixNano = new TimeColumn();
  readonly severityNumber: number[] = [];
  readonly severityText: string[] = [];
  readonly body: string[] = [];
  readonly traceId: string[] = [];
  readonly spanId: string[] = [];
  readonly flags: number[] = [];
  readonly eventName: string[] = [];
  readonly serviceName: string[] = [];
  readonly environment: (string | null)[] = [];
  readonly resourceAttributes: string[] = [];
  readonly attributes: string[] = [];
  readonly scopeName: string[] = [];
  readonly scopeVersion: string[] = [];

  get length(): number {
    return this.body.length;
  }

  fillResource(from: number, resource: ResourceColumns): void {
    for (let i = from; i < this.length; i++) {
      this.serviceName.push(resource.serviceName);
      this.environment.push(resource.environment);
      this.resourceAttributes.push(resource.attributes);
    }
  }

  fillScope(from: number, scope: ScopeColumns): void {
    for (let i = from; i < this.length; i++) {
      this.scopeName.push(scope.name);
      this.scopeVersion.push(scope.version);
    }
  }

  finish(): LogBatch {
    return {
      length: this.length,
      timeUnixNano: this.timeUnixNano.finish(),
      observedTimeUnixNano: this.observedTimeUnixNano.finish(),
      severityNumber: Uint8Array.from(this.severityNumber),
      severityText: this.severityText,
      body: this.body,
      traceId: this.traceId,
      spanId: this.spanId,
      flags: Uint32Array.from(this.flags),
      eventName: this.eventName,
      serviceName: this.serviceName,
      environment: this.environment,
      resourceAttributes: this.resourceAttributes,
      attributes: this.attributes,
      scopeName: this.scopeName,
      scopeVersion: this.scopeVersion,
    };
  }
}

/** The metric-level values every data point of one metric shares. */
export interface MetricColumns {
  name: string;
  description: string;
  unit: string;
  type: MetricType;
  temporality: Temporality;
  isMonotonic: boolean;
}

export class MetricPointBatchBuilder {
  readonly metricName: string[] = [];
  readonly description: string[] = [];
  readonly unit: string[] = [];
  readonly metricType: MetricType[] = [];
  readonly temporality: Temporality[] = [];
  readonly isMonotonic: boolean[] = [];
  readonly serviceName: string[] = [];
  readonly resourceAttributes: string[] = [];
  readonly scopeName: string[] = [];
  readonly scopeVersion: string[] = [];
  readonly attributes: string[] = [];
  readonly startTimeUnixNano = new TimeColumn();
  readonly timeUnixNano = new TimeColumn();
  readonly value: number[] = [];
  readonly count: number[] = [];
  readonly sum: number[] = [];
  readonly min: number[] = [];
  readonly max: number[] = [];
  readonly bucketCounts: number[][] = [];
  readonly explicitBounds: number[][] = [];
  readonly expScale: (number | null)[] = [];
  readonly expZeroCount: (number | null)[] = [];
  readonly expPositiveOffset: (number | null)[] = [];
  readonly expPositiveBucketCounts: number[][] = [];
  readonly expNegativeOffset: (number | null)[] = [];
  readonly expNegativeBucketCounts: number[][] = [];
  readonly quantiles: number[][] = [];
  readonly quantileValues: number[][] = [];
  readonly exemplars: string[] = [];
  readonly flags: number[] = [];

  get length(): number {
    return this.attributes.length;
  }

  /** Drops the points from `length` on (a metric whose data oneof is set again keeps the last). */
  truncatePoints(length: number): void {
    for (const column of [
      this.attributes,
      this.value,
      this.count,
      this.sum,
      this.min,
      this.max,
      this.bucketCounts,
      this.explicitBounds,
      this.expScale,
      this.expZeroCount,
      this.expPositiveOffset,
      this.expPositiveBucketCounts,
      this.expNegativeOffset,
      this.expNegativeBucketCounts,
      this.quantiles,
      this.quantileValues,
      this.exemplars,
      this.flags,
    ]) {
      column.length = Math.min(column.length, length);
    }
    this.startTimeUnixNano.truncate(length);
    this.timeUnixNano.truncate(length);
  }

  /** Pushes the columns a gauge or sum point does not use. */
  pushNumberPointDefaults(): void {
    this.count.push(NaN);
    this.sum.push(NaN);
    this.min.push(NaN);
    this.max.push(NaN);
    this.bucketCounts.push(NO_NUMBERS);
    this.explicitBounds.push(NO_NUMBERS);
    this.pushNoExponential();
    this.quantiles.push(NO_NUMBERS);
    this.quantileValues.push(NO_NUMBERS);
  }

  pushNoExponential(): void {
    this.expScale.push(null);
    this.expZeroCount.push(null);
    this.expPositiveOffset.push(null);
    this.expPositiveBucketCounts.push(NO_NUMBERS);
    this.expNegativeOffset.push(null);
    this.expNegativeBucketCounts.push(NO_NUMBERS);
  }

  fillMetric(from: number, metric: MetricColumns): void {
    for (let i = from; i < this.length; i++) {
      this.metricName.push(metric.name);
      this.description.push(metric.description);
      this.unit.push(metric.unit);
      this.metricType.push(metric.type);
      this.temporality.push(metric.temporality);
      this.isMonotonic.push(metric.isMonotonic);
    }
  }

  fillResource(from: number, resource: ResourceColumns): void {
    for (let i = from; i < this.length; i++) {
      this.serviceName.push(resource.serviceName);
      this.resourceAttributes.push(resource.attributes);
    }
  }

  fillScope(from: number, scope: ScopeColumns): void {
    for (let i = from; i < this.length; i++) {
      this.scopeName.push(scope.name);
      this.scopeVersion.push(scope.version);
    }
  }

  finish(): MetricPointBatch {
    return {
      length: this.length,
      metricName: this.metricName,
      description: this.description,
      unit: this.unit,
      metricType: this.metricType,
      temporality: this.temporality,
      isMonotonic: this.isMonotonic,
      serviceName: this.serviceName,
      resourceAttributes: this.resourceAttributes,
      scopeName: this.scopeName,
      scopeVersion: this.scopeVersion,
      attributes: this.attributes,
      startTimeUnixNano: this.startTimeUnixNano.finish(),
      timeUnixNano: this.timeUnixNano.finish(),
      value: Float64Array.from(this.value),
      count: Float64Array.from(this.count),
      sum: Float64Array.from(this.sum),
      min: Float64Array.from(this.min),
      max: Float64Array.from(this.max),
      bucketCounts: this.bucketCounts,
      explicitBounds: this.explicitBounds,
      expScale: this.expScale,
      expZeroCount: this.expZeroCount,
      expPositiveOffset: this.expPositiveOffset,
      expPositiveBucketCounts: this.expPositiveBucketCounts,
      expNegativeOffset: this.expNegativeOffset,
      expNegativeBucketCounts: this.expNegativeBucketCounts,
      quantiles: this.quantiles,
      quantileValues: this.quantileValues,
      exemplars: this.exemplars,
      flags: Uint32Array.from(this.flags),
    };
  }
}

export function emptySpanBatch(): SpanBatch {
  return new SpanBatchBuilder().finish();
}

export function emptyLogBatch(): LogBatch {
  return new LogBatchBuilder().finish();
}

export function emptyMetricPointBatch(): MetricPointBatch {
  return new MetricPointBatchBuilder().finish();
}
