/**
 * The DuckDB store's Prometheus read path (docs/adr/0013-prometheus-read-cache.md): sealed parts
 * are read through PromReadCache — per part and 2 h bucket, compressed per-series chunks; per
 * index part, parsed label sets by metric name — and only what the cache lacks is read from
 * Parquet (whole buckets of the asked-for series, cached for the next query). Hot rows are read
 * from DuckDB every time.
 *
 * Both reads run as autocommit statements, not in a transaction (two round trips fewer each).
 * The series index lists its parts and hot rows in one statement (one snapshot). Samples read
 * the hot rows first and list the parts after: a seal committing in between moves rows that were
 * read hot into a part that is listed too — the repeated instants are merged as hot rows and
 * parts always are — and nothing can go missing, since a row leaves the hot table only in the
 * commit that adds its part. Parts are immutable, so results equal reading the store directly.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TenantId } from '../../tenant.js';
import { parseLabelsText } from '../../metrics/series-id.js';
import { SEAL_TIME_BUCKET } from '../schema.js';
import { join, raw, sql, type SqlFragment } from '../sql.js';
import type { NumericColumnType, NumericColumns, Row } from '../telemetry-store.js';
import {
  dedupeTimestamps,
  groupSamples,
  lowerBound,
  restoreStaleMarkers,
  sortByTime,
  type SampleArrays,
} from '../prom-read/group-samples.js';
import type {
  IndexedSeries,
  PartSeriesIndex,
  PromReadCache,
} from '../prom-read/prom-read-cache.js';
import {
  chunkFirstTimestamp,
  chunkLength,
  decodeChunk,
  encodeChunk,
} from '../prom-read/sample-chunk.js';
import { duckDbDialect } from './duckdb-dialect.js';

const DAY_MS = 86_400_000;
const BUCKET_MS = Number(SEAL_TIME_BUCKET.prom_samples ?? 7_200_000n);
const BUCKETS_PER_DAY = DAY_MS / BUCKET_MS;

export interface PromReaderIo {
  rows(connection: DuckDBConnection, query: SqlFragment): Promise<Row[]>;
  numeric(
    connection: DuckDBConnection,
    query: SqlFragment,
    types: readonly NumericColumnType[],
  ): Promise<NumericColumns>;
  /** The file of a part (catalog paths are relative). */
  absolute(part: string): string;
  readonly cache: PromReadCache;
}

/**
 * A run of one series' samples (ascending, one per instant): a cached chunk, or arrays just
 * read. `first` is its first timestamp; hot rows sort last whatever their time (`first` ∞).
 */
type Segment =
  | { readonly first: number; readonly chunk: Uint8Array }
  | { readonly first: number; readonly ts: Float64Array; readonly vs: Float64Array };

const int64 = (v: number) => duckDbDialect.int64(v);

function idList(ids: readonly bigint[]): SqlFragment {
  return join(
    ids.map((id) => sql`${id}`),
    ', ',
  );
}

function idRange(ids: readonly bigint[]): [bigint, bigint] {
  let min = ids[0]!;
  let max = min;
  for (const id of ids) {
    if (id < min) min = id;
    if (id > max) max = id;
  }
  return [min, max];
}

/** One source of sample rows for `readSources`: a part's file or the hot table. */
interface RowSource {
  readonly from: SqlFragment;
  readonly ids: readonly bigint[];
  readonly fromMs: number;
  readonly toMsExclusive: number;
  /**
   * Filter by `series_id IN (ids)` in SQL; otherwise only by the ids' range, and rows of other
   * series are skipped while grouping (groupSamples). Binding and planning a long IN list costs
   * more than the few extra rows of a small table (the hot table), so long lists are left out there.
   */
  readonly inList: boolean;
}

/**
 * Above this many series the hot read filters by id range only (see RowSource.inList) when all
 * ids share their top 12 bits, the metric-name bits of ADR 4: the range then holds that metric's
 * series (and rarely another name's with the same bits), nothing from all over the table.
 */
const HOT_IN_LIST_MAX = 32;

function hotInList(ids: readonly bigint[]): boolean {
  if (ids.length <= HOT_IN_LIST_MAX) return true;
  const [min, max] = idRange(ids);
  return min >> 52n !== max >> 52n;
}

/**
 * The (series id, time, value) rows of each source's ids in its time range, in one query (so
 * DuckDB scans the files in parallel), grouped per source and series: result[k][j] holds
 * sources[k].ids[j]'s samples.
 */
async function readSources(
  io: PromReaderIo,
  connection: DuckDBConnection,
  tenant: TenantId,
  sources: readonly RowSource[],
): Promise<(SampleArrays | undefined)[][]> {
  if (sources.length === 0) return [];
  const selects = sources.map((source, k) => {
    const [min, max] = idRange(source.ids);
    const inList = source.inList ? sql` AND series_id IN (${idList(source.ids)})` : raw('');
    return sql`SELECT CAST(${k} AS DOUBLE) AS source, series_id, CAST(time_ms AS DOUBLE) AS t, value FROM ${source.from} WHERE tenant = ${tenant} AND time_ms >= ${int64(source.fromMs)} AND time_ms < ${int64(source.toMsExclusive)} AND series_id BETWEEN ${min} AND ${max}${inList}`;
  });
  const { length, columns } = await io.numeric(connection, join(selects, ' UNION ALL '), [
    'float64',
    'int64',
    'float64',
    'float64',
  ]);
  const source = columns[0] as Float64Array;
  const seriesIds = columns[1] as BigInt64Array;
  const times = columns[2] as Float64Array;
  const values = columns[3] as Float64Array;
  // Exact marker bits from here on: in the answer and in the chunks cached from it.
  restoreStaleMarkers(values);
  if (sources.length === 1) {
    return [groupSamples(sources[0]!.ids, length, seriesIds, times, values)];
  }
  // Split the rows by source (they come interleaved by scan thread), keeping their order.
  const counts = new Int32Array(sources.length);
  for (let r = 0; r < length; r++) counts[source[r]!]!++;
  const split = sources.map((_, k) => ({
    n: 0,
    ids: new BigInt64Array(counts[k]),
    times: new Float64Array(counts[k]!),
    words: new Uint32Array(2 * counts[k]!),
  }));
  const valueWords = new Uint32Array(values.buffer, values.byteOffset, 2 * length);
  for (let r = 0; r < length; r++) {
    const part = split[source[r]!]!;
    const at = part.n++;
    part.ids[at] = seriesIds[r]!;
    part.times[at] = times[r]!;
    part.words[2 * at] = valueWords[2 * r]!;
    part.words[2 * at + 1] = valueWords[2 * r + 1]!;
  }
  return sources.map((s, k) => {
    const part = split[k]!;
    return groupSamples(
      s.ids,
      part.n,
      part.ids,
      part.times,
      new Float64Array(part.words.buffer, 0, part.n),
    );
  });
}

/**
 * The samples of `ids` (by position) in [startMs, endMs], undefined for a series with none, and
 * `fillCache`, which encodes what was read from Parquet into the cache: the caller runs it once
 * the answer is on its way (the arrays it encodes are not changed meanwhile).
 */
export async function readPromSamples(
  io: PromReaderIo,
  connection: DuckDBConnection,
  tenant: TenantId,
  ids: readonly bigint[],
  startMs: number,
  endMs: number,
): Promise<{ samples: (SampleArrays | undefined)[]; fillCache: () => void }> {
  if (ids.length === 0 || endMs < startMs) {
    return { samples: ids.map(() => undefined), fillCache: () => undefined };
  }
  // The hot rows first, then the catalog (see the file's comment).
  const [hot] = await readSources(io, connection, tenant, [
    {
      from: sql`prom_samples_hot`,
      ids,
      fromMs: startMs,
      toMsExclusive: endMs + 1,
      inList: hotInList(ids),
    },
  ]);
  const parts = await io.rows(
    connection,
    sql`SELECT path, day FROM parts WHERE tenant = ${tenant} AND signal = 'prom_samples' AND deleted_at IS NULL AND day BETWEEN ${Math.floor(startMs / DAY_MS)} AND ${Math.floor(endMs / DAY_MS)} ORDER BY path`,
  );
  const firstBucket = Math.floor(startMs / BUCKET_MS);
  const lastBucket = Math.floor(endMs / BUCKET_MS);
  const segments: Segment[][] = ids.map(() => []);
  const misses: {
    path: string;
    missing: number[];
    fromBucket: number;
    toBucket: number;
  }[] = [];
  for (const part of parts) {
    const path = part.path as string;
    const day = Number(part.day);
    const b0 = Math.max(firstBucket, day * BUCKETS_PER_DAY);
    const b1 = Math.min(lastBucket, (day + 1) * BUCKETS_PER_DAY - 1);
    if (b1 < b0) continue;
    const cached = [];
    for (let b = b0; b <= b1; b++) {
      cached.push(io.cache.chunks(path, b, ids, Math.max(startMs, b * BUCKET_MS)));
    }
    // Series with a bucket not cached are read for every bucket between the first and the last
    // missing one (one Parquet read per part); the rest come from their chunks.
    const missing: number[] = [];
    let missFrom = Infinity;
    let missTo = -Infinity;
    for (let i = 0; i < ids.length; i++) {
      let first = -1;
      let last = -1;
      for (let k = 0; k < cached.length; k++) {
        if (cached[k]![i] !== undefined) continue;
        if (first < 0) first = k;
        last = k;
      }
      if (first >= 0) {
        missing.push(i);
        missFrom = Math.min(missFrom, b0 + first);
        missTo = Math.max(missTo, b0 + last);
      }
    }
    const missingSet = new Set(missing);
    for (let i = 0; i < ids.length; i++) {
      for (let k = 0; k < cached.length; k++) {
        const b = b0 + k;
        if (missingSet.has(i) && b >= missFrom && b <= missTo) continue;
        const chunk = cached[k]![i];
        if (chunk) segments[i]!.push({ first: chunkFirstTimestamp(chunk), chunk });
      }
    }
    if (missing.length > 0) misses.push({ path, missing, fromBucket: missFrom, toBucket: missTo });
  }

  // One read: the missing buckets of every part.
  const sources: RowSource[] = misses.map((m) => ({
    from: sql`read_parquet(${[io.absolute(m.path)]})`,
    ids: m.missing.map((i) => ids[i]!),
    // The first bucket from the window's start only: a window moving forward (a dashboard's
    // refresh) still finds it cached; one reaching further back reads it again.
    fromMs: Math.max(startMs, m.fromBucket * BUCKET_MS),
    toMsExclusive: (m.toBucket + 1) * BUCKET_MS,
    inList: true,
  }));
  const read = await readSources(io, connection, tenant, sources);
  const fills: Fill[] = [];
  misses.forEach((m, k) => {
    const samples = read[k]!;
    m.missing.forEach((i, j) => {
      const s = samples[j];
      if (s) segments[i]!.push({ first: s.timestamps[0]!, ts: s.timestamps, vs: s.values });
    });
    if (io.cache.maxBytes > 0) {
      fills.push({
        path: m.path,
        fromBucket: m.fromBucket,
        fromMs: sources[k]!.fromMs,
        toBucket: m.toBucket,
        ids: sources[k]!.ids,
        read: samples,
      });
    }
  });
  const samples = ids.map((_, i) => {
    const hotSamples = hot![i];
    const own = segments[i]!;
    if (hotSamples) {
      own.push({ first: Infinity, ts: hotSamples.timestamps, vs: hotSamples.values });
    }
    return assemble(own, startMs, endMs);
  });
  return {
    samples,
    fillCache: () => {
      fillCache(io.cache, fills);
    },
  };
}

/** Samples just read from a part for whole buckets, to be cached as chunks. */
interface Fill {
  readonly path: string;
  readonly fromBucket: number;
  /** What was read of the first bucket starts here (Unix ms). */
  readonly fromMs: number;
  readonly toBucket: number;
  readonly ids: readonly bigint[];
  /** By position in `ids`. */
  readonly read: readonly (SampleArrays | undefined)[];
}

function fillCache(cache: PromReadCache, fills: readonly Fill[]): void {
  for (const { path, fromBucket, fromMs, toBucket, ids, read } of fills) {
    for (let b = fromBucket; b <= toBucket; b++) {
      const chunks = new Map<bigint, Uint8Array | null>();
      for (let k = 0; k < ids.length; k++) {
        const samples = read[k];
        let from = 0;
        let to = 0;
        if (samples) {
          from = lowerBound(samples.timestamps, b * BUCKET_MS);
          to = lowerBound(samples.timestamps, (b + 1) * BUCKET_MS);
        }
        chunks.set(
          ids[k]!,
          to > from ? encodeChunk(samples!.timestamps, samples!.values, from, to) : null,
        );
      }
      cache.putChunks(path, b, chunks, fromMs > b * BUCKET_MS ? fromMs : undefined);
    }
  }
}

/**
 * One series' segments as one time-ordered array without repeated instants, trimmed to
 * [startMs, endMs]. Sealed segments are put in time order, hot rows last; when they overlap they
 * are merged and a later segment's sample wins a tie (so hot rows win over parts).
 */
function assemble(segments: Segment[], startMs: number, endMs: number): SampleArrays | undefined {
  if (segments.length === 0) return undefined;
  // Stable: segments starting at the same instant keep their catalog order.
  segments.sort((a, b) => (a.first === b.first ? 0 : a.first < b.first ? -1 : 1));
  let n = 0;
  for (const s of segments) n += 'chunk' in s ? chunkLength(s.chunk) : s.ts.length;
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  const words = new Uint32Array(values.buffer);
  let at = 0;
  // Each segment is ascending without repeats: only the seams need checking.
  let ordered = true;
  let repeated = false;
  for (const s of segments) {
    const from = at;
    if ('chunk' in s) {
      at += decodeChunk(s.chunk, timestamps, values, words, at);
    } else {
      timestamps.set(s.ts, at);
      words.set(new Uint32Array(s.vs.buffer, s.vs.byteOffset, s.vs.length * 2), 2 * at);
      at += s.ts.length;
    }
    if (from > 0 && at > from) {
      const d = timestamps[from]! - timestamps[from - 1]!;
      if (d < 0) ordered = false;
      else if (d === 0) repeated = true;
    }
  }
  let samples: SampleArrays = { timestamps, values };
  if (!ordered) samples = dedupeTimestamps(sortByTime(samples));
  else if (repeated) samples = dedupeTimestamps(samples);
  const lo = lowerBound(samples.timestamps, startMs);
  const hi = lowerBound(samples.timestamps, endMs + 1);
  if (hi <= lo) return undefined;
  if (lo === 0 && hi === samples.timestamps.length) return samples;
  return {
    timestamps: samples.timestamps.subarray(lo, hi),
    values: samples.values.subarray(lo, hi),
  };
}

/**
 * The index rows (series id, label set) of the named metrics (every metric for null) on the UTC
 * days [startMs, endMs] touches, deduplicated by id.
 */
export async function readPromSeriesIndex(
  io: PromReaderIo,
  connection: DuckDBConnection,
  tenant: TenantId,
  metricNames: readonly string[] | null,
  startMs: number,
  endMs: number,
): Promise<IndexedSeries[]> {
  const firstDay = Math.floor(startMs / DAY_MS);
  const lastDay = Math.floor(endMs / DAY_MS);
  if (lastDay < firstDay) return [];
  const nameFilter =
    metricNames === null
      ? raw('')
      : sql` AND metric_name IN (${join(
          metricNames.map((n) => sql`${n}`),
          ', ',
        )})`;
  // The index parts (rows with a path) and the hot index rows in one statement: one snapshot.
  const listed = await io.rows(
    connection,
    sql`(SELECT path, NULL::BIGINT AS series_id, NULL::VARCHAR AS metric_name, NULL::VARCHAR AS labels FROM parts WHERE tenant = ${tenant} AND signal = 'prom_series' AND deleted_at IS NULL AND day BETWEEN ${firstDay} AND ${lastDay}) UNION ALL (SELECT DISTINCT NULL::VARCHAR AS path, series_id, metric_name, labels FROM prom_series_hot WHERE tenant = ${tenant} AND day_ms >= ${int64(firstDay * DAY_MS)} AND day_ms <= ${int64(lastDay * DAY_MS)}${nameFilter})`,
  );
  const parts = listed
    .filter((r) => r.path !== null)
    .sort((a, b) => ((a.path as string) < (b.path as string) ? -1 : 1));
  const hotRows = listed.filter((r) => r.path === null);
  // Index parts: read whole for a selector without a metric name, else one name at a time (a
  // cold query parses only the label sets of the metrics it names).
  const indexes: PartSeriesIndex[] = [];
  for (const part of parts) {
    const path = part.path as string;
    const whole = io.cache.index(path);
    if (whole !== undefined) {
      indexes.push(whole);
      continue;
    }
    if (metricNames === null) {
      const rows = await io.rows(
        connection,
        sql`SELECT series_id, metric_name, labels FROM read_parquet(${[io.absolute(path)]}) WHERE tenant = ${tenant}`,
      );
      const index = indexOf(rows);
      io.cache.putIndex(path, index);
      indexes.push(index);
      continue;
    }
    const missing: string[] = [];
    for (const name of metricNames) {
      const cached = io.cache.index(path, name);
      if (cached === undefined) missing.push(name);
      else indexes.push(cached);
    }
    if (missing.length === 0) continue;
    const rows = await io.rows(
      connection,
      sql`SELECT series_id, metric_name, labels FROM read_parquet(${[io.absolute(path)]}) WHERE tenant = ${tenant} AND metric_name IN (${join(
        missing.map((n) => sql`${n}`),
        ', ',
      )})`,
    );
    const index = indexOf(rows);
    for (const name of missing) {
      io.cache.putIndex(path, new Map([[name, index.get(name) ?? []]]), name);
    }
    indexes.push(index);
  }
  indexes.push(indexOf(hotRows));
  const seen = new Set<bigint>();
  const result: IndexedSeries[] = [];
  const take = (list: readonly IndexedSeries[] | undefined) => {
    for (const s of list ?? []) {
      if (seen.has(s.id)) continue;
      seen.add(s.id);
      result.push(s);
    }
  };
  for (const index of indexes) {
    if (metricNames === null) for (const list of index.values()) take(list);
    else for (const name of metricNames) take(index.get(name));
  }
  return result;
}

function indexOf(rows: readonly Row[]): Map<string, IndexedSeries[]> {
  const byName = new Map<string, IndexedSeries[]>();
  const seen = new Set<bigint>();
  for (const row of rows) {
    const id = BigInt(row.series_id as bigint | number);
    if (seen.has(id)) continue;
    seen.add(id);
    const name = row.metric_name as string;
    let list = byName.get(name);
    if (!list) byName.set(name, (list = []));
    list.push({ id, labels: parseLabelsText(row.labels as string) });
  }
  return byName;
}
