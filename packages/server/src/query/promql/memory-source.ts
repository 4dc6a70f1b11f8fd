/** An in-memory SeriesSource: the engine's test double and a reference for store implementations. */
import { compileMatcherRegex } from './regex.js';
import type {
  Exemplar,
  LabelMatcher,
  Labels,
  MetricMetadata,
  SeriesExemplars,
  SeriesSamples,
  SeriesSource,
} from './types.js';
import { compareLabels, getLabel, labelsKey } from './labels.js';

export interface MemorySeries {
  readonly labels: Record<string, string> | Labels;
  /** Ascending Unix ms. */
  readonly timestamps: readonly number[] | Float64Array;
  readonly values: readonly number[] | Float64Array;
}

function toLabels(labels: Record<string, string> | Labels): Labels {
  const list: [string, string][] = Array.isArray(labels)
    ? (labels as Labels).map(([n, v]) => [n, v])
    : Object.entries(labels as Record<string, string>);
  return list.filter(([, v]) => v !== '').sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export function matchesAll(labels: Labels, matchers: readonly LabelMatcher[]): boolean {
  for (const m of matchers) {
    const v = getLabel(labels, m.name);
    switch (m.type) {
      case '=':
        if (v !== m.value) return false;
        break;
      case '!=':
        if (v === m.value) return false;
        break;
      case '=~':
        if (!compileMatcherRegex(m.value).test(v)) return false;
        break;
      case '!~':
        if (compileMatcherRegex(m.value).test(v)) return false;
        break;
    }
  }
  return true;
}

interface Stored {
  readonly labels: Labels;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly exemplars: Exemplar[];
}

export class MemorySeriesSource implements SeriesSource {
  private readonly stored = new Map<string, Stored>();
  private readonly meta = new Map<string, MetricMetadata>();

  constructor(series: readonly MemorySeries[] = []) {
    for (const s of series) this.add(s);
  }

  /** Add (or replace) one series. Values keep their exact bits (staleness markers survive). */
  add(s: MemorySeries): void {
    const labels = toLabels(s.labels);
    const timestamps = Float64Array.from(s.timestamps);
    const values =
      s.values instanceof Float64Array ? s.values.slice() : Float64Array.from(s.values);
    for (let i = 1; i < timestamps.length; i++) {
      if (timestamps[i]! <= timestamps[i - 1]!)
        throw new Error('timestamps must be strictly ascending');
    }
    this.stored.set(labelsKey(labels), { labels, timestamps, values, exemplars: [] });
  }

  setMetadata(m: MetricMetadata): void {
    this.meta.set(m.metric, m);
  }

  private inWindow(s: Stored, startMs: number, endMs: number): boolean {
    for (const t of s.timestamps) if (t >= startMs && t <= endMs) return true;
    return false;
  }

  private matching(
    matcherSets: readonly (readonly LabelMatcher[])[],
    startMs: number,
    endMs: number,
  ): Stored[] {
    const out: Stored[] = [];
    for (const s of this.stored.values()) {
      if (!this.inWindow(s, startMs, endMs)) continue;
      if (matcherSets.length > 0 && !matcherSets.some((ms) => matchesAll(s.labels, ms))) continue;
      out.push(s);
    }
    return out.sort((a, b) => compareLabels(a.labels, b.labels));
  }

  async select(
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
  ): Promise<SeriesSamples[]> {
    return this.matching([matchers], startMs, endMs).map((s) => {
      let lo = 0;
      while (lo < s.timestamps.length && s.timestamps[lo]! < startMs) lo++;
      let hi = lo;
      while (hi < s.timestamps.length && s.timestamps[hi]! <= endMs) hi++;
      return {
        labels: s.labels,
        timestamps: s.timestamps.slice(lo, hi),
        values: s.values.slice(lo, hi),
      };
    });
  }

  async series(
    matcherSets: readonly (readonly LabelMatcher[])[],
    startMs: number,
    endMs: number,
  ): Promise<Labels[]> {
    return this.matching(matcherSets, startMs, endMs).map((s) => s.labels);
  }

  async labelNames(
    matcherSets: readonly (readonly LabelMatcher[])[],
    startMs: number,
    endMs: number,
  ): Promise<string[]> {
    const names = new Set<string>();
    for (const s of this.matching(matcherSets, startMs, endMs))
      for (const [n] of s.labels) names.add(n);
    return [...names].sort();
  }

  async labelValues(
    name: string,
    matcherSets: readonly (readonly LabelMatcher[])[],
    startMs: number,
    endMs: number,
  ): Promise<string[]> {
    const values = new Set<string>();
    for (const s of this.matching(matcherSets, startMs, endMs)) {
      const v = getLabel(s.labels, name);
      if (v !== '') values.add(v);
    }
    return [...values].sort();
  }

  async metadata(metric?: string, limit?: number): Promise<MetricMetadata[]> {
    const all = [...this.meta.values()].filter((m) => metric === undefined || m.metric === metric);
    return limit !== undefined && limit >= 0 ? all.slice(0, limit) : all;
  }

  async exemplars(
    matcherSets: readonly (readonly LabelMatcher[])[],
    startMs: number,
    endMs: number,
  ): Promise<SeriesExemplars[]> {
    return this.matching(matcherSets, -Infinity, Infinity)
      .map((s) => ({
        seriesLabels: s.labels,
        exemplars: s.exemplars.filter((e) => e.timestampMs >= startMs && e.timestampMs <= endMs),
      }))
      .filter((s) => s.exemplars.length > 0);
  }
}
