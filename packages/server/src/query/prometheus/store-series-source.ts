import type { ScopedSources, TelemetryStore, TimeRange } from '../../store/telemetry-store.js';
import { join, raw, sql, type SqlFragment } from '../../store/sql.js';
import type { TenantId } from '../../tenant.js';
import { parseLabelsText } from '../../metrics/series-id.js';
import {
  PromQLError,
  type Exemplar,
  type LabelMatcher,
  type Labels,
  type MetricMetadata,
  type SeriesExemplars,
  type SeriesSamples,
  type SeriesSource,
} from '../promql/types.js';
import { compileMatchers, pinnedMetricName } from './label-matchers.js';
import type { IndexedSeries } from '../../store/prom-read/prom-read-cache.js';
import {
  dedupeTimestamps,
  groupSamples,
  restoreStaleMarkers,
  type SampleArrays,
} from '../../store/prom-read/group-samples.js';

export interface StoreSeriesSourceOptions {
  /** Time budget of each store query. */
  timeoutMs?: number;
  /** Most series one selector may match (Prometheus has no such limit; we bound memory). */
  maxSeries?: number;
}

const METADATA_TYPES = new Set<MetricMetadata['type']>([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
]);

/** [startMs, endMs] inclusive as the store's half-open nanosecond range. */
function rangeOf(startMs: number, endMs: number): TimeRange {
  return {
    fromNs: BigInt(Math.floor(startMs)) * 1_000_000n,
    toNs: (BigInt(Math.floor(endMs)) + 1n) * 1_000_000n,
  };
}

function idList(ids: readonly bigint[]): SqlFragment {
  return join(
    ids.map((id) => sql`${id}`),
    ', ',
  );
}

/**
 * One tenant's Prometheus series, read from the TelemetryStore in any dialect. A selector is
 * resolved in two steps: the series index (pinned to one metric name when the selector has
 * `__name__="…"`, then the remaining matchers applied to the label sets) and then the samples of
 * exactly those series ids in the window, in one query that returns each series' samples as
 * time-ordered arrays. The index is kept per UTC day, so "series in [start, end]" means "series
 * indexed on a day the window touches".
 */
export class StoreSeriesSource implements SeriesSource {
  constructor(
    private readonly store: TelemetryStore,
    private readonly tenant: TenantId,
    private readonly options: StoreSeriesSourceOptions = {},
  ) {}

  private get queryOptions() {
    return this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs };
  }

  /** Series matching any one of the matcher sets (all series for none), deduplicated by id. */
  private async matchingSeries(
    matcherSets: readonly (readonly LabelMatcher[])[],
    startMs: number,
    endMs: number,
  ): Promise<IndexedSeries[]> {
    const sets = matcherSets.length === 0 ? [[]] : matcherSets;
    const names = sets.map(pinnedMetricName);
    // One index read: restricted to the pinned names when every set pins one.
    const pinned = names.every((n) => n !== undefined) ? [...new Set(names)] : null;
    const predicates = sets.map(compileMatchers);
    if (this.store.promSeriesIndex) {
      const indexed = await this.store.promSeriesIndex(
        this.tenant,
        pinned,
        startMs,
        endMs,
        this.queryOptions,
      );
      return this.limited(indexed.filter((s) => predicates.some((matches) => matches(s.labels))));
    }
    const rows = await this.store.query(
      this.tenant,
      rangeOf(startMs, endMs),
      (s) =>
        pinned
          ? sql`SELECT DISTINCT series_id, labels FROM ${s.prom_series} WHERE metric_name IN (${join(
              pinned.map((n) => sql`${n}`),
              ', ',
            )})`
          : sql`SELECT DISTINCT series_id, labels FROM ${s.prom_series}`,
      this.queryOptions,
    );
    const seen = new Set<bigint>();
    const result: IndexedSeries[] = [];
    for (const row of rows) {
      const id = BigInt(row.series_id as bigint | number);
      if (seen.has(id)) continue;
      const labels = parseLabelsText(row.labels as string);
      if (!predicates.some((matches) => matches(labels))) continue;
      seen.add(id);
      result.push({ id, labels });
    }
    return this.limited(result);
  }

  private limited(result: IndexedSeries[]): IndexedSeries[] {
    const max = this.options.maxSeries;
    if (max !== undefined && result.length > max) {
      throw new PromQLError(
        'execution',
        `selector matches ${result.length} series, more than the limit of ${max} (prometheus.maxSeriesPerSelect)`,
      );
    }
    return result;
  }

  async select(
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
  ): Promise<SeriesSamples[]> {
    const series = await this.matchingSeries([matchers], startMs, endMs);
    if (series.length === 0) return [];
    // The store's own read path returns exact value bits; SQL results carry quieted markers.
    const exactBits = this.store.promSamples !== undefined;
    const loaded = this.store.promSamples
      ? await this.store.promSamples(
          this.tenant,
          series.map((s) => s.id),
          startMs,
          endMs,
          this.queryOptions,
        )
      : this.store.queryNumeric
        ? await this.samplesByColumns(series, startMs, endMs)
        : await this.samplesByLists(series, startMs, endMs);
    const result: SeriesSamples[] = [];
    for (let i = 0; i < series.length; i++) {
      const samples = loaded[i];
      if (samples === undefined || samples.timestamps.length === 0) continue;
      if (!exactBits) restoreStaleMarkers(samples.values);
      result.push({ labels: series[i]!.labels, ...samples });
    }
    return result.sort((a, b) => compareLabels(a.labels, b.labels));
  }

  private samplesQuery(
    series: readonly IndexedSeries[],
    select: SqlFragment,
    groupBy: SqlFragment,
  ): (s: ScopedSources) => SqlFragment {
    let min = series[0]!.id;
    let max = min;
    for (const { id } of series) {
      if (id < min) min = id;
      if (id > max) max = id;
    }
    const ids = idList(series.map((s) => s.id));
    return (s) =>
      sql`SELECT ${select} FROM ${s.prom_samples} WHERE series_id BETWEEN ${min} AND ${max} AND series_id IN (${ids})${groupBy}`;
  }

  /**
   * The samples of `series` (by position) as flat columns, grouped here: the store sends
   * (series id, time, value) rows in any order, without building a list per series.
   */
  private async samplesByColumns(
    series: readonly IndexedSeries[],
    startMs: number,
    endMs: number,
  ): Promise<(SampleArrays | undefined)[]> {
    const { length, columns } = await this.store.queryNumeric!(
      this.tenant,
      rangeOf(startMs, endMs),
      // Times as doubles (exact: Unix ms are far below 2^53), copied as they come.
      this.samplesQuery(series, sql`series_id, CAST(time_ms AS DOUBLE), value`, raw('')),
      ['int64', 'float64', 'float64'],
      this.queryOptions,
    );
    return groupSamples(
      series.map((s) => s.id),
      length,
      columns[0] as BigInt64Array,
      columns[1] as Float64Array,
      columns[2] as Float64Array,
    );
  }

  /** The samples of `series` (by position), as one time-ordered list per series. */
  private async samplesByLists(
    series: readonly IndexedSeries[],
    startMs: number,
    endMs: number,
  ): Promise<(SampleArrays | undefined)[]> {
    const dialect = this.store.dialect;
    const flags = this.store.promStaleFlags === true;
    const staleList = flags
      ? sql`, ${dialect.orderedList(sql`stale`, sql`time_ms`)} AS st`
      : raw('');
    const rows = await this.store.query(
      this.tenant,
      rangeOf(startMs, endMs),
      this.samplesQuery(
        series,
        sql`series_id, ${dialect.orderedList(sql`time_ms`, sql`time_ms`)} AS t, ${dialect.orderedList(sql`value`, sql`time_ms`)} AS v${staleList}`,
        raw(' GROUP BY series_id'),
      ),
      this.queryOptions,
    );
    const position = new Map(series.map((s, i) => [s.id, i]));
    const result: (SampleArrays | undefined)[] = [];
    for (const row of rows) {
      const at = position.get(BigInt(row.series_id as bigint | number));
      if (at === undefined) continue;
      const times = row.t as (bigint | number)[];
      const values = row.v as (number | null)[];
      const timestamps = new Float64Array(times.length);
      const vals = new Float64Array(times.length);
      for (let i = 0; i < times.length; i++) {
        timestamps[i] = Number(times[i]);
        vals[i] = values[i] ?? Number.NaN;
      }
      if (flags) setStaleMarkers(vals, row.st as (number | string)[]);
      result[at] = dedupeTimestamps({ timestamps, values: vals });
    }
    return result;
  }

  async series(
    matcherSets: readonly (readonly LabelMatcher[])[],
    startMs: number,
    endMs: number,
  ): Promise<Labels[]> {
    const series = await this.matchingSeries(matcherSets, startMs, endMs);
    return series.map((s) => s.labels).sort(compareLabels);
  }

  async labelNames(
    matcherSets: readonly (readonly LabelMatcher[])[],
    startMs: number,
    endMs: number,
  ): Promise<string[]> {
    const names = new Set<string>();
    for (const s of await this.matchingSeries(matcherSets, startMs, endMs)) {
      for (const [name] of s.labels) names.add(name);
    }
    return [...names].sort();
  }

  async labelValues(
    name: string,
    matcherSets: readonly (readonly LabelMatcher[])[],
    startMs: number,
    endMs: number,
  ): Promise<string[]> {
    if (name === '__name__' && matcherSets.length === 0) {
      const rows = await this.store.query(
        this.tenant,
        rangeOf(startMs, endMs),
        (s) => sql`SELECT DISTINCT metric_name FROM ${s.prom_series}`,
        this.queryOptions,
      );
      return rows.map((r) => r.metric_name as string).sort();
    }
    const values = new Set<string>();
    for (const s of await this.matchingSeries(matcherSets, startMs, endMs)) {
      for (const [n, v] of s.labels) if (n === name && v !== '') values.add(v);
    }
    return [...values].sort();
  }

  async metadata(metric?: string, limit?: number): Promise<MetricMetadata[]> {
    const rows = await this.store.query(
      this.tenant,
      null,
      (s) =>
        metric === undefined
          ? sql`SELECT DISTINCT metric_name, metric_type, help, unit, day_ms FROM ${s.prom_metadata} ORDER BY metric_name, day_ms DESC`
          : sql`SELECT DISTINCT metric_name, metric_type, help, unit, day_ms FROM ${s.prom_metadata} WHERE metric_name = ${metric} ORDER BY metric_name, day_ms DESC`,
      this.queryOptions,
    );
    const latest = new Map<string, MetricMetadata>();
    for (const row of rows) {
      const name = row.metric_name as string;
      if (latest.has(name)) continue;
      if (limit !== undefined && latest.size >= limit) break;
      const type = row.metric_type as MetricMetadata['type'];
      latest.set(name, {
        metric: name,
        type: METADATA_TYPES.has(type) ? type : 'unknown',
        help: row.help as string,
        unit: row.unit as string,
      });
    }
    return [...latest.values()];
  }

  async exemplars(
    matcherSets: readonly (readonly LabelMatcher[])[],
    startMs: number,
    endMs: number,
  ): Promise<SeriesExemplars[]> {
    const series = await this.matchingSeries(matcherSets, startMs, endMs);
    if (series.length === 0) return [];
    const ids = series.map((s) => s.id);
    const rows = await this.store.query(
      this.tenant,
      rangeOf(startMs, endMs),
      (s) =>
        sql`SELECT series_id, time_ms, value, labels FROM ${s.prom_exemplars} WHERE series_id IN (${idList(ids)}) ORDER BY series_id, time_ms`,
      this.queryOptions,
    );
    const byId = new Map(series.map((s) => [s.id, s.labels]));
    const grouped = new Map<bigint, Exemplar[]>();
    for (const row of rows) {
      const id = BigInt(row.series_id as bigint | number);
      let list = grouped.get(id);
      if (!list) grouped.set(id, (list = []));
      list.push({
        labels: parseLabelsText(row.labels as string),
        value: Number(row.value),
        timestampMs: Number(row.time_ms),
      });
    }
    const result: SeriesExemplars[] = [];
    for (const [id, exemplars] of grouped) {
      const seriesLabels = byId.get(id);
      if (seriesLabels) result.push({ seriesLabels, exemplars });
    }
    return result.sort((a, b) => compareLabels(a.seriesLabels, b.seriesLabels));
  }
}

export function compareLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const [an, av] = a[i]!;
    const [bn, bv] = b[i]!;
    if (an !== bn) return an < bn ? -1 : 1;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return a.length - b.length;
}

/** Write the staleness marker's exact bits where the store flagged one (`promStaleFlags`). */
function setStaleMarkers(values: Float64Array, flags: readonly (number | string)[]): void {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  for (let i = 0; i < values.length; i++) {
    if (Number(flags[i]) !== 1) continue;
    words[2 * i] = 2;
    words[2 * i + 1] = 0x7ff00000;
  }
}
