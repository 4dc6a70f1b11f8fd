import { sql, type SqlFragment } from '../store/sql.js';
import type { QueryHints, TelemetryStore, TimeRange } from '../store/telemetry-store.js';
import type { TenantId } from '../tenant.js';
import { toBigInt, toNumber } from './rows.js';

/** The first window searched covers this fraction of the range; each next one is twice wider. */
const FIRST_WINDOW_FRACTION = 32n;

/**
 * Windows [from, to) tiling the range backwards from its end: 1/32 of it, then each twice the
 * previous one, the last one clipped at the start of the range (at most 7 windows). Queries that
 * want the newest matches search them in turn and stop once they have enough, so that a common
 * search reads only the recent end of the range (the stores skip older data by time).
 */
export function newestFirstWindows(range: TimeRange): TimeRange[] {
  const windows: TimeRange[] = [];
  let width = (range.toNs - range.fromNs) / FIRST_WINDOW_FRACTION;
  if (width < 1n) width = 1n;
  let toNs = range.toNs;
  while (toNs > range.fromNs) {
    const fromNs = toNs - width > range.fromNs ? toNs - width : range.fromNs;
    windows.push({ fromNs, toNs });
    toNs = fromNs;
    width *= 2n;
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

/**
 * The times of the `limit` newest logs matching `where` in the range (all of them when fewer
 * match), newest first. Windows are searched newest first and the search stops once it has
 * enough, reading only the time column and what `where` needs.
 */
export async function newestLogTimes(
  store: TelemetryStore,
  tenant: TenantId,
  range: TimeRange,
  where: SqlFragment,
  limit: number,
  hints: QueryHints,
): Promise<bigint[]> {
  const times: bigint[] = [];
  for (const window of newestFirstWindows(range)) {
    const rows = await store.query(
      tenant,
      window,
      (s) => sql`SELECT time_unix_nano FROM ${s.logs} WHERE ${where}
        ORDER BY time_unix_nano DESC LIMIT ${limit - times.length}`,
      { hints },
    );
    for (const row of rows) times.push(toBigInt(row.time_unix_nano));
    if (times.length >= limit) break;
  }
  return times;
}
