import { randomBytes } from 'node:crypto';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import type { Logger } from 'pino';
import { AppError } from '../../errors.js';
import type { TenantId } from '../../tenant.js';
import { formatDay, parseDay } from '../days.js';
import { SIGNALS, TIME_COLUMN, timeBoundsOf, type Signal } from '../schema.js';
import { ident, join, raw, render, sql, type SqlFragment } from '../sql.js';
import type {
  DayPartition,
  MaintainOptions,
  MaintenanceReport,
  QueryOptions,
  Row,
  ScopedSources,
  TelemetryStore,
  TenantBatch,
  TimeRange,
} from '../telemetry-store.js';
import { clickHouseDialect } from './clickhouse-dialect.js';
import { clickHouseIdentifier, clickHouseStringLiteral } from './clickhouse-escape.js';
import {
  BOOL_COLUMNS,
  DATA_TABLES,
  MIGRATIONS,
  TRACE_INDEX,
  tableNames,
  visibleColumns,
  type TableNames,
} from './clickhouse-schema.js';
import { encodeSignal, type EncodedRows } from './encode-rows.js';

export interface ClickHouseStoreOptions {
  /** HTTP URL of a ClickHouse server (`http://host:8123`); in a cluster, one URL per node. */
  urls: readonly string[];
  username?: string;
  password?: string;
  database?: string;
  /** Name of a cluster in the servers' `remote_servers`: tables become Distributed over it. */
  cluster?: string;
  /** Keep this many days (UTC) of data; older days are dropped by `maintain`. 0 keeps all. */
  retentionDays?: number;
  logger?: Logger;
  /** Attempts per insert when the outcome of the previous one is unknown (connection lost). */
  insertAttempts?: number;
}

/** Settings on every request: 18.16 needs the first to create LowCardinality columns. */
const BASE_SETTINGS: ClickHouseSettings = {
  allow_experimental_low_cardinality_type: 1,
  // Standard SQL outer joins (NULL for a missing side, not the type's default).
  join_use_nulls: 1,
};

/** A whole write() to one table must be one block, so that it is inserted atomically. */
const INSERT_SETTINGS: ClickHouseSettings = {
  ...BASE_SETTINGS,
  max_insert_block_size: '100000000',
  min_insert_block_size_rows: '0',
  min_insert_block_size_bytes: '0',
};

interface Node {
  url: string;
  client: ClickHouseClient;
}

const PARTITION_TEXT = /^\('([a-z0-9_-]+)',(\d+)\)$/;

/** Integer and float types whose JSON form needs converting back to what DuckDB returns. */
function converter(type: string, name: string): ((v: unknown) => unknown) | null {
  const inner = type.replace(/^Nullable\((.*)\)$/, '$1').replace(/^LowCardinality\((.*)\)$/, '$1');
  if (inner === 'Int64' || inner === 'UInt64') {
    return (v) => (typeof v === 'string' ? BigInt(v) : v);
  }
  // JSON has no NaN or infinity: ClickHouse writes them as null. A non-nullable float column
  // can only mean NaN there (an infinity cannot be told apart and reads back as NaN too).
  if (/^Float(32|64)$/.test(type)) return (v) => (v === null ? NaN : v);
  if (/^Array\(Float(32|64)\)$/.test(type)) {
    return (v) => (Array.isArray(v) ? v.map((x: unknown) => (x === null ? NaN : x)) : v);
  }
  if (type === 'UInt8' && BOOL_COLUMNS.has(name)) return (v) => v === 1 || v === '1';
  return null;
}

function convertRows(meta: readonly { name: string; type: string }[], data: Row[]): Row[] {
  const converters = meta
    .map((m) => [m.name, converter(m.type, m.name)] as const)
    .filter((e): e is readonly [string, (v: unknown) => unknown] => e[1] !== null);
  if (converters.length === 0) return data;
  for (const row of data) {
    for (const [name, convert] of converters) row[name] = convert(row[name]);
  }
  return data;
}

function isServerError(error: unknown): boolean {
  // An exception ClickHouse answered with: the statement definitely did not take effect.
  return (
    typeof error === 'object' &&
    error !== null &&
    error.constructor.name === 'ClickHouseError' &&
    'code' in error
  );
}

function newWriteId(): bigint {
  return randomBytes(8).readBigUInt64BE() >> 1n;
}

/**
 * Telemetry in ClickHouse (one server, or a cluster through Distributed tables). The schema and
 * its migrations are in clickhouse-schema.ts; values reach ClickHouse only through the dialect's
 * escaper (18.16 has no query parameters) or as escaped TabSeparated insert data.
 *
 * Durability and atomicity of `write`: every batch is encoded (and so validated) before anything
 * is sent; then each signal's rows go in ONE INSERT of ONE block, which ClickHouse applies
 * atomically and acknowledges only once the part is written. A write spanning several signals is
 * several INSERTs: if a later one fails, the earlier ones are removed again by their `_write_id`
 * (an `ALTER TABLE … DELETE` mutation, applied asynchronously but before any merge can resurrect
 * them) and the write fails, so the client retries the whole request. An INSERT whose outcome is
 * unknown (connection lost) is checked by counting its `_write_id` and retried only if absent, so
 * a retry never duplicates rows.
 */
/** The database of the Pharos tables on one node, created when missing. */
async function createDatabase(
  url: string,
  options: ClickHouseStoreOptions,
  database: string,
): Promise<void> {
  if (database === 'default') return;
  const client = createClient({
    url,
    username: options.username ?? 'default',
    password: options.password ?? '',
  });
  try {
    await client.command({
      query: `CREATE DATABASE IF NOT EXISTS ${clickHouseIdentifier(database)}`,
    });
  } finally {
    await client.close();
  }
}

export class ClickHouseTelemetryStore implements TelemetryStore {
  readonly dialect = clickHouseDialect;
  /** NaN payloads are lost here: `prom_samples.stale` flags staleness markers instead. */
  readonly promStaleFlags = true;
  private closed = false;
  private nextNode = 0;

  private constructor(
    private readonly nodes: readonly Node[],
    private readonly names: TableNames,
    private readonly options: ClickHouseStoreOptions,
  ) {}

  static async open(options: ClickHouseStoreOptions): Promise<ClickHouseTelemetryStore> {
    if (options.urls.length === 0) throw new Error('ClickHouse store needs at least one URL');
    const database = options.database ?? 'default';
    const nodes = options.urls.map((url) => ({
      url,
      client: createClient({
        url,
        username: options.username ?? 'default',
        password: options.password ?? '',
        database,
        clickhouse_settings: BASE_SETTINGS,
        // The client warns about longer timeouts without progress headers (which would turn late
        // errors into 200 answers); queries here have shorter budgets anyway.
        request_timeout: 60_000,
        // 18.16 understands gzip responses but the request path stays plain for compatibility.
        compression: { request: false, response: true },
      }),
    }));
    const store = new ClickHouseTelemetryStore(nodes, tableNames(options.cluster), options);
    try {
      for (const node of nodes) await createDatabase(node.url, options, database);
      for (const node of nodes) await store.migrate(node, database);
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  private get database(): string {
    return this.options.database ?? 'default';
  }

  /** Apply pending migrations on one node (every node of a cluster has its own local tables). */
  private async migrate(node: Node, database: string): Promise<void> {
    await node.client.command({
      query:
        'CREATE TABLE IF NOT EXISTS pharos_migrations (version UInt32, description String, applied_at DateTime) ENGINE = TinyLog',
    });
    const result = await node.client.query({
      query: 'SELECT max(version) AS v FROM pharos_migrations',
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ v: number | string }>();
    const current = Number(row?.v ?? 0);
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      for (const statement of migration.statements(this.names, this.options.cluster, database)) {
        await node.client.command({ query: statement });
      }
      for (const add of migration.addColumns?.(this.names, this.options.cluster) ?? []) {
        const present = await node.client.query({
          query: `SELECT count() AS n FROM system.columns WHERE database = ${clickHouseStringLiteral(database)} AND table = ${clickHouseStringLiteral(add.table)} AND name = ${clickHouseStringLiteral(add.column)}`,
          format: 'JSONEachRow',
        });
        const [count] = await present.json<{ n: number | string }>();
        if (Number(count?.n ?? 0) > 0) continue;
        await node.client.command({
          query: `ALTER TABLE ${clickHouseIdentifier(add.table)} ADD COLUMN ${clickHouseIdentifier(add.column)} ${add.type}`,
        });
      }
      await node.client.command({
        query: `INSERT INTO pharos_migrations VALUES (${migration.version}, ${clickHouseStringLiteral(migration.description)}, now())`,
      });
      this.options.logger?.info(
        { node: node.url, version: migration.version },
        'ClickHouse schema migrated',
      );
    }
  }

  /** Where the next write goes: each write lands whole on one node (round robin). */
  private pickWriter(): Node {
    const node = this.nodes[this.nextNode % this.nodes.length]!;
    this.nextNode++;
    return node;
  }

  private reader(): Node {
    return this.nodes[0]!;
  }

  async write(batches: readonly TenantBatch[]): Promise<void> {
    this.assertOpen();
    const writeId = newWriteId();
    // Encode everything first: a malformed batch fails the write before anything is sent.
    const encoded: EncodedRows[] = [];
    for (const signal of SIGNALS) {
      const rows = encodeSignal(signal, batches, writeId);
      if (rows) encoded.push(rows);
    }
    if (encoded.length === 0) return;
    const node = this.pickWriter();
    const done: EncodedRows[] = [];
    try {
      for (const rows of encoded) {
        await this.insertOnce(node, rows, writeId);
        done.push(rows);
      }
    } catch (error) {
      await this.undo(node, done, writeId);
      throw error;
    }
  }

  /** Insert one signal's rows, retrying only when it is certain they are not stored yet. */
  private async insertOnce(node: Node, rows: EncodedRows, writeId: bigint): Promise<void> {
    const attempts = this.options.insertAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        await node.client.insert({
          table: this.names.local(rows.signal),
          columns: rows.columns,
          values: rows.stream(),
          format: 'TabSeparated',
          clickhouse_settings: INSERT_SETTINGS,
        });
        return;
      } catch (error) {
        if (isServerError(error) || attempt >= attempts) throw error;
        const stored = await this.countWrite(node, rows.signal, writeId).catch(() => -1);
        if (stored === rows.count) return;
        if (stored !== 0) throw error;
        this.options.logger?.warn({ err: error, attempt }, 'ClickHouse insert retried');
      }
    }
  }

  private async countWrite(node: Node, signal: Signal, writeId: bigint): Promise<number> {
    const rows = await this.rowsOn(
      node,
      sql`SELECT count() AS n FROM ${raw(this.names.local(signal))} WHERE _write_id = ${writeId}`,
    );
    return Number(rows[0]?.n ?? -1);
  }

  private async undo(node: Node, done: readonly EncodedRows[], writeId: bigint): Promise<void> {
    for (const rows of done) {
      await this.execOn(
        node,
        sql`ALTER TABLE ${raw(this.names.local(rows.signal))} DELETE WHERE _write_id = ${writeId}`,
      ).catch((error: unknown) => {
        this.options.logger?.error(
          { err: error, writeId: writeId.toString(), signal: rows.signal },
          'could not undo part of a failed write',
        );
      });
    }
  }

  async query(
    tenant: TenantId,
    range: TimeRange | null,
    build: (sources: ScopedSources) => SqlFragment,
    options: QueryOptions = {},
  ): Promise<Row[]> {
    this.assertOpen();
    const sources = Object.fromEntries(
      SIGNALS.map((signal) => [signal, this.scopedSource(signal, tenant, range)]),
    ) as ScopedSources;
    const fragment = build(sources);
    const settings: ClickHouseSettings = options.guarded
      ? {
          // 2: reads only, no DDL, but the request's own settings (these) still apply.
          readonly: '2',
          max_result_rows: String(options.guarded.maxRows + 1),
          result_overflow_mode: 'throw',
          max_memory_usage: '1000000000',
        }
      : {};
    const timeoutMs = options.timeoutMs;
    if (timeoutMs === undefined) {
      return this.rowsOn(this.reader(), fragment, { settings, onColumns: options.onColumns });
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      abort.abort();
    }, timeoutMs);
    try {
      return await this.rowsOn(this.reader(), fragment, {
        abort: abort.signal,
        settings: { ...settings, max_execution_time: Math.max(1, Math.ceil(timeoutMs / 1000)) },
        onColumns: options.onColumns,
      });
    } catch (error) {
      const timeoutCode = isServerError(error) && (error as { code: string }).code === '159';
      if (abort.signal.aborted || timeoutCode) {
        throw new AppError(
          'deadline_exceeded',
          504,
          `query interrupted after its time budget of ${timeoutMs} ms`,
          { cause: error, expose: true },
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private scopedSource(signal: Signal, tenant: TenantId, range: TimeRange | null): SqlFragment {
    const columns = raw(visibleColumns(signal).join(', '));
    const time = ident(TIME_COLUMN[signal]);
    const bounds = range ? timeBoundsOf(signal, range.fromNs, range.toNs) : null;
    const where = bounds
      ? sql`tenant = ${tenant} AND ${time} >= ${bounds.from} AND ${time} < ${bounds.to}`
      : sql`tenant = ${tenant}`;
    return sql`(SELECT ${columns} FROM ${raw(this.names.read(signal))} WHERE ${where})`;
  }

  /** The time span of a trace's spans, from the trace index; null when the trace is unknown. */
  async locateTrace(tenant: TenantId, traceId: string): Promise<TimeRange | null> {
    this.assertOpen();
    const rows = await this.rowsOn(
      this.reader(),
      sql`SELECT count() AS n, min(start_min) AS from_ns, max(start_max) AS to_ns FROM ${raw(this.names.read(TRACE_INDEX))}
        WHERE tenant = ${tenant} AND trace_id = ${traceId}`,
    );
    const row = rows[0];
    if (!row || Number(row.n) === 0) return null;
    return { fromNs: row.from_ns as bigint, toNs: (row.to_ns as bigint) + 1n };
  }

  /** Active parts of every node, by table and partition. */
  private async parts(filter: SqlFragment): Promise<Row[]> {
    const all = await Promise.all(
      this.nodes.map((node) =>
        this.rowsOn(
          node,
          sql`SELECT table, partition, count() AS parts, sum(rows) AS row_count, sum(bytes_on_disk) AS bytes,
            sum(level = 0) AS fresh_parts, sumIf(rows, level = 0) AS fresh_rows
          FROM system.parts WHERE database = ${this.database} AND active AND ${filter}
          GROUP BY table, partition`,
        ),
      ),
    );
    return all.flat();
  }

  private signalOfTable(table: string): Signal | null {
    return SIGNALS.find((s) => this.names.local(s) === table) ?? null;
  }

  async listPartitions(tenant: TenantId): Promise<DayPartition[]> {
    this.assertOpen();
    const rows = await this.parts(
      sql`table IN (${join(
        SIGNALS.map((s) => sql`${this.names.local(s)}`),
        ', ',
      )})`,
    );
    const merged = new Map<string, DayPartition>();
    for (const row of rows) {
      const signal = this.signalOfTable(row.table as string);
      const match = PARTITION_TEXT.exec(row.partition as string);
      if (!signal || !match || match[1] !== tenant) continue;
      const day = formatDay(Number(match[2]));
      const key = `${signal}/${day}`;
      const entry = merged.get(key) ?? { signal, day, rows: 0, bytes: 0 };
      entry.rows += Number(row.row_count);
      entry.bytes += Number(row.bytes);
      merged.set(key, entry);
    }
    return [...merged.values()].sort((a, b) =>
      a.day === b.day ? a.signal.localeCompare(b.signal) : a.day < b.day ? 1 : -1,
    );
  }

  async dropDay(tenant: TenantId, dayText: string): Promise<void> {
    this.assertOpen();
    await this.dropPartition(tenant, parseDay(dayText));
  }

  private async dropPartition(tenant: string, day: number): Promise<void> {
    for (const node of this.nodes) {
      for (const table of DATA_TABLES) {
        await this.execOn(
          node,
          sql`ALTER TABLE ${raw(this.names.local(table))} DROP PARTITION (${tenant}, ${day})`,
        );
      }
    }
    this.options.logger?.info({ tenant, day: formatDay(day) }, 'dropped day');
  }

  /**
   * ClickHouse merges parts in the background by itself. `sealAll` forces what "sealing" means
   * here: every partition holding freshly inserted (level 0) parts is merged into one sorted part
   * now (`OPTIMIZE … FINAL`). Retention drops whole partitions.
   */
  async maintain(options: MaintainOptions = {}): Promise<MaintenanceReport> {
    this.assertOpen();
    const report: MaintenanceReport = {
      sealedRows: 0,
      partsWritten: 0,
      partsMerged: 0,
      daysDropped: 0,
    };
    if (options.sealAll) {
      for (const node of this.nodes) {
        const rows = await this.rowsOn(
          node,
          sql`SELECT table, partition, count() AS parts, sumIf(rows, level = 0) AS fresh_rows
            FROM system.parts WHERE database = ${this.database} AND active
              AND table IN (${join(
                DATA_TABLES.map((t) => sql`${this.names.local(t)}`),
                ', ',
              )})
            GROUP BY table, partition HAVING sum(level = 0) > 0`,
        );
        for (const row of rows) {
          const match = PARTITION_TEXT.exec(row.partition as string);
          if (!match) continue;
          await this.execOn(
            node,
            sql`OPTIMIZE TABLE ${raw(row.table as string)} PARTITION (${match[1]!}, ${Number(match[2])}) FINAL`,
          );
          if (!this.signalOfTable(row.table as string)) continue;
          report.sealedRows += Number(row.fresh_rows);
          report.partsWritten += 1;
          report.partsMerged += Number(row.parts);
        }
      }
    }
    options.onSealed?.();
    const retentionDays = this.options.retentionDays ?? 0;
    if (retentionDays > 0) {
      const now = options.now ?? new Date();
      const oldestKept = Math.floor(now.getTime() / 86_400_000) - retentionDays + 1;
      const expired = new Set<string>();
      for (const row of await this.parts(sql`1 = 1`)) {
        if (!DATA_TABLES.some((t) => this.names.local(t) === row.table)) continue;
        const match = PARTITION_TEXT.exec(row.partition as string);
        if (match && Number(match[2]) < oldestKept) expired.add(`${match[1]!}/${match[2]!}`);
      }
      for (const entry of expired) {
        const [tenant, day] = entry.split('/') as [string, string];
        await this.dropPartition(tenant, Number(day));
        report.daysDropped++;
      }
    }
    return report;
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await this.rowsOn(this.reader(), sql`SELECT 1 AS ok`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.nodes.map((n) => n.client.close()));
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('telemetry store is closed');
  }

  private async execOn(node: Node, fragment: SqlFragment): Promise<void> {
    const { text } = render(fragment, clickHouseDialect.renderer);
    await node.client.command({ query: text });
  }

  private async rowsOn(
    node: Node,
    fragment: SqlFragment,
    options: {
      abort?: AbortSignal;
      settings?: ClickHouseSettings;
      onColumns?: QueryOptions['onColumns'];
    } = {},
  ): Promise<Row[]> {
    const { text } = render(fragment, clickHouseDialect.renderer);
    const result = await node.client.query({
      query: text,
      format: 'JSON',
      abort_signal: options.abort,
      clickhouse_settings: { ...BASE_SETTINGS, ...options.settings },
    });
    const body = await result.json<Row>();
    const meta = body.meta ?? [];
    options.onColumns?.(meta.map((m) => ({ name: m.name, type: m.type })));
    return convertRows(meta, body.data);
  }
}
