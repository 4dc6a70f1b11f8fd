import type { DuckDBConnection } from '@duckdb/node-api';
import type { Signal } from '../schema.js';
import { raw, sql, type SqlFragment } from '../sql.js';
import type { QueryHints } from '../telemetry-store.js';
import { mayContain, requiredTrigrams, trigramBitmap } from './text-blocks.js';
import { bloomMayHold, traceBloom } from './trace-blooms.js';
import { keysMayHold, traceKeys } from './trace-keys.js';

/**
 * A skip index over sealed span and log parts.
 *
 * A sealed part of these signals is cut into blocks of `BLOCK_ROWS` consecutive rows, numbered in
 * its `_block` column; blocks are also the Parquet row groups, so a filter `_block IN (…)` makes
 * DuckDB skip every other row group by its statistics. For each block the catalog table
 * `part_blocks` holds small summaries, one per kind:
 *
 * - `text` (logs): which alphanumeric trigrams the bodies contain (text-blocks.ts);
 * - `trace-keys` (spans): the sorted 32-bit keys of the trace ids (trace-keys.ts);
 * - `trace` (logs, and spans sealed before `trace-keys` existed): a Bloom filter of the trace
 *   ids (trace-blooms.ts).
 *
 * A query states what its rows must satisfy (`QueryHints`); a block is read only if the
 * summaries of every relevant kind allow it. A block without a summary of a kind has nothing of
 * that kind (no body text, no trace id), so it cannot satisfy a hint of that kind. Parts written
 * before the index existed have no block count in the catalog and are read whole.
 */

/**
 * Rows per block (and Parquet row group) per signal. Smaller blocks skip more precisely; larger
 * ones scan faster (every row group costs DuckDB a little). Since the rollups (ADR 10) answer the
 * day-long aggregates, the lookups decide: a rare word or a trace is read as whole blocks, and
 * reading a block's log bodies costs about as much as everything else a lookup does (ADR 12).
 * Parts written with other block sizes (16k spans, 32k logs before ADR 12) stay readable: a
 * part's block count is in the catalog and its block numbers in its `_block` column.
 */
export const BLOCK_ROWS: Partial<Record<Signal, number>> = { spans: 8_192, logs: 8_192 };

export type BlockKind = 'text' | 'trace' | 'trace-keys';

/** The signals whose sealed parts are cut into indexed blocks. */
export function hasBlocks(signal: Signal): boolean {
  return BLOCK_ROWS[signal] !== undefined;
}

function blockRows(signal: Signal): number {
  const rows = BLOCK_ROWS[signal];
  if (rows === undefined) throw new Error(`${signal} parts have no blocks`);
  return rows;
}

/** A part's index as built when it is sealed. */
export interface PartBlocks {
  /** Number of blocks (0 … blocks − 1). */
  blocks: number;
  entries: { block: number; kind: BlockKind; bits: Uint8Array }[];
}

/** A readable part: its path and block count (null: written before the index, read whole). */
export interface IndexedPart {
  path: string;
  blocks: number | null;
}

/** A block's summaries by kind (undefined: the block has none of that kind). */
type BlockSummary = (kind: BlockKind) => Uint8Array | undefined;

interface BlockFilter {
  accepts(summary: BlockSummary): boolean;
}

type Summaries = Map<BlockKind, Map<number, Uint8Array>>;

/** Runs a statement and returns its rows as arrays (supplied by the store: rendering, binding). */
export type RowReader = (connection: DuckDBConnection, query: SqlFragment) => Promise<unknown[][]>;

export const BLOCK_INDEX_DDL = `CREATE TABLE IF NOT EXISTS part_blocks (
  path VARCHAR NOT NULL,
  block INTEGER NOT NULL,
  kind VARCHAR NOT NULL,
  bits BLOB NOT NULL
)`;

/** `SELECT … , _block` over a part's rows in seal order, for `COPY … TO parquet`. */
export function withBlockNumbers(
  signal: Signal,
  select: SqlFragment,
  order: SqlFragment,
): SqlFragment {
  // One sort: rows are numbered as they stream out of it (`row_number() OVER ()` is a streaming
  // window that keeps its input's order). Numbering inside an ordered window and sorting again
  // held two full copies of the part in memory, which spiked RSS on every seal.
  return sql`SELECT *, (row_number() OVER () - 1) // ${raw(String(blockRows(signal)))} AS _block
    FROM (${select} ORDER BY ${order})`;
}

function filtersFor(signal: Signal, hints: QueryHints): BlockFilter[] {
  const filters: BlockFilter[] = [];
  if (signal === 'logs' && hints.logBodyContains) {
    const trigrams = requiredTrigrams(hints.logBodyContains);
    if (trigrams.length > 0) {
      filters.push({
        accepts: (summary) => {
          const bits = summary('text');
          return bits !== undefined && mayContain(bits, trigrams);
        },
      });
    }
  }
  const ids = hints.traceIds;
  if (hasBlocks(signal) && ids && ids.length > 0) {
    filters.push({
      accepts: (summary) => {
        // Exact keys where the part has them, the Bloom filter of older parts (and of logs).
        const keys = summary('trace-keys');
        if (keys !== undefined) return ids.some((id) => keysMayHold(keys, id));
        const bloom = summary('trace');
        return bloom !== undefined && ids.some((id) => bloomMayHold(bloom, id));
      },
    });
  }
  return filters;
}

function summariesSize(summaries: Summaries): number {
  let bytes = 0;
  for (const blocks of summaries.values()) for (const bits of blocks.values()) bytes += bits.length;
  return bytes;
}

export class BlockIndex {
  /** Decoded summaries per part path, least recently used first; parts never change. */
  private readonly cache = new Map<string, Summaries>();
  private cachedBytes = 0;

  constructor(
    private readonly rows: RowReader,
    private readonly cacheBytes: number,
  ) {}

  /** Summarise every block of a just-written part file (absolute path). */
  async build(
    connection: DuckDBConnection,
    file: string,
    signal: Signal,
    rowCount: number,
  ): Promise<PartBlocks | null> {
    if (!hasBlocks(signal)) return null;
    const entries: PartBlocks['entries'] = [];
    // One string per block crosses into JavaScript: its distinct trace ids, space-separated.
    const traces = await this.rows(
      connection,
      sql`SELECT _block, string_agg(DISTINCT trace_id, ' ') FROM read_parquet(${file})
        WHERE trace_id <> '' GROUP BY _block`,
    );
    for (const [block, ids] of traces) {
      const list = String(ids).split(' ');
      entries.push(
        signal === 'spans'
          ? { block: Number(block), kind: 'trace-keys', bits: traceKeys(list) }
          : { block: Number(block), kind: 'trace', bits: traceBloom(list) },
      );
    }
    if (signal === 'logs') {
      // Distinct alphanumeric runs of the lower-cased bodies, space-separated.
      const runs = await this.rows(
        connection,
        sql`SELECT _block, string_agg(DISTINCT run, ' ') FROM (
            SELECT _block, unnest(regexp_split_to_array(lower(body), '[^a-z0-9]+')) AS run
            FROM read_parquet(${file})
          ) WHERE length(run) >= 3 GROUP BY _block`,
      );
      for (const [block, text] of runs) {
        entries.push({ block: Number(block), kind: 'text', bits: trigramBitmap([String(text)]) });
      }
    }
    return { blocks: Math.ceil(rowCount / blockRows(signal)), entries };
  }

  /** Store a part's summaries (inside the caller's open transaction on `writer`). */
  async record(writer: DuckDBConnection, path: string, index: PartBlocks): Promise<void> {
    if (index.entries.length === 0) return;
    const appender = await writer.createAppender('part_blocks');
    try {
      for (const { block, kind, bits } of index.entries) {
        appender.appendVarchar(path);
        appender.appendInteger(block);
        appender.appendVarchar(kind);
        appender.appendBlob(bits);
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  /** Remove the summaries of parts leaving the catalog (inside the caller's transaction). */
  async forget(writer: DuckDBConnection, paths: readonly string[]): Promise<void> {
    if (paths.length === 0) return;
    await this.rows(writer, sql`DELETE FROM part_blocks WHERE path IN (SELECT unnest(${paths}))`);
  }

  /**
   * Per part, the blocks that may hold rows satisfying the hints: null to read the part whole
   * (no usable hint, no index, or every block qualifies); parts with no such block are left out.
   */
  async candidates(
    connection: DuckDBConnection,
    signal: Signal,
    parts: readonly IndexedPart[],
    hints: QueryHints,
  ): Promise<Map<string, number[] | null>> {
    const result = new Map<string, number[] | null>();
    const filters = filtersFor(signal, hints);
    const indexed = parts.filter((p) => p.blocks !== null);
    if (filters.length === 0 || indexed.length === 0) {
      for (const part of parts) result.set(part.path, null);
      return result;
    }
    const summaries = await this.load(
      connection,
      indexed.map((p) => p.path),
    );
    for (const part of parts) {
      const known = summaries.get(part.path);
      if (part.blocks === null || !known) {
        result.set(part.path, null);
        continue;
      }
      const wanted: number[] = [];
      for (let block = 0; block < part.blocks; block++) {
        const summary: BlockSummary = (kind) => known.get(kind)?.get(block);
        const ok = filters.every((f) => f.accepts(summary));
        if (ok) wanted.push(block);
      }
      if (wanted.length === part.blocks) result.set(part.path, null);
      else if (wanted.length > 0) result.set(part.path, wanted);
    }
    return result;
  }

  private async load(
    connection: DuckDBConnection,
    paths: readonly string[],
  ): Promise<Map<string, Summaries>> {
    const found = new Map<string, Summaries>();
    for (const path of paths) {
      const cached = this.cache.get(path);
      if (cached) {
        this.cache.delete(path);
        this.cache.set(path, cached);
        found.set(path, cached);
      }
    }
    const missing = paths.filter((p) => !found.has(p));
    if (missing.length === 0) return found;
    for (const path of missing) found.set(path, new Map());
    const rows = await this.rows(
      connection,
      sql`SELECT path, block, kind, bits FROM part_blocks WHERE path IN (SELECT unnest(${missing}))`,
    );
    for (const [path, block, kind, bits] of rows) {
      const summaries = found.get(path as string)!;
      const byKind = summaries.get(kind as BlockKind) ?? new Map<number, Uint8Array>();
      summaries.set(kind as BlockKind, byKind);
      byKind.set(Number(block), (bits as { bytes: Uint8Array }).bytes);
    }
    for (const path of missing) this.remember(path, found.get(path)!);
    return found;
  }

  private remember(path: string, summaries: Summaries): void {
    const size = summariesSize(summaries);
    if (size > this.cacheBytes) return;
    this.cache.set(path, summaries);
    this.cachedBytes += size;
    for (const [oldest, old] of this.cache) {
      if (this.cachedBytes <= this.cacheBytes) break;
      this.cache.delete(oldest);
      this.cachedBytes -= summariesSize(old);
    }
  }
}
