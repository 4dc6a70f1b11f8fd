import { SEAL_ORDER, TIME_COLUMN, type Signal } from '../schema.js';
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
export const SEAL_SLAB_NS = 600_000_000_000n;

/** The ORDER BY of a signal's sealed parts (see docs/adr/0009-rollups-and-time-slabs.md). */
export function sealOrder(signal: Signal): SqlFragment {
  const columns = SEAL_ORDER[signal].map((c) => sql`${ident(c)}`);
  if (signal !== 'spans' && signal !== 'logs') return join(columns, ', ');
  const slab = sql`${ident(TIME_COLUMN[signal])} // ${raw(String(SEAL_SLAB_NS))}`;
  return join([slab, ...columns], ', ');
}
