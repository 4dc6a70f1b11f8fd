import type { Labels } from '../query/promql/types.js';
import type { TenantId } from '../tenant.js';
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

/** A series known by the hashes of its encoded label bytes (remote write). */
interface HashedSeries {
  hashB: number;
  length: number;
  entry: SeriesEntry;
}

interface TenantSeries {
  byKey: Map<string, SeriesEntry>;
  /**
   * Encoded label sets (remote write's label fields) by their 64-bit hash: the low 30 bits of
   * the first hash as key (a small integer, cheap to look up), the second hash and the byte
   * length checked. Senders repeat the same label bytes request after request, so a known
   * series costs one lookup, without decoding its labels or comparing their bytes. Two label
   * sets with equal hashes (about n²/2⁶³ for n series) would share a series; see ADR 14.
   */
  byBytes: Map<number, HashedSeries>;
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
        byBytes: new Map(),
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

  /** The entry of a label set known by the hashes of its encoding (see `byBytes`). */
  cachedByBytes(
    tenant: TenantId,
    hashA: number,
    hashB: number,
    length: number,
  ): SeriesEntry | undefined {
    const known = this.tenants.get(tenant)?.byBytes.get(hashA & 0x3fffffff);
    if (known === undefined || known.hashB !== hashB || known.length !== length) return undefined;
    return known.entry;
  }

  /** Remember an entry by the hashes of its label set's encoding (see `cachedByBytes`). */
  rememberBytes(
    tenant: TenantId,
    hashA: number,
    hashB: number,
    length: number,
    entry: SeriesEntry,
  ): void {
    const state = this.tenantSeries(tenant);
    if (state.byBytes.size >= this.options.maxSeries) state.byBytes.clear();
    state.byBytes.set(hashA & 0x3fffffff, { hashB, length, entry });
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

function canonical(labels: Labels): string {
  let text = '';
  for (const [name, value] of labels) text += `${name}\u00ff${value}\u00ff`;
  return text;
}
