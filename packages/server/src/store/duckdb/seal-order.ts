import { SEAL_ORDER, type Signal } from '../schema.js';
import { ident, join, raw, sql, type SqlFragment } from '../sql.js';

/**
 * Spans are sealed in time slabs of this many nanoseconds, sorted by trace id within a slab.
 *
 * Sorting a part by trace id alone (as Tempo does) keeps a trace's spans together, but spreads
 * every minute of the day over every row group, so a query for the last hour (service map,
 * trace search, the edges of a rollup) had to read the start times of the whole part. Within a
 * slab a trace's spans are still together (a trace rarely outlives a slab; one crossing a slab
 * edge sits in two blocks, which the trace-id Bloom filters find), while row-group statistics on
 * `start_time_unix_nano` now skip all slabs outside a time range.
 */
export const SPAN_SLAB_NS = 600_000_000_000n;

/** The ORDER BY of a signal's sealed parts (see docs/adr/0005-block-skip-index.md). */
export function sealOrder(signal: Signal): SqlFragment {
  const columns = SEAL_ORDER[signal].map((c) => sql`${ident(c)}`);
  if (signal !== 'spans') return join(columns, ', ');
  return join([sql`start_time_unix_nano // ${raw(String(SPAN_SLAB_NS))}`, ...columns], ', ');
}
