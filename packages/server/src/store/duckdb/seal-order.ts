import { SEAL_ORDER, SEAL_TIME_BUCKET, TIME_COLUMN, type Signal } from '../schema.js';
import { ident, join, raw, sql, type SqlFragment } from '../sql.js';

/**
 * Spans and logs are sealed in time slabs of this many nanoseconds, in their own order (spans by
 * trace id, logs by service and time) within a slab.
 *
 * Sorting a span part by trace id alone (as Tempo does) keeps a trace's spans together, but
 * spreads every minute of the day over every row group, so a query for the last hour (service
 * map, trace search, log facets, the edges of a rollup) had to read the times of the whole part.
 * Within a slab a trace's spans are still together (a trace rarely outlives a slab; one crossing
 * a slab edge sits in two blocks, which the trace-id Bloom filters find), while row-group
 * statistics on the time column now skip all slabs outside a time range.
 */
export const SEAL_SLAB_NS: bigint = SEAL_TIME_BUCKET.spans!;

/**
 * The ORDER BY of a signal's sealed parts: its time bucket (SEAL_TIME_BUCKET: 10-minute slabs for
 * spans and logs, 2 h for Prometheus samples; see ADR 10 and ADR 4), then SEAL_ORDER.
 */
export function sealOrder(signal: Signal): SqlFragment {
  const columns = SEAL_ORDER[signal].map((c) => sql`${ident(c)}`);
  const bucket = SEAL_TIME_BUCKET[signal];
  if (bucket === undefined) return join(columns, ', ');
  const slab = sql`${ident(TIME_COLUMN[signal])} // ${raw(String(bucket))}`;
  return join([slab, ...columns], ', ');
}
