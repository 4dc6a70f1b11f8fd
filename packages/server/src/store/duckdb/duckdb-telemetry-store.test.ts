import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTenantId } from '../../tenant.js';
import { logBatchFromRows, spanBatchFromRows } from '../../telemetry/batch-from-rows.js';
import { formatDay } from '../days.js';
import { NS_PER_DAY } from '../schema.js';
import { describeTelemetryStoreContract } from '../telemetry-store.contract.js';
import { raw, sql } from '../sql.js';
import type { TelemetryStore } from '../telemetry-store.js';
import { BLOCK_ROWS } from './block-index.js';
import { DuckDbTelemetryStore, mergeSources } from './duckdb-telemetry-store.js';

let dir = '';

async function open(): Promise<DuckDbTelemetryStore> {
  return DuckDbTelemetryStore.open({ dataDir: dir, retentionDays: 30, readerConnections: 2 });
}

describeTelemetryStoreContract('DuckDB', {
  async create() {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-duckdb-'));
    return open();
  },
  async reopen(store: TelemetryStore) {
    await store.close();
    return open();
  },
  async destroy() {
    await fs.rm(dir, { recursive: true, force: true });
  },
});

async function directorySize(root: string): Promise<number> {
  const entries = await fs.readdir(root, { withFileTypes: true, recursive: true });
  let total = 0;
  for (const entry of entries) {
    if (entry.isFile()) total += (await fs.stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

describe('DuckDbTelemetryStore safety', () => {
  it('reads no file outside its data directory and cannot be reconfigured', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-duckdb-'));
    const store = await open();
    try {
      const tenant = parseTenantId('default');
      for (const text of [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        `SELECT * FROM read_parquet('${os.tmpdir()}/*.parquet')`,
      ]) {
        await expect(store.query(tenant, null, () => raw(text))).rejects.toThrow(
          /disabled|Permission/i,
        );
      }
      await expect(
        store.query(tenant, null, () => raw('SET enable_external_access = true')),
      ).rejects.toThrow(/lock|locked|Cannot change/i);
    } finally {
      await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('caches Parquet footers on every reader connection', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-duckdb-'));
    const store = await open();
    try {
      const tenant = parseTenantId('default');
      // Two reader connections: ask both at once.
      const settings = await Promise.all(
        [1, 2].map(() =>
          store.query(
            tenant,
            null,
            () => sql`SELECT current_setting('parquet_metadata_cache') AS cached`,
          ),
        ),
      );
      expect(settings.map((rows) => rows[0]?.cached)).toEqual([true, true]);
    } finally {
      await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('prepares only the sources a query builder reads', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-duckdb-'));
    const store = await open();
    try {
      const tenant = parseTenantId('default');
      const [row] = await store.query(
        tenant,
        null,
        (s) => sql`SELECT count(*) AS n FROM ${s.spans}`,
      );
      expect(Number(row?.n)).toBe(0);
      // A builder that reads another source the second time it is called finds it unprepared.
      let calls = 0;
      await expect(
        store.query(tenant, null, (s) =>
          ++calls === 1
            ? sql`SELECT count(*) FROM ${s.spans}`
            : sql`SELECT count(*) FROM ${s.logs}`,
        ),
      ).rejects.toThrow(/source logs was not prepared/);
    } finally {
      await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('interrupts a query that exceeds its time budget', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-duckdb-'));
    const store = await open();
    try {
      const tenant = parseTenantId('default');
      const started = performance.now();
      const error = await store
        .query(
          tenant,
          null,
          () =>
            raw(
              'SELECT count(*) FROM range(10000000000) a, range(1000) b WHERE a.range % 7 = b.range',
            ),
          { timeoutMs: 200 },
        )
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'deadline_exceeded', status: 504 });
      expect(performance.now() - started).toBeLessThan(5000);
      // The connection is usable again afterwards.
      expect(await store.query(tenant, null, () => raw('SELECT 42 AS x'))).toEqual([{ x: 42 }]);
    } finally {
      await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('DuckDbTelemetryStore on disk', () => {
  it('gives disk space back when a day is dropped', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-duckdb-'));
    const store = await open();
    try {
      const tenant = parseTenantId('default');
      const firstDay = Math.floor(Date.now() / 86_400_000) - 3;
      const day = BigInt(firstDay) * NS_PER_DAY;
      for (const offset of [0n, 1n]) {
        const rows = Array.from({ length: 50_000 }, (_, i) => ({
          timeUnixNano: day + offset * NS_PER_DAY + BigInt(i) * 1_000_000n,
          body: `request ${i} served for user-${(i * 7919) % 100_003} in ${i % 997} ms`,
          serviceName: `svc-${i % 7}`,
          attributes: { 'user.id': `user-${(i * 7919) % 100_003}`, i },
        }));
        await store.write([{ tenant, logs: logBatchFromRows(rows) }]);
      }
      await store.maintain({ sealAll: true });
      const before = await directorySize(dir);
      await store.dropDay(tenant, formatDay(firstDay));
      const after = await directorySize(dir);
      const partitions = await store.listPartitions(tenant);
      expect(partitions.map((p) => p.day)).toEqual([formatDay(firstDay + 1)]);
      // One of two equal days is gone: the directory shrank by a good part of half.
      expect(after).toBeLessThan(before - (partitions[0]!.bytes * 3) / 4);
    } finally {
      await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('DuckDbTelemetryStore block index', () => {
  it('reads only log blocks that may hold the searched text, with the same results', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-duckdb-'));
    const store = await open();
    try {
      const tenant = parseTenantId('default');
      const start = BigInt(Math.floor(Date.now() / 86_400_000) - 1) * NS_PER_DAY;
      // 140,000 records in one day: several blocks; the rare word in two records.
      const rows = Array.from({ length: 140_000 }, (_, i) => ({
        timeUnixNano: start + BigInt(i) * 1_000_000n,
        body: `GET /orders/${i % 500} answered ${200 + (i % 3)}${i === 17 || i === 139_000 ? ' Quasar7731 seen' : ''}`,
        serviceName: 'api',
      }));
      await store.write([{ tenant, logs: logBatchFromRows(rows) }]);
      await store.maintain({ sealAll: true });
      // A record still in the hot table is always read.
      await store.write([
        {
          tenant,
          logs: logBatchFromRows([
            { timeUnixNano: start + 1n, body: 'hot quasar7731 record', serviceName: 'api' },
          ]),
        },
      ]);
      const range = { fromNs: start, toNs: start + NS_PER_DAY };
      const rare = (hint: string[] | undefined) =>
        store.query(
          tenant,
          range,
          (s) =>
            sql`SELECT body FROM ${s.logs} WHERE ${store.dialect.containsIgnoreCase(sql`body`, 'QUASAR7731')} ORDER BY body`,
          hint ? { hints: { logBodyContains: hint } } : {},
        );
      const expected = await rare(undefined);
      expect(expected).toHaveLength(3);
      expect(await rare(['QUASAR7731'])).toEqual(expected);
      // The hint decides which blocks are read: told (untruthfully) that every row holds the
      // rare word, a count of all rows sees only the blocks holding it, plus the hot rows.
      const countAll = (hint: string[]) =>
        store.query(tenant, range, (s) => sql`SELECT count(*) AS n FROM ${s.logs}`, {
          hints: { logBodyContains: hint },
        });
      const [narrowed] = await countAll(['quasar7731']);
      expect(Number(narrowed?.n)).toBeGreaterThan(2);
      expect(Number(narrowed?.n)).toBeLessThanOrEqual(2 * BLOCK_ROWS.logs! + 1);
      const [none] = await countAll(['no-such-word-zq']);
      expect(Number(none?.n)).toBe(1);
      // Short or non-ASCII hints cannot be used: everything is read.
      const [all] = await countAll(['GE', 'café']);
      expect(Number(all?.n)).toBe(140_001);
      // Reopened, with a second part merged into the first, the index still answers the same.
      await store.close();
      const reopened = await DuckDbTelemetryStore.open({ dataDir: dir, compactMinParts: 2 });
      try {
        await reopened.write([
          {
            tenant,
            logs: logBatchFromRows([
              { timeUnixNano: start + 5n, body: 'late quasar7731 record', serviceName: 'web' },
            ]),
          },
        ]);
        const report = await reopened.maintain({ sealAll: true });
        expect(report.partsMerged).toBe(2);
        const search = (hint: string[] | undefined) =>
          reopened.query(
            tenant,
            range,
            (s) =>
              sql`SELECT body FROM ${s.logs} WHERE ${reopened.dialect.containsIgnoreCase(sql`body`, 'quasar7731')} ORDER BY body`,
            hint ? { hints: { logBodyContains: hint } } : {},
          );
        const all = await search(undefined);
        expect(all).toHaveLength(4);
        expect(await search(['quasar7731'])).toEqual(all);
        const [merged] = await reopened.query(
          tenant,
          range,
          (s) => sql`SELECT count(*) AS n FROM ${s.logs}`,
          { hints: { logBodyContains: ['quasar7731'] } },
        );
        expect(Number(merged?.n)).toBeLessThan(140_000);
      } finally {
        await reopened.close();
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reads only the blocks that may hold the wanted traces, with the same results', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-duckdb-'));
    const store = await open();
    try {
      const tenant = parseTenantId('default');
      const start = BigInt(Math.floor(Date.now() / 86_400_000) - 1) * NS_PER_DAY;
      const traceId = (n: number) => n.toString(16).padStart(32, '0');
      // 150,000 spans of 30,000 traces, five consecutive spans each (several blocks, whether sorted
      // by trace id or by time); a log record for every span.
      const spans = Array.from({ length: 150_000 }, (_, i) => ({
        traceId: traceId(Math.floor(i / 5) + 1),
        spanId: (i + 1).toString(16).padStart(16, '0'),
        name: 'GET /',
        serviceName: 'svc',
        startTimeUnixNano: start + BigInt(i) * 1_000_000n,
        endTimeUnixNano: start + BigInt(i) * 1_000_000n + 5_000n,
      }));
      const logs = spans.map((span, i) => ({
        timeUnixNano: span.startTimeUnixNano,
        body: `log ${i}`,
        serviceName: span.serviceName,
        traceId: span.traceId,
        spanId: span.spanId,
      }));
      await store.write([
        { tenant, spans: spanBatchFromRows(spans), logs: logBatchFromRows(logs) },
      ]);
      await store.maintain({ sealAll: true });
      const range = { fromNs: start, toNs: start + NS_PER_DAY };
      const wanted = [traceId(42), traceId(29_999)];
      for (const signal of ['spans', 'logs'] as const) {
        const select = (hinted: boolean) =>
          store.query(
            tenant,
            range,
            (s) =>
              sql`SELECT trace_id, span_id FROM ${s[signal]} WHERE trace_id IN (${wanted[0]!}, ${wanted[1]!}) ORDER BY span_id`,
            hinted ? { hints: { traceIds: wanted } } : {},
          );
        const expected = await select(false);
        expect(expected).toHaveLength(10);
        expect(await select(true)).toEqual(expected);
        // Told (untruthfully) that every row belongs to the wanted traces, a count of all rows
        // sees only the blocks that may hold them: at most 2 blocks.
        const [narrowed] = await store.query(
          tenant,
          range,
          (s) => sql`SELECT count(*) AS n FROM ${s[signal]}`,
          { hints: { traceIds: wanted } },
        );
        expect(Number(narrowed?.n), signal).toBeGreaterThanOrEqual(10);
        expect(Number(narrowed?.n), signal).toBeLessThanOrEqual(2 * BLOCK_ROWS[signal]!);
      }
    } finally {
      await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('DuckDbTelemetryStore merges', () => {
  it('takes leading parts while their rows fit mergeMaxRows', () => {
    expect(mergeSources(['a', 'b', 'c', 'd'], [3, 2n, 4, 1], 5)).toEqual({
      paths: ['a', 'b'],
      rows: 5,
    });
    expect(mergeSources(['a'], [9], 5)).toEqual({ paths: [], rows: 0 });
  });

  it('merges at most mergeMaxRows rows at once, and every row stays readable once', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-duckdb-'));
    const store = await DuckDbTelemetryStore.open({
      dataDir: dir,
      compactMinParts: 3,
      mergeMaxRows: 20,
    });
    try {
      const tenant = parseTenantId('default');
      const start = BigInt(Date.now()) * 1_000_000n;
      let written = 0;
      for (let part = 0; part < 4; part++) {
        const rows = Array.from({ length: 8 }, (_, i) => ({
          timeUnixNano: start + BigInt(written + i),
          body: `part ${part} row ${i}`,
          serviceName: 'web',
        }));
        written += rows.length;
        await store.write([{ tenant, logs: logBatchFromRows(rows) }]);
        let told = 0;
        const report = await store.maintain({
          sealAll: true,
          onSealed: () => {
            told++;
          },
        });
        expect(told).toBe(1);
        // 3 parts of 8 rows are due for a merge after the third seal, but only 2 fit in 20 rows.
        expect(report.partsMerged, `seal ${part}`).toBe(part === 2 ? 2 : 0);
      }
      const range = { fromNs: start - 1_000_000_000n, toNs: start + 1_000_000_000n };
      const [row] = await store.query(
        tenant,
        range,
        (s) => sql`SELECT count(*) AS n, count(DISTINCT body) AS d FROM ${s.logs}`,
      );
      expect(Number(row?.n)).toBe(32);
      expect(Number(row?.d)).toBe(32);
    } finally {
      await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('DuckDbTelemetryStore re-slabbing', () => {
  it('rewrites parts that overlap in time into disjoint ones with the same answers', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-duckdb-'));
    const store = await DuckDbTelemetryStore.open({ dataDir: dir, mergeMaxRows: 700 });
    try {
      const tenant = parseTenantId('default');
      const dayStart = BigInt(Math.floor(Date.now() / 86_400_000) - 1) * NS_PER_DAY;
      const slabNs = 600_000_000_000n;
      // Five seals of 400 spans and 400 logs each, spread over the same 12 slabs: every slab
      // then lies in all five parts of each signal.
      let n = 0;
      for (let seal = 0; seal < 5; seal++) {
        const spans = Array.from({ length: 400 }, (_, i) => {
          const start = dayStart + BigInt(i % 12) * slabNs + BigInt(n + i) * 1_000_000n;
          return {
            traceId: (n + i + 1).toString(16).padStart(32, '0'),
            spanId: (n + i + 1).toString(16).padStart(16, '0'),
            name: i % 3 === 0 ? 'GET /a' : 'GET /b',
            kind: 'server' as const,
            serviceName: i % 2 === 0 ? 'web' : 'api',
            statusCode: i % 7 === 0 ? ('error' as const) : ('unset' as const),
            startTimeUnixNano: start,
            endTimeUnixNano: start + BigInt(1 + ((n + i) % 97)) * 1_000_000n,
          };
        });
        const logs = spans.map((span, i) => ({
          timeUnixNano: span.startTimeUnixNano,
          body: `log ${n + i}`,
          serviceName: span.serviceName,
          severityNumber: 9 + (i % 3) * 4,
          traceId: span.traceId,
        }));
        n += spans.length;
        await store.write([
          { tenant, spans: spanBatchFromRows(spans), logs: logBatchFromRows(logs) },
        ]);
        const report = await store.maintain({ sealAll: true });
        expect(report.partsMerged, 'not re-slabbed while the day is busy').toBe(0);
      }
      const day = { fromNs: dayStart, toNs: dayStart + NS_PER_DAY };
      // A range with partial slabs at both ends.
      const middle = { fromNs: dayStart + 2n * slabNs + 7n, toNs: dayStart + 9n * slabNs + 11n };
      const answers = async () =>
        Promise.all(
          [day, middle].map((range) =>
            store.query(
              tenant,
              range,
              (s) => sql`SELECT
                (SELECT count(*) FROM ${s.spans}) AS spans,
                (SELECT count(*) FROM ${s.logs}) AS logs,
                (SELECT sum(n) FROM ${s.logMinutes!}) AS log_minutes,
                (SELECT sum(n) FROM ${s.spanSlabs!}) AS span_slabs,
                (SELECT sum(duration_ns) FROM ${s.spans} WHERE service_name = 'web') AS web_ns,
                (SELECT string_agg(body, ',' ORDER BY body) FROM ${s.logs} WHERE severity_number = 13) AS bodies`,
            ),
          ),
        );
      const before = await answers();
      expect(Number(before[0]![0]!.spans)).toBe(2000);
      const layout = async (signal: string) =>
        store.query(
          tenant,
          null,
          () =>
            sql`SELECT row_count, min_time, max_time FROM parts WHERE signal = ${signal} AND deleted_at IS NULL ORDER BY min_time`,
        );
      expect(await layout('spans')).toHaveLength(5);

      const report = await store.maintain({ settled: true });
      expect(report.partsMerged).toBe(10);
      expect(await answers()).toEqual(before);
      for (const signal of ['spans', 'logs']) {
        const parts = await layout(signal);
        // 2,000 rows in 12 slabs of ~167 rows, at most 700 rows a part: 4 slabs per part.
        expect(parts.length, signal).toBe(3);
        expect(parts.reduce((sum, p) => sum + Number(p.row_count), 0)).toBe(2000);
        for (const [i, part] of parts.entries()) {
          expect(Number(part.row_count)).toBeLessThanOrEqual(700);
          if (i > 0)
            expect(BigInt(String(part.min_time))).toBeGreaterThan(
              BigInt(String(parts[i - 1]!.max_time)),
            );
        }
      }
      // Disjoint now: nothing more to do.
      expect((await store.maintain({ settled: true })).partsMerged).toBe(0);
    } finally {
      await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
