import { sql } from '../store/sql.js';
import type { TelemetryStore, TimeRange } from '../store/telemetry-store.js';
import type { TenantId } from '../tenant.js';
import { toNumber } from './rows.js';

export interface ServiceSummary {
  name: string;
  spanCount: number;
  errorCount: number;
  logCount: number;
}

/** Services seen in the range (in spans or logs), with their span, error and log counts. */
export async function listServices(
  store: TelemetryStore,
  tenant: TenantId,
  range: TimeRange,
): Promise<ServiceSummary[]> {
  const rows = await store.query(
    tenant,
    range,
    (
      s,
    ) => sql`SELECT name, sum(spans) AS span_count, sum(errors) AS error_count, sum(logs) AS log_count FROM (
        SELECT service_name AS name, count(*) AS spans,
               sum(CASE WHEN status_code = 'error' THEN 1 ELSE 0 END) AS errors, 0 AS logs
        FROM ${s.spans} GROUP BY service_name
        UNION ALL
        SELECT service_name AS name, 0 AS spans, 0 AS errors, count(*) AS logs
        FROM ${s.logs} GROUP BY service_name
      ) AS counts GROUP BY name ORDER BY name`,
  );
  return rows.map((r) => ({
    name: r.name as string,
    spanCount: toNumber(r.span_count),
    errorCount: toNumber(r.error_count),
    logCount: toNumber(r.log_count),
  }));
}
