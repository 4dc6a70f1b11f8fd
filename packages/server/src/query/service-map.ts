import { sql } from '../store/sql.js';
import type { TelemetryStore, TimeRange } from '../store/telemetry-store.js';
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
  const rows = await store.query(tenant, range, (s) => {
    const dependency = sql`coalesce(p.peer_service, p.server_address, p.db_system, p.messaging_system)`;
    const unmatched = sql`coalesce(c.span_id, '') = ''`;
    return sql`WITH sp AS (
        SELECT trace_id, span_id, parent_span_id, service_name, kind, status_code, duration_ns,
          db_system, messaging_system, peer_service, server_address
        FROM ${s.spans}
      ), calls AS (
        SELECT p.service_name AS source,
          CASE WHEN ${unmatched} THEN ${dependency} ELSE c.service_name END AS target,
          CASE WHEN NOT (${unmatched}) THEN 'service'
               WHEN p.db_system IS NOT NULL THEN 'database'
               WHEN p.messaging_system IS NOT NULL THEN 'queue'
               ELSE 'external' END AS target_type,
          CASE WHEN ${unmatched} THEN coalesce(p.db_system, p.messaging_system) END AS target_system,
          p.duration_ns AS duration_ns,
          CASE WHEN p.status_code = 'error' OR coalesce(c.status_code, '') = 'error' THEN 1 ELSE 0 END AS is_error
        FROM sp AS p LEFT JOIN sp AS c ON c.trace_id = p.trace_id AND c.parent_span_id = p.span_id
        WHERE (NOT (${unmatched}) AND c.service_name <> p.service_name)
           OR (${unmatched} AND p.kind IN ('client', 'producer') AND ${dependency} IS NOT NULL)
      )
      SELECT 'edge' AS row_type, source, target, target_type, max(target_system) AS target_system,
        count(*) AS calls, sum(is_error) AS errors, ${dialect.quantile(sql`duration_ns`, 0.95)} AS p95
      FROM calls GROUP BY source, target, target_type
      UNION ALL
      SELECT 'service' AS row_type, service_name AS source, NULL AS target, NULL AS target_type,
        NULL AS target_system, 0 AS calls, 0 AS errors, NULL AS p95
      FROM sp GROUP BY service_name
      ORDER BY row_type, source, target
      LIMIT ${MAX_SERVICE_MAP_EDGES + 1000}`;
  });
  const seconds = Number(range.toNs - range.fromNs) / 1e9;
  const nodes = new Map<string, ServiceMapNode>();
  const edges: ServiceMapEdge[] = [];
  for (const r of rows) {
    if (r.row_type === 'service') {
      nodes.set(r.source as string, { id: r.source as string, type: 'service', system: null });
    }
  }
  for (const r of rows) {
    if (r.row_type !== 'edge' || edges.length >= MAX_SERVICE_MAP_EDGES) continue;
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
