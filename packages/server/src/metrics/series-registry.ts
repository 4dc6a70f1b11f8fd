import type { Labels } from '../query/promql/types.js';
import type { TenantId } from '../tenant.js';
import { asciiText } from '../otlp/wire-reader.js';
import { seriesIdOf } from './series-id.js';

export interface SeriesRegistryOptions {
  /** Series remembered per tenant (label set → id, indexed day); beyond it the memory starts over. */
  maxSeries: number;
}

/** What the ingest side remembers of one series. */
export interface SeriesEntry {
  readonly id: bigint;
  /** The last UTC day (start, Unix ms) whose index row is committed; NaN when none. */
  indexedDayMs: number;
  /** A request's builder that is writing an index row for `pendingDayMs` (not yet committed). */
  pendingBy: object | undefined;
  pendingDayMs: number;
}

/** A series seen at one position of a request: its raw label bytes (a copy) and its entry. */
interface PositionGuess {
  raw: Buffer;
  entry: SeriesEntry;
}

interface TenantSeries {
  byKey: Map<string, SeriesEntry>;
  /**
   * The series at each position of the tenant's last remote write requests: senders repeat
   * their series in the same order request after request (Prometheus per shard, agents per
   * scrape), so comparing the bytes at a position usually finds the series with one memcmp,
   * without building a string key and hashing it.
   */
  byPosition: (PositionGuess | undefined)[];
  /** Raw encoded label sets (remote write's label fields as latin1 text). */
  byRaw: Map<string, SeriesEntry>;
  /** Canonical label text per id, for collision detection. */
  byId: Map<bigint, string>;
  metadata: Set<string>;
}

/**
 * The ingest side's memory of series, shared by every receiver: label set → series id (so the
 * hash is computed once per series, not per sample), whether the series' index row for a day is
 * stored (so a sample does not rewrite its series' labels), and which metadata is stored.
 *
 * Bounded per tenant: when a map reaches `maxSeries` entries it is cleared. Forgetting costs
 * only work (a hash again, a duplicate index row, which reads and sealing deduplicate), never
 * correctness. Collision detection covers the series remembered: two different label sets with
 * one 64-bit id are refused (the second one's samples are counted as rejected).
 */
export class SeriesRegistry {
  private readonly tenants = new Map<TenantId, TenantSeries>();
  collisions = 0;

  constructor(private readonly options: SeriesRegistryOptions) {}

  private tenantSeries(tenant: TenantId): TenantSeries {
    let entry = this.tenants.get(tenant);
    if (!entry) {
      entry = {
        byKey: new Map(),
        byPosition: [],
        byRaw: new Map(),
        byId: new Map(),
        metadata: new Set(),
      };
      this.tenants.set(tenant, entry);
    }
    return entry;
  }

  /**
   * The entry of a sorted label set, or null when its id collides with a different label set
   * already seen. `cacheKey`, when given, is a cheaper identity of the same label set (e.g.
   * its raw protobuf bytes) that the caller computed; otherwise the canonical text is used.
   */
  entryOf(tenant: TenantId, labels: Labels, cacheKey?: string): SeriesEntry | null {
    const state = this.tenantSeries(tenant);
    const text = canonical(labels);
    const key = cacheKey ?? text;
    const known = state.byKey.get(key);
    if (known !== undefined) return known;
    const id = seriesIdOf(labels);
    const previous = state.byId.get(id);
    if (previous !== undefined && previous !== text) {
      this.collisions++;
      return null;
    }
    if (state.byKey.size >= this.options.maxSeries) state.byKey.clear();
    if (state.byId.size >= this.options.maxSeries) state.byId.clear();
    const entry: SeriesEntry = {
      id,
      indexedDayMs: Number.NaN,
      pendingBy: undefined,
      pendingDayMs: Number.NaN,
    };
    state.byKey.set(key, entry);
    state.byId.set(id, text);
    return entry;
  }

  /**
   * The entry of a label set known by its raw encoding `buf[start, end)` (remote write's label
   * fields, byte for byte), without decoding it; undefined when unknown. (Measured against a
   * JS hash of the bytes plus a byte comparison: a latin1 string key in a Map is faster.)
   */
  cachedRaw(
    tenant: TenantId,
    buf: Buffer,
    start: number,
    end: number,
    position = -1,
  ): SeriesEntry | undefined {
    const state = this.tenants.get(tenant);
    if (state === undefined) return undefined;
    const guess = position >= 0 ? state.byPosition[position] : undefined;
    if (guess !== undefined && sameBytes(guess.raw, buf, start, end)) return guess.entry;
    const entry = state.byRaw.get(asciiText(buf, start, end));
    if (entry !== undefined) this.rememberPosition(state, buf, start, end, position, entry);
    return entry;
  }

  /** Remember a raw encoding of an entry's label set (see `cachedRaw`). */
  rememberRaw(
    tenant: TenantId,
    buf: Buffer,
    start: number,
    end: number,
    entry: SeriesEntry,
    position = -1,
  ) {
    const state = this.tenantSeries(tenant);
    if (state.byRaw.size >= this.options.maxSeries) state.byRaw.clear();
    state.byRaw.set(asciiText(buf, start, end), entry);
    this.rememberPosition(state, buf, start, end, position, entry);
  }

  private rememberPosition(
    state: TenantSeries,
    buf: Buffer,
    start: number,
    end: number,
    position: number,
    entry: SeriesEntry,
  ): void {
    if (position < 0 || position >= this.options.maxSeries) return;
    state.byPosition[position] = { raw: Buffer.from(buf.subarray(start, end)), entry };
  }

  hasMetadata(tenant: TenantId, key: string): boolean {
    return this.tenants.get(tenant)?.metadata.has(key) ?? false;
  }

  markMetadata(tenant: TenantId, key: string): void {
    const state = this.tenantSeries(tenant);
    if (state.metadata.size >= this.options.maxSeries) state.metadata.clear();
    state.metadata.add(key);
  }
}

/**
 * Whether `buf[start, end)` equals `raw`. A JS loop: for label sets (~100 bytes) it is several
 * times faster than `Buffer.compare` with offsets, whose argument checks and native call
 * dominate at that size (measured in the remote write profile).
 */
function sameBytes(raw: Buffer, buf: Buffer, start: number, end: number): boolean {
  const length = raw.length;
  if (length !== end - start) return false;
  for (let i = 0; i < length; i++) if (raw[i] !== buf[start + i]) return false;
  return true;
}

function canonical(labels: Labels): string {
  let text = '';
  for (const [name, value] of labels) text += `${name}\u00ff${value}\u00ff`;
  return text;
}
