import type { Labels } from '../query/promql/types.js';
import type { MetricPointBatch } from '../telemetry/batches.js';
import type { DeltaToCumulative } from './delta-to-cumulative.js';
import { prometheusMetricName, sanitizeLabelName } from './naming.js';
import type { TenantId } from '../tenant.js';
import type { MetadataEntry, PromBatchBuilder } from './prom-batch-builder.js';
import type { SeriesEntry } from './series-registry.js';
import { sortLabels } from './series-id.js';

/**
 * OTLP metric points → the Prometheus model, after the OpenTelemetry specification
 * "Prometheus and OpenMetrics Compatibility":
 *
 * | OTLP                                 | Prometheus                                          |
 * |--------------------------------------|-----------------------------------------------------|
 * | gauge                                | gauge                                               |
 * | monotonic sum (delta → cumulative)   | counter `<name>[_<unit>]_total`                     |
 * | non-monotonic sum                    | gauge                                               |
 * | histogram (delta → cumulative)       | `_bucket{le}` (cumulative, `+Inf`), `_sum`, `_count` |
 * | exponential histogram                | the same, with the exponential bucket bounds as `le` |
 * | summary                              | `{quantile}`, `_sum`, `_count`                       |
 *
 * Resource attributes: `service.namespace/service.name` → `job`, `service.instance.id` →
 * `instance`, the others on one `target_info` series per resource. Scope: `otel_scope_name`,
 * `otel_scope_version`. Exemplars keep `trace_id` / `span_id`. A point flagged "no recorded
 * value" becomes a staleness marker.
 */

export type PromMetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'unknown';

/** Prometheus' staleness marker (a NaN with a payload that engines recognise). */
export const STALE_NAN = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!;

const NO_RECORDED_VALUE = 1;
const MS_PER_DAY = 86_400_000;
const PROMOTED_RESOURCE = new Set(['service.name', 'service.namespace', 'service.instance.id']);

type AttributeMap = Record<string, unknown>;

function attributeText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return JSON.stringify(value);
}

/** Attributes → label pairs; names colliding after sanitizing are joined with `;` (spec). */
function attributeLabels(attributes: AttributeMap, skip?: ReadonlySet<string>): [string, string][] {
  const byName = new Map<string, string[]>();
  for (const key of Object.keys(attributes).sort()) {
    if (skip?.has(key)) continue;
    const name = sanitizeLabelName(key);
    const list = byName.get(name) ?? [];
    list.push(attributeText(attributes[key]));
    byName.set(name, list);
  }
  return [...byName].map(([name, values]) => [name, values.join(';')]);
}

interface ResourceInfo {
  job: string;
  instance: string;
  targetInfo: [string, string][];
}

function resourceInfoOf(attributes: AttributeMap): ResourceInfo {
  const name = attributeText(attributes['service.name'] ?? '');
  const namespace = attributeText(attributes['service.namespace'] ?? '');
  return {
    job: namespace === '' ? name : `${namespace}/${name}`,
    instance: attributeText(attributes['service.instance.id'] ?? ''),
    targetInfo: attributeLabels(attributes, PROMOTED_RESOURCE),
  };
}

interface OtlpExemplar {
  timeUnixNano?: string;
  value?: number;
  traceId?: string;
  spanId?: string;
  attributes?: AttributeMap;
}

export interface ConversionStats {
  samples: number;
  /** Points dropped: out-of-order delta points, series id collisions. */
  dropped: number;
}

/**
 * One Prometheus series a point writes to: its registry entry (null after a collision) and how
 * to rebuild its labels (needed only for a new index row), which are not kept: a cached
 * histogram point would otherwise hold a label array per bucket.
 */
class SeriesSlot {
  entry: SeriesEntry | null = null;
  constructor(
    private readonly point: PointSeries,
    private readonly suffix: string,
    private readonly extra?: [string, string],
  ) {}

  labels(): Labels {
    const labels = [...this.point.baseLabels];
    if (this.extra) labels.push(this.extra);
    labels.push(['__name__', `${this.point.name}${this.suffix}`]);
    return sortLabels(dedupeByName(labels));
  }
}

/**
 * What a point's identity (resource, scope, metric, attributes) translates to, computed once
 * and reused by every later point of the same identity: name, metadata, base labels and the
 * series of each sample the point writes. Histogram bounds and summary quantiles are part of a
 * point, not of its identity, so the slots that depend on them are rebuilt when they change.
 */
interface PointSeries {
  name: string;
  metadata: MetadataEntry;
  baseLabels: [string, string][];
  /** Identity of the series for the delta state (tenant, name, base labels). */
  deltaKey: string;
  /** gauge / sum: the one series. */
  value?: SeriesSlot;
  /** histogram buckets or summary quantiles, in point order; `layout` is their bounds. */
  layout?: number[];
  parts?: SeriesSlot[];
  /** histogram `+Inf` bucket. */
  inf?: SeriesSlot;
  sum?: SeriesSlot;
  count?: SeriesSlot;
}

/** Converts decoded OTLP points; one per server (holds the per-tenant delta state). */
export class OtlpToPrometheus {
  /** Point identity → its series, per tenant; bounded like the series registry. */
  private readonly pointCache = new Map<TenantId, Map<string, PointSeries>>();

  constructor(
    private readonly deltas: DeltaToCumulative,
    private readonly maxCachedPoints = 100_000,
  ) {}

  private cacheOf(tenant: TenantId): Map<string, PointSeries> {
    let cache = this.pointCache.get(tenant);
    if (!cache) this.pointCache.set(tenant, (cache = new Map<string, PointSeries>()));
    if (cache.size >= this.maxCachedPoints) cache.clear();
    return cache;
  }

  convert(points: MetricPointBatch, out: PromBatchBuilder): ConversionStats {
    const stats: ConversionStats = { samples: 0, dropped: 0 };
    const cache = this.cacheOf(out.tenant);
    const parsed = new Map<string, AttributeMap>();
    const parse = (text: string): AttributeMap => {
      let value = parsed.get(text);
      if (!value) parsed.set(text, (value = JSON.parse(text) as AttributeMap));
      return value;
    };
    const resources = new Map<string, ResourceInfo>();
    const metadataDone = new Map<MetadataEntry, number>();
    const before = out.sampleCount;
    const addMetadata = (entry: MetadataEntry, timeMs: number) => {
      const dayMs = Math.floor(timeMs / MS_PER_DAY);
      if (metadataDone.get(entry) === dayMs) return;
      metadataDone.set(entry, dayMs);
      out.addMetadata(entry, timeMs);
    };

    for (let i = 0; i < points.length; i++) {
      const resourceText = points.resourceAttributes[i]!;
      const timeMs = Number(points.timeUnixNano[i]! / 1_000_000n);
      let resource = resources.get(resourceText);
      if (!resource) {
        resource = resourceInfoOf(parse(resourceText));
        resources.set(resourceText, resource);
        if (resource.targetInfo.length > 0) {
          const labels: [string, string][] = [...resource.targetInfo, ['__name__', 'target_info']];
          if (resource.job !== '') labels.push(['job', resource.job]);
          if (resource.instance !== '') labels.push(['instance', resource.instance]);
          const sorted = sortLabels(dedupeByName(labels));
          const entry = out.seriesOf(sorted);
          if (entry === null) stats.dropped++;
          else out.addSample(entry, sorted, timeMs, 1);
          addMetadata(TARGET_INFO_METADATA, timeMs);
        }
      }

      const type = points.metricType[i]!;
      const key =
        `${resourceText}\u0000${points.scopeName[i]!}\u0000${points.scopeVersion[i]!}\u0000` +
        `${points.metricName[i]!}\u0000${points.unit[i]!}\u0000${type}\u0000` +
        `${points.isMonotonic[i]! ? 1 : 0}\u0000${points.description[i]!}\u0000${points.attributes[i]!}`;
      let point = cache.get(key);
      if (point === undefined) {
        point = pointSeriesOf(points, i, resource, parse, out.tenant);
        cache.set(key, point);
      }
      addMetadata(point.metadata, timeMs);

      const stale = (points.flags[i]! & NO_RECORDED_VALUE) !== 0;
      const delta = points.temporality[i] === 'delta';
      const exemplars = parseExemplars(points.exemplars[i]!);
      const startNs = points.startTimeUnixNano[i]!;
      const timeNs = points.timeUnixNano[i]!;

      if (type === 'gauge' || type === 'sum') {
        let value = points.value[i]!;
        if (delta && type === 'sum' && !stale) {
          const total = this.deltas.add(out.tenant, point.deltaKey, startNs, timeNs, [value]);
          if (total === null) {
            stats.dropped++;
            continue;
          }
          value = total[0]!;
        }
        point.value ??= new SeriesSlot(point, '');
        const id = emit(out, point.value, timeMs, stale ? STALE_NAN : value, stats);
        if (id !== null) for (const e of exemplars) addExemplar(out, id, e, timeMs);
        continue;
      }

      if (type === 'summary') {
        const quantiles = points.quantiles[i]!;
        const values = points.quantileValues[i]!;
        const parts = layoutSlots(point, quantiles, 'quantile', '');
        for (let j = 0; j < parts.length; j++) {
          emit(out, parts[j]!, timeMs, stale ? STALE_NAN : values[j]!, stats);
        }
        point.sum ??= new SeriesSlot(point, '_sum');
        emit(out, point.sum, timeMs, stale ? STALE_NAN : points.sum[i]!, stats);
        point.count ??= new SeriesSlot(point, '_count');
        emit(out, point.count, timeMs, stale ? STALE_NAN : points.count[i]!, stats);
        continue;
      }

      // Histograms: classic buckets as (upper bound, count in bucket), then cumulated.
      const buckets =
        type === 'histogram'
          ? explicitBuckets(points.explicitBounds[i]!, points.bucketCounts[i]!)
          : exponentialBuckets(
              points.expScale[i] ?? 0,
              points.expZeroCount[i] ?? 0,
              points.expPositiveOffset[i] ?? 0,
              points.expPositiveBucketCounts[i]!,
              points.expNegativeOffset[i] ?? 0,
              points.expNegativeBucketCounts[i]!,
            );
      let counts = buckets.counts;
      let sum = points.sum[i]!;
      let count = points.count[i]!;
      if (delta && !stale) {
        const deltaKey = `${point.deltaKey}\u0000${buckets.bounds.join(',')}`;
        const total = this.deltas.add(out.tenant, deltaKey, startNs, timeNs, [
          ...counts,
          sum,
          count,
        ]);
        if (total === null) {
          stats.dropped++;
          continue;
        }
        counts = total.slice(0, counts.length);
        sum = total[counts.length]!;
        count = total[counts.length + 1]!;
      }
      const parts = layoutSlots(point, buckets.bounds, 'le', '_bucket');
      let cumulative = 0;
      for (let j = 0; j < parts.length; j++) {
        cumulative += counts[j]!;
        emit(out, parts[j]!, timeMs, stale ? STALE_NAN : cumulative, stats);
      }
      point.inf ??= new SeriesSlot(point, '_bucket', ['le', '+Inf']);
      emit(out, point.inf, timeMs, stale ? STALE_NAN : count, stats);
      if (!Number.isNaN(sum) || stale) {
        point.sum ??= new SeriesSlot(point, '_sum');
        emit(out, point.sum, timeMs, stale ? STALE_NAN : sum, stats);
      }
      point.count ??= new SeriesSlot(point, '_count');
      emit(out, point.count, timeMs, stale ? STALE_NAN : count, stats);
      for (const e of exemplars) {
        const value = e.value ?? 0;
        let j = 0;
        while (j < buckets.bounds.length && value > buckets.bounds[j]!) j++;
        const target = j < parts.length ? parts[j]! : point.inf;
        if (target.entry != null) addExemplar(out, target.entry.id, e, timeMs);
      }
    }
    stats.samples = out.sampleCount - before;
    return stats;
  }
}

const TARGET_INFO_METADATA: MetadataEntry = {
  metric: 'target_info',
  type: 'gauge',
  help: 'Target metadata',
  unit: '',
};

/** Translate a point's identity (everything but its values and bounds). */
function pointSeriesOf(
  points: MetricPointBatch,
  i: number,
  resource: ResourceInfo,
  parse: (text: string) => AttributeMap,
  tenant: TenantId,
): PointSeries {
  const base: [string, string][] = attributeLabels(parse(points.attributes[i]!));
  if (resource.job !== '') base.push(['job', resource.job]);
  if (resource.instance !== '') base.push(['instance', resource.instance]);
  if (points.scopeName[i] !== '') base.push(['otel_scope_name', points.scopeName[i]!]);
  if (points.scopeVersion[i] !== '') base.push(['otel_scope_version', points.scopeVersion[i]!]);
  // Later entries of a name win over attributes of the same name (job, instance, scope).
  const baseLabels = dedupeByName(base);
  const type = points.metricType[i]!;
  const kind =
    type === 'sum' && points.isMonotonic[i]!
      ? 'counter'
      : type === 'gauge' || type === 'sum'
        ? 'gauge'
        : 'other';
  const name = prometheusMetricName(points.metricName[i]!, points.unit[i]!, kind);
  const promType: PromMetricType =
    kind === 'counter'
      ? 'counter'
      : kind === 'gauge'
        ? 'gauge'
        : type === 'summary'
          ? 'summary'
          : 'histogram';
  return {
    name,
    metadata: { metric: name, type: promType, help: points.description[i]!, unit: points.unit[i]! },
    baseLabels,
    deltaKey: `${tenant}\u0000${name}\u0000${JSON.stringify(baseLabels)}`,
  };
}

/** The slots of a histogram's buckets or a summary's quantiles, rebuilt when the bounds change. */
function layoutSlots(
  point: PointSeries,
  bounds: readonly number[],
  label: string,
  suffix: string,
): SeriesSlot[] {
  const layout = point.layout;
  if (point.parts !== undefined && layout !== undefined && sameNumbers(layout, bounds)) {
    return point.parts;
  }
  point.layout = [...bounds];
  point.parts = bounds.map((bound) => new SeriesSlot(point, suffix, [label, formatBound(bound)]));
  return point.parts;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Add a sample to a slot's series; a slot whose id collided is retried (it may be free now). */
function emit(
  out: PromBatchBuilder,
  slot: SeriesSlot,
  timeMs: number,
  value: number,
  stats: ConversionStats,
): bigint | null {
  slot.entry ??= out.seriesOf(slot.labels());
  if (slot.entry === null) {
    stats.dropped++;
    return null;
  }
  out.addSample(slot.entry, slot, timeMs, value);
  return slot.entry.id;
}

function dedupeByName(labels: [string, string][]): [string, string][] {
  const map = new Map<string, string>();
  for (const [name, value] of labels) map.set(name, value);
  return [...map].filter(([, value]) => value !== '');
}

/** Bounds as Prometheus formats them (`0.5`, `1`, `1e+06`, `+Inf`). */
export function formatBound(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  return String(value);
}

interface Buckets {
  /** Upper bounds (`le`), ascending. */
  bounds: number[];
  /** Count in each bucket (not cumulative). */
  counts: number[];
}

function explicitBuckets(bounds: number[], counts: number[]): Buckets {
  // The last count is the overflow bucket (> last bound): it shows only in `+Inf`.
  return { bounds, counts: bounds.map((_, j) => counts[j] ?? 0) };
}

/**
 * Exponential buckets (base 2^(2^-scale); bucket index k covers (base^k, base^(k+1)]) as
 * classic buckets: negative buckets from the most negative up, the zero bucket at `le=0`,
 * then the positive ones; each bound is the bucket's upper end.
 */
export function exponentialBuckets(
  scale: number,
  zeroCount: number,
  positiveOffset: number,
  positive: number[],
  negativeOffset: number,
  negative: number[],
): Buckets {
  const base = Math.pow(2, Math.pow(2, -scale));
  const bounds: number[] = [];
  const counts: number[] = [];
  for (let j = negative.length - 1; j >= 0; j--) {
    bounds.push(-Math.pow(base, negativeOffset + j));
    counts.push(negative[j]!);
  }
  if (zeroCount > 0 || negative.length > 0) {
    bounds.push(0);
    counts.push(zeroCount);
  }
  positive.forEach((count, j) => {
    bounds.push(Math.pow(base, positiveOffset + j + 1));
    counts.push(count);
  });
  return { bounds, counts };
}

function parseExemplars(text: string): OtlpExemplar[] {
  if (text === '' || text === '[]') return [];
  return JSON.parse(text) as OtlpExemplar[];
}

function addExemplar(out: PromBatchBuilder, id: bigint, e: OtlpExemplar, fallbackMs: number) {
  const labels: [string, string][] = [];
  if (e.attributes) labels.push(...attributeLabels(e.attributes));
  if (e.spanId) labels.push(['span_id', e.spanId]);
  if (e.traceId) labels.push(['trace_id', e.traceId]);
  const timeMs = e.timeUnixNano ? Number(BigInt(e.timeUnixNano) / 1_000_000n) : fallbackMs;
  out.addExemplar(id, sortLabels(dedupeByName(labels)), timeMs, e.value ?? 0);
}
