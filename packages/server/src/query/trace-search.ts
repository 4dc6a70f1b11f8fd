import { alwaysTrue, join, sql, type SqlFragment } from '../store/sql.js';
import type { TelemetryStore, TimeRange } from '../store/telemetry-store.js';
import type { StatusCode } from '../telemetry/batches.js';
import type { TenantId } from '../tenant.js';
import { toBigInt, toNumber } from './rows.js';
import { nsToIso } from './time.js';
import { newestFirstWindows } from './windows.js';

/**
 * Trace search. A trace matches when ONE of its spans in the range satisfies every given
 * condition together (service, operation, duration, status and the search expression), as in
 * Jaeger: `service=checkout&minDuration=1s` finds traces with a checkout span of 1 s or more.
 * Summaries are computed over the trace's spans within the same range.
 */
export interface TraceSearch {
  range: TimeRange;
  service?: string;
  /** The span name (operation), exact. */
  operation?: string;
  minDurationNs?: bigint;
  maxDurationNs?: bigint;
  status?: StatusCode;
  /** A compiled search-language condition over the spans source (a boolean expression). */
  where?: SqlFragment;
  limit: number;
}

export interface TraceSummary {
  traceId: string;
  rootServiceName: string;
  rootName: string;
  startTimeUnixNano: string;
  startTime: string;
  durationNs: string;
  spanCount: number;
  errorCount: number;
  services: string[];
}

export function traceSearchConditions(search: TraceSearch): SqlFragment {
  const conditions: SqlFragment[] = [alwaysTrue];
  if (search.service !== undefined) conditions.push(sql`service_name = ${search.service}`);
  if (search.operation !== undefined) conditions.push(sql`name = ${search.operation}`);
  if (search.minDurationNs !== undefined) {
    conditions.push(sql`duration_ns >= ${search.minDurationNs}`);
  }
  if (search.maxDurationNs !== undefined) {
    conditions.push(sql`duration_ns <= ${search.maxDurationNs}`);
  }
  if (search.status !== undefined) conditions.push(sql`status_code = ${search.status}`);
  if (search.where !== undefined) conditions.push(sql`(${search.where})`);
  return join(conditions, ' AND ');
}

/**
 * The ids of the newest matching traces (by their latest matching span), newest first. Windows
 * are searched newest first and the search stops once enough traces are found, so a common
 * search reads only the recent end of the range. (Narrower first windows, 1/256 of a day, cost
 * more at 10M spans than they saved: the benchmark's search then needed two windows, ADR 12.) The answer is the one a single query over the
 * whole range gives: a trace found in a window has its latest matching span there, so it ranks
 * above every trace found only in an older window; a trace seen again in an older window keeps
 * its first (newest) rank.
 */
async function newestMatchingTraces(
  store: TelemetryStore,
  tenant: TenantId,
  search: TraceSearch,
): Promise<string[]> {
  const found = new Set<string>();
  for (const window of newestFirstWindows(search.range)) {
    // At most `found.size` of these can be traces already found: `limit` rows always hold the
    // newest `limit − found.size` new ones.
    const rows = await store.query(
      tenant,
      window,
      (s) => sql`SELECT trace_id FROM ${s.spans} WHERE ${traceSearchConditions(search)}
        GROUP BY trace_id ORDER BY max(start_time_unix_nano) DESC, trace_id LIMIT ${search.limit}`,
    );
    for (const row of rows) {
      if (found.size >= search.limit) break;
      found.add(row.trace_id as string);
    }
    if (found.size >= search.limit) break;
  }
  return [...found];
}

/** Summaries of the newest matching traces (by their latest matching span), newest first. */
export async function searchTraces(
  store: TelemetryStore,
  tenant: TenantId,
  search: TraceSearch,
): Promise<TraceSummary[]> {
  const { dialect } = store;
  // Two steps: the matching trace ids first, then their summaries, with the ids as a hint so the
  // store reads only the blocks that hold them instead of every span in the range again.
  const ids = await newestMatchingTraces(store, tenant, search);
  if (ids.length === 0) return [];
  const start = sql`start_time_unix_nano`;
  const rows = await store.query(
    tenant,
    search.range,
    (s) => sql`SELECT trace_id,
        min(start_time_unix_nano) AS start_ns,
        max(end_time_unix_nano) AS end_ns,
        count(*) AS span_count,
        sum(CASE WHEN status_code = 'error' THEN 1 ELSE 0 END) AS error_count,
        coalesce(max(CASE WHEN parent_span_id = '' THEN service_name END),
                 ${dialect.argMin(sql`service_name`, start)}) AS root_service,
        coalesce(max(CASE WHEN parent_span_id = '' THEN name END),
                 ${dialect.argMin(sql`name`, start)}) AS root_name,
        ${dialect.distinctList(sql`service_name`)} AS services
      FROM ${s.spans}
      WHERE trace_id IN (${join(
        ids.map((id) => sql`${id}`),
        ', ',
      )})
      GROUP BY trace_id
      ORDER BY start_ns DESC, trace_id`,
    { hints: { traceIds: ids } },
  );
  return rows.map((r) => {
    const startNs = toBigInt(r.start_ns);
    return {
      traceId: r.trace_id as string,
      rootServiceName: r.root_service as string,
      rootName: r.root_name as string,
      startTimeUnixNano: startNs.toString(),
      startTime: nsToIso(startNs),
      durationNs: (toBigInt(r.end_ns) - startNs).toString(),
      spanCount: toNumber(r.span_count),
      errorCount: toNumber(r.error_count),
      services: (Array.isArray(r.services) ? (r.services as string[]) : []).slice().sort(),
    };
  });
}
