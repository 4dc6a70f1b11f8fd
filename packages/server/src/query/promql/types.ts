/**
 * The contract between the PromQL engine, the series store behind it and the Prometheus HTTP
 * API in front of it. Times are Unix milliseconds (as in Prometheus); sample timestamps inside a
 * series are ascending.
 */

/** A label set, sorted by name, `__name__` included when the series has one. */
export type Labels = readonly (readonly [name: string, value: string])[];

export type MatchType = '=' | '!=' | '=~' | '!~';

/** One label matcher of a selector; regular expressions are fully anchored (RE2 syntax). */
export interface LabelMatcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
}

/** One series' raw samples in a time window. */
export interface SeriesSamples {
  readonly labels: Labels;
  /** Ascending, Unix ms. */
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

export interface MetricMetadata {
  readonly metric: string;
  readonly type:
    | 'counter'
    | 'gauge'
    | 'histogram'
    | 'gaugehistogram'
    | 'summary'
    | 'info'
    | 'stateset'
    | 'unknown';
  readonly help: string;
  readonly unit: string;
}

export interface Exemplar {
  readonly labels: Labels;
  readonly value: number;
  readonly timestampMs: number;
}

export interface SeriesExemplars {
  readonly seriesLabels: Labels;
  readonly exemplars: readonly Exemplar[];
}

/**
 * Where the engine reads series from: one tenant's series, already scoped by whoever built it.
 * Implementations push matchers and the time window down to storage.
 */
export interface SeriesSource {
  /** Every series matching all matchers with at least one sample in [startMs, endMs]. */
  select(
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
  ): Promise<SeriesSamples[]>;
  /** Label sets of series matching any of the matcher sets (all series when empty) in the window. */
  series(
    matcherSets: readonly (readonly LabelMatcher[])[],
    startMs: number,
    endMs: number,
  ): Promise<Labels[]>;
  /** Label names in use, optionally restricted to series matching any of the matcher sets. */
  labelNames(
    matcherSets: readonly (readonly LabelMatcher[])[],
    startMs: number,
    endMs: number,
  ): Promise<string[]>;
  /** Values of one label, optionally restricted to series matching any of the matcher sets. */
  labelValues(
    name: string,
    matcherSets: readonly (readonly LabelMatcher[])[],
    startMs: number,
    endMs: number,
  ): Promise<string[]>;
  /** Metadata per metric family name (`metric` filters to one; `limit` caps the families). */
  metadata(metric?: string, limit?: number): Promise<MetricMetadata[]>;
  /** Exemplars of series matching any of the matcher sets in the window. */
  exemplars(
    matcherSets: readonly (readonly LabelMatcher[])[],
    startMs: number,
    endMs: number,
  ): Promise<SeriesExemplars[]>;
}

/** Result of a query, in the shapes of Prometheus' HTTP API (`data` of the envelope). */
export type QueryResult =
  | { resultType: 'vector'; result: { metric: Record<string, string>; value: [number, string] }[] }
  | {
      resultType: 'matrix';
      result: { metric: Record<string, string>; values: [number, string][] }[];
    }
  | { resultType: 'scalar'; result: [number, string] }
  | { resultType: 'string'; result: [number, string] };

/** Prometheus' error types (`errorType` of the envelope) and the HTTP status each answers with. */
export type PromErrorType =
  'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'not_found' | 'unavailable';

export class PromQLError extends Error {
  constructor(
    readonly errorType: PromErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'PromQLError';
  }
}

export interface EngineOptions {
  /** Lookback delta, default 5 minutes. */
  lookbackDeltaMs?: number;
  /** Wall-clock budget; exceeded → PromQLError('timeout'). */
  timeoutMs?: number;
  /** Maximum samples held in memory by one query (Prometheus' --query.max-samples, 50M). */
  maxSamples?: number;
}

export interface PromQLEngine {
  /** Evaluate at one instant (Prometheus `/api/v1/query`). */
  instantQuery(
    source: SeriesSource,
    query: string,
    timeMs: number,
    options?: EngineOptions,
  ): Promise<QueryResult>;
  /** Evaluate at every step in [startMs, endMs] (Prometheus `/api/v1/query_range`). */
  rangeQuery(
    source: SeriesSource,
    query: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    options?: EngineOptions,
  ): Promise<QueryResult>;
}
