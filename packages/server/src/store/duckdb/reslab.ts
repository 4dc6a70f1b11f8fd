import { raw, sql, type SqlFragment } from '../sql.js';
import { MINUTE_NS } from './log-minutes.js';
import { SEAL_SLAB_NS } from './seal-order.js';

/**
 * Re-slabbing: rewriting a day's span or log parts that overlap in time into parts that cover
 * disjoint runs of time slabs (docs/adr/0019-time-disjoint-parts.md).
 *
 * Live ingestion seals parts that follow each other in time, and merges of neighbouring parts
 * keep them so. Data that arrives out of time order — a backfill, a collector replaying a queue,
 * the query benchmark's uniformly spread load — seals parts that each span the whole day: every
 * 10-minute slab then lives in every part, a query over an hour opens every file and reads the
 * slab's row groups in each, and the per-part rollups (span_slabs, log_minutes) repeat each slab
 * once per part. Once such a day has been quiet for a while, its parts are rewritten slab range by
 * slab range; each step reads only the row groups of its slabs (parts are sorted by slab first)
 * and sorts at most `mergeMaxRows` rows, so memory stays what a merge needs.
 */

/** Re-slab a day once its slabs lie in this many parts on average. */
export const RESLAB_MIN_DEPTH = 3;
/** …and no part of it has been written for this long (a backfill in progress is left alone). */
export const RESLAB_QUIET_MS = 60_000;

export type ReslabSignal = 'spans' | 'logs';

export const isReslabSignal = (signal: string): signal is ReslabSignal =>
  signal === 'spans' || signal === 'logs';

/** Rows per slab of a set of parts, from their rollups. */
export interface SlabRows {
  slab: bigint;
  rows: number;
}

/** A slab range [fromNs, toNs) one new part will hold. */
export interface SlabRange {
  fromNs: bigint;
  toNs: bigint;
  rows: number;
}

/**
 * Cut a day [dayStartNs, dayEndNs) into ranges of whole slabs holding at most `maxRows` rows each
 * (a slab holding more on its own gets a range to itself). The ranges abut and cover the whole
 * day, so every row of the parts falls into exactly one of them, whatever the rollups said.
 */
export function slabRanges(
  slabs: readonly SlabRows[],
  maxRows: number,
  dayStartNs: bigint,
  dayEndNs: bigint,
): SlabRange[] {
  const sorted = [...slabs].filter((s) => s.rows > 0).sort((a, b) => (a.slab < b.slab ? -1 : 1));
  const ranges: SlabRange[] = [];
  let current: SlabRange | null = null;
  for (const { slab, rows } of sorted) {
    if (current && current.rows + rows > maxRows) {
      current.toNs = slab;
      ranges.push(current);
      current = null;
    }
    current ??= { fromNs: ranges.length === 0 ? dayStartNs : slab, toNs: dayEndNs, rows: 0 };
    current.rows += rows;
  }
  if (current) ranges.push(current);
  return ranges;
}

/** The (path, slab) cells of a signal's rollup rows of `paths`, as a SQL relation. */
function slabCells(signal: ReslabSignal, paths: readonly string[]): SqlFragment {
  const slab = raw(String(SEAL_SLAB_NS));
  if (signal === 'spans') {
    return sql`SELECT path, slab, n FROM span_slabs WHERE path IN (SELECT unnest(${[...paths]}))`;
  }
  // Minutes nest in slabs (MINUTE_NS divides SEAL_SLAB_NS).
  return sql`SELECT path, (minute // ${slab}) * ${slab} AS slab, n FROM log_minutes
    WHERE path IN (SELECT unnest(${[...paths]}))`;
}

/** How many parts a slab of `paths` lies in on average: `cells` (path, slab) pairs over `slabs`. */
export function depthQuery(signal: ReslabSignal, paths: readonly string[]): SqlFragment {
  return sql`SELECT count(*) AS cells, count(DISTINCT slab) AS slabs
    FROM (SELECT DISTINCT path, slab FROM (${slabCells(signal, paths)}) AS c) AS d`;
}

/** Rows per slab over `paths`, from their rollups. */
export function slabRowsQuery(signal: ReslabSignal, paths: readonly string[]): SqlFragment {
  return sql`SELECT slab, sum(n) AS n FROM (${slabCells(signal, paths)}) AS c GROUP BY slab ORDER BY slab`;
}

if (SEAL_SLAB_NS % MINUTE_NS !== 0n) throw new Error('slabs must be whole minutes');
