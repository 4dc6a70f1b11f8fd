import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTenantId, type TenantId } from '../tenant.js';
import {
  logBatchFromRows,
  metricPointBatchFromRows,
  spanBatchFromRows,
  type SpanRow,
} from '../telemetry/batch-from-rows.js';
import { formatDay } from './days.js';
import { describePrometheusModelContract } from './prometheus-model.contract.js';
import { NS_PER_DAY } from './schema.js';
import { sql } from './sql.js';
import type { TelemetryStore, TimeRange } from './telemetry-store.js';

/**
 * The behaviour every TelemetryStore must have. Each implementation's test file calls this with
 * a way to open (and re-open, on the same location) a fresh store.
 */
export interface StoreHarness {
  /** Open the store at a fresh location for one test, keeping 30 days of data. */
  create(): Promise<TelemetryStore>;
  /** Close and open again on the same location. */
  reopen(store: TelemetryStore): Promise<TelemetryStore>;
  /** Remove what `create` made. */
  destroy(): Promise<void>;
  /**
   * Whether NaN payloads survive a round trip, so that Prometheus' staleness marker comes back
   * bit for bit (default true). ClickHouse's text formats carry every NaN as a plain NaN.
   */
  keepsNaNPayloads?: boolean;
}

const A = parseTenantId('tenant-a');
const B = parseTenantId('tenant-b');
// 10:00 UTC two days ago: recent enough for any retention, with a day on either side.
const DAY0_NUMBER = Math.floor(Date.now() / 86_400_000) - 2;
const DAY0 = BigInt(DAY0_NUMBER) * NS_PER_DAY;
const T0 = DAY0 + 36_000_000_000_000n;
const DAY_BEFORE = formatDay(DAY0_NUMBER - 1);
const DAY_OF = formatDay(DAY0_NUMBER);
const DAY_AFTER = formatDay(DAY0_NUMBER + 1);
const ALL: TimeRange = { fromNs: 0n, toNs: 1n << 62n };

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function span(trace: number, id: number, overrides: Partial<SpanRow> = {}): SpanRow {
  return {
    traceId: hex(trace, 32),
    spanId: hex(id, 16),
    name: `op-${id}`,
    kind: 'server',
    serviceName: 'checkout',
    startTimeUnixNano: T0 + BigInt(id) * 1_000_000n,
    endTimeUnixNano: T0 + BigInt(id) * 1_000_000n + 250_000n,
    ...overrides,
  };
}

async function countSpans(store: TelemetryStore, tenant: TenantId, range: TimeRange | null = null) {
  const rows = await store.query(tenant, range, (s) => sql`SELECT count(*) AS n FROM ${s.spans}`);
  return Number(rows[0]?.n);
}

export function describeTelemetryStoreContract(name: string, harness: StoreHarness): void {
  describe(`TelemetryStore contract: ${name}`, () => {
    let store: TelemetryStore;

    beforeEach(async () => {
      store = await harness.create();
    });
    afterEach(async () => {
      await store.close();
      await harness.destroy();
    });

    it('reads back every column of a written span exactly', async () => {
      const row = span(1, 1, {
        parentSpanId: hex(9, 16),
        traceState: 'k=v',
        statusCode: 'error',
        statusMessage: "it's broken",
        httpMethod: 'POST',
        httpRoute: '/api/cart/{id}',
        httpStatusCode: 503,
        dbSystem: null,
        environment: 'production',
        attributes: { 'http.route': '/api/cart/{id}', 'user.id': 'u-1', retries: 3 },
        events: [{ timeUnixNano: String(T0), name: 'exception', attributes: { a: 1 } }],
        scopeName: 'my-lib',
        scopeVersion: '1.2.3',
      });
      await store.write([{ tenant: A, spans: spanBatchFromRows([row]) }]);
      const rows = await store.query(
        A,
        null,
        (s) => sql`SELECT * FROM ${s.spans} WHERE trace_id = ${row.traceId}`,
      );
      expect(rows).toHaveLength(1);
      const got = rows[0]!;
      expect(got.span_id).toBe(row.spanId);
      expect(got.parent_span_id).toBe(row.parentSpanId);
      expect(got.trace_state).toBe('k=v');
      expect(got.name).toBe('op-1');
      expect(got.kind).toBe('server');
      expect(got.service_name).toBe('checkout');
      expect(BigInt(got.start_time_unix_nano as bigint | string)).toBe(row.startTimeUnixNano);
      expect(BigInt(got.duration_ns as bigint | string)).toBe(250_000n);
      expect(got.status_code).toBe('error');
      expect(got.status_message).toBe("it's broken");
      expect(got.http_method).toBe('POST');
      expect(got.http_route).toBe('/api/cart/{id}');
      expect(Number(got.http_status_code)).toBe(503);
      expect(got.db_system).toBeNull();
      expect(got.environment).toBe('production');
      expect(JSON.parse(got.attributes as string)).toEqual(row.attributes);
      expect(JSON.parse(got.events as string)).toEqual(row.events);
      expect(got.scope_name).toBe('my-lib');
    });

    it('round-trips logs and every kind of metric point', async () => {
      await store.write([
        {
          tenant: A,
          logs: logBatchFromRows([
            {
              timeUnixNano: T0,
              severityNumber: 17,
              severityText: 'ERROR',
              body: 'payment declined: card expired',
              traceId: hex(1, 32),
              spanId: hex(1, 16),
              serviceName: 'payment',
              attributes: { 'user.id': 'u-7' },
            },
          ]),
          metricPoints: metricPointBatchFromRows([
            {
              metricName: 'up',
              metricType: 'gauge',
              serviceName: 'cart',
              timeUnixNano: T0,
              value: 1,
            },
            {
              metricName: 'latency',
              metricType: 'histogram',
              temporality: 'cumulative',
              serviceName: 'cart',
              timeUnixNano: T0,
              count: 6,
              sum: 1.5,
              bucketCounts: [1, 2, 3],
              explicitBounds: [0.1, 0.5],
            },
            {
              metricName: 'rpc',
              metricType: 'summary',
              serviceName: 'cart',
              timeUnixNano: T0,
              count: 10,
              sum: 2,
              quantiles: [0.5, 0.99],
              quantileValues: [0.1, 0.9],
            },
          ]),
        },
      ]);
      const logs = await store.query(A, null, (s) => sql`SELECT * FROM ${s.logs}`);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({
        severity_text: 'ERROR',
        body: 'payment declined: card expired',
        trace_id: hex(1, 32),
        service_name: 'payment',
      });
      expect(Number(logs[0]!.severity_number)).toBe(17);
      const points = await store.query(
        A,
        null,
        (s) => sql`SELECT * FROM ${s.metric_points} ORDER BY metric_name`,
      );
      expect(points.map((p) => p.metric_name)).toEqual(['latency', 'rpc', 'up']);
      expect(points[0]!.bucket_counts).toEqual([1, 2, 3]);
      expect(points[0]!.explicit_bounds).toEqual([0.1, 0.5]);
      expect(Number.isNaN(points[0]!.value)).toBe(true);
      expect(points[1]!.quantile_values).toEqual([0.1, 0.9]);
      expect(points[2]!.value).toBe(1);
    });

    it('never shows one tenant the data of another', async () => {
      await store.write([
        { tenant: A, spans: spanBatchFromRows([span(1, 1), span(1, 2)]) },
        { tenant: B, spans: spanBatchFromRows([span(1, 3)]) },
      ]);
      expect(await countSpans(store, A)).toBe(2);
      expect(await countSpans(store, B)).toBe(1);
      await store.maintain({ sealAll: true });
      expect(await countSpans(store, A)).toBe(2);
      expect(await countSpans(store, B)).toBe(1);
      const other = parseTenantId('tenant-c');
      expect(await countSpans(store, other)).toBe(0);
      expect(await store.listPartitions(other)).toEqual([]);
    });

    it('binds values instead of splicing them', async () => {
      const nasty = "x' OR '1'='1";
      await store.write([{ tenant: A, spans: spanBatchFromRows([span(1, 1, { name: nasty })]) }]);
      const hit = await store.query(
        A,
        null,
        (s) => sql`SELECT name FROM ${s.spans} WHERE name = ${nasty}`,
      );
      expect(hit.map((r) => r.name)).toEqual([nasty]);
      const miss = await store.query(
        A,
        null,
        (s) => sql`SELECT name FROM ${s.spans} WHERE name = ${"' OR 1=1 --"}`,
      );
      expect(miss).toEqual([]);
    });

    it('commits a write entirely or not at all', async () => {
      const good = spanBatchFromRows([span(1, 1)]);
      const broken = spanBatchFromRows([span(2, 2), span(2, 3)]);
      broken.name.pop(); // a column shorter than the batch: appending fails half-way
      await expect(
        store.write([
          { tenant: A, spans: good },
          { tenant: A, spans: broken },
        ]),
      ).rejects.toThrow();
      expect(await countSpans(store, A)).toBe(0);
      await store.write([{ tenant: A, spans: good }]);
      expect(await countSpans(store, A)).toBe(1);
    });

    it('keeps every row of concurrent writers exactly once', async () => {
      const writers = Array.from({ length: 8 }, (_, w) =>
        Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            store.write([
              {
                tenant: A,
                spans: spanBatchFromRows(
                  Array.from({ length: 25 }, (_, j) =>
                    span(w * 1000 + i, w * 100_000 + i * 100 + j),
                  ),
                ),
              },
            ]),
          ),
        ),
      );
      await Promise.all(writers);
      const rows = await store.query(
        A,
        null,
        (s) => sql`SELECT count(*) AS n, count(DISTINCT span_id) AS d FROM ${s.spans}`,
      );
      expect(Number(rows[0]!.n)).toBe(8 * 10 * 25);
      expect(Number(rows[0]!.d)).toBe(8 * 10 * 25);
    });

    it('answers the same before and after sealing, and after re-opening', async () => {
      const rows = [
        span(1, 1, { startTimeUnixNano: T0 - NS_PER_DAY, endTimeUnixNano: T0 - NS_PER_DAY + 5n }),
        span(1, 2),
        span(1, 3, { startTimeUnixNano: T0 + NS_PER_DAY, endTimeUnixNano: T0 + NS_PER_DAY + 5n }),
      ];
      await store.write([{ tenant: A, spans: spanBatchFromRows(rows) }]);
      const today: TimeRange = { fromNs: DAY0, toNs: DAY0 + NS_PER_DAY };
      expect(await countSpans(store, A, today)).toBe(1);
      const report = await store.maintain({ sealAll: true });
      expect(report.sealedRows).toBe(3);
      expect(report.partsWritten).toBe(3);
      expect(await countSpans(store, A, today)).toBe(1);
      expect(await countSpans(store, A, ALL)).toBe(3);
      await store.write([{ tenant: A, spans: spanBatchFromRows([span(1, 4)]) }]);
      store = await harness.reopen(store);
      expect(await countSpans(store, A, today)).toBe(2);
      expect(await countSpans(store, A)).toBe(4);
      const partitions = await store.listPartitions(A);
      expect(partitions.filter((p) => p.signal === 'spans').map((p) => [p.day, p.rows])).toEqual([
        [DAY_AFTER, 1],
        [DAY_OF, 2],
        [DAY_BEFORE, 1],
      ]);
    });

    it('drops one day of one tenant and nothing else', async () => {
      const yesterday = T0 - NS_PER_DAY;
      for (const tenant of [A, B]) {
        await store.write([
          {
            tenant,
            spans: spanBatchFromRows([
              span(1, 1, { startTimeUnixNano: yesterday, endTimeUnixNano: yesterday + 1n }),
              span(1, 2),
            ]),
            logs: logBatchFromRows([{ timeUnixNano: yesterday, body: 'old', serviceName: 's' }]),
          },
        ]);
        await store.maintain({ sealAll: true });
      }
      await store.write([
        {
          tenant: A,
          spans: spanBatchFromRows([
            span(1, 3, { startTimeUnixNano: yesterday, endTimeUnixNano: yesterday }),
          ]),
        },
      ]);
      await store.dropDay(A, DAY_BEFORE);
      expect(await countSpans(store, A)).toBe(1);
      expect(await store.query(A, null, (s) => sql`SELECT * FROM ${s.logs}`)).toEqual([]);
      expect(await countSpans(store, B)).toBe(2);
      expect((await store.listPartitions(A)).map((p) => p.day)).toEqual([DAY_OF]);
    });

    it('merges small parts without losing or duplicating rows', async () => {
      for (let i = 0; i < 9; i++) {
        await store.write([{ tenant: A, spans: spanBatchFromRows([span(i, i + 1)]) }]);
        await store.maintain({ sealAll: true });
      }
      expect(await countSpans(store, A)).toBe(9);
      const rows = await store.query(
        A,
        null,
        (s) => sql`SELECT count(DISTINCT span_id) AS d FROM ${s.spans}`,
      );
      expect(Number(rows[0]!.d)).toBe(9);
      const parts = await store.listPartitions(A);
      expect(parts).toEqual([{ signal: 'spans', day: DAY_OF, rows: 9, bytes: expect.any(Number) }]);
    });

    it('drops days beyond retention', async () => {
      const old = T0 - 40n * NS_PER_DAY;
      await store.write([
        {
          tenant: A,
          spans: spanBatchFromRows([
            span(1, 1, { startTimeUnixNano: old, endTimeUnixNano: old }),
            span(1, 2),
          ]),
        },
      ]);
      const report = await store.maintain({
        sealAll: true,
        now: new Date(Number(T0 / 1_000_000n)),
      });
      expect(report.daysDropped).toBe(1);
      expect(await countSpans(store, A)).toBe(1);
    });
  });
  describePrometheusModelContract(name, harness);
}
