/**
 * Column batches of the Prometheus data model (see docs/adr/0004-metrics-model.md): a series
 * index, samples, exemplars and per-family metadata. Times are Unix milliseconds, as in
 * Prometheus. Series ids are 64-bit hashes of the canonical label set (`metrics/series-id.ts`).
 */

/** Series index rows: one per series and UTC day in which it has samples. */
export interface PromSeriesBatch {
  length: number;
  seriesId: BigInt64Array;
  metricName: string[];
  /** JSON array of `[name, value]` pairs sorted by name, `__name__` included. */
  labels: string[];
  /** Start of the UTC day (Unix ms) the row indexes. */
  dayMs: BigInt64Array;
}

export interface PromSampleBatch {
  length: number;
  seriesId: BigInt64Array;
  timeMs: BigInt64Array;
  value: Float64Array;
}

export interface PromExemplarBatch {
  length: number;
  seriesId: BigInt64Array;
  timeMs: BigInt64Array;
  value: Float64Array;
  /** JSON array of `[name, value]` pairs (`trace_id`, `span_id`, filtered attributes). */
  labels: string[];
}

/** Metadata rows: one per metric family and UTC day in which it was announced. */
export interface PromMetadataBatch {
  length: number;
  metricName: string[];
  metricType: string[];
  help: string[];
  unit: string[];
  dayMs: BigInt64Array;
}
