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

  /**
   * The series whose label set is encoded as `buf[start, end)`, if the registry knows it;
   * `position` is the series' index in its request (see SeriesRegistry.cachedRaw).
   */
  cachedRawSeries(
    buf: Buffer,
    start: number,
    end: number,
    position: number,
  ): SeriesEntry | undefined {
    return this.registry.cachedRaw(this.tenant, buf, start, end, position);
  }

  rememberRawSeries(
    buf: Buffer,
    start: number,
    end: number,
    series: SeriesEntry,
    position: number,
  ): void {
    this.registry.rememberRaw(this.tenant, buf, start, end, series, position);
  }

  /**
   * Add a sample; the series gets an index row for the sample's UTC day unless one is stored
   * or already in this batch. `labels` may be a function, called only when a row is written.
   */
  addSample(series: SeriesEntry, labels: Labels | (() => Labels), timeMs: number, value: number) {
    this.samples.push(series.id, timeMs, value);
    const dayMs = Math.floor(timeMs / MS_PER_DAY) * MS_PER_DAY;
    if (series.indexedDayMs === dayMs) return;
    if (series.pendingBy === this && series.pendingDayMs === dayMs) return;
    series.pendingBy = this;
    series.pendingDayMs = dayMs;
    const resolved = typeof labels === 'function' ? labels() : labels;
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
