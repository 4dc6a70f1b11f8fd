import type {
  LogBatch,
  MetricPointBatch,
  Utf8LogBatch,
  Utf8SpanBatch,
  MetricType,
  SpanBatch,
  SpanKind,
  StatusCode,
  Temporality,
} from '../telemetry/batches.js';
import type { Utf8Column } from '../telemetry/utf8-column.js';
import type { ResourceColumns } from './promoted.js';
import { StringSink, Utf8Sink, textSink, type TextMode, type TextSink } from './text-sink.js';
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

/**
 * The span columns, each string column a `TextSink`: `finish()` gives JS strings (mode
 * `strings`), `finishUtf8()` UTF-8 columns (mode `utf8`, for decode workers).
 */
export class SpanBatchBuilder {
  readonly traceId: TextSink;
  readonly spanId: TextSink;
  readonly parentSpanId: TextSink;
  readonly traceState: TextSink;
  readonly name: TextSink;
  readonly kind: TextSink;
  readonly serviceName: TextSink;
  readonly startTimeUnixNano = new TimeColumn();
  readonly endTimeUnixNano = new TimeColumn();
  readonly durationNs = new TimeColumn();
  readonly statusCode: TextSink;
  readonly statusMessage: TextSink;
  readonly httpMethod: TextSink;
  readonly httpRoute: TextSink;
  readonly httpStatusCode: (number | null)[] = [];
  readonly dbSystem: TextSink;
  readonly messagingSystem: TextSink;
  readonly peerService: TextSink;
  readonly serverAddress: TextSink;
  readonly environment: TextSink;
  readonly resourceAttributes: TextSink;
  readonly attributes: TextSink;
  readonly events: TextSink;
  readonly links: TextSink;
  readonly scopeName: TextSink;
  readonly scopeVersion: TextSink;

  constructor(readonly mode: TextMode = 'strings') {
    this.traceId = textSink(mode);
    this.spanId = textSink(mode);
    this.parentSpanId = textSink(mode);
    this.traceState = textSink(mode);
    this.name = textSink(mode);
    this.kind = textSink(mode);
    this.serviceName = textSink(mode);
    this.statusCode = textSink(mode);
    this.statusMessage = textSink(mode);
    this.httpMethod = textSink(mode);
    this.httpRoute = textSink(mode);
    this.dbSystem = textSink(mode);
    this.messagingSystem = textSink(mode);
    this.peerService = textSink(mode);
    this.serverAddress = textSink(mode);
    this.environment = textSink(mode);
    this.resourceAttributes = textSink(mode);
    this.attributes = textSink(mode);
    this.events = textSink(mode);
    this.links = textSink(mode);
    this.scopeName = textSink(mode);
    this.scopeVersion = textSink(mode);
  }

  get length(): number {
    return this.traceId.length;
  }

  fillResource(from: number, resource: ResourceColumns): void {
    const count = this.length - from;
    this.serviceName.repeat(resource.serviceName, count);
    this.environment.repeat(resource.environment, count);
    this.resourceAttributes.repeat(resource.attributes, count);
  }

  fillScope(from: number, scope: ScopeColumns): void {
    const count = this.length - from;
    this.scopeName.repeat(scope.name, count);
    this.scopeVersion.repeat(scope.version, count);
  }

  finish(): SpanBatch {
    const t = stringsOf;
    return {
      ...this.numbers(),
      traceId: t(this.traceId),
      spanId: t(this.spanId),
      parentSpanId: t(this.parentSpanId),
      traceState: t(this.traceState),
      name: t(this.name),
      kind: t(this.kind) as SpanKind[],
      serviceName: t(this.serviceName),
      statusCode: t(this.statusCode) as StatusCode[],
      statusMessage: t(this.statusMessage),
      httpMethod: nullableStringsOf(this.httpMethod),
      httpRoute: nullableStringsOf(this.httpRoute),
      dbSystem: nullableStringsOf(this.dbSystem),
      messagingSystem: nullableStringsOf(this.messagingSystem),
      peerService: nullableStringsOf(this.peerService),
      serverAddress: nullableStringsOf(this.serverAddress),
      environment: nullableStringsOf(this.environment),
      resourceAttributes: t(this.resourceAttributes),
      attributes: t(this.attributes),
      events: t(this.events),
      links: t(this.links),
      scopeName: t(this.scopeName),
      scopeVersion: t(this.scopeVersion),
    };
  }

  finishUtf8(): Utf8SpanBatch {
    const u = utf8Of;
    return {
      ...this.numbers(),
      traceId: u(this.traceId),
      spanId: u(this.spanId),
      parentSpanId: u(this.parentSpanId),
      traceState: u(this.traceState),
      name: u(this.name),
      kind: u(this.kind),
      serviceName: u(this.serviceName),
      statusCode: u(this.statusCode),
      statusMessage: u(this.statusMessage),
      httpMethod: u(this.httpMethod),
      httpRoute: u(this.httpRoute),
      dbSystem: u(this.dbSystem),
      messagingSystem: u(this.messagingSystem),
      peerService: u(this.peerService),
      serverAddress: u(this.serverAddress),
      environment: u(this.environment),
      resourceAttributes: u(this.resourceAttributes),
      attributes: u(this.attributes),
      events: u(this.events),
      links: u(this.links),
      scopeName: u(this.scopeName),
      scopeVersion: u(this.scopeVersion),
    };
  }

  private numbers() {
    return {
      length: this.length,
      startTimeUnixNano: this.startTimeUnixNano.finish(),
      endTimeUnixNano: this.endTimeUnixNano.finish(),
      durationNs: this.durationNs.finish(),
      httpStatusCode: this.httpStatusCode,
    };
  }
}

/** The log columns; string columns are `TextSink`s as in `SpanBatchBuilder`. */
export class LogBatchBuilder {
  readonly timeUnixNano = new TimeColumn();
  readonly observedTimeUnixNano = new TimeColumn();
  readonly severityNumber: number[] = [];
  readonly severityText: TextSink;
  readonly body: TextSink;
  readonly traceId: TextSink;
  readonly spanId: TextSink;
  readonly flags: number[] = [];
  readonly eventName: TextSink;
  readonly serviceName: TextSink;
  readonly environment: TextSink;
  readonly resourceAttributes: TextSink;
  readonly attributes: TextSink;
  readonly scopeName: TextSink;
  readonly scopeVersion: TextSink;

  constructor(readonly mode: TextMode = 'strings') {
    this.severityText = textSink(mode);
    this.body = textSink(mode);
    this.traceId = textSink(mode);
    this.spanId = textSink(mode);
    this.eventName = textSink(mode);
    this.serviceName = textSink(mode);
    this.environment = textSink(mode);
    this.resourceAttributes = textSink(mode);
    this.attributes = textSink(mode);
    this.scopeName = textSink(mode);
    this.scopeVersion = textSink(mode);
  }

  get length(): number {
    return this.body.length;
  }

  fillResource(from: number, resource: ResourceColumns): void {
    const count = this.length - from;
    this.serviceName.repeat(resource.serviceName, count);
    this.environment.repeat(resource.environment, count);
    this.resourceAttributes.repeat(resource.attributes, count);
  }

  fillScope(from: number, scope: ScopeColumns): void {
    const count = this.length - from;
    this.scopeName.repeat(scope.name, count);
    this.scopeVersion.repeat(scope.version, count);
  }

  finish(): LogBatch {
    const t = stringsOf;
    return {
      ...this.numbers(),
      severityText: t(this.severityText),
      body: t(this.body),
      traceId: t(this.traceId),
      spanId: t(this.spanId),
      eventName: t(this.eventName),
      serviceName: t(this.serviceName),
      environment: nullableStringsOf(this.environment),
      resourceAttributes: t(this.resourceAttributes),
      attributes: t(this.attributes),
      scopeName: t(this.scopeName),
      scopeVersion: t(this.scopeVersion),
    };
  }

  finishUtf8(): Utf8LogBatch {
    const u = utf8Of;
    return {
      ...this.numbers(),
      severityText: u(this.severityText),
      body: u(this.body),
      traceId: u(this.traceId),
      spanId: u(this.spanId),
      eventName: u(this.eventName),
      serviceName: u(this.serviceName),
      environment: u(this.environment),
      resourceAttributes: u(this.resourceAttributes),
      attributes: u(this.attributes),
      scopeName: u(this.scopeName),
      scopeVersion: u(this.scopeVersion),
    };
  }

  private numbers() {
    return {
      length: this.length,
      timeUnixNano: this.timeUnixNano.finish(),
      observedTimeUnixNano: this.observedTimeUnixNano.finish(),
      severityNumber: Uint8Array.from(this.severityNumber),
      flags: Uint32Array.from(this.flags),
    };
  }
}

function nullableStringsOf(sink: TextSink): (string | null)[] {
  if (!(sink instanceof StringSink)) throw new Error('finish() needs a builder in strings mode');
  return sink.values;
}

/** A non-nullable column's strings (its sink never received `null`). */
function stringsOf(sink: TextSink): string[] {
  return nullableStringsOf(sink) as string[];
}

function utf8Of(sink: TextSink): Utf8Column {
  if (!(sink instanceof Utf8Sink)) throw new Error('finishUtf8() needs a builder in utf8 mode');
  return sink.finish();
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
