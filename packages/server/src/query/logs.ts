import { alwaysTrue, join, sql, type SqlFragment } from '../store/sql.js';
import type { Dialect, Row, TelemetryStore, TimeRange } from '../store/telemetry-store.js';
import type { TenantId } from '../tenant.js';
import { encodeLogCursor, type LogCursor } from './log-cursor.js';
import { parseJsonColumn, toBigInt, toNumber } from './rows.js';
import { nsToIso } from './time.js';
import { newestLogTimes } from './windows.js';
import { compileSearch, requiredLogBodyText, type SearchNode } from './search/index.js';

export interface ApiLogRecord {
  timeUnixNano: string;
  time: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: string;
  traceId: string;
  spanId: string;
  serviceName: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  scope: { name: string; version: string };
}

export function toApiLogRecord(row: Row): ApiLogRecord {
  const time = toBigInt(row.time_unix_nano);
  return {
    timeUnixNano: time.toString(),
    time: nsToIso(time),
    observedTimeUnixNano: toBigInt(row.observed_time_unix_nano).toString(),
    severityNumber: toNumber(row.severity_number),
    severityText: row.severity_text as string,
    body: row.body as string,
    traceId: row.trace_id as string,
    spanId: row.span_id as string,
    serviceName: row.service_name as string,
    attributes: parseJsonColumn(row.attributes, {}),
    resource: parseJsonColumn(row.resource_attributes, {}),
    scope: { name: row.scope_name as string, version: row.scope_version as string },
  };
}

/** The order of log pages and of the live tail: time, then a content hash as a tiebreak. */
export function logTiebreak(dialect: Dialect): SqlFragment {
  return dialect.rowHash([
    sql`observed_time_unix_nano`,
    sql`severity_number`,
    sql`body`,
    sql`service_name`,
    sql`trace_id`,
    sql`span_id`,
    sql`attributes`,
    sql`resource_attributes`,
  ]);
}

export interface LogSearch {
  /** The parsed search query; null matches everything. */
  query: SearchNode | null;
  range: TimeRange;
  limit: number;
  /** Where the previous page ended (from `nextCursor`), or null for the first page. */
  cursor: LogCursor | null;
}

export interface LogPage {
  logs: ApiLogRecord[];
  /** Pass as `cursor` for the next (older) page; null when there is none. */
  nextCursor: string | null;
}

function sameKey(row: Row, time: bigint, tiebreak: bigint): boolean {
  return toBigInt(row.time_unix_nano) === time && toBigInt(row._tiebreak) === tiebreak;
}

/** Step 2 names the exact times of the page's rows when there are at most this many. */
const MAX_PAGE_TIMES = 2000;

/**
 * One page of matching logs, newest first. Pages are keyed by (time, tiebreak) rather than by
 * offset, so rows arriving meanwhile do not shift pages; rows identical in time and content
 * are told apart by how many of them the previous pages already returned.
 *
 * Two steps. First the times of the wanted newest matches older than the cursor, searched in
 * windows newest first (a common search reads the recent end of the range only; reading one
 * column and the body is cheap next to whole rows). Then the rows themselves, in the range from
 * the oldest of those times, at exactly those times (and the cursor's own): only now are whole
 * rows read and the tiebreak hash computed, for the page's rows and their time-mates only.
 * When the first windows show the matches too sparse to fill the page, the rows are read in one
 * pass over the range instead (`newestLogTimes`).
 */
export async function searchLogs(
  store: TelemetryStore,
  tenant: TenantId,
  search: LogSearch,
): Promise<LogPage> {
  const { dialect } = store;
  const { cursor } = search;
  const where = compileSearch(search.query, 'logs', dialect);
  const tiebreak = logTiebreak(dialect);
  let range = search.range;
  let after = alwaysTrue;
  let older = alwaysTrue;
  if (cursor) {
    const toNs = cursor.timeUnixNano + 1n;
    if (toNs <= range.fromNs) return { logs: [], nextCursor: null };
    if (toNs < range.toNs) range = { fromNs: range.fromNs, toNs };
    const time = dialect.int64(cursor.timeUnixNano);
    after = sql`(time_unix_nano < ${time} OR (time_unix_nano = ${time} AND ${tiebreak} <= ${dialect.int64(cursor.tiebreak)}))`;
    older = sql`time_unix_nano < ${time}`;
  }
  const skip = cursor?.skip ?? 0;
  const wanted = search.limit + 1 + skip;
  const hints = { logBodyContains: requiredLogBodyText(search.query) };
  // Past the cursor's own timestamp, the wanted rows all lie at the `wanted` newest matching
  // timestamps; rows at the cursor's timestamp are all candidates.
  const { times: found, sparse } = await newestLogTimes(
    store,
    tenant,
    range,
    sql`(${where}) AND ${older}`,
    wanted,
    hints,
  );
  let rows: Row[];
  if (sparse) {
    // Few matches in the whole range: their rows in one pass (see newestLogTimes).
    rows = await store.query(
      tenant,
      range,
      (s) => sql`SELECT *, ${tiebreak} AS _tiebreak FROM ${s.logs}
        WHERE (${where}) AND ${after}
        ORDER BY time_unix_nano DESC, _tiebreak DESC LIMIT ${wanted}`,
      { hints },
    );
  } else {
    // Newest first: with `wanted` of them, the last is the oldest time the page can reach.
    const oldest = found.length >= wanted ? found[found.length - 1]! : range.fromNs;
    const times = cursor ? [...found, cursor.timeUnixNano] : found;
    if (times.length === 0) return { logs: [], nextCursor: null };
    const distinct = [...new Set(times)];
    const atTimes =
      distinct.length <= MAX_PAGE_TIMES
        ? sql`time_unix_nano IN (${join(
            distinct.map((t) => dialect.int64(t)),
            ', ',
          )})`
        : alwaysTrue;
    rows = await store.query(
      tenant,
      { fromNs: oldest, toNs: range.toNs },
      (s) => sql`SELECT *, ${tiebreak} AS _tiebreak FROM ${s.logs}
        WHERE ${atTimes} AND (${where}) AND ${after}
        ORDER BY time_unix_nano DESC, _tiebreak DESC LIMIT ${wanted}`,
      { hints },
    );
  }

  let skipped = 0;
  while (cursor && skipped < skip && rows.length > skipped) {
    if (!sameKey(rows[skipped]!, cursor.timeUnixNano, cursor.tiebreak)) break;
    skipped++;
  }
  const remaining = rows.slice(skipped);
  const page = remaining.slice(0, search.limit);
  let nextCursor: string | null = null;
  if (remaining.length > search.limit) {
    const last = page[page.length - 1]!;
    const time = toBigInt(last.time_unix_nano);
    const lastTiebreak = toBigInt(last._tiebreak);
    let same = page.filter((row) => sameKey(row, time, lastTiebreak)).length;
    if (cursor && cursor.timeUnixNano === time && cursor.tiebreak === lastTiebreak) same += skipped;
    nextCursor = encodeLogCursor({ timeUnixNano: time, tiebreak: lastTiebreak, skip: same });
  }
  return { logs: page.map(toApiLogRecord), nextCursor };
}
