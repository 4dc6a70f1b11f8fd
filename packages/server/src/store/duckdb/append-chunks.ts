import duckdb from '@duckdb/node-bindings';
import { BIGINT, DOUBLE, DuckDBDataChunk, VARCHAR, type DuckDBAppender } from '@duckdb/node-api';

/**
 * Column-wise appends for narrow numeric tables (Prometheus samples): one data chunk of up to
 * `vector_size()` rows is filled with one native copy per column instead of one N-API call per
 * value, which is what limits the row appender (~230k rows/s measured here, against 0.8M rows/s
 * this way on the (tenant, series_id, time_ms, value, _seq) layout).
 *
 * The constant tenant column is written once per chunk: the first element is assigned through
 * DuckDB, and its 16-byte `duckdb_string_t` (inline for ≤ 12 bytes, else a pointer into the
 * vector's own string heap, which lives as long as the chunk) is copied to the other rows.
 */
export interface NumericColumns {
  /** int64 columns then float64 columns, in table order after the tenant. */
  int64: readonly BigInt64Array[];
  float64: readonly Float64Array[];
}

const STRING_T_BYTES = 16;

export function appendNumericChunks(
  appender: DuckDBAppender,
  tenant: string,
  length: number,
  columns: NumericColumns,
  seq: bigint,
): void {
  const chunkRows = duckdb.vector_size();
  const types = [
    VARCHAR,
    ...columns.int64.map(() => BIGINT),
    ...columns.float64.map(() => DOUBLE),
    BIGINT,
  ];
  const chunk = DuckDBDataChunk.create(types);
  const seqColumn = new BigInt64Array(chunkRows).fill(seq);
  const tenantRows = new Uint8Array(chunkRows * STRING_T_BYTES);
  for (let offset = 0; offset < length; offset += chunkRows) {
    const rows = Math.min(chunkRows, length - offset);
    duckdb.data_chunk_reset(chunk.chunk);
    duckdb.data_chunk_set_size(chunk.chunk, rows);
    const tenantVector = duckdb.data_chunk_get_vector(chunk.chunk, 0);
    duckdb.vector_assign_string_element(tenantVector, 0, tenant);
    const first = duckdb.vector_get_data(tenantVector, STRING_T_BYTES);
    for (let row = 0; row < rows; row++) tenantRows.set(first, row * STRING_T_BYTES);
    duckdb.copy_data_to_vector(tenantVector, 0, tenantRows.buffer, 0, rows * STRING_T_BYTES);
    let index = 1;
    for (const column of [...columns.int64, ...columns.float64]) {
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, index++);
      duckdb.copy_data_to_vector(
        vector,
        0,
        // Typed arrays built here never sit on a SharedArrayBuffer.
        column.buffer as ArrayBuffer,
        column.byteOffset + offset * 8,
        rows * 8,
      );
    }
    const seqVector = duckdb.data_chunk_get_vector(chunk.chunk, index);
    duckdb.copy_data_to_vector(seqVector, 0, seqColumn.buffer, 0, rows * 8);
    appender.appendDataChunk(chunk);
  }
}
