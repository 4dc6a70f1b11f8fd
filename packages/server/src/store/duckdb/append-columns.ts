import duckdb from '@duckdb/node-bindings';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  DuckDBDataChunk,
  INTEGER,
  LIST,
  UINTEGER,
  UTINYINT,
  VARCHAR,
  type DuckDBAppender,
  type DuckDBType,
} from '@duckdb/node-api';
import type { ColumnDef, ColumnType } from '../schema.js';
import { isUtf8Column, type Utf8Column, type Utf8Columns } from '../../telemetry/utf8-column.js';

/**
 * Column-wise appends of whole batches (spans, logs, OTLP metric points): each DuckDB data chunk
 * of up to `vector_size()` rows is filled with a few native copies per column instead of one
 * N-API call per value, the technique of `append-chunks.ts` carried over to every column type
 * of `schema.ts`.
 *
 * Strings are the bulk of a span or log row (attribute maps, events, bodies as JSON text). For
 * each column of a chunk the rows' UTF-8 bytes are laid end to end in one buffer, which DuckDB
 * copies into the vector's own string heap as the value of row 0. Every row's 16-byte
 * `duckdb_string_t` is then written here: `{ u32 length; char inlined[12] }` for up to 12 bytes,
 * else `{ u32 length; char prefix[4]; char *ptr }` with `ptr` pointing into that heap copy (the
 * heap lives as long as the chunk, and the appender copies the strings before the chunk is
 * reset). The layout is the public C API's `duckdb_string_t`.
 *
 * The chunk's column types are the hot table's exact types, so the appender casts nothing.
 */

const STRING_T_BYTES = 16;
const INLINE_BYTES = 12;
const TWO_32 = 0x1_0000_0000;

const CHUNK_TYPE: Record<ColumnType, DuckDBType> = {
  string: VARCHAR,
  nullable_string: VARCHAR,
  int64: BIGINT,
  nullable_int32: INTEGER,
  uint8: UTINYINT,
  uint32: UINTEGER,
  float64: DOUBLE,
  nullable_float64: DOUBLE,
  bool: BOOLEAN,
  float64_list: LIST(DOUBLE),
};

/** Scratch buffers, reused by every append (appending is synchronous). */
class Scratch {
  strings = new Uint8Array(0);
  stringsView = new DataView(this.strings.buffer);
  blob: Buffer = Buffer.allocUnsafe(1 << 16);
  validity = new Uint8Array(0);
  numbers = new ArrayBuffer(0);
  lengths = new Uint32Array(0);

  ensureRows(rows: number): void {
    if (this.strings.length >= rows * STRING_T_BYTES) return;
    this.strings = new Uint8Array(rows * STRING_T_BYTES);
    this.stringsView = new DataView(this.strings.buffer);
    this.validity = new Uint8Array(Math.ceil(rows / 64) * 8);
    this.numbers = new ArrayBuffer(rows * 16);
    this.lengths = new Uint32Array(rows);
  }

  ensureBlob(bytes: number): Buffer {
    if (this.blob.length < bytes)
      this.blob = Buffer.allocUnsafe(Math.max(bytes, this.blob.length * 2));
    return this.blob;
  }

  /** Gives back a blob that grew for one huge chunk. */
  shrink(): void {
    if (this.blob.length > 16 << 20) this.blob = Buffer.allocUnsafe(1 << 16);
  }
}
const scratch = new Scratch();

type Vector = ReturnType<typeof duckdb.data_chunk_get_vector>;

/** Marks `rows` rows valid or null (`isNull(row)`); skips the mask when no row is null. */
function writeValidity(
  vector: Vector,
  offset: number,
  rows: number,
  isNull: (row: number) => boolean,
): void {
  const mask = scratch.validity;
  let nulls = 0;
  const bytes = Math.ceil(rows / 8);
  mask.fill(0xff, 0, Math.ceil(rows / 64) * 8);
  for (let row = 0; row < rows; row++) {
    if (isNull(offset + row)) {
      mask[row >> 3]! &= ~(1 << (row & 7));
      nulls++;
    }
  }
  if (nulls === 0) return;
  duckdb.vector_ensure_validity_writable(vector);
  duckdb.copy_data_to_vector_validity(vector, 0, mask.buffer, 0, bytes);
}

function copyNumbers(
  vector: Vector,
  source: ArrayBufferView,
  elementBytes: number,
  offset: number,
  rows: number,
): void {
  duckdb.copy_data_to_vector(
    vector,
    0,
    // Typed arrays built here and by the decoders never sit on a SharedArrayBuffer.
    source.buffer as ArrayBuffer,
    source.byteOffset + offset * elementBytes,
    rows * elementBytes,
  );
}

/**
 * Fills a VARCHAR vector with `values[offset, offset + rows)` (null entries are NULL). Returns
 * nothing; the vector holds the strings in its own heap.
 */
function fillStrings(
  vector: Vector,
  values: ArrayLike<unknown>,
  offset: number,
  rows: number,
  nullable: boolean,
): void {
  const lengths = scratch.lengths;
  let text = '';
  let hasNull = false;
  for (let row = 0; row < rows; row++) {
    const value = values[offset + row];
    if (typeof value === 'string') text += value;
    else if (nullable && value === null) hasNull = true;
    else throw new Error(`row ${offset + row} of a string column holds ${typeof value}`);
  }
  const blob = scratch.ensureBlob(text.length * 3);
  const total = blob.write(text, 0, blob.length, 'utf8');
  const ascii = total === text.length;
  for (let row = 0; row < rows; row++) {
    const value = values[offset + row];
    lengths[row] = typeof value !== 'string' ? 0 : ascii ? value.length : Buffer.byteLength(value);
  }
  writeStrings(vector, blob.subarray(0, total), rows);
  if (hasNull) {
    writeValidity(vector, offset, rows, (row) => typeof values[row] !== 'string');
  }
}

/**
 * Fills a VARCHAR vector with rows `[offset, offset + rows)` of a UTF-8 column: its bytes go to
 * DuckDB as they are (no JS string is made of them).
 */
function fillUtf8(
  vector: Vector,
  column: Utf8Column,
  offset: number,
  rows: number,
  nullable: boolean,
): void {
  const { ends, nulls } = column;
  if (nulls !== null && !nullable) {
    throw new Error(`a string column that is not nullable holds nulls`);
  }
  const lengths = scratch.lengths;
  const first = offset === 0 ? 0 : ends[offset - 1]!;
  let start = first;
  for (let row = 0; row < rows; row++) {
    const end = ends[offset + row]!;
    lengths[row] = end - start;
    start = end;
  }
  writeStrings(vector, column.bytes.subarray(first, start), rows);
  if (nulls !== null) writeValidity(vector, offset, rows, (row) => nulls[row] === 1);
}

/**
 * Writes the `duckdb_string_t` of `rows` rows whose UTF-8 bytes lie end to end in `blob`, with
 * the rows' byte lengths in `scratch.lengths`.
 */
function writeStrings(vector: Vector, blob: Uint8Array, rows: number): void {
  const lengths = scratch.lengths;
  let longest = 0;
  for (let row = 0; row < rows; row++) if (lengths[row]! > longest) longest = lengths[row]!;

  // Strings longer than 12 bytes point into DuckDB's copy of the blob.
  let baseLo = 0;
  let baseHi = 0;
  if (longest > INLINE_BYTES) {
    duckdb.vector_assign_string_element_len(vector, 0, blob);
    const first = duckdb.vector_get_data(vector, STRING_T_BYTES);
    const view = new DataView(first.buffer, first.byteOffset, STRING_T_BYTES);
    baseLo = view.getUint32(8, true);
    baseHi = view.getUint32(12, true);
  }

  const out = scratch.strings;
  const outView = scratch.stringsView;
  out.fill(0, 0, rows * STRING_T_BYTES);
  let at = 0;
  for (let row = 0; row < rows; row++) {
    const n = lengths[row]!;
    const p = row * STRING_T_BYTES;
    outView.setUint32(p, n, true);
    if (n <= INLINE_BYTES) {
      for (let i = 0; i < n; i++) out[p + 4 + i] = blob[at + i]!;
    } else {
      out[p + 4] = blob[at]!;
      out[p + 5] = blob[at + 1]!;
      out[p + 6] = blob[at + 2]!;
      out[p + 7] = blob[at + 3]!;
      const lo = baseLo + at;
      outView.setUint32(p + 8, lo >>> 0, true);
      outView.setUint32(p + 12, baseHi + (lo >= TWO_32 ? 1 : 0), true);
    }
    at += n;
  }
  duckdb.copy_data_to_vector(vector, 0, out.buffer, 0, rows * STRING_T_BYTES);
}

function fillInt32(vector: Vector, values: ArrayLike<unknown>, offset: number, rows: number) {
  const ints = new Int32Array(scratch.numbers, 0, rows);
  for (let row = 0; row < rows; row++) ints[row] = (values[offset + row] as number | null) ?? 0;
  copyNumbers(vector, ints, 4, 0, rows);
  writeValidity(vector, offset, rows, (row) => values[row] === null || values[row] === undefined);
}

function fillFloat64(
  vector: Vector,
  values: ArrayLike<unknown>,
  offset: number,
  rows: number,
  nullable: boolean,
) {
  if (values instanceof Float64Array) {
    copyNumbers(vector, values, 8, offset, rows);
  } else {
    const doubles = new Float64Array(scratch.numbers, 0, rows);
    for (let row = 0; row < rows; row++) {
      doubles[row] = (values[offset + row] as number | null) ?? 0;
    }
    copyNumbers(vector, doubles, 8, 0, rows);
  }
  if (nullable) {
    writeValidity(vector, offset, rows, (row) => values[row] === null || values[row] === undefined);
  }
}

function fillInt64(vector: Vector, values: ArrayLike<unknown>, offset: number, rows: number) {
  if (values instanceof BigInt64Array) {
    copyNumbers(vector, values, 8, offset, rows);
    return;
  }
  const ints = new BigInt64Array(scratch.numbers, 0, rows);
  for (let row = 0; row < rows; row++) ints[row] = values[offset + row] as bigint;
  copyNumbers(vector, ints, 8, 0, rows);
}

function fillSmall(
  vector: Vector,
  values: ArrayLike<unknown>,
  offset: number,
  rows: number,
  kind: 'uint8' | 'uint32' | 'bool',
) {
  if (kind === 'uint8' && values instanceof Uint8Array) {
    copyNumbers(vector, values, 1, offset, rows);
  } else if (kind === 'uint32' && values instanceof Uint32Array) {
    copyNumbers(vector, values, 4, offset, rows);
  } else if (kind === 'uint32') {
    const ints = new Uint32Array(scratch.numbers, 0, rows);
    for (let row = 0; row < rows; row++) ints[row] = values[offset + row] as number;
    copyNumbers(vector, ints, 4, 0, rows);
  } else {
    const bytes = new Uint8Array(scratch.numbers, 0, rows);
    for (let row = 0; row < rows; row++) {
      const value = values[offset + row];
      bytes[row] = kind === 'bool' ? (value ? 1 : 0) : (value as number);
    }
    copyNumbers(vector, bytes, 1, 0, rows);
  }
}

/** A LIST(DOUBLE) vector: `{ u64 offset; u64 length }` per row, the doubles in the child. */
function fillDoubleLists(vector: Vector, values: ArrayLike<unknown>, offset: number, rows: number) {
  const entries = new BigUint64Array(scratch.numbers, 0, rows * 2);
  let size = 0;
  for (let row = 0; row < rows; row++) {
    const list = values[offset + row] as readonly number[];
    entries[row * 2] = BigInt(size);
    entries[row * 2 + 1] = BigInt(list.length);
    size += list.length;
  }
  copyNumbers(vector, entries, 16, 0, rows);
  duckdb.list_vector_reserve(vector, size);
  duckdb.list_vector_set_size(vector, size);
  if (size === 0) return;
  const doubles = new Float64Array(size);
  let at = 0;
  for (let row = 0; row < rows; row++) {
    const list = values[offset + row] as readonly number[];
    for (let i = 0; i < list.length; i++) doubles[at++] = list[i]!;
  }
  copyNumbers(duckdb.list_vector_get_child(vector), doubles, 8, 0, size);
}

function fillColumn(
  vector: Vector,
  type: ColumnType,
  values: ArrayLike<unknown> | Utf8Column,
  offset: number,
  rows: number,
): void {
  if (isUtf8Column(values)) {
    if (type !== 'string' && type !== 'nullable_string') {
      throw new Error(`a UTF-8 column cannot fill a ${type} column`);
    }
    fillUtf8(vector, values, offset, rows, type === 'nullable_string');
    return;
  }
  switch (type) {
    case 'string':
      fillStrings(vector, values, offset, rows, false);
      return;
    case 'nullable_string':
      fillStrings(vector, values, offset, rows, true);
      return;
    case 'int64':
      fillInt64(vector, values, offset, rows);
      return;
    case 'nullable_int32':
      fillInt32(vector, values, offset, rows);
      return;
    case 'float64':
      fillFloat64(vector, values, offset, rows, false);
      return;
    case 'nullable_float64':
      fillFloat64(vector, values, offset, rows, true);
      return;
    case 'uint8':
    case 'uint32':
    case 'bool':
      fillSmall(vector, values, offset, rows, type);
      return;
    case 'float64_list':
      fillDoubleLists(vector, values, offset, rows);
      return;
  }
}

/** A constant VARCHAR: assigned once, its `duckdb_string_t` copied to every row. */
function fillConstantString(vector: Vector, value: string, rows: number): void {
  duckdb.vector_assign_string_element(vector, 0, value);
  const first = duckdb.vector_get_data(vector, STRING_T_BYTES);
  const out = scratch.strings;
  for (let row = 0; row < rows; row++) out.set(first, row * STRING_T_BYTES);
  duckdb.copy_data_to_vector(vector, 0, out.buffer, 0, rows * STRING_T_BYTES);
}

/**
 * Appends every row of a batch, in schema order, after a leading tenant column and before a
 * trailing sequence column (the hot tables' layout): the column-wise counterpart of
 * `appendBatch` in `append-rows.ts`.
 */
export function appendBatchColumns<B extends { length: number }>(
  appender: DuckDBAppender,
  columns: readonly ColumnDef<B>[],
  batch: B | Utf8Columns<B>,
  tenant: string,
  seq: bigint,
): void {
  const length = (batch as B).length;
  if (length === 0) return;
  const chunkRows = duckdb.vector_size();
  scratch.ensureRows(chunkRows);
  const sources = columns.map((column) => {
    // `read` picks one field of the batch; in a Utf8Columns<B> a string field is a Utf8Column.
    const values: ArrayLike<unknown> | Utf8Column = column.read(batch as B);
    if (values.length !== length) {
      throw new Error(
        `column ${column.name} holds ${values.length} values for a batch of ${length} rows`,
      );
    }
    return values;
  });
  const chunk = DuckDBDataChunk.create([
    VARCHAR,
    ...columns.map((column) => CHUNK_TYPE[column.type]),
    BIGINT,
  ]);
  const seqColumn = new BigInt64Array(chunkRows).fill(seq);
  try {
    for (let offset = 0; offset < length; offset += chunkRows) {
      const rows = Math.min(chunkRows, length - offset);
      duckdb.data_chunk_reset(chunk.chunk);
      duckdb.data_chunk_set_size(chunk.chunk, rows);
      fillConstantString(duckdb.data_chunk_get_vector(chunk.chunk, 0), tenant, rows);
      for (let c = 0; c < columns.length; c++) {
        const vector = duckdb.data_chunk_get_vector(chunk.chunk, c + 1);
        fillColumn(vector, columns[c]!.type, sources[c]!, offset, rows);
      }
      copyNumbers(
        duckdb.data_chunk_get_vector(chunk.chunk, columns.length + 1),
        seqColumn,
        8,
        0,
        rows,
      );
      appender.appendDataChunk(chunk);
    }
  } finally {
    scratch.shrink();
  }
}
