import { sql, type SqlFragment } from '../store/sql.js';
import type { QueryHints, TelemetryStore, TimeRange } from '../store/telemetry-store.js';
import type { TenantId } from '../tenant.js';
import { toBigInt, toNumber } from './rows.js';

/** The windows of a newest-first search: the first covers 1/`firstFraction` of the range. */
export interface WindowShape {
  firstFraction: bigint;
  growth: bigint;
}

/** 1/32 of the range, then doubling (at most 7 windows). */
export const DOUBLING_WINDOWS: WindowShape = { firstFraction: 32n, growth: 2n };

/**
 * 1/256 of the range, then 4 times wider each (at most 5 windows): for log pages, whose every
 * window costs a query of its own with a few ms of fixed cost and whose common case needs only
 * a few minutes of a day (the first window of a day is one or two 10-minute slabs).
 */
export const NARROW_WINDOWS: WindowShape = { firstFraction: 256n, growth: 4n };

/**
 * Windows [from, to) tiling the range backwards from its end: 1/`firstFraction` of it, then each
 * `growth` times the previous one, the last one clipped at the start of the range. Queries that
 * want the newest matches search them in turn and stop once they have enough, so that a common
 * search reads only the recent end of the range (the stores skip older data by time).
 */
export function newestFirstWindows(
  range: TimeRange,
  shape: WindowShape = DOUBLING_WINDOWS,
): TimeRange[] {
  const { firstFraction, growth } = shape;
  const windows: TimeRange[] = [];
  let width = (range.toNs - range.fromNs) / firstFraction;
  if (width < 1n) width = 1n;
  let toNs = range.toNs;
  while (toNs > range.fromNs) {
    const fromNs = toNs - width > range.fromNs ? toNs - width : range.fromNs;
    windows.push({ fromNs, toNs });
    toNs = fromNs;
    width *= growth;
  }
  return windows;
}

/**
 * The end part [from, range.to) of the range that holds the `limit` newest logs matching
 * `where` (all of the range when fewer match). A query for those rows can then read just that
 * part; it must still order and limit them itself (rows tied with the oldest one may be more).
 */
export async function newestLogsRange(
  store: TelemetryStore,
  tenant: TenantId,
  range: TimeRange,
  where: SqlFragment,
  limit: number,
  hints: QueryHints,
): Promise<TimeRange> {
  let found = 0;
  for (const window of newestFirstWindows(range)) {
    const wanted = limit - found;
    const [row] = await store.query(
      tenant,
      window,
      (s) => sql`SELECT count(*) AS n, min(time_unix_nano) AS oldest FROM (
        SELECT time_unix_nano FROM ${s.logs} WHERE ${where}
        ORDER BY time_unix_nano DESC LIMIT ${wanted}) AS newest`,
      { hints },
    );
    found += toNumber(row?.n);
    if (found >= limit) return { fromNs: toBigInt(row?.oldest), toNs: range.toNs };
  }
  return range;
}

/** A sparse search decides after this many windows (1/256 + 4/256 of the range: ~2%). */
const SPARSE_AFTER_WINDOWS = 2;

/**
 * The times of the `limit` newest logs matching `where` in the range (all of them when fewer
 * match), newest first. Windows are searched newest first and the search stops once it has
 * enough, reading only the time column and what `where` needs.
 *
 * Or `sparse`: after the first windows, the matches found so far, spread over the whole range at
 * the same density, would not fill `limit`. The caller then reads the rows in one pass over the
 * whole range instead — a rare word's blocks are then read once, not once for the times and
 * again for the rows (a dense word is found in the first windows and never gets here).
 */
export async function newestLogTimes(
  store: TelemetryStore,
  tenant: TenantId,
  range: TimeRange,
  where: SqlFragment,
  limit: number,
  hints: QueryHints,
): Promise<{ times: bigint[]; sparse: boolean }> {
  const times: bigint[] = [];
  const windows = newestFirstWindows(range, NARROW_WINDOWS);
  for (const [i, window] of windows.entries()) {
    const rows = await store.query(
      tenant,
      window,
      (s) => sql`SELECT time_unix_nano FROM ${s.logs} WHERE ${where}
        ORDER BY time_unix_nano DESC LIMIT ${limit - times.length}`,
      { hints },
    );
    for (const row of rows) times.push(toBigInt(row.time_unix_nano));
    if (times.length >= limit) break;
    const covered = range.toNs - window.fromNs;
    const last = i === windows.length - 1;
    if (!last && i + 1 >= SPARSE_AFTER_WINDOWS) {
      const predicted = (BigInt(times.length) * (range.toNs - range.fromNs)) / covered;
      if (predicted < BigInt(limit)) return { times, sparse: true };
    }
  }
  return { times, sparse: false };
}
