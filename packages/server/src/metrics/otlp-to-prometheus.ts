import type { Labels } from '../query/promql/types.js';
import type { MetricPointBatch } from '../telemetry/batches.js';
import type { DeltaToCumulative } from './delta-to-cumulative.js';
import { prometheusMetricName, sanitizeLabelName } from './naming.js';
import type { PromBatchBuilder } from './prom-batch-builder.js';
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

/** Converts decoded OTLP points; one per server (holds the per-tenant delta state). */
export class OtlpToPrometheus {
  constructor(private readonly deltas: DeltaToCumulative) {}

  convert(points: MetricPointBatch, out: PromBatchBuilder): ConversionStats {
    const stats: ConversionStats = { samples: 0, dropped: 0 };
    const parsed = new Map<string, AttributeMap>();
    const parse = (text: string): AttributeMap => {
      let value = parsed.get(text);
      if (!value) parsed.set(text, (value = JSON.parse(text) as AttributeMap));
      return value;
    };
    const resources = new Map<string, ResourceInfo>();
    const targetInfoDone = new Set<string>();
    const before = out.sampleCount;

    for (let i = 0; i < points.length; i++) {
      const resourceText = points.resourceAttributes[i]!;
      let resource = resources.get(resourceText);
      if (!resource) resources.set(resourceText, (resource = resourceInfoOf(parse(resourceText))));
      const timeMs = Number(points.timeUnixNano[i]! / 1_000_000n);

      const base: [string, string][] = attributeLabels(parse(points.attributes[i]!));
      if (resource.job !== '') base.push(['job', resource.job]);
      if (resource.instance !== '') base.push(['instance', resource.instance]);
      if (points.scopeName[i] !== '') base.push(['otel_scope_name', points.scopeName[i]!]);
      if (points.scopeVersion[i] !== '') base.push(['otel_scope_version', points.scopeVersion[i]!]);
      // Later entries of a name win over attributes of the same name (job, instance, scope).
      const baseLabels = dedupeByName(base);

      if (!targetInfoDone.has(resourceText) && resource.targetInfo.length > 0) {
        targetInfoDone.add(resourceText);
        const labels: [string, string][] = [...resource.targetInfo, ['__name__', 'target_info']];
        if (resource.job !== '') labels.push(['job', resource.job]);
        if (resource.instance !== '') labels.push(['instance', resource.instance]);
        this.emit(out, sortLabels(dedupeByName(labels)), timeMs, 1, stats);
        out.addMetadata(
          { metric: 'target_info', type: 'gauge', help: 'Target metadata', unit: '' },
          timeMs,
        );
      }

      const stale = (points.flags[i]! & NO_RECORDED_VALUE) !== 0;
      const type = points.metricType[i]!;
      const monotonic = points.isMonotonic[i]!;
      const delta = points.temporality[i] === 'delta';
      const kind =
        type === 'sum' && monotonic
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
      out.addMetadata(
        { metric: name, type: promType, help: points.description[i]!, unit: points.unit[i]! },
        timeMs,
      );
      const exemplars = parseExemplars(points.exemplars[i]!);
      const tenantKey = `${out.tenant}\u0000${name}\u0000${JSON.stringify(baseLabels)}`;
      const startNs = points.startTimeUnixNano[i]!;
      const timeNs = points.timeUnixNano[i]!;

      if (type === 'gauge' || type === 'sum') {
        let value = points.value[i]!;
        if (delta && type === 'sum' && !stale) {
          const total = this.deltas.add(out.tenant, tenantKey, startNs, timeNs, [value]);
          if (total === null) {
            stats.dropped++;
            continue;
          }
          value = total[0]!;
        }
        const id = this.emit(
          out,
          withName(baseLabels, name),
          timeMs,
          stale ? STALE_NAN : value,
          stats,
        );
        if (id !== null) for (const e of exemplars) addExemplar(out, id, e, timeMs);
        continue;
      }

      if (type === 'summary') {
        const quantiles = points.quantiles[i]!;
        const values = points.quantileValues[i]!;
        quantiles.forEach((q, j) => {
          const labels = sortLabels([
            ...baseLabels,
            ['quantile', formatBound(q)],
            ['__name__', name],
          ]);
          this.emit(out, labels, timeMs, stale ? STALE_NAN : values[j]!, stats);
        });
        this.emit(
          out,
          withName(baseLabels, `${name}_sum`),
          timeMs,
          stale ? STALE_NAN : points.sum[i]!,
          stats,
        );
        this.emit(
          out,
          withName(baseLabels, `${name}_count`),
          timeMs,
          stale ? STALE_NAN : points.count[i]!,
          stats,
        );
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
      let counts = buckets.map((b) => b.count);
      let sum = points.sum[i]!;
      let count = points.count[i]!;
      if (delta && !stale) {
        const key = `${tenantKey}\u0000${buckets.map((b) => b.le).join(',')}`;
        const total = this.deltas.add(out.tenant, key, startNs, timeNs, [...counts, sum, count]);
        if (total === null) {
          stats.dropped++;
          continue;
        }
        counts = total.slice(0, counts.length);
        sum = total[counts.length]!;
        count = total[counts.length + 1]!;
      }
      let cumulative = 0;
      const bucketIds: { le: number; id: bigint | null }[] = [];
      buckets.forEach((bucket, j) => {
        cumulative += counts[j]!;
        const labels = sortLabels([
          ...baseLabels,
          ['le', formatBound(bucket.le)],
          ['__name__', `${name}_bucket`],
        ]);
        bucketIds.push({
          le: bucket.le,
          id: this.emit(out, labels, timeMs, stale ? STALE_NAN : cumulative, stats),
        });
      });
      const inf = sortLabels([...baseLabels, ['le', '+Inf'], ['__name__', `${name}_bucket`]]);
      bucketIds.push({
        le: Infinity,
        id: this.emit(out, inf, timeMs, stale ? STALE_NAN : count, stats),
      });
      if (!Number.isNaN(sum) || stale) {
        this.emit(out, withName(baseLabels, `${name}_sum`), timeMs, stale ? STALE_NAN : sum, stats);
      }
      this.emit(
        out,
        withName(baseLabels, `${name}_count`),
        timeMs,
        stale ? STALE_NAN : count,
        stats,
      );
      for (const e of exemplars) {
        const target = bucketIds.find((b) => (e.value ?? 0) <= b.le);
        if (target?.id != null) addExemplar(out, target.id, e, timeMs);
      }
    }
    stats.samples = out.sampleCount - before;
    return stats;
  }

  private emit(
    out: PromBatchBuilder,
    labels: Labels,
    timeMs: number,
    value: number,
    stats: ConversionStats,
  ): bigint | null {
    const series = out.seriesOf(labels);
    if (series === null) {
      stats.dropped++;
      return null;
    }
    out.addSample(series, labels, timeMs, value);
    return series.id;
  }
}

function dedupeByName(labels: [string, string][]): [string, string][] {
  const map = new Map<string, string>();
  for (const [name, value] of labels) map.set(name, value);
  return [...map].filter(([, value]) => value !== '');
}

function withName(labels: readonly (readonly [string, string])[], name: string): Labels {
  return sortLabels([...labels, ['__name__', name]]);
}

/** Bounds as Prometheus formats them (`0.5`, `1`, `1e+06`, `+Inf`). */
export function formatBound(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  return String(value);
}

function explicitBuckets(bounds: number[], counts: number[]): { le: number; count: number }[] {
  // The last count is the overflow bucket (> last bound): it shows only in `+Inf`.
  return bounds.map((le, j) => ({ le, count: counts[j] ?? 0 }));
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
): { le: number; count: number }[] {
  const base = Math.pow(2, Math.pow(2, -scale));
  const out: { le: number; count: number }[] = [];
  for (let j = negative.length - 1; j >= 0; j--) {
    out.push({ le: -Math.pow(base, negativeOffset + j), count: negative[j]! });
  }
  if (zeroCount > 0 || negative.length > 0) out.push({ le: 0, count: zeroCount });
  positive.forEach((count, j) => {
    out.push({ le: Math.pow(base, positiveOffset + j + 1), count });
  });
  return out;
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
