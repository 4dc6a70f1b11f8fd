/**
 * A fingerprint of every benchmark query's answer on a data directory `bench:query` left behind
 * (`--data-dir DIR --keep`): trace by id, two trace searches, the service map, three pages of
 * four log searches (with cursors), their histograms, RED and the facets. Run it with two
 * versions of the code on the same directory: equal lines mean equal answers.
 *
 *   node --import tsx bench/query-answers.ts DIR
 */
import { createHash } from 'node:crypto';
import { listLogFields, logFieldValues } from '../packages/server/src/query/log-fields.js';
import { decodeLogCursor } from '../packages/server/src/query/log-cursor.js';
import { logHistogram } from '../packages/server/src/query/log-histogram.js';
import { searchLogs } from '../packages/server/src/query/logs.js';
import { parseSearch } from '../packages/server/src/query/search/index.js';
import { getServiceMap } from '../packages/server/src/query/service-map.js';
import { listServices } from '../packages/server/src/query/services.js';
import { searchTraces } from '../packages/server/src/query/trace-search.js';
import { getTrace } from '../packages/server/src/query/traces.js';
import { DuckDbTelemetryStore } from '../packages/server/src/store/duckdb/duckdb-telemetry-store.js';
import { sql } from '../packages/server/src/store/sql.js';
import { parseTenantId } from '../packages/server/src/tenant.js';
const store = await DuckDbTelemetryStore.open({ dataDir: process.argv[2]!, memoryLimit: '2GB' });
const tenant = parseTenantId('default');
const [b] = await store.query(
  tenant,
  null,
  (s) => sql`SELECT max(time_unix_nano) AS t FROM ${s.logs}`,
);
const now = BigInt(String(b?.t)) + 1n;
const day = { fromNs: now - 86_400_000_000_000n, toNs: now + 1n };
const hour = { fromNs: now - 3_600_000_000_000n, toNs: now + 1n };
const ids = (
  await store.query(
    tenant,
    day,
    (s) => sql`SELECT trace_id FROM ${s.spans} GROUP BY trace_id ORDER BY trace_id LIMIT 5`,
  )
).map((r) => r.trace_id as string);
const h = (x: unknown) =>
  createHash('sha1')
    .update(JSON.stringify(x, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))
    .digest('hex')
    .slice(0, 12);
const out: Record<string, string> = {};
for (const id of ids) out[`trace ${id}`] = h(await getTrace(store, tenant, id));
out.search = h(
  await searchTraces(store, tenant, {
    range: day,
    service: 'checkout',
    minDurationNs: 200_000_000n,
    where: sql`${store.dialect.attributeString(sql`attributes`, 'app.tier')} = ${'gold'}`,
    limit: 20,
  }),
);
out.search2 = h(
  await searchTraces(store, tenant, { range: day, service: 'payment', status: 'error', limit: 50 }),
);
out.map = h(await getServiceMap(store, tenant, hour));
for (const q of ['quasar7731', 'order', 'cache miss', 'severity>=error AND checkout']) {
  let cursor: string | null = null;
  const pages: unknown[] = [];
  for (let i = 0; i < 3; i++) {
    const page = await searchLogs(store, tenant, {
      query: parseSearch(q),
      range: day,
      limit: 50,
      cursor: cursor ? decodeLogCursor(cursor) : null,
    });
    pages.push(page.logs);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  out[`logs ${q}`] = h(pages);
  out[`hist ${q}`] = h(await logHistogram(store, tenant, { query: parseSearch(q), range: day }));
}
out.red = h(await listServices(store, tenant, day));
out.fields = h(await listLogFields(store, tenant, { query: null, range: day }));
out.values = h(
  await logFieldValues(store, tenant, {
    field: 'service_name',
    query: null,
    range: day,
    limit: 10,
  }),
);
console.log(JSON.stringify(out, null, 1));
await store.close();
