/**
 * An independent, deliberately simple statement of what the decoders must produce: from a
 * request as the oracle decoded it, the expected batch columns as plain arrays. It builds JSON
 * with JSON.stringify and BigInt where the decoders write bytes by hand. Test-only.
 */
import {
  ENVIRONMENT_RESOURCE_ATTRIBUTES,
  PROMOTED_SPAN_ATTRIBUTES,
  SPAN_KINDS,
  STATUS_CODES,
  UNKNOWN_SERVICE,
  type MetricType,
} from '../../telemetry/batches.js';
import type {
  AnyValue,
  Exemplar,
  Int64,
  KeyValue,
  LogsRequest,
  MetricsRequest,
  Resource,
  Scope,
  TracesRequest,
} from './oracle.js';

/** A batch with every typed array turned into a plain array, for comparing column by column. */
export type PlainColumns = Record<string, unknown[]> & { length: number };

export function plainColumns(batch: object): PlainColumns {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(batch)) {
    out[key] = ArrayBuffer.isView(value)
      ? Array.from(value as unknown as ArrayLike<unknown>)
      : value;
  }
  return out as PlainColumns;
}

export interface Expected {
  columns: PlainColumns;
  rejectedCount: number;
  rejectedMessages: string[];
}

const int64 = (v: Int64 | null | undefined): bigint => BigInt.asIntN(64, BigInt(String(v ?? 0)));
const uint64 = (v: Int64 | null | undefined): bigint => BigInt.asUintN(64, BigInt(String(v ?? 0)));
const hex = (bytes: Uint8Array | null | undefined): string =>
  Buffer.from(bytes ?? []).toString('hex');
const isZero = (bytes: Uint8Array): boolean => bytes.every((b) => b === 0);

function doubleJson(d: number): string {
  return Number.isFinite(d) ? JSON.stringify(d) : JSON.stringify(String(d));
}

export function anyValueJson(v: AnyValue | null | undefined): string {
  if (v == null) return 'null';
  if (v.stringValue != null) return JSON.stringify(v.stringValue);
  if (v.boolValue != null) return String(v.boolValue);
  if (v.intValue != null) return int64(v.intValue).toString();
  if (v.doubleValue != null) return doubleJson(v.doubleValue);
  if (v.arrayValue != null) return `[${(v.arrayValue.values ?? []).map(anyValueJson).join(',')}]`;
  if (v.kvlistValue != null) return attributesJson(v.kvlistValue.values);
  if (v.bytesValue != null) return JSON.stringify(Buffer.from(v.bytesValue).toString('base64'));
  return 'null';
}

export function attributesJson(kvs: KeyValue[] | null | undefined): string {
  return `{${(kvs ?? []).map((kv) => `${JSON.stringify(kv.key ?? '')}:${anyValueJson(kv.value)}`).join(',')}}`;
}

type Scalar = string | number | boolean | null;

function scalar(v: AnyValue | null | undefined): Scalar {
  if (v == null) return null;
  if (v.stringValue != null) return v.stringValue;
  if (v.boolValue != null) return v.boolValue;
  if (v.intValue != null) {
    const n = int64(v.intValue);
    return n > -(2n ** 53n) - 1n && n < 2n ** 53n ? Number(n) : n.toString();
  }
  if (v.doubleValue != null) return v.doubleValue;
  return null;
}

/** The value of the last attribute with `key` (a JSON object keeps the last duplicate too). */
function lastValue(kvs: KeyValue[] | null | undefined, key: string): Scalar {
  let found: Scalar = null;
  for (const kv of kvs ?? []) if ((kv.key ?? '') === key) found = scalar(kv.value);
  return found;
}

function asText(v: Scalar): string | null {
  return v === null ? null : String(v);
}

function asInteger(v: Scalar): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : null;
  if (typeof v === 'string' && /^[0-9]{1,9}$/.test(v)) return Number(v);
  return null;
}

function firstOf<T>(
  kvs: KeyValue[] | null | undefined,
  keys: readonly string[],
  convert: (v: Scalar) => T | null,
): T | null {
  for (const key of keys) {
    const converted = convert(lastValue(kvs, key));
    if (converted !== null) return converted;
  }
  return null;
}

interface ResourceExpectation {
  serviceName: string;
  environment: string | null;
  resourceAttributes: string;
}

function resourceOf(resource: Resource | null | undefined): ResourceExpectation {
  const attributes = resource?.attributes;
  const service = asText(lastValue(attributes, 'service.name'));
  return {
    serviceName: service === null || service === '' ? UNKNOWN_SERVICE : service,
    environment: firstOf(attributes, ENVIRONMENT_RESOURCE_ATTRIBUTES, asText),
    resourceAttributes: attributesJson(attributes),
  };
}

function scopeOf(scope: Scope | null | undefined): { scopeName: string; scopeVersion: string } {
  return { scopeName: scope?.name ?? '', scopeVersion: scope?.version ?? '' };
}

class ColumnCollector {
  readonly columns: Record<string, unknown[]> = {};
  length = 0;
  rejectedCount = 0;
  readonly rejectedMessages: string[] = [];

  constructor(names: readonly string[]) {
    for (const name of names) this.columns[name] = [];
  }

  push(row: Record<string, unknown>): void {
    for (const [name, column] of Object.entries(this.columns)) {
      if (!(name in row)) throw new Error(`reference row lacks ${name}`);
      column.push(row[name]);
    }
    this.length++;
  }

  reject(message: string): void {
    this.rejectedCount++;
    if (this.rejectedMessages.length < 5 && !this.rejectedMessages.includes(message)) {
      this.rejectedMessages.push(message);
    }
  }

  finish(): Expected {
    return {
      columns: { ...this.columns, length: this.length } as PlainColumns,
      rejectedCount: this.rejectedCount,
      rejectedMessages: this.rejectedMessages,
    };
  }
}

const quote = (name: string): string => `'${name.length > 80 ? `${name.slice(0, 80)}…` : name}'`;

function requiredIdProblem(
  field: string,
  id: Uint8Array | null | undefined,
  size: number,
): string | null {
  const bytes = id ?? new Uint8Array(0);
  if (bytes.length !== size) return `${field} must be ${size} bytes, got ${bytes.length}`;
  if (isZero(bytes)) return `${field} must not be all zeros`;
  return null;
}

function optionalIdProblem(
  field: string,
  id: Uint8Array | null | undefined,
  size: number,
): string | null {
  const n = id?.length ?? 0;
  return n === 0 || n === size ? null : `${field} must be ${size} bytes, got ${n}`;
}

const optionalHex = (id: Uint8Array | null | undefined): string =>
  id == null || isZero(id) ? '' : hex(id);

export const SPAN_COLUMNS = [
  'traceId',
  'spanId',
  'parentSpanId',
  'traceState',
  'name',
  'kind',
  'serviceName',
  'startTimeUnixNano',
  'endTimeUnixNano',
  'durationNs',
  'statusCode',
  'statusMessage',
  'httpMethod',
  'httpRoute',
  'httpStatusCode',
  'dbSystem',
  'messagingSystem',
  'peerService',
  'serverAddress',
  'environment',
  'resourceAttributes',
  'attributes',
  'events',
  'links',
  'scopeName',
  'scopeVersion',
] as const;

export function expectedSpans(request: TracesRequest): Expected {
  const out = new ColumnCollector(SPAN_COLUMNS);
  const P = PROMOTED_SPAN_ATTRIBUTES;
  for (const rs of request.resourceSpans ?? []) {
    const resource = resourceOf(rs.resource);
    for (const ss of rs.scopeSpans ?? []) {
      const scope = scopeOf(ss.scope);
      for (const span of ss.spans ?? []) {
        const name = span.name ?? '';
        const problem =
          requiredIdProblem('trace_id', span.traceId, 16) ??
          requiredIdProblem('span_id', span.spanId, 8) ??
          optionalIdProblem('parent_span_id', span.parentSpanId, 8);
        if (problem !== null) {
          out.reject(`span ${quote(name)}: ${problem}`);
          continue;
        }
        const start = int64(span.startTimeUnixNano);
        const end = int64(span.endTimeUnixNano);
        const attributes = span.attributes;
        out.push({
          ...resource,
          ...scope,
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          parentSpanId: optionalHex(span.parentSpanId),
          traceState: span.traceState ?? '',
          name,
          kind: SPAN_KINDS[span.kind ?? 0] ?? 'unspecified',
          startTimeUnixNano: start,
          endTimeUnixNano: end,
          durationNs: end < start ? 0n : BigInt.asIntN(64, end - start),
          statusCode: STATUS_CODES[span.status?.code ?? 0] ?? 'unset',
          statusMessage: span.status?.message ?? '',
          httpMethod: firstOf(attributes, P.httpMethod, asText),
          httpRoute: firstOf(attributes, P.httpRoute, asText),
          httpStatusCode: firstOf(attributes, P.httpStatusCode, asInteger),
          dbSystem: firstOf(attributes, P.dbSystem, asText),
          messagingSystem: firstOf(attributes, P.messagingSystem, asText),
          peerService: firstOf(attributes, P.peerService, asText),
          serverAddress: firstOf(attributes, P.serverAddress, asText),
          attributes: attributesJson(attributes),
          events: `[${(span.events ?? [])
            .map(
              (e) =>
                `{"timeUnixNano":"${int64(e.timeUnixNano)}","name":${JSON.stringify(e.name ?? '')},"attributes":${attributesJson(e.attributes)}}`,
            )
            .join(',')}]`,
          links: `[${(span.links ?? [])
            .map(
              (l) =>
                `{"traceId":"${hex(l.traceId)}","spanId":"${hex(l.spanId)}","traceState":${JSON.stringify(l.traceState ?? '')},"attributes":${attributesJson(l.attributes)}}`,
            )
            .join(',')}]`,
        });
      }
    }
  }
  return out.finish();
}

export const LOG_COLUMNS = [
  'timeUnixNano',
  'observedTimeUnixNano',
  'severityNumber',
  'severityText',
  'body',
  'traceId',
  'spanId',
  'flags',
  'eventName',
  'serviceName',
  'environment',
  'resourceAttributes',
  'attributes',
  'scopeName',
  'scopeVersion',
] as const;

function bodyOf(body: AnyValue | null | undefined): string {
  if (body == null) return '';
  if (body.stringValue != null) return body.stringValue;
  const json = anyValueJson(body);
  return json === 'null' ? '' : json;
}

export function expectedLogs(request: LogsRequest, receivedAt: bigint): Expected {
  const out = new ColumnCollector(LOG_COLUMNS);
  for (const rl of request.resourceLogs ?? []) {
    const resource = resourceOf(rl.resource);
    for (const sl of rl.scopeLogs ?? []) {
      const scope = scopeOf(sl.scope);
      for (const record of sl.logRecords ?? []) {
        const body = bodyOf(record.body);
        const problem =
          optionalIdProblem('trace_id', record.traceId, 16) ??
          optionalIdProblem('span_id', record.spanId, 8);
        if (problem !== null) {
          out.reject(`log record ${quote(body)}: ${problem}`);
          continue;
        }
        const observed =
          uint64(record.observedTimeUnixNano) === 0n
            ? receivedAt
            : int64(record.observedTimeUnixNano);
        const time = uint64(record.timeUnixNano) === 0n ? observed : int64(record.timeUnixNano);
        const severity = record.severityNumber ?? 0;
        out.push({
          ...resource,
          ...scope,
          timeUnixNano: BigInt.asIntN(64, time),
          observedTimeUnixNano: BigInt.asIntN(64, observed),
          severityNumber: severity >= 0 && severity <= 24 ? severity : 0,
          severityText: record.severityText ?? '',
          body,
          traceId: optionalHex(record.traceId),
          spanId: optionalHex(record.spanId),
          flags: record.flags ?? 0,
          eventName: record.eventName ?? '',
          attributes: attributesJson(record.attributes),
        });
      }
    }
  }
  return out.finish();
}

export const METRIC_COLUMNS = [
  'metricName',
  'description',
  'unit',
  'metricType',
  'temporality',
  'isMonotonic',
  'serviceName',
  'resourceAttributes',
  'scopeName',
  'scopeVersion',
  'attributes',
  'startTimeUnixNano',
  'timeUnixNano',
  'value',
  'count',
  'sum',
  'min',
  'max',
  'bucketCounts',
  'explicitBounds',
  'expScale',
  'expZeroCount',
  'expPositiveOffset',
  'expPositiveBucketCounts',
  'expNegativeOffset',
  'expNegativeBucketCounts',
  'quantiles',
  'quantileValues',
  'exemplars',
  'flags',
] as const;

const TEMPORALITY = ['unspecified', 'delta', 'cumulative'] as const;
const count = (v: Int64 | null | undefined): number => Number(uint64(v));

function exemplarsJson(exemplars: Exemplar[] | null | undefined): string {
  return `[${(exemplars ?? [])
    .map((e) => {
      const value =
        e.asDouble != null
          ? doubleJson(e.asDouble)
          : e.asInt != null
            ? int64(e.asInt).toString()
            : 'null';
      return `{"timeUnixNano":"${int64(e.timeUnixNano)}","value":${value},"traceId":"${hex(e.traceId)}","spanId":"${hex(e.spanId)}","attributes":${attributesJson(e.filteredAttributes)}}`;
    })
    .join(',')}]`;
}

const NOT_APPLICABLE = {
  value: NaN,
  count: NaN,
  sum: NaN,
  min: NaN,
  max: NaN,
  bucketCounts: [],
  explicitBounds: [],
  expScale: null,
  expZeroCount: null,
  expPositiveOffset: null,
  expPositiveBucketCounts: [],
  expNegativeOffset: null,
  expNegativeBucketCounts: [],
  quantiles: [],
  quantileValues: [],
  exemplars: '[]',
};

export function expectedMetrics(request: MetricsRequest): Expected {
  const out = new ColumnCollector(METRIC_COLUMNS);
  for (const rm of request.resourceMetrics ?? []) {
    const { serviceName, resourceAttributes } = resourceOf(rm.resource);
    for (const sm of rm.scopeMetrics ?? []) {
      const scope = scopeOf(sm.scope);
      for (const metric of sm.metrics ?? []) {
        const base = {
          metricName: metric.name ?? '',
          description: metric.description ?? '',
          unit: metric.unit ?? '',
          serviceName,
          resourceAttributes,
          ...scope,
        };
        const row = (
          type: MetricType,
          temporality: number | null | undefined,
          isMonotonic: boolean,
          point: {
            attributes?: KeyValue[] | null;
            startTimeUnixNano?: Int64 | null;
            timeUnixNano?: Int64 | null;
            flags?: number | null;
          },
          values: Record<string, unknown>,
        ): void => {
          out.push({
            ...base,
            ...NOT_APPLICABLE,
            metricType: type,
            temporality: TEMPORALITY[temporality ?? 0] ?? 'unspecified',
            isMonotonic,
            attributes: attributesJson(point.attributes),
            startTimeUnixNano: int64(point.startTimeUnixNano),
            timeUnixNano: int64(point.timeUnixNano),
            flags: point.flags ?? 0,
            ...values,
          });
        };
        const numberValue = (p: { asDouble?: number | null; asInt?: Int64 | null }): number =>
          p.asDouble != null ? p.asDouble : p.asInt != null ? Number(int64(p.asInt)) : NaN;
        if (metric.gauge != null) {
          for (const p of metric.gauge.dataPoints ?? []) {
            row('gauge', 0, false, p, {
              value: numberValue(p),
              exemplars: exemplarsJson(p.exemplars),
            });
          }
        } else if (metric.sum != null) {
          for (const p of metric.sum.dataPoints ?? []) {
            row('sum', metric.sum.aggregationTemporality, metric.sum.isMonotonic ?? false, p, {
              value: numberValue(p),
              exemplars: exemplarsJson(p.exemplars),
            });
          }
        } else if (metric.histogram != null) {
          for (const p of metric.histogram.dataPoints ?? []) {
            row('histogram', metric.histogram.aggregationTemporality, false, p, {
              count: count(p.count),
              sum: p.sum ?? NaN,
              min: p.min ?? NaN,
              max: p.max ?? NaN,
              bucketCounts: (p.bucketCounts ?? []).map(count),
              explicitBounds: p.explicitBounds ?? [],
              exemplars: exemplarsJson(p.exemplars),
            });
          }
        } else if (metric.exponentialHistogram != null) {
          for (const p of metric.exponentialHistogram.dataPoints ?? []) {
            row(
              'exponential_histogram',
              metric.exponentialHistogram.aggregationTemporality,
              false,
              p,
              {
                count: count(p.count),
                sum: p.sum ?? NaN,
                min: p.min ?? NaN,
                max: p.max ?? NaN,
                expScale: p.scale ?? 0,
                expZeroCount: count(p.zeroCount),
                expPositiveOffset: p.positive?.offset ?? 0,
                expPositiveBucketCounts: (p.positive?.bucketCounts ?? []).map(count),
                expNegativeOffset: p.negative?.offset ?? 0,
                expNegativeBucketCounts: (p.negative?.bucketCounts ?? []).map(count),
                exemplars: exemplarsJson(p.exemplars),
              },
            );
          }
        } else if (metric.summary != null) {
          for (const p of metric.summary.dataPoints ?? []) {
            row('summary', 0, false, p, {
              count: count(p.count),
              sum: p.sum ?? 0,
              quantiles: (p.quantileValues ?? []).map((q) => q.quantile ?? 0),
              quantileValues: (p.quantileValues ?? []).map((q) => q.value ?? 0),
            });
          }
        }
      }
    }
  }
  return out.finish();
}
