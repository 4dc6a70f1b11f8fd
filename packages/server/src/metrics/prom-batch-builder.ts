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
import type { SeriesEntry, SeriesRegistry } from './series-registry.js';

const MS_PER_DAY = 86_400_000;

export interface MetadataEntry {
  metric: string;
  type: string;
  help: string;
  unit: string;
}

/** A label set, or what builds it when it is needed. */
export type LabelsSource = Labels | (() => Labels) | { labels(): Labels };

function isLabels(source: LabelsSource): source is Labels {
  return Array.isArray(source);
}

/** Samples and exemplars grow here; the index and metadata rows are few. */
class GrowableColumns {
  length = 0;
  seriesId = new BigInt64Array(1024);
  timeMs = new BigInt64Array(1024);
  /** `timeMs` as 32-bit halves (little-endian): integer ms stored without a BigInt each. */
  private timeWords = new Int32Array(this.timeMs.buffer);
  value = new Float64Array(1024);

  push(seriesId: bigint, timeMs: number, value: number): void {
    if (this.length === this.seriesId.length) this.grow();
    const i = this.length++;
    this.seriesId[i] = seriesId;
    const ms = Math.trunc(timeMs);
    const high = Math.floor(ms / 4294967296);
    this.timeWords[2 * i] = ms - high * 4294967296;
    this.timeWords[2 * i + 1] = high;
    this.value[i] = value;
  }

  append(
    seriesId: BigInt64Array<ArrayBuffer>,
    timeMs: BigInt64Array<ArrayBuffer>,
    value: Float64Array<ArrayBuffer>,
  ): void {
    if (this.length === 0) {
      this.seriesId = seriesId;
      this.timeMs = timeMs;
      this.timeWords = new Int32Array(timeMs.buffer, timeMs.byteOffset, timeMs.length * 2);
      this.value = value;
      this.length = value.length;
      return;
    }
    while (this.length + value.length > this.seriesId.length) this.grow();
    this.seriesId.set(seriesId, this.length);
    this.timeMs.set(timeMs, this.length);
    this.value.set(value, this.length);
    this.length += value.length;
  }

  private grow(): void {
    const size = Math.max(1024, this.seriesId.length * 2);
    const seriesId = new BigInt64Array(size);
    seriesId.set(this.seriesId);
    const timeMs = new BigInt64Array(size);
    timeMs.set(this.timeMs);
    const value = new Float64Array(size);
    value.set(this.value);
    this.seriesId = seriesId;
    this.timeMs = timeMs;
    this.timeWords = new Int32Array(timeMs.buffer);
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
  private readonly series: { entry: SeriesEntry; name: string; labels: string; dayMs: number }[] =
    [];
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

  /** The series of a label set (sorted by name), registering it; null on a hash collision. */
  seriesOf(labels: Labels, cacheKey?: string): SeriesEntry | null {
    const entry = this.registry.entryOf(this.tenant, labels, cacheKey);
    if (entry === null) this.collisions++;
    return entry;
  }

  /** The series whose label bytes hash to (`hashA`, `hashB`), if the registry knows it. */
  seriesByBytes(hashA: number, hashB: number, length: number): SeriesEntry | undefined {
    return this.registry.cachedByBytes(this.tenant, hashA, hashB, length);
  }

  rememberSeriesBytes(hashA: number, hashB: number, length: number, series: SeriesEntry): void {
    this.registry.rememberBytes(this.tenant, hashA, hashB, length, series);
  }

  /**
   * Add a sample; the series gets an index row for the sample's UTC day unless one is stored
   * or already in this batch. `labels` may be a function or an object that builds them, called
   * only when a row is written.
   */
  addSample(series: SeriesEntry, labels: LabelsSource, timeMs: number, value: number) {
    this.samples.push(series.id, timeMs, value);
    this.index(series, labels, Math.floor(timeMs / MS_PER_DAY) * MS_PER_DAY);
  }

  /**
   * Add samples given as columns (times and values, with their series ids already filled in).
   * The arrays are taken over, not copied, when this builder holds no samples yet. Index rows
   * are the caller's part (`index`).
   */
  addSampleColumns(
    seriesId: BigInt64Array<ArrayBuffer>,
    timeMs: BigInt64Array<ArrayBuffer>,
    value: Float64Array<ArrayBuffer>,
  ): void {
    this.samples.append(seriesId, timeMs, value);
  }

  /** Whether `index` would add a row (the series' row for the day is neither stored nor pending). */
  needsIndex(series: SeriesEntry, dayMs: number): boolean {
    if (series.indexedDayMs === dayMs) return false;
    return series.pendingBy !== this || series.pendingDayMs !== dayMs;
  }

  /** Give the series an index row for the UTC day `dayMs` unless it is stored or pending. */
  index(series: SeriesEntry, labels: LabelsSource, dayMs: number): void {
    if (!this.needsIndex(series, dayMs)) return;
    series.pendingBy = this;
    series.pendingDayMs = dayMs;
    const resolved =
      typeof labels === 'function' ? labels() : isLabels(labels) ? labels : labels.labels();
    this.series.push({
      entry: series,
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
        seriesId: BigInt64Array.from(this.series, (r) => r.entry.id),
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
    for (const row of this.series) {
      row.entry.indexedDayMs = row.dayMs;
      if (row.entry.pendingBy === this) row.entry.pendingBy = undefined;
    }
    for (const key of this.metadataKeys) this.registry.markMetadata(this.tenant, key);
  }
}
