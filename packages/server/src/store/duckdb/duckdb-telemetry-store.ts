import fs from 'node:fs/promises';
import path from 'node:path';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  DuckDBInstance,
  LIST,
  SQLNULL,
  VARCHAR,
  listValue,
  type DuckDBType,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { Logger } from 'pino';
import type { TenantId } from '../../tenant.js';
import { dayOfNs, formatDay, parseDay } from '../days.js';
import {
  LOG_COLUMNS,
  METRIC_POINT_COLUMNS,
  PROM_EXEMPLAR_COLUMNS,
  PROM_METADATA_COLUMNS,
  PROM_SAMPLE_COLUMNS,
  PROM_SERIES_COLUMNS,
  SEAL_DISTINCT,
  SEAL_ROW_GROUP_SIZE,
  SIGNALS,
  SPAN_COLUMNS,
  TIME_COLUMN,
  TIME_UNITS_PER_DAY,
  timeBoundsOf,
  type ColumnDef,
  type Signal,
} from '../schema.js';
import { ident, join, raw, render, sql, type SqlFragment, type SqlValue } from '../sql.js';
import { standardStringLiteral } from '../sql-escape.js';
import { AppError } from '../../errors.js';
import type {
  DayPartition,
  MaintainOptions,
  MaintenanceReport,
  NumericColumnType,
  NumericColumns,
  QueryHints,
  QueryOptions,
  Row,
  ScopedSources,
  TelemetryStore,
  TenantBatch,
  TimeRange,
} from '../telemetry-store.js';
import { Mutex } from '../../util/mutex.js';
import { Pool } from '../../util/pool.js';
import { appendNumericChunks } from './append-chunks.js';
import { readNumericColumns } from './read-columns.js';
import { readPromSamples, readPromSeriesIndex, type PromReaderIo } from './prom-reader.js';
import type { SampleArrays } from '../prom-read/group-samples.js';
import {
  PromReadCache,
  type IndexedSeries,
  type PromReadCacheStats,
} from '../prom-read/prom-read-cache.js';
import { appendBatch } from './append-rows.js';
import { appendBatchColumns } from './append-columns.js';
import { duckDbDialect } from './duckdb-dialect.js';
import { DUCKDB_COLUMN_TYPE } from './duckdb-types.js';
import { PartFiles } from './part-files.js';
import { sealOrder } from './seal-order.js';
import {
  LOG_MINUTES_DDL,
  buildLogMinutes,
  logMinutesSource,
  recordLogMinutes,
  type LogMinuteRow,
} from './log-minutes.js';
import {
  SPAN_SLABS_DDL,
  buildSpanSlabs,
  recordSpanSlabs,
  spanSlabsSource,
  type SpanSlabRow,
} from './span-slabs.js';
import {
  RESLAB_MIN_DEPTH,
  RESLAB_QUIET_MS,
  depthQuery,
  isReslabSignal,
  slabRanges,
  slabRowsQuery,
  type ReslabSignal,
} from './reslab.js';
import {
  BLOCK_INDEX_DDL,
  BLOCK_ROWS,
  BlockIndex,
  hasBlocks,
  withBlockNumbers,
  type PartBlocks,
} from './block-index.js';

export interface DuckDbStoreOptions {
  /** Directory holding `telemetry.duckdb` and the sealed `parts/`. */
  dataDir: string;
  logger?: Logger;
  /** DuckDB's memory limit, e.g. `1GB`. */
  memoryLimit?: string;
  /** Keep this many days (UTC) of data; older days are dropped by `maintain`. 0 keeps all. */
  retentionDays?: number;
  /** Merge a day's parts once this many small ones exist. */
  compactMinParts?: number;
  /**
   * Rows one merge sorts at most (default 400,000). DuckDB sorts a merge in memory as far as
   * `memoryLimit` allows and fails beyond what it can spill, so this follows the memory limit:
   * 400k spans merge within 256MB (measured); 800k do not.
   */
  mergeMaxRows?: number;
  readerConnections?: number;
  /**
   * Bytes of memory the Prometheus read cache may hold (sealed samples as compressed chunks,
   * parsed series index parts); 0 turns it off. Default 256 MiB.
   */
  promCacheBytes?: number;
}

const DEFAULT_PROM_CACHE_BYTES = 256 * 1024 * 1024;

/** Column names and types per signal (the typed lists are used where batches are read). */
const COLUMNS: Record<Signal, readonly Pick<ColumnDef<never>, 'name' | 'type'>[]> = {
  spans: SPAN_COLUMNS,
  logs: LOG_COLUMNS,
  metric_points: METRIC_POINT_COLUMNS,
  prom_series: PROM_SERIES_COLUMNS,
  prom_samples: PROM_SAMPLE_COLUMNS,
  prom_exemplars: PROM_EXEMPLAR_COLUMNS,
  prom_metadata: PROM_METADATA_COLUMNS,
};

function columnList(signal: Signal): SqlFragment {
  return join(
    COLUMNS[signal].map((c) => sql`${ident(c.name)}`),
    ', ',
  );
}

function batchLength(batch: TenantBatch, signal: Signal): number {
  switch (signal) {
    case 'spans':
      return batch.spans?.length ?? 0;
    case 'logs':
      return batch.logs?.length ?? 0;
    case 'metric_points':
      return batch.metricPoints?.length ?? 0;
    case 'prom_series':
      return batch.promSeries?.length ?? 0;
    case 'prom_samples':
      return batch.promSamples?.length ?? 0;
    case 'prom_exemplars':
      return batch.promExemplars?.length ?? 0;
    case 'prom_metadata':
      return batch.promMetadata?.length ?? 0;
  }
}

function appendSignal(appender: DuckDBAppender, signal: Signal, batch: TenantBatch, seq: bigint) {
  if (signal === 'spans' && batch.spans) {
    appendBatchColumns(appender, SPAN_COLUMNS, batch.spans, batch.tenant, seq);
  } else if (signal === 'logs' && batch.logs) {
    appendBatchColumns(appender, LOG_COLUMNS, batch.logs, batch.tenant, seq);
  } else if (signal === 'metric_points' && batch.metricPoints) {
    appendBatchColumns(appender, METRIC_POINT_COLUMNS, batch.metricPoints, batch.tenant, seq);
  } else if (signal === 'prom_series' && batch.promSeries) {
    appendBatch(appender, PROM_SERIES_COLUMNS, batch.promSeries, batch.tenant, seq);
  } else if (signal === 'prom_samples' && batch.promSamples) {
    const samples = batch.promSamples;
    appendNumericChunks(
      appender,
      batch.tenant,
      samples.length,
      { int64: [samples.seriesId, samples.timeMs], float64: [samples.value] },
      seq,
    );
  } else if (signal === 'prom_exemplars' && batch.promExemplars) {
    appendBatch(appender, PROM_EXEMPLAR_COLUMNS, batch.promExemplars, batch.tenant, seq);
  } else if (signal === 'prom_metadata' && batch.promMetadata) {
    appendBatch(appender, PROM_METADATA_COLUMNS, batch.promMetadata, batch.tenant, seq);
  }
}

const HOT_CHECKPOINT_THRESHOLD = '512MB';

/**
 * Extra Parquet options per signal. Samples use format version 2 (DELTA_BINARY_PACKED for the
 * sorted series ids and times, BYTE_STREAM_SPLIT for values) and a higher zstd level: see the
 * bytes-per-sample figures in docs/adr/0004-metrics-model.md.
 */
const PARQUET_EXTRA: Record<Signal, string> = {
  spans: ', PARQUET_VERSION V2',
  logs: ', PARQUET_VERSION V2',
  metric_points: '',
  prom_series: '',
  prom_samples: ', PARQUET_VERSION V2, COMPRESSION_LEVEL 9',
  prom_exemplars: '',
  prom_metadata: '',
};

/**
 * Merged span and log parts are rewritten once and kept for the retention period: they get
 * format version 2 (delta-encoded times and lengths) and a higher zstd level, which took the
 * benchmark's unique data from 75 to 67 B/span and 87 to 75 B/log record. Sealing keeps the
 * cheaper defaults, because it runs alongside sustained ingestion.
 */
const MERGED_PARQUET_EXTRA: Partial<Record<Signal, string>> = {
  spans: ', PARQUET_VERSION V2, COMPRESSION_LEVEL 9',
  logs: ', PARQUET_VERSION V2, COMPRESSION_LEVEL 9',
};

const DEFAULT_MERGE_MAX_ROWS = 400_000;

/** The leading parts (in the given order) whose rows add up to at most `maxRows`. */
export function mergeSources(
  paths: readonly string[],
  counts: readonly (number | bigint)[],
  maxRows: number,
): { paths: string[]; rows: number } {
  const taken: string[] = [];
  let rows = 0;
  for (let i = 0; i < paths.length; i++) {
    const n = Number(counts[i]);
    if (rows + n > maxRows) break;
    taken.push(paths[i]!);
    rows += n;
  }
  return { paths: taken, rows };
}

/** Parts smaller than this are candidates for merging. */
const SMALL_PART_BYTES = 64 * 1024 * 1024;
/** Files of merged-away parts stay readable this long for queries already running. */
const DELETE_GRACE_MS = 60_000;

const hotTable = (signal: Signal) => ident(`${signal}_hot`);

/**
 * The sources a query builder reads, found by running it once over stand-ins (builders only
 * compose SQL); null when it cannot tell (the builder threw: the real run will throw again).
 * Only those sources are prepared, so that a spans query does not also search the log blocks'
 * index for its trace id.
 */
function sourcesUsedBy(build: (sources: ScopedSources) => SqlFragment): Set<PropertyKey> | null {
  const used = new Set<PropertyKey>();
  const recorder = new Proxy({} as ScopedSources, {
    get(_, name) {
      used.add(name);
      return raw('NULL');
    },
  });
  try {
    build(recorder);
  } catch {
    return null;
  }
  return used;
}

function unprepared(signal: string): () => never {
  return () => {
    throw new Error(`source ${signal} was not prepared for this query`);
  };
}

const MIN_BIGINT = -(2n ** 63n);
const MAX_BIGINT = 2n ** 63n - 1n;
const pathsOf = (parts: readonly Row[]) => parts.map((p) => p.path as string);

/** Whether a catalogued part may hold rows in [from, to) (parts without bounds may). */
function overlaps(part: Row, bounds: { from: bigint; to: bigint }): boolean {
  if (part.min_time === null || part.max_time === null) return true;
  return (
    BigInt(part.max_time as bigint | number) >= bounds.from &&
    BigInt(part.min_time as bigint | number) < bounds.to
  );
}

/** Catalog columns of the per-part indexes and rollups (added to older catalogs at start). */
const PART_INDEX_COLUMNS: readonly (readonly [name: string, type: string])[] = [
  ['blocks', 'INTEGER'],
  ['log_minutes', 'BOOLEAN'],
  ['span_slabs', 'BOOLEAN'],
  // The part's first and last time (its signal's time column), so that a query over a range
  // opens only the parts that overlap it.
  ['min_time', 'BIGINT'],
  ['max_time', 'BIGINT'],
];

/** Memory for decoded block summaries (block-index.ts): a few KiB per block. */
const BLOCK_INDEX_CACHE_BYTES = 64 * 1024 * 1024;

/** A sealed part about to enter the catalog. */
interface NewPart {
  signal: Signal;
  tenant: string;
  day: number;
  path: string;
  rows: number;
  bytes: number;
  /** Block summaries (span and log parts). */
  blockIndex: PartBlocks | null;
  /** Counts per minute, service and severity (log parts). */
  logMinutes: LogMinuteRow[] | null;
  /** RED counts per slab, service and operation (span parts). */
  spanSlabs: SpanSlabRow[] | null;
  /** First and last time in the part (null when empty). */
  minTime: bigint | null;
  maxTime: bigint | null;
}

/**
 * The second wall behind the SQL guard: DuckDB may touch no file outside the data directory and
 * no network, loads no extension, and its configuration cannot be changed afterwards.
 */
async function lockDown(connection: DuckDBConnection, dataDir: string): Promise<void> {
  const allowed = `${dataDir.replace(/\/+$/, '')}/`;
  // Part files never change once written, so their Parquet footers can be cached: for every
  // connection (a plain SET applied to this one only, and each query re-read the footers of all
  // its parts — ~1 ms per file of 40 row groups).
  await connection.run('SET GLOBAL parquet_metadata_cache = true');
  await connection.run(`SET allowed_directories = [${standardStringLiteral(allowed)}]`);
  await connection.run('SET enable_external_access = false');
  await connection.run('SET autoload_known_extensions = false');
  await connection.run('SET autoinstall_known_extensions = false');
  await connection.run('SET lock_configuration = true');
}

/**
 * A bound value with an explicit type. Left to inference, a JS bigint binds as HUGEINT, which
 * makes every comparison with a BIGINT column a cast (and defeats Parquet filter pushdown).
 */
function typeOf(value: SqlValue): DuckDBType {
  if (typeof value === 'bigint') return BIGINT;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BIGINT : DOUBLE;
  if (typeof value === 'string') return VARCHAR;
  if (typeof value === 'boolean') return BOOLEAN;
  if (value === null) return SQLNULL;
  const first = value.find((v) => v !== null);
  return LIST(first === undefined ? VARCHAR : typeOf(first));
}

function toDuckDbValue(value: SqlValue): DuckDBValue {
  if (Array.isArray(value)) return listValue(value.map(toDuckDbValue));
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  return value as DuckDBValue;
}

function bind(params: readonly SqlValue[]): [DuckDBValue[], DuckDBType[]] {
  return [params.map(toDuckDbValue), params.map(typeOf)];
}

/**
 * The embedded telemetry store. Writes land in one "hot" table per signal inside a DuckDB
 * database file (durable at commit through DuckDB's WAL). `maintain` seals hot rows into
 * zstd-compressed Parquet files per tenant and day, registered in a catalog table in the same
 * database, so that queries read hot rows and parts in one snapshot and dropping a day deletes
 * files (DuckDB never shrinks its own file on DELETE). See docs/adr/0002-embedded-storage.md.
 */
export class DuckDbTelemetryStore implements TelemetryStore {
  readonly dialect = duckDbDialect;
  private readonly writeLock = new Mutex();
  private readonly maintenanceLock = new Mutex();
  private seq = 0n;
  private closed = false;
  private readonly blockIndex = new BlockIndex(
    (connection, query) => this.rowArrays(connection, query),
    BLOCK_INDEX_CACHE_BYTES,
  );

  private readonly promCache: PromReadCache;
  private readonly promIo: PromReaderIo;
  /** Days whose parts were found to overlap little, by their part list (reslab). */
  private readonly shallowDays = new Map<string, string>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly maintenance: DuckDBConnection,
    private readonly readers: Pool<DuckDBConnection>,
    private readonly readerConnections: DuckDBConnection[],
    private readonly files: PartFiles,
    private readonly options: DuckDbStoreOptions,
  ) {
    this.promCache = new PromReadCache(options.promCacheBytes ?? DEFAULT_PROM_CACHE_BYTES);
    this.promIo = {
      rows: (connection, query) => this.rows(connection, query),
      numeric: async (connection, query, types) => {
        const { text, params } = render(query, duckDbDialect.renderer);
        return readNumericColumns(await connection.run(text, ...bind(params)), types);
      },
      absolute: (part) => this.files.absolute(part),
      cache: this.promCache,
    };
  }

  static async open(givenOptions: DuckDbStoreOptions): Promise<DuckDbTelemetryStore> {
    const options = { ...givenOptions, dataDir: path.resolve(givenOptions.dataDir) };
    await fs.mkdir(options.dataDir, { recursive: true });
    const instance = await DuckDBInstance.create(path.join(options.dataDir, 'telemetry.duckdb'), {
      memory_limit: options.memoryLimit ?? '512MB',
      // Hot rows live for one seal interval and are then deleted: checkpointing them into the
      // database file (compressing them) on the way is wasted work. Sealing checkpoints after its
      // DELETE, when fully deleted row groups are simply dropped.
      checkpoint_threshold: HOT_CHECKPOINT_THRESHOLD,
      // Give freed memory back to the OS soon: DuckDB's allocator otherwise keeps what a seal's
      // sort used (≈ 120 MiB for 1.6M Prometheus samples) on top of the growing hot table until
      // the next seal, which made the peak RSS of sustained ingest; measured here, RSS after a
      // seal fell from ≈ 277 to ≈ 150 MiB with these two settings.
      allocator_flush_threshold: '16MB',
      allocator_background_threads: 'true',
    });
    const writer = await instance.connect();
    await lockDown(writer, options.dataDir);
    const maintenance = await instance.connect();
    const readerConnections: DuckDBConnection[] = [];
    for (let i = 0; i < (options.readerConnections ?? 4); i++) {
      readerConnections.push(await instance.connect());
    }
    const store = new DuckDbTelemetryStore(
      instance,
      writer,
      maintenance,
      new Pool(readerConnections),
      readerConnections,
      new PartFiles(path.join(options.dataDir, 'parts')),
      options,
    );
    await store.migrate();
    await store.recover();
    return store;
  }

  private async migrate(): Promise<void> {
    for (const signal of SIGNALS) {
      const columns = COLUMNS[signal]
        .map((c) => `${c.name} ${DUCKDB_COLUMN_TYPE[c.type]}`)
        .join(', ');
      await this.writer.run(
        `CREATE TABLE IF NOT EXISTS ${signal}_hot (tenant VARCHAR NOT NULL, ${columns}, _seq BIGINT NOT NULL)`,
      );
    }
    await this.writer.run(`CREATE TABLE IF NOT EXISTS parts (
      path VARCHAR PRIMARY KEY,
      signal VARCHAR NOT NULL,
      tenant VARCHAR NOT NULL,
      day INTEGER NOT NULL,
      row_count BIGINT NOT NULL,
      bytes BIGINT NOT NULL,
      created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
      deleted_at TIMESTAMP,
      ${PART_INDEX_COLUMNS.map(([name, type]) => `${name} ${type}`).join(',\n      ')}
    )`);
    // Catalogs written before these columns existed get them here. Parts without a block count
    // (block-index.ts) are read whole; log and span parts without their rollup flag
    // (log-minutes.ts, span-slabs.ts) are counted from rows. A column is added only when
    // missing and the change is checkpointed at once: replaying ALTER TABLE … ADD COLUMN from the
    // WAL after a crash made DuckDB abort on start.
    const present = await this.rows(
      this.writer,
      sql`SELECT column_name FROM duckdb_columns() WHERE table_name = 'parts' AND schema_name = 'main'`,
    );
    const names = new Set(present.map((r) => r.column_name as string));
    const missing = PART_INDEX_COLUMNS.filter(([name]) => !names.has(name));
    for (const [name, type] of missing) {
      await this.writer.run(`ALTER TABLE parts ADD COLUMN ${name} ${type}`);
    }
    if (missing.length > 0) await this.writer.run('CHECKPOINT');
    await this.writer.run(BLOCK_INDEX_DDL);
    await this.writer.run(LOG_MINUTES_DDL);
    await this.writer.run(SPAN_SLABS_DDL);
  }

  /** Continue the write sequence and remove files a crash left behind. */
  private async recover(): Promise<void> {
    const seqs = SIGNALS.map((s) => `SELECT max(_seq) AS s FROM ${s}_hot`).join(' UNION ALL ');
    const [row] = await this.rows(
      this.writer,
      sql`SELECT coalesce(max(s), 0) AS s FROM (${raw(seqs)})`,
    );
    this.seq = BigInt(row?.s as bigint | number);
    await this.writer.run('DELETE FROM parts WHERE deleted_at IS NOT NULL');
    await this.writer.run('DELETE FROM part_blocks WHERE path NOT IN (SELECT path FROM parts)');
    await this.writer.run('DELETE FROM log_minutes WHERE path NOT IN (SELECT path FROM parts)');
    await this.writer.run('DELETE FROM span_slabs WHERE path NOT IN (SELECT path FROM parts)');
    const live = await this.rows(this.writer, sql`SELECT path FROM parts`);
    const removed = await this.files.removeUnreferenced(new Set(live.map((r) => r.path as string)));
    if (removed > 0) this.options.logger?.warn({ removed }, 'removed unreferenced part files');
  }

  async write(batches: readonly TenantBatch[]): Promise<void> {
    this.assertOpen();
    await this.writeLock.run(async () => {
      const seq = this.seq + 1n;
      await this.writer.run('BEGIN TRANSACTION');
      try {
        for (const signal of SIGNALS) {
          const present = batches.filter((b) => batchLength(b, signal) > 0);
          if (present.length === 0) continue;
          const appender = await this.writer.createAppender(`${signal}_hot`);
          try {
            for (const batch of present) appendSignal(appender, signal, batch, seq);
            appender.flushSync();
          } finally {
            appender.closeSync();
          }
        }
        await this.writer.run('COMMIT');
        this.seq = seq;
      } catch (error) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  async query(
    tenant: TenantId,
    range: TimeRange | null,
    build: (sources: ScopedSources) => SqlFragment,
    options: QueryOptions = {},
  ): Promise<Row[]> {
    return this.inSnapshot(tenant, range, options, sourcesUsedBy(build), (connection, sources) =>
      this.rows(connection, build(sources)),
    );
  }

  async queryNumeric(
    tenant: TenantId,
    range: TimeRange | null,
    build: (sources: ScopedSources) => SqlFragment,
    types: readonly NumericColumnType[],
    options: QueryOptions = {},
  ): Promise<NumericColumns> {
    return this.inSnapshot(
      tenant,
      range,
      options,
      sourcesUsedBy(build),
      async (connection, sources) => {
        const { text, params } = render(build(sources), duckDbDialect.renderer);
        return readNumericColumns(await connection.run(text, ...bind(params)), types);
      },
    );
  }

  async promSeriesIndex(
    tenant: TenantId,
    metricNames: readonly string[] | null,
    startMs: number,
    endMs: number,
    options: QueryOptions = {},
  ): Promise<IndexedSeries[]> {
    // Autocommit: readPromSeriesIndex lists parts and hot rows in one statement (one snapshot).
    return this.onReader(options, false, (connection) =>
      readPromSeriesIndex(this.promIo, connection, tenant, metricNames, startMs, endMs),
    );
  }

  async promSamples(
    tenant: TenantId,
    seriesIds: readonly bigint[],
    startMs: number,
    endMs: number,
    options: QueryOptions = {},
  ): Promise<(SampleArrays | undefined)[]> {
    // Autocommit: readPromSamples reads the hot rows before listing the parts (see there).
    const { samples, fillCache } = await this.onReader(options, false, (connection) =>
      readPromSamples(this.promIo, connection, tenant, seriesIds, startMs, endMs),
    );
    // Chunks for the cache are encoded once this answer has gone on (cold queries do not wait).
    setImmediate(fillCache);
    return samples;
  }

  promCacheStats(): PromReadCacheStats {
    return this.promCache.stats();
  }

  /** Run `read` on a reader connection inside one transaction (catalog and hot rows agree). */
  private async inSnapshot<T>(
    tenant: TenantId,
    range: TimeRange | null,
    options: QueryOptions,
    used: ReadonlySet<PropertyKey> | null,
    read: (connection: DuckDBConnection, sources: ScopedSources) => Promise<T>,
  ): Promise<T> {
    return this.inTransaction(options, async (connection) =>
      read(connection, await this.scopedSources(connection, tenant, range, options.hints, used)),
    );
  }

  /** Run `read` on a reader connection inside one transaction, within the time budget. */
  private async inTransaction<T>(
    options: QueryOptions,
    read: (connection: DuckDBConnection) => Promise<T>,
  ): Promise<T> {
    return this.onReader(options, true, read);
  }

  /**
   * Run `read` on a reader connection with the time budget of `options`, inside one transaction
   * or (`transaction` false) as autocommit statements, each its own snapshot.
   */
  private async onReader<T>(
    options: QueryOptions,
    transaction: boolean,
    read: (connection: DuckDBConnection) => Promise<T>,
  ): Promise<T> {
    this.assertOpen();
    return this.readers.use(async (connection) => {
      let timedOut = false;
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              connection.interrupt();
            }, options.timeoutMs);
      if (transaction) await connection.run('BEGIN TRANSACTION');
      try {
        const result = await read(connection);
        if (transaction) await connection.run('COMMIT');
        return result;
      } catch (error) {
        if (transaction) await connection.run('ROLLBACK').catch(() => undefined);
        if (timedOut) {
          throw new AppError(
            'deadline_exceeded',
            504,
            `query interrupted after its time budget of ${options.timeoutMs} ms`,
            { cause: error, expose: true },
          );
        }
        throw error;
      } finally {
        clearTimeout(timer);
      }
    });
  }

  private async scopedSources(
    connection: DuckDBConnection,
    tenant: TenantId,
    range: TimeRange | null,
    hints: QueryHints = {},
    used: ReadonlySet<PropertyKey> | null = null,
  ): Promise<ScopedSources> {
    const dayFilter = range
      ? sql` AND day BETWEEN ${dayOfNs(range.fromNs)} AND ${dayOfNs(range.toNs - 1n)}`
      : raw('');
    const catalogued = await this.rows(
      connection,
      sql`SELECT signal, path, blocks, log_minutes, span_slabs, min_time, max_time FROM parts WHERE tenant = ${tenant} AND deleted_at IS NULL${dayFilter} ORDER BY path`,
    );
    // Parts whose time bounds lie outside the range hold nothing the query can see.
    const parts = range
      ? catalogued.filter((p) =>
          overlaps(p, timeBoundsOf(p.signal as Signal, range.fromNs, range.toNs)),
        )
      : catalogued;
    const sources = {} as ScopedSources;
    for (const signal of SIGNALS) {
      if (used && !used.has(signal)) {
        Object.defineProperty(sources, signal, { get: unprepared(signal), enumerable: true });
        continue;
      }
      const mine = parts
        .filter((p) => p.signal === signal)
        .map((p) => ({
          path: p.path as string,
          blocks: p.blocks === null ? null : Number(p.blocks),
        }));
      const blocks = await this.blockIndex.candidates(connection, signal, mine, hints);
      sources[signal] = this.scopedSource(signal, tenant, range, blocks);
    }
    if (used && !used.has('logMinutes') && !used.has('spanSlabs')) return sources;
    const logParts = parts.filter((p) => p.signal === 'logs');
    sources.logMinutes = this.logMinutesSource(
      tenant,
      range,
      logParts.filter((p) => p.log_minutes === true),
      logParts.filter((p) => p.log_minutes !== true),
    );
    const spanParts = parts.filter((p) => p.signal === 'spans');
    sources.spanSlabs = this.spanSlabsSource(
      tenant,
      range,
      spanParts.filter((p) => p.span_slabs === true),
      spanParts.filter((p) => p.span_slabs !== true),
    );
    return sources;
  }

  /** Exact span RED counts per service, operation and duration bucket (span-slabs.ts). */
  private spanSlabsSource(
    tenant: TenantId,
    range: TimeRange | null,
    rollupParts: readonly Row[],
    otherParts: readonly Row[],
  ): SqlFragment {
    const columns = sql`start_time_unix_nano, service_name, name, kind, status_code, duration_ns`;
    const rows = this.rollupRowReaders('spans', tenant, columns, rollupParts, otherParts);
    return spanSlabsSource(range, pathsOf(rollupParts), rows.uncovered, rows.covered);
  }

  /** Exact log counts per minute, service and severity (log-minutes.ts). */
  private logMinutesSource(
    tenant: TenantId,
    range: TimeRange | null,
    rollupParts: readonly Row[],
    otherParts: readonly Row[],
  ): SqlFragment {
    const columns = sql`time_unix_nano, service_name, severity_number`;
    const rows = this.rollupRowReaders('logs', tenant, columns, rollupParts, otherParts);
    return logMinutesSource(range, pathsOf(rollupParts), rows.uncovered, rows.covered);
  }

  /**
   * The raw rows a rollup source counts itself, between two times: `uncovered` — hot rows and
   * parts without rollups; `covered` — parts with rollups (for the partial minutes or slabs at
   * the edges of a range), null when there are none. Each reads only the parts (catalog rows)
   * whose time bounds overlap its times.
   */
  private rollupRowReaders(
    signal: 'spans' | 'logs',
    tenant: TenantId,
    columns: SqlFragment,
    rollupParts: readonly Row[],
    otherParts: readonly Row[],
  ) {
    const time = ident(TIME_COLUMN[signal]);
    const where = (from: bigint | null, to: bigint | null) => {
      const conditions = [sql`tenant = ${tenant}`];
      if (from !== null) conditions.push(sql`${time} >= ${from}`);
      if (to !== null) conditions.push(sql`${time} < ${to}`);
      return join(conditions, ' AND ');
    };
    const files = (parts: readonly Row[], from: bigint | null, to: bigint | null) => {
      const bounds = { from: from ?? MIN_BIGINT, to: to ?? MAX_BIGINT };
      return pathsOf(parts.filter((p) => overlaps(p, bounds))).map((p) => this.files.absolute(p));
    };
    return {
      uncovered: (from: bigint | null, to: bigint | null) => {
        const selects = [sql`SELECT ${columns} FROM ${hotTable(signal)} WHERE ${where(from, to)}`];
        const other = files(otherParts, from, to);
        if (other.length > 0) {
          selects.push(sql`SELECT ${columns} FROM read_parquet(${other}) WHERE ${where(from, to)}`);
        }
        return join(selects, ' UNION ALL ');
      },
      covered: (from: bigint | null, to: bigint | null) => {
        const covered = files(rollupParts, from, to);
        return covered.length === 0
          ? null
          : sql`SELECT ${columns} FROM read_parquet(${covered}) WHERE ${where(from, to)}`;
      },
    };
  }

  private scopedSource(
    signal: Signal,
    tenant: TenantId,
    range: TimeRange | null,
    parts: ReadonlyMap<string, readonly number[] | null>,
  ): SqlFragment {
    const columns = join(
      COLUMNS[signal].map((c) => sql`${ident(c.name)}`),
      ', ',
    );
    const time = ident(TIME_COLUMN[signal]);
    const bounds = range ? timeBoundsOf(signal, range.fromNs, range.toNs) : null;
    const where = bounds
      ? sql`tenant = ${tenant} AND ${time} >= ${bounds.from} AND ${time} < ${bounds.to}`
      : sql`tenant = ${tenant}`;
    const selects = [sql`SELECT ${columns} FROM ${hotTable(signal)} WHERE ${where}`];
    const whole: string[] = [];
    for (const [path, blocks] of parts) {
      if (blocks === null) {
        whole.push(this.files.absolute(path));
        continue;
      }
      // Block numbers come from the catalog, not from the query: integers, safe to inline, and
      // literal so that DuckDB skips row groups by their `_block` statistics.
      const list = raw(blocks.map((b) => String(Math.trunc(b))).join(', '));
      selects.push(
        sql`SELECT ${columns} FROM read_parquet(${[this.files.absolute(path)]}) WHERE ${where} AND _block IN (${list})`,
      );
    }
    if (whole.length > 0) {
      selects.push(sql`SELECT ${columns} FROM read_parquet(${whole}) WHERE ${where}`);
    }
    return sql`(${join(selects, ' UNION ALL ')})`;
  }

  async listPartitions(tenant: TenantId): Promise<DayPartition[]> {
    const hotDays = SIGNALS.map(
      (s) =>
        sql`SELECT ${s} AS signal, CAST(${ident(TIME_COLUMN[s])} // ${TIME_UNITS_PER_DAY[s]} AS INTEGER) AS day, count(*) AS row_count, 0 AS bytes FROM ${hotTable(s)} WHERE tenant = ${tenant} GROUP BY ALL`,
    );
    const rows = await this.readers.use((connection) =>
      this.rows(
        connection,
        sql`SELECT signal, day, sum(row_count) AS row_count, sum(bytes) AS bytes FROM (
          SELECT signal, day, row_count, bytes FROM parts WHERE tenant = ${tenant} AND deleted_at IS NULL
          UNION ALL ${join(hotDays, ' UNION ALL ')}
        ) GROUP BY signal, day ORDER BY day DESC, signal`,
      ),
    );
    return rows.map((r) => ({
      signal: r.signal as Signal,
      day: formatDay(Number(r.day)),
      rows: Number(r.row_count),
      bytes: Number(r.bytes),
    }));
  }

  async dropDay(tenant: TenantId, dayText: string): Promise<void> {
    const day = parseDay(dayText);
    await this.maintenanceLock.run(() => this.dropDayUnlocked(tenant, day));
  }

  async maintain(options: MaintainOptions = {}): Promise<MaintenanceReport> {
    this.assertOpen();
    return this.maintenanceLock.run(async () => {
      const report: MaintenanceReport = {
        sealedRows: 0,
        partsWritten: 0,
        partsMerged: 0,
        daysDropped: 0,
      };
      await this.seal(report);
      options.onSealed?.();
      await this.compact(report);
      await this.reslab(report, options.now ?? new Date(), options.settled === true);
      await this.applyRetention(report, options.now ?? new Date());
      await this.removeDeletedParts(options.now ?? new Date());
      return report;
    });
  }

  /** Move every committed hot row into Parquet parts, one per signal, tenant and day. */
  private async seal(report: MaintenanceReport): Promise<void> {
    const upTo = this.seq;
    const written: NewPart[] = [];
    for (const signal of SIGNALS) {
      const dayExpr = sql`CAST(${ident(TIME_COLUMN[signal])} // ${TIME_UNITS_PER_DAY[signal]} AS INTEGER)`;
      const groups = await this.rows(
        this.maintenance,
        sql`SELECT tenant, ${dayExpr} AS day, count(*) AS n FROM ${hotTable(signal)} WHERE _seq <= ${upTo} GROUP BY ALL`,
      );
      for (const group of groups) {
        const tenant = group.tenant as TenantId;
        const day = Number(group.day);
        const file = this.files.newPartPath(signal, tenant, day);
        const distinct = SEAL_DISTINCT[signal] ? raw('DISTINCT ') : raw('');
        const bytes = await this.writeParquet(
          file,
          sql`SELECT ${distinct}tenant, ${columnList(signal)} FROM ${hotTable(signal)} WHERE _seq <= ${upTo} AND tenant = ${tenant} AND ${dayExpr} = ${day}`,
          signal,
        );
        const rows = SEAL_DISTINCT[signal] ? await this.parquetRows(file) : Number(group.n);
        written.push(await this.describePart({ signal, tenant, day, path: file, rows, bytes }));
      }
    }
    if (written.length === 0) return;
    await this.writeLock.run(async () => {
      await this.writer.run('BEGIN TRANSACTION');
      try {
        for (const part of written) await this.catalogPart(part);
        for (const signal of SIGNALS) {
          await this.exec(this.writer, sql`DELETE FROM ${hotTable(signal)} WHERE _seq <= ${upTo}`);
        }
        await this.writer.run('COMMIT');
      } catch (error) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        await this.files.remove(written.map((p) => p.path));
        throw error;
      }
    });
    await this.writer.run('CHECKPOINT');
    report.partsWritten += written.length;
    report.sealedRows += written.reduce((n, p) => n + p.rows, 0);
  }

  /** Merge a day's small parts into one sorted part once enough of them pile up. */
  private async compact(report: MaintenanceReport): Promise<void> {
    const minParts = this.options.compactMinParts ?? 8;
    const maxRows = this.options.mergeMaxRows ?? DEFAULT_MERGE_MAX_ROWS;
    // Candidates: parts small in bytes and in rows (a part already holding more than half of a
    // merge's rows gains little from another merge); a merge takes them in path order while its
    // rows stay within mergeMaxRows.
    const groups = await this.rows(
      this.maintenance,
      sql`SELECT signal, tenant, day, list(path ORDER BY path) AS paths, list(row_count ORDER BY path) AS counts FROM parts
          WHERE deleted_at IS NULL AND bytes < ${SMALL_PART_BYTES} AND row_count <= ${Math.floor(maxRows / 2)}
          GROUP BY signal, tenant, day HAVING count(*) >= ${minParts}`,
    );
    for (const group of groups) {
      const signal = group.signal as Signal;
      const tenant = group.tenant as TenantId;
      const day = Number(group.day);
      const sources = mergeSources(group.paths as string[], group.counts as number[], maxRows);
      if (sources.paths.length < 2) continue;
      const file = this.files.newPartPath(signal, tenant, day);
      const distinct = SEAL_DISTINCT[signal] ? raw('DISTINCT ') : raw('');
      const bytes = await this.writeParquet(
        file,
        sql`SELECT ${distinct}tenant, ${columnList(signal)} FROM read_parquet(${sources.paths.map((p) => this.files.absolute(p))}, union_by_name = true)`,
        signal,
        true,
      );
      const rows = SEAL_DISTINCT[signal] ? await this.parquetRows(file) : sources.rows;
      const part = await this.describePart({ signal, tenant, day, path: file, rows, bytes });
      await this.writeLock.run(async () => {
        await this.writer.run('BEGIN TRANSACTION');
        try {
          await this.catalogPart(part);
          await this.exec(
            this.writer,
            sql`UPDATE parts SET deleted_at = current_timestamp WHERE path IN (SELECT unnest(${sources.paths}))`,
          );
          await this.writer.run('COMMIT');
          // Readers from now on see the merged part; what was cached of its sources is dead.
          this.promCache.forgetParts(sources.paths);
        } catch (error) {
          await this.writer.run('ROLLBACK').catch(() => undefined);
          await this.files.remove([file]);
          throw error;
        }
      });
      report.partsMerged += sources.paths.length;
    }
  }

  /**
   * Rewrite the span and log parts of days whose slabs lie in many parts at once into parts of
   * disjoint slab ranges (reslab.ts), once the day has been quiet for RESLAB_QUIET_MS (at once
   * with `settled`). Every source row lands in exactly one new part; the new parts replace the
   * old ones in one transaction.
   */
  private async reslab(report: MaintenanceReport, now: Date, settled: boolean): Promise<void> {
    const maxRows = this.options.mergeMaxRows ?? DEFAULT_MERGE_MAX_ROWS;
    const cutoff = new Date(now.getTime() - (settled ? 0 : RESLAB_QUIET_MS)).toISOString();
    const days = await this.rows(
      this.maintenance,
      sql`SELECT signal, tenant, day, list(path ORDER BY path) AS paths, sum(row_count) AS rows FROM parts
        WHERE deleted_at IS NULL AND signal IN ('spans', 'logs')
          AND ((signal = 'spans' AND span_slabs) OR (signal = 'logs' AND log_minutes))
        GROUP BY signal, tenant, day
        HAVING count(*) >= ${RESLAB_MIN_DEPTH} AND max(created_at) <= CAST(${cutoff} AS TIMESTAMPTZ)`,
    );
    const candidates = new Set(
      days.map((g) => `${String(g.signal)}/${String(g.tenant)}/${String(g.day)}`),
    );
    for (const key of this.shallowDays.keys()) {
      if (!candidates.has(key)) this.shallowDays.delete(key);
    }
    for (const group of days) {
      const signal = group.signal as Signal;
      if (!isReslabSignal(signal)) continue;
      const paths = group.paths as string[];
      // A day found shallow stays so until its parts change.
      const key = `${signal}/${String(group.tenant)}/${String(group.day)}`;
      const signature = paths.join('\n');
      if (this.shallowDays.get(key) === signature) continue;
      const [depth] = await this.rows(this.maintenance, depthQuery(signal, paths));
      const cells = Number(depth?.cells ?? 0);
      const slabs = Number(depth?.slabs ?? 0);
      if (slabs === 0 || cells < RESLAB_MIN_DEPTH * slabs) {
        this.shallowDays.set(key, signature);
        continue;
      }
      await this.reslabDay(signal, group.tenant as TenantId, Number(group.day), paths, {
        sourceRows: Number(group.rows),
        maxRows,
      });
      report.partsMerged += paths.length;
    }
  }

  private async reslabDay(
    signal: ReslabSignal,
    tenant: TenantId,
    day: number,
    paths: readonly string[],
    { sourceRows, maxRows }: { sourceRows: number; maxRows: number },
  ): Promise<void> {
    const perDay = TIME_UNITS_PER_DAY[signal];
    const slabRows = await this.rows(this.maintenance, slabRowsQuery(signal, paths));
    const ranges = slabRanges(
      slabRows.map((r) => ({ slab: BigInt(r.slab as bigint | number), rows: Number(r.n) })),
      maxRows,
      BigInt(day) * perDay,
      BigInt(day + 1) * perDay,
    );
    const sources = paths.map((p) => this.files.absolute(p));
    const time = ident(TIME_COLUMN[signal]);
    const files: string[] = [];
    const written: NewPart[] = [];
    try {
      for (const range of ranges) {
        const file = this.files.newPartPath(signal, tenant, day);
        files.push(file);
        const bytes = await this.writeParquet(
          file,
          sql`SELECT tenant, ${columnList(signal)} FROM read_parquet(${sources}, union_by_name = true)
            WHERE ${time} >= ${range.fromNs} AND ${time} < ${range.toNs}`,
          signal,
          true,
        );
        const rows = await this.parquetRows(file);
        written.push(
          await this.describePart({
            signal,
            tenant,
            day,
            path: file,
            rows,
            bytes,
          }),
        );
      }
      const rewritten = written.reduce((n, p) => n + p.rows, 0);
      if (rewritten !== sourceRows) {
        throw new Error(
          `re-slab of ${signal} ${formatDay(day)} wrote ${rewritten} of ${sourceRows} rows`,
        );
      }
      await this.writeLock.run(async () => {
        await this.writer.run('BEGIN TRANSACTION');
        try {
          for (const part of written) await this.catalogPart(part);
          await this.exec(
            this.writer,
            sql`UPDATE parts SET deleted_at = current_timestamp WHERE path IN (SELECT unnest(${[...paths]}))`,
          );
          await this.writer.run('COMMIT');
        } catch (error) {
          await this.writer.run('ROLLBACK').catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      await this.files.remove(files);
      throw error;
    }
    this.options.logger?.info(
      {
        signal,
        tenant,
        day: formatDay(day),
        from: paths.length,
        to: written.length,
        rows: sourceRows,
      },
      're-slabbed day',
    );
  }

  private async applyRetention(report: MaintenanceReport, now: Date): Promise<void> {
    const retentionDays = this.options.retentionDays ?? 0;
    if (retentionDays <= 0) return;
    const oldestKept = Math.floor(now.getTime() / 86_400_000) - retentionDays + 1;
    const expired = await this.rows(
      this.maintenance,
      sql`SELECT DISTINCT tenant, day FROM parts WHERE day < ${oldestKept} AND deleted_at IS NULL`,
    );
    for (const { tenant, day } of expired) {
      await this.dropDayUnlocked(tenant as TenantId, Number(day));
      report.daysDropped++;
    }
  }

  /** Delete a tenant's day: catalog rows and hot rows in one transaction, then the files. */
  private async dropDayUnlocked(tenant: TenantId, day: number): Promise<void> {
    const files = await this.writeLock.run(async () => {
      await this.writer.run('BEGIN TRANSACTION');
      try {
        const parts = await this.rows(
          this.writer,
          sql`DELETE FROM parts WHERE tenant = ${tenant} AND day = ${day} RETURNING path`,
        );
        await this.forgetParts(parts.map((p) => p.path as string));
        for (const signal of SIGNALS) {
          const time = ident(TIME_COLUMN[signal]);
          const perDay = TIME_UNITS_PER_DAY[signal];
          await this.exec(
            this.writer,
            sql`DELETE FROM ${hotTable(signal)} WHERE tenant = ${tenant} AND ${time} >= ${BigInt(day) * perDay} AND ${time} < ${BigInt(day + 1) * perDay}`,
          );
        }
        await this.writer.run('COMMIT');
        return parts.map((p) => p.path as string);
      } catch (error) {
        await this.writer.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
    await this.files.remove(files);
    this.options.logger?.info({ tenant, day: formatDay(day), files: files.length }, 'dropped day');
  }

  private async removeDeletedParts(now: Date): Promise<void> {
    const cutoff = new Date(now.getTime() - DELETE_GRACE_MS).toISOString();
    const gone = await this.writeLock.run(async () => {
      const paths = await this.rows(
        this.writer,
        sql`DELETE FROM parts WHERE deleted_at IS NOT NULL AND deleted_at < CAST(${cutoff} AS TIMESTAMPTZ) RETURNING path`,
      );
      await this.forgetParts(paths.map((p) => p.path as string));
      return paths;
    });
    await this.files.remove(gone.map((p) => p.path as string));
  }

  private async writeParquet(
    file: string,
    select: SqlFragment,
    signal: Signal,
    merged = false,
  ): Promise<number> {
    await this.files.prepareDirectory(file);
    const tmp = `${file}.tmp`;
    const tmpAbsolute = this.files.absolute(tmp);
    const order = sealOrder(signal);
    // Span and log parts carry their block numbers; blocks are row groups (block-index.ts).
    const indexed = hasBlocks(signal);
    const sorted = indexed
      ? withBlockNumbers(signal, select, order)
      : sql`${select} ORDER BY ${order}`;
    const rowGroup = BLOCK_ROWS[signal] ?? SEAL_ROW_GROUP_SIZE[signal];
    const extra = (merged ? MERGED_PARQUET_EXTRA[signal] : undefined) ?? PARQUET_EXTRA[signal];
    await this.exec(
      this.maintenance,
      sql`COPY (${sorted}) TO ${raw(standardStringLiteral(tmpAbsolute))} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${raw(String(rowGroup))}${raw(extra)})`,
    );
    return this.files.publish(tmp, file);
  }

  /** Register a sealed part (inside the writer's open transaction). */
  private async catalogPart(part: NewPart): Promise<void> {
    await this.exec(
      this.writer,
      sql`INSERT INTO parts (path, signal, tenant, day, row_count, bytes, blocks, log_minutes, span_slabs, min_time, max_time) VALUES (${part.path}, ${part.signal}, ${part.tenant}, ${part.day}, ${part.rows}, ${part.bytes}, ${part.blockIndex?.blocks ?? null}, ${part.logMinutes !== null}, ${part.spanSlabs !== null}, ${part.minTime}, ${part.maxTime})`,
    );
    if (part.blockIndex) await this.blockIndex.record(this.writer, part.path, part.blockIndex);
    if (part.logMinutes) await recordLogMinutes(this.writer, part.path, part.logMinutes);
    if (part.spanSlabs) await recordSpanSlabs(this.writer, part.path, part.spanSlabs);
  }

  /** Remove what the catalog keeps about parts leaving it (inside the writer's transaction). */
  private async forgetParts(paths: readonly string[]): Promise<void> {
    if (paths.length === 0) return;
    this.promCache.forgetParts(paths);
    await this.blockIndex.forget(this.writer, paths);
    await this.exec(
      this.writer,
      sql`DELETE FROM log_minutes WHERE path IN (SELECT unnest(${[...paths]}))`,
    );
    await this.exec(
      this.writer,
      sql`DELETE FROM span_slabs WHERE path IN (SELECT unnest(${[...paths]}))`,
    );
  }

  /** A just-written part file with its block index, rollups and time bounds. */
  private async describePart(
    part: Pick<NewPart, 'signal' | 'tenant' | 'day' | 'path' | 'rows' | 'bytes'>,
  ): Promise<NewPart> {
    const { signal, path: file } = part;
    const absolute = this.files.absolute(file);
    const time = ident(TIME_COLUMN[signal]);
    const [bounds] = await this.rows(
      this.maintenance,
      sql`SELECT min(${time}) AS lo, max(${time}) AS hi FROM read_parquet(${absolute})`,
    );
    const asBigInt = (v: unknown) =>
      typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(v) : null;
    return {
      ...part,
      blockIndex: await this.blockIndex.build(this.maintenance, absolute, signal, part.rows),
      logMinutes: await this.buildLogMinutes(signal, file),
      spanSlabs: await this.buildSpanSlabs(signal, file),
      minTime: asBigInt(bounds?.lo),
      maxTime: asBigInt(bounds?.hi),
    };
  }

  private async buildSpanSlabs(signal: Signal, file: string): Promise<SpanSlabRow[] | null> {
    if (signal !== 'spans') return null;
    return buildSpanSlabs(
      (connection, query) => this.rowArrays(connection, query),
      this.maintenance,
      this.files.absolute(file),
    );
  }

  private async buildLogMinutes(signal: Signal, file: string): Promise<LogMinuteRow[] | null> {
    if (signal !== 'logs') return null;
    return buildLogMinutes(
      (connection, query) => this.rowArrays(connection, query),
      this.maintenance,
      this.files.absolute(file),
    );
  }

  private async parquetRows(file: string): Promise<number> {
    const [row] = await this.rows(
      this.maintenance,
      sql`SELECT count(*) AS n FROM read_parquet(${this.files.absolute(file)})`,
    );
    return Number(row?.n);
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await this.readers.use((connection) => connection.run('SELECT 1'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.maintenanceLock.run(() => this.writeLock.run(() => this.writer.run('CHECKPOINT')));
    for (const connection of [this.writer, this.maintenance, ...this.readerConnections]) {
      connection.closeSync();
    }
    this.instance.closeSync();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('telemetry store is closed');
  }

  private async exec(connection: DuckDBConnection, fragment: SqlFragment): Promise<void> {
    const { text, params } = render(fragment, duckDbDialect.renderer);
    await connection.run(text, ...bind(params));
  }

  private async rowArrays(
    connection: DuckDBConnection,
    fragment: SqlFragment,
  ): Promise<unknown[][]> {
    const { text, params } = render(fragment, duckDbDialect.renderer);
    const reader = await connection.runAndReadAll(text, ...bind(params));
    return reader.getRows();
  }

  private async rows(connection: DuckDBConnection, fragment: SqlFragment): Promise<Row[]> {
    const { text, params } = render(fragment, duckDbDialect.renderer);
    const reader = await connection.runAndReadAll(text, ...bind(params));
    return reader.getRowObjectsJS();
  }
}
