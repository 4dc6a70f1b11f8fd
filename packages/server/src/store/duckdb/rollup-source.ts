import { ident, join, raw, sql, type SqlFragment } from '../sql.js';

/**
 * What a rollup source (log-minutes.ts, span-slabs.ts) is made of: the rollup table's rows of
 * `rollupParts` for the whole buckets inside the range, plus rows counted directly — hot rows and
 * parts without a rollup (`rawRows`) everywhere, and the rollup parts' own rows (`rollupRows`)
 * in the partial buckets at both ends. Counts are then exact for any range.
 */
export function rollupSource(options: {
  range: { fromNs: bigint; toNs: bigint } | null;
  rollupParts: readonly string[];
  /** The rollup table, its bucket column (start of the bucket, ns) and the bucket length. */
  table: string;
  bucketColumn: string;
  bucketNs: bigint;
  /** The rollup table's columns, as the source returns them. */
  columns: SqlFragment;
  rawRows: (from: bigint | null, to: bigint | null) => SqlFragment;
  rollupRows: (from: bigint, to: bigint) => SqlFragment | null;
  /** The same columns counted from rows selected by `rawRows` / `rollupRows`. */
  countRows: (rows: SqlFragment) => SqlFragment;
}): SqlFragment {
  const { range, rollupParts, bucketNs, rollupRows } = options;
  const raws: SqlFragment[] = [options.rawRows(range?.fromNs ?? null, range?.toNs ?? null)];
  const selects: SqlFragment[] = [];
  if (rollupParts.length > 0) {
    // Whole buckets inside the range come from the rollup; the partial ones at the ends from rows.
    const first = range ? ceilDiv(range.fromNs, bucketNs) * bucketNs : null;
    const end = range ? floorDiv(range.toNs, bucketNs) * bucketNs : null;
    if (range && first !== null && end !== null && first >= end) {
      const rows = rollupRows(range.fromNs, range.toNs);
      if (rows) raws.push(rows);
    } else {
      const bucket = ident(options.bucketColumn);
      const bounds = [
        first === null ? null : sql`${bucket} >= ${first}`,
        end === null ? null : sql`${bucket} < ${end}`,
      ].filter((b): b is SqlFragment => b !== null);
      selects.push(
        sql`SELECT ${options.columns} FROM ${ident(options.table)}
          WHERE path IN (SELECT unnest(${[...rollupParts]}))${bounds.length > 0 ? sql` AND ${join(bounds, ' AND ')}` : raw('')}`,
      );
      if (range && first !== null && end !== null) {
        for (const [from, to] of [
          [range.fromNs, first],
          [end, range.toNs],
        ] as const) {
          const rows = from < to ? rollupRows(from, to) : null;
          if (rows) raws.push(rows);
        }
      }
    }
  }
  selects.push(options.countRows(join(raws, ' UNION ALL ')));
  return sql`(${join(selects, ' UNION ALL ')})`;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return -floorDiv(-a, b);
}
