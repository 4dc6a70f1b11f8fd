import type { Labels } from '../query/promql/types.js';
import type {
  PromExemplarBatch,
  PromMetadataBatch,
  PromSampleBatch,
  PromSeriesBatch,
} from '../telemetry/prom-batches.js';
import type { TenantBatch } from '../store/telemetry-store.js';
import type { TenantId } from '../tenant.js';
import { labelsText, metricNameOf } from './series-id.js';
import type { SeriesRegistry } from './series-registry.js';

const MS_PER_DAY = 86_400_000;

export interface MetadataEntry {
  metric: string;
  type: string;
  help: string;
  unit: string;
}

/** Samples and exemplars grow here; the index and metadata rows are few. */
class GrowableColumns {
  length = 0;
  seriesId = new BigInt64Array(256);
  timeMs = new BigInt64Array(256);
  value = new Float64Array(256);

  push(seriesId: bigint, timeMs: number, value: number): void {
    if (this.length === this.seriesId.length) this.grow();
    this.seriesId[this.length] = seriesId;
    this.timeMs[this.length] = BigInt(timeMs);
    this.value[this.length] = value;
    this.length++;
  }

  private grow(): void {
    const size = this.seriesId.length * 2;
    const seriesId = new BigInt64Array(size);
    seriesId.set(this.seriesId);
    const timeMs = new BigInt64Array(size);
    timeMs.set(this.timeMs);
    const value = new Float64Array(size);
    value.set(this.value);
    this.seriesId = seriesId;
    this.timeMs = timeMs;
    this.value = value;
  }
}

/**
 * Collects one request's Prometheus-model rows for one tenant: samples, exemplars, the series
 * index rows the store does not have yet (per UTC day, as the registry remembers), and metadata.
 * `commitRegistered` tells the registry what is now stored, to be called after the commit.
 */
export class PromBatchBuilder {
  private readonly samples = new GrowableColumns();
  private readonly exemplarColumns = new GrowableColumns();
  private readonly exemplarLabels: string[] = [];
  private readonly series: { id: bigint; name: string; labels: string; dayMs: number }[] = [];
  private readonly seriesKeys = new Set<string>();
  private readonly metadata: (MetadataEntry & { dayMs: number })[] = [];
  private readonly metadataKeys = new Set<string>();
  /** Samples refused because their series id collided with another label set. */
  collisions = 0;

  constructor(
    readonly tenant: TenantId,
    private readonly registry: SeriesRegistry,
  ) {}

  get sampleCount(): number {
    return this.samples.length;
  }

  /** The series id of a label set (sorted by name), registering it; null on a hash collision. */
  seriesOf(labels: Labels, cacheKey?: string): bigint | null {
    const id = this.registry.idOf(this.tenant, labels, cacheKey);
    if (id === null) this.collisions++;
    return id;
  }

  /** The series id a raw cache key maps to, if the registry remembers it. */
  cachedSeries(cacheKey: string): bigint | undefined {
    return this.registry.cachedId(this.tenant, cacheKey);
  }

  addSample(seriesId: bigint, labels: Labels | (() => Labels), timeMs: number, value: number) {
    this.samples.push(seriesId, timeMs, value);
    const dayMs = Math.floor(timeMs / MS_PER_DAY) * MS_PER_DAY;
    const key = `${seriesId}@${dayMs}`;
    if (this.seriesKeys.has(key) || this.registry.isIndexed(this.tenant, seriesId, dayMs)) return;
    this.seriesKeys.add(key);
    const resolved = typeof labels === 'function' ? labels() : labels;
    this.series.push({
      id: seriesId,
      name: metricNameOf(resolved),
      labels: labelsText(resolved),
      dayMs,
    });
  }

  addExemplar(seriesId: bigint, labels: Labels, timeMs: number, value: number): void {
    this.exemplarColumns.push(seriesId, timeMs, value);
    this.exemplarLabels.push(labelsText(labels));
  }

  addMetadata(entry: MetadataEntry, timeMs: number): void {
    const dayMs = Math.floor(timeMs / MS_PER_DAY) * MS_PER_DAY;
    const key = `${entry.metric}\u0000${entry.type}\u0000${entry.help}\u0000${entry.unit}@${dayMs}`;
    if (this.metadataKeys.has(key) || this.registry.hasMetadata(this.tenant, key)) return;
    this.metadataKeys.add(key);
    this.metadata.push({ ...entry, dayMs });
  }

  /** The rows as a store batch (typed arrays trimmed to length). */
  build(): TenantBatch {
    const batch: TenantBatch = { tenant: this.tenant };
    const s = this.samples;
    if (s.length > 0) {
      batch.promSamples = {
        length: s.length,
        seriesId: s.seriesId.subarray(0, s.length),
        timeMs: s.timeMs.subarray(0, s.length),
        value: s.value.subarray(0, s.length),
      } satisfies PromSampleBatch;
    }
    if (this.series.length > 0) {
      batch.promSeries = {
        length: this.series.length,
        seriesId: BigInt64Array.from(this.series, (r) => r.id),
        metricName: this.series.map((r) => r.name),
        labels: this.series.map((r) => r.labels),
        dayMs: BigInt64Array.from(this.series, (r) => BigInt(r.dayMs)),
      } satisfies PromSeriesBatch;
    }
    const e = this.exemplarColumns;
    if (e.length > 0) {
      batch.promExemplars = {
        length: e.length,
        seriesId: e.seriesId.slice(0, e.length),
        timeMs: e.timeMs.slice(0, e.length),
        value: e.value.slice(0, e.length),
        labels: this.exemplarLabels,
      } satisfies PromExemplarBatch;
    }
    if (this.metadata.length > 0) {
      batch.promMetadata = {
        length: this.metadata.length,
        metricName: this.metadata.map((m) => m.metric),
        metricType: this.metadata.map((m) => m.type),
        help: this.metadata.map((m) => m.help),
        unit: this.metadata.map((m) => m.unit),
        dayMs: BigInt64Array.from(this.metadata, (m) => BigInt(m.dayMs)),
      } satisfies PromMetadataBatch;
    }
    return batch;
  }

  /** After a successful commit: the registry need not index these series and metadata again. */
  commitRegistered(): void {
    for (const row of this.series) this.registry.markIndexed(this.tenant, row.id, row.dayMs);
    for (const key of this.metadataKeys) this.registry.markMetadata(this.tenant, key);
  }
}
