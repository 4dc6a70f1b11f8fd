import type { Labels } from '../query/promql/types.js';
import type { TenantId } from '../tenant.js';
import { seriesIdOf } from './series-id.js';

export interface SeriesRegistryOptions {
  /** Label sets remembered (id and canonical form); beyond it the memory starts over. */
  maxSeries: number;
}

/**
 * The ingest side's memory of series, shared by every receiver: label set → series id (so the
 * hash is computed once per series, not per sample), which series already have an index row
 * for a day (so a sample does not rewrite its series' labels), and which metadata is stored.
 *
 * Every map is bounded: when one reaches `maxSeries` entries it is cleared. Forgetting costs
 * only work (a hash again, a duplicate index row, which reads and sealing deduplicate), never
 * correctness. Collision detection covers the series remembered: two different label sets
 * with one 64-bit id are refused (the second one's samples are counted as rejected).
 */
export class SeriesRegistry {
  private readonly ids = new Map<string, bigint>();
  private readonly labelsById = new Map<string, string>();
  private readonly indexed = new Set<string>();
  private readonly metadata = new Set<string>();
  collisions = 0;

  constructor(private readonly options: SeriesRegistryOptions) {}

  /**
   * The id of a sorted label set, or null when it collides with a different label set already
   * seen. `cacheKey`, when given, is a cheaper identity of the same label set (e.g. its raw
   * protobuf bytes) that the caller computed; otherwise the canonical text is used.
   */
  idOf(tenant: TenantId, labels: Labels, cacheKey?: string): bigint | null {
    const key = `${tenant}\u0000${cacheKey ?? canonical(labels)}`;
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const id = seriesIdOf(labels);
    const text = canonical(labels);
    const idKey = `${tenant}\u0000${id}`;
    const previous = this.labelsById.get(idKey);
    if (previous !== undefined && previous !== text) {
      this.collisions++;
      return null;
    }
    this.bound(this.ids);
    this.bound(this.labelsById);
    this.ids.set(key, id);
    this.labelsById.set(idKey, text);
    return id;
  }

  /** The id a raw cache key maps to, without decoding its labels; undefined when unknown. */
  cachedId(tenant: TenantId, cacheKey: string): bigint | undefined {
    return this.ids.get(`${tenant}\u0000${cacheKey}`);
  }

  isIndexed(tenant: TenantId, id: bigint, dayMs: number): boolean {
    return this.indexed.has(`${tenant}\u0000${id}@${dayMs}`);
  }

  markIndexed(tenant: TenantId, id: bigint, dayMs: number): void {
    if (this.indexed.size >= this.options.maxSeries * 2) this.indexed.clear();
    this.indexed.add(`${tenant}\u0000${id}@${dayMs}`);
  }

  hasMetadata(tenant: TenantId, key: string): boolean {
    return this.metadata.has(`${tenant}\u0000${key}`);
  }

  markMetadata(tenant: TenantId, key: string): void {
    if (this.metadata.size >= this.options.maxSeries) this.metadata.clear();
    this.metadata.add(`${tenant}\u0000${key}`);
  }

  private bound(map: Map<string, unknown>): void {
    if (map.size >= this.options.maxSeries) map.clear();
  }
}

function canonical(labels: Labels): string {
  let text = '';
  for (const [name, value] of labels) text += `${name}\u00ff${value}\u00ff`;
  return text;
}
