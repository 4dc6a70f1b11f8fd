import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnDef, ColumnType } from '../schema.js';
import { Utf8Sink } from '../../otlp/text-sink.js';
import { appendBatchColumns } from './append-columns.js';
import { appendBatch } from './append-rows.js';
import { DUCKDB_COLUMN_TYPE } from './duckdb-types.js';

/**
 * The column-wise appender must store exactly what the row appender stores, for every column
 * type of schema.ts, across chunk boundaries, for inline (≤ 12 bytes) and heap strings, non-ASCII
 * text and nulls.
 */

interface TestBatch {
  length: number;
  columns: Record<string, ArrayLike<unknown>>;
}

const TYPES: ColumnType[] = [
  'string',
  'nullable_string',
  'int64',
  'nullable_int32',
  'uint8',
  'uint32',
  'float64',
  'nullable_float64',
  'bool',
  'float64_list',
];

const COLUMNS: ColumnDef<TestBatch>[] = TYPES.map((type) => ({
  name: `c_${type}`,
  type,
  read: (b) => b.columns[`c_${type}`]!,
}));

const TEXTS = [
  '',
  'a',
  'twelve bytes',
  'thirteen byte',
  'ünïcödé text that is longer than twelve bytes',
  '😀',
  '😀😀😀 emoji beyond the inline limit',
  'tab\tnewline\nquote"',
  'x'.repeat(5000),
];

function batchOf(length: number): TestBatch {
  const row = Array.from({ length }, (_, i) => i);
  return {
    length,
    columns: {
      c_string: row.map((i) => `${TEXTS[i % TEXTS.length]!}#${i % 7 === 0 ? '' : String(i)}`),
      c_nullable_string: row.map((i) => (i % 3 === 0 ? null : TEXTS[i % TEXTS.length]!)),
      c_int64: BigInt64Array.from(row, (i) => BigInt(i) * 1_000_000_007n - 2n ** 62n),
      c_nullable_int32: row.map((i) => (i % 4 === 0 ? null : i - 500)),
      c_uint8: Uint8Array.from(row, (i) => i % 256),
      c_uint32: Uint32Array.from(row, (i) => (i * 2_654_435_761) >>> 0),
      c_float64: Float64Array.from(row, (i) => (i % 11 === 0 ? NaN : i / 3)),
      c_nullable_float64: row.map((i) => (i % 5 === 0 ? null : i * 0.25)),
      c_bool: row.map((i) => i % 2 === 0),
      c_float64_list: row.map((i) =>
        Array.from({ length: i % 4 }, (_, j) => (j === 1 ? -Infinity : i + j / 10)),
      ),
    },
  };
}

/** The batch with its two string columns as UTF-8 columns (what decode workers hand over). */
function withUtf8Strings(batch: TestBatch): TestBatch {
  const utf8 = (values: ArrayLike<unknown>) => {
    const sink = new Utf8Sink();
    for (let i = 0; i < values.length; i++) sink.push(values[i] as string | null);
    // A Utf8Column stands where the column's strings would (appendBatchColumns tells them apart).
    return sink.finish() as unknown as ArrayLike<unknown>;
  };
  return {
    length: batch.length,
    columns: {
      ...batch.columns,
      c_string: utf8(batch.columns.c_string!),
      c_nullable_string: utf8(batch.columns.c_nullable_string!),
    },
  };
}

describe('appendBatchColumns', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    const columns = COLUMNS.map((c) => `${c.name} ${DUCKDB_COLUMN_TYPE[c.type]}`).join(', ');
    for (const table of ['by_rows', 'by_columns', 'by_utf8']) {
      await connection.run(
        `CREATE TABLE ${table} (tenant VARCHAR NOT NULL, ${columns}, _seq BIGINT NOT NULL)`,
      );
    }
  });

  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  async function count(query: string): Promise<number> {
    const reader = await connection.runAndReadAll(query);
    return Number(reader.getRows()[0]![0]);
  }

  it('stores what the row appender stores, across chunk boundaries', async () => {
    await connection.run('DELETE FROM by_rows; DELETE FROM by_columns');
    const batches = [batchOf(5000), batchOf(1), batchOf(2048)];
    for (const [table, append] of [
      ['by_rows', appendBatch],
      ['by_columns', appendBatchColumns],
    ] as const) {
      const appender = await connection.createAppender(table);
      for (const [i, batch] of batches.entries()) {
        append(appender, COLUMNS, batch, i === 1 ? 'a-tenant-name-longer-than-12' : 'default', 7n);
      }
      appender.flushSync();
      appender.closeSync();
    }
    expect(await count('SELECT count(*) FROM by_columns')).toBe(7049);
    expect(await count('SELECT count(*) FROM (FROM by_rows EXCEPT ALL FROM by_columns)')).toBe(0);
    expect(await count('SELECT count(*) FROM (FROM by_columns EXCEPT ALL FROM by_rows)')).toBe(0);
    // Prefix comparisons and lengths of heap strings are right, not only equality.
    expect(
      await count(
        "SELECT count(*) FROM by_columns WHERE c_nullable_string LIKE 'ünïcödé%' AND length(c_nullable_string) = 45",
      ),
    ).toBeGreaterThan(0);
    // Row 3 of the 5000- and the 2048-row batch.
    expect(await count("SELECT count(*) FROM by_columns WHERE c_string = 'thirteen byte#3'")).toBe(
      2,
    );
    expect(await count('SELECT count(*) FROM by_columns WHERE c_nullable_string IS NULL')).toBe(
      await count('SELECT count(*) FROM by_rows WHERE c_nullable_string IS NULL'),
    );
  });

  it('stores UTF-8 columns as it stores the same strings', async () => {
    await connection.run('DELETE FROM by_columns; DELETE FROM by_utf8');
    const batches = [batchOf(5000), batchOf(1), batchOf(2048)];
    for (const [table, utf8] of [
      ['by_columns', false],
      ['by_utf8', true],
    ] as const) {
      const appender = await connection.createAppender(table);
      for (const batch of batches) {
        appendBatchColumns(appender, COLUMNS, utf8 ? withUtf8Strings(batch) : batch, 'default', 7n);
      }
      appender.flushSync();
      appender.closeSync();
    }
    expect(await count('SELECT count(*) FROM by_utf8')).toBe(7049);
    expect(await count('SELECT count(*) FROM (FROM by_columns EXCEPT ALL FROM by_utf8)')).toBe(0);
    expect(await count('SELECT count(*) FROM (FROM by_utf8 EXCEPT ALL FROM by_columns)')).toBe(0);
    expect(
      await count(
        "SELECT count(*) FROM by_utf8 WHERE c_nullable_string LIKE 'ünïcödé%' AND length(c_nullable_string) = 45",
      ),
    ).toBeGreaterThan(0);
  });

  it('refuses a column shorter than the batch and a null in a non-null string column', async () => {
    const appender = await connection.createAppender('by_columns');
    const short = batchOf(3);
    (short.columns.c_int64 as unknown) = new BigInt64Array(2);
    expect(() => {
      appendBatchColumns(appender, COLUMNS, short, 'default', 1n);
    }).toThrow(/c_int64 holds 2 values for a batch of 3 rows/);
    const nulls = batchOf(3);
    (nulls.columns.c_string as unknown) = ['a', null, 'c'];
    expect(() => {
      appendBatchColumns(appender, COLUMNS, nulls, 'default', 1n);
    }).toThrow(/row 1 of a string column/);
    appender.closeSync();
  });
});
