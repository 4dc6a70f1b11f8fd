/**
 * An independent statement of the attribute limits (`attribute-limits.ts`) for the differential
 * tests: it cuts a request as the oracle decoded it, in place, so that `reference.ts` then says
 * what the decoders must produce under those limits. Characters are counted with `Array.from`
 * (code points), bytes with `slice`. Test-only.
 */
import type { Prng } from '../../demo/prng.js';
import type { AttributeLimits } from '../attribute-limits.js';
import type { AnyValue, KeyValue } from './oracle.js';

export interface ReferenceLimited {
  attributesDropped: number;
  valuesTruncated: number;
}

/** Cuts every stored attribute map of `request` (not scope attributes, which are not stored). */
export function applyReferenceLimits(request: object, limits: AttributeLimits): ReferenceLimited {
  const counts: ReferenceLimited = { attributesDropped: 0, valuesTruncated: 0 };

  const cutValue = (v: AnyValue | null | undefined): AnyValue | null | undefined => {
    if (v == null) return v;
    if (v.stringValue != null) {
      const chars = Array.from(v.stringValue);
      if (chars.length <= limits.maxValueLength) return v;
      counts.valuesTruncated++;
      return { stringValue: chars.slice(0, limits.maxValueLength).join('') };
    }
    if (v.boolValue != null || v.intValue != null || v.doubleValue != null) return v;
    if (v.arrayValue != null) {
      return { arrayValue: { values: (v.arrayValue.values ?? []).map((item) => cutValue(item)!) } };
    }
    if (v.kvlistValue != null) {
      // Members of a kvlist value are never dropped: only top-level attributes count.
      const values = (v.kvlistValue.values ?? []).map((kv) => ({
        key: kv.key,
        value: cutValue(kv.value),
      }));
      return { kvlistValue: { values } };
    }
    if (v.bytesValue != null && v.bytesValue.length > limits.maxValueLength) {
      counts.valuesTruncated++;
      return { bytesValue: v.bytesValue.slice(0, limits.maxValueLength) };
    }
    return v;
  };

  const cutMap = (kvs: KeyValue[]): KeyValue[] => {
    const kept = kvs.slice(0, limits.maxAttributes);
    counts.attributesDropped += kvs.length - kept.length;
    return kept.map((kv) => ({ key: kv.key, value: cutValue(kv.value) }));
  };

  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (typeof node !== 'object' || node === null || node instanceof Uint8Array) return;
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (key === 'scope') continue;
      const value = record[key];
      if ((key === 'attributes' || key === 'filteredAttributes') && Array.isArray(value)) {
        record[key] = cutMap(value as KeyValue[]);
      } else {
        walk(value);
      }
    }
  };

  walk(request);
  return counts;
}

/** Small random limits, so that most requests of the random generators get cut somewhere. */
export function randomLimits(rng: Prng): AttributeLimits {
  return { maxAttributes: 1 + rng.int(4), maxValueLength: 1 + rng.int(6) };
}
