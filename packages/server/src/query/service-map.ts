import { raw, sql } from '../store/sql.js';
import type { ScopedSources, TelemetryStore, TimeRange } from '../store/telemetry-store.js';
import type { TenantId } from '../tenant.js';
import { toNumber } from './rows.js';

/**
 * The service map of a range. Edges come from two kinds of calls:
 *
 * - a span in service A whose child span (same trace, `parent_span_id = span_id`) is in
 *   service B ≠ A: an edge A → B;
 * - a CLIENT or PRODUCER span in A with no child at all (its callee is not instrumented) that
 *   names its callee: an edge A → dependency, named by `peer.service`, else `server.address`,
 *   else `db.system` / `messaging.system`; typed `database` when `db.system` is set, `queue`
 *   when `messaging.system` is, `external` otherwise.
 *
 * An edge's latency and errors are the caller's view: the parent span's duration, and an error
 * when the parent or the child span has status error. Both spans must start in the range.
 */

export type NodeType = 'service' | 'database' | 'queue' | 'external';

export interface ServiceMapNode {
  id: string;
  type: NodeType;
  /** `db.system` / `messaging.system` of a dependency. */
  system: string | null;
}

export interface ServiceMapEdge {
  source: string;
  target: string;
  calls: number;
  /** Calls per second over the range. */
  callRate: number;
  errors: number;
  errorRate: number;
  /** Linearly interpolated 95th percentile of the caller span's duration. */
  p95Ns: number | null;
}

export interface ServiceMap {
  nodes: ServiceMapNode[];
  edges: ServiceMapEdge[];
}

/** Bounds the answer; real topologies have far fewer edges. */
export const MAX_SERVICE_MAP_EDGES = 5000;

export async function getServiceMap(
  store: TelemetryStore,
  tenant: TenantId,
  range: TimeRange,
): Promise<ServiceMap> {
  const { dialect } = store;
  // A span's children joined to it by (trace, parent id). The child side's columns get names of
  // their own: ClickHouse 18.16 resolves a qualified name that also exists on the left side to the
  // left one, and without join_use_nulls an unmatched child reads as '' rather than NULL (both
  // handled by the coalesce below). No CTE and no UNION of differently shaped rows, for the same
  // reason: services and edges are two queries.
  const dependency = sql`coalesce(p.peer_service, p.server_address, p.db_system, p.messaging_system)`;
  const unmatched = sql`coalesce(c_span_id, '') = ''`;
  // Both sides of the join read the same spans: once, into a materialized CTE, where the dialect
  // has table CTEs (the scan of the range is the larger part of the cost; ~12% less CPU at 2M).
  // ClickHouse 18.16 has none and reads them twice. Roots (no parent id) are nobody's child:
  // span ids are never empty (decode.ts).
  const once = dialect.name !== 'clickhouse';
  const shared = (s: ScopedSources) =>
    once
      ? sql`WITH spans_in_range AS MATERIALIZED (SELECT trace_id, span_id, parent_span_id,
          service_name, kind, status_code, duration_ns, db_system, messaging_system, peer_service,
          server_address, hash(trace_id, span_id) AS span_key,
          hash(trace_id, parent_span_id) AS parent_key FROM ${s.spans}) `
      : raw('');
  // DuckDB joins a child to its parent by one 64-bit hash of (trace id, span id) rather than by
  // the two strings: the join then compares integers (~40% less time at 400k spans an hour). A
  // false match needs a 64-bit collision between a parent key and another span's key, ~n²/2⁶⁴
  // per query (~1e-8 at 400k spans), and would count one call on a wrong edge.
  const keyColumns = once
    ? { parent: raw(', span_key'), child: raw(', parent_key AS c_parent_key') }
    : { parent: raw(''), child: raw('') };
  const joinOn = once
    ? sql`c_parent_key = p.span_key`
    : sql`c_trace_id = p.trace_id AND c_parent_span_id = p.span_id`;
  const spans = (s: ScopedSources) => (once ? sql`spans_in_range` : s.spans);
  const [edgeRows, serviceRows] = await Promise.all([
    store.query(
      tenant,
      range,
      (
        s,
      ) => sql`${shared(s)}SELECT source, target, target_type, max(target_system) AS target_system,
        count(*) AS calls, sum(is_error) AS errors, ${dialect.quantile(sql`duration_ns`, 0.95)} AS p95
      FROM (
        SELECT p.service_name AS source,
          CASE WHEN ${unmatched} THEN ${dependency} ELSE c_service_name END AS target,
          CASE WHEN NOT (${unmatched}) THEN 'service'
               WHEN p.db_system IS NOT NULL THEN 'database'
               WHEN p.messaging_system IS NOT NULL THEN 'queue'
               ELSE 'external' END AS target_type,
          CASE WHEN ${unmatched} THEN coalesce(p.db_system, p.messaging_system) END AS target_system,
          p.duration_ns AS duration_ns,
          CASE WHEN p.status_code = 'error' OR coalesce(c_status_code, '') = 'error' THEN 1 ELSE 0 END AS is_error
        FROM (
          SELECT trace_id, span_id, service_name, kind, status_code, duration_ns,
            db_system, messaging_system, peer_service, server_address${keyColumns.parent}
          FROM ${spans(s)}
        ) AS p LEFT JOIN (
          SELECT trace_id AS c_trace_id, parent_span_id AS c_parent_span_id, span_id AS c_span_id,
            service_name AS c_service_name, status_code AS c_status_code${keyColumns.child}
          FROM ${spans(s)} WHERE parent_span_id <> ''
        ) AS c ON ${joinOn}
        WHERE (NOT (${unmatched}) AND c_service_name <> p.service_name)
           OR (${unmatched} AND p.kind IN ('client', 'producer') AND ${dependency} IS NOT NULL)
      ) AS calls
      GROUP BY source, target, target_type
      ORDER BY source, target
      LIMIT ${MAX_SERVICE_MAP_EDGES}`,
    ),
    // Every service with a span in the range. Not from the RED rollup: its partial slabs at the
    // range's ends cost more than this one dictionary-encoded column over the range.
    store.query(
      tenant,
      range,
      (s) =>
        sql`SELECT service_name AS source FROM ${s.spans} GROUP BY service_name ORDER BY service_name LIMIT ${MAX_SERVICE_MAP_EDGES}`,
    ),
  ]);
  const seconds = Number(range.toNs - range.fromNs) / 1e9;
  const nodes = new Map<string, ServiceMapNode>();
  const edges: ServiceMapEdge[] = [];
  for (const r of serviceRows) {
    nodes.set(r.source as string, { id: r.source as string, type: 'service', system: null });
  }
  for (const r of edgeRows) {
    const target = r.target as string;
    if (!nodes.has(target)) {
      nodes.set(target, {
        id: target,
        type: r.target_type as NodeType,
        system: (r.target_system as string | null) ?? null,
      });
    }
    const calls = toNumber(r.calls);
    const errors = toNumber(r.errors);
    edges.push({
      source: r.source as string,
      target,
      calls,
      callRate: calls / seconds,
      errors,
      errorRate: calls === 0 ? 0 : errors / calls,
      p95Ns: r.p95 === null || r.p95 === undefined ? null : toNumber(r.p95),
    });
  }
  const order = (x: ServiceMapNode, y: ServiceMapNode) =>
    x.type === y.type ? x.id.localeCompare(y.id) : x.type === 'service' ? -1 : 1;
  return { nodes: [...nodes.values()].sort(order), edges };
}
