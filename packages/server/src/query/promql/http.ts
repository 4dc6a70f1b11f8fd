/**
 * PLACEHOLDER, REPLACED AT MERGE: the real module is written on the `promql` branch (the PromQL
 * engine's HTTP adapter). Until the lead merges it, every query answers Prometheus' error
 * envelope with 500 so that nothing pretends to evaluate PromQL. Do not test query results
 * against this file.
 */
import type { SeriesSource } from './types.js';

export function handlePromQuery(
  _kind: 'query' | 'query_range',
  _params: Record<string, string | string[]>,
  _source: SeriesSource,
  _nowMs: number,
): Promise<{ httpStatus: number; body: unknown }> {
  return Promise.resolve({
    httpStatus: 500,
    body: { status: 'error', errorType: 'internal', error: 'PromQL engine not merged' },
  });
}
