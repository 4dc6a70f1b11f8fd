import type { Labels } from '../../query/promql/types.js';
import { chunkLength } from './sample-chunk.js';

/**
 * What the Prometheus read path keeps in memory about sealed, immutable parts
 * (docs/adr/0013-prometheus-read-cache.md): per part and 2 h bucket, each asked-for series'
 * samples as a compressed chunk (sample-chunk.ts), or null when the part holds none of that
 * series in that bucket; and per index part, its series by metric name with parsed labels.
 *
 * Parts never change once written, so an entry is never stale: a seal, merge or late write
 * makes new parts (and hot rows, never cached), and the reader lists the parts of its snapshot.
 * Entries of parts that left the catalog are dropped by `forgetParts`; the rest is bounded by
 * `maxBytes`, least recently used first.
 */

/** Estimated bytes a chunk costs beyond its own bytes (typed array, map slot). */
const CHUNK_OVERHEAD_BYTES = 120;
/** A series known to have no samples in a part's bucket. */
const EMPTY_OVERHEAD_BYTES = 40;
const SERIES_OVERHEAD_BYTES = 160;

export interface IndexedSeries {
  readonly id: bigint;
  readonly labels: Labels;
}

/** One index part's series, by metric name. */
export type PartSeriesIndex = ReadonlyMap<string, readonly IndexedSeries[]>;

export interface PromReadCacheStats {
  bytes: number;
  /** Samples held in chunks. */
  samples: number;
  maxBytes: number;
  entries: number;
  /** Series chunks (or known absences) found / not found, and entries evicted for space. */
  hits: number;
  misses: number;
  evictions: number;
}

interface ChunkEntry {
  readonly kind: 'chunks';
  readonly part: string;
  readonly series: Map<bigint, Uint8Array | null>;
  /** Series whose chunk covers the bucket only from this time (Unix ms) on. */
  readonly coveredFrom: Map<bigint, number>;
  bytes: number;
  samples: number;
}

interface IndexEntry {
  readonly kind: 'index';
  readonly part: string;
  readonly index: PartSeriesIndex;
  readonly bytes: number;
  readonly samples: 0;
}

type Entry = ChunkEntry | IndexEntry;

export class PromReadCache {
  /** Map order is recency order: the first entry is the least recently used. */
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private samples = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(readonly maxBytes: number) {}

  /**
   * The cached samples of `ids` in a part's bucket from `fromMs` on, by position: a chunk, null
   * (none there) or undefined (not cached, or cached from a later time only).
   */
  chunks(
    part: string,
    bucket: number,
    ids: readonly bigint[],
    fromMs = -Infinity,
  ): (Uint8Array | null | undefined)[] {
    const entry = this.touch(chunkKey(part, bucket));
    const out = new Array<Uint8Array | null | undefined>(ids.length);
    if (entry?.kind !== 'chunks') {
      this.misses += ids.length;
      return out;
    }
    let found = 0;
    const partial = entry.coveredFrom;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      let chunk = entry.series.get(id);
      if (chunk !== undefined && partial.size > 0 && (partial.get(id) ?? -Infinity) > fromMs) {
        chunk = undefined;
      }
      out[i] = chunk;
      if (chunk !== undefined) found++;
    }
    this.hits += found;
    this.misses += ids.length - found;
    return out;
  }

  /**
   * Remember series' samples of a part's bucket (null: the part has none of it there), all of
   * the bucket's or, with `coveredFromMs`, those from that time on.
   */
  putChunks(
    part: string,
    bucket: number,
    series: ReadonlyMap<bigint, Uint8Array | null>,
    coveredFromMs?: number,
  ): void {
    if (this.maxBytes <= 0) return;
    const key = chunkKey(part, bucket);
    let entry = this.entries.get(key);
    if (entry?.kind !== 'chunks') {
      if (entry) this.bytes -= entry.bytes;
      entry = {
        kind: 'chunks',
        part,
        series: new Map(),
        coveredFrom: new Map(),
        bytes: 0,
        samples: 0,
      };
    }
    // (Re)inserted last: the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    const before = entry.bytes;
    const samplesBefore = entry.samples;
    for (const [id, chunk] of series) {
      const previous = entry.series.get(id);
      if (previous !== undefined) {
        entry.bytes -= chunkBytes(previous);
        entry.samples -= previous === null ? 0 : chunkLength(previous);
      }
      entry.series.set(id, chunk);
      if (coveredFromMs === undefined) entry.coveredFrom.delete(id);
      else entry.coveredFrom.set(id, coveredFromMs);
      entry.bytes += chunkBytes(chunk);
      entry.samples += chunk === null ? 0 : chunkLength(chunk);
    }
    this.bytes += entry.bytes - before;
    this.samples += entry.samples - samplesBefore;
    this.evict(key);
  }

  /**
   * An index part's series: all of them (`metric` omitted) or, when cached for one metric name,
   * those of that name (an empty map: none).
   */
  index(part: string, metric?: string): PartSeriesIndex | undefined {
    const entry = this.touch(indexKey(part, metric));
    if (entry?.kind !== 'index') return undefined;
    return entry.index;
  }

  putIndex(part: string, index: PartSeriesIndex, metric?: string): void {
    if (this.maxBytes <= 0) return;
    let bytes = 0;
    for (const [name, series] of index) {
      bytes += name.length * 2;
      for (const s of series) {
        bytes += SERIES_OVERHEAD_BYTES;
        for (const [n, v] of s.labels) bytes += (n.length + v.length) * 2 + 48;
      }
    }
    const key = indexKey(part, metric);
    const previous = this.entries.get(key);
    if (previous) this.bytes -= previous.bytes;
    this.entries.delete(key);
    this.entries.set(key, { kind: 'index', part, index, bytes, samples: 0 });
    this.bytes += bytes;
    this.evict(key);
  }

  /** Drop everything about parts that left the catalog (merged away, dropped). */
  forgetParts(paths: readonly string[]): void {
    if (paths.length === 0) return;
    const gone = new Set(paths);
    for (const [key, entry] of this.entries) {
      if (!gone.has(entry.part)) continue;
      this.entries.delete(key);
      this.bytes -= entry.bytes;
      this.samples -= entry.samples;
    }
  }

  stats(): PromReadCacheStats {
    return {
      bytes: this.bytes,
      samples: this.samples,
      maxBytes: this.maxBytes,
      entries: this.entries.size,
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
    };
  }

  private touch(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /** Evict least recently used entries until within bounds (`keep` last, if it alone is too big). */
  private evict(keep: string): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) return;
      if (key === keep) continue;
      this.entries.delete(key);
      this.bytes -= entry.bytes;
      this.samples -= entry.samples;
      this.evictions++;
    }
    if (this.bytes > this.maxBytes) {
      const entry = this.entries.get(keep);
      if (entry) {
        this.entries.delete(keep);
        this.bytes -= entry.bytes;
        this.samples -= entry.samples;
        this.evictions++;
      }
    }
  }
}

function chunkBytes(chunk: Uint8Array | null): number {
  return chunk === null ? EMPTY_OVERHEAD_BYTES : chunk.length + CHUNK_OVERHEAD_BYTES;
}

function chunkKey(part: string, bucket: number): string {
  return `${part}\u0000${bucket}`;
}

function indexKey(part: string, metric: string | undefined): string {
  return metric === undefined ? `${part}\u0000index` : `${part}\u0000index\u0000${metric}`;
}
