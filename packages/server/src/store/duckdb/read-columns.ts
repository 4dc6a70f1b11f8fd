import duckdb from '@duckdb/node-bindings';
import { DuckDBTypeId, type DuckDBMaterializedResult } from '@duckdb/node-api';
import type { NumericColumnType, NumericColumns } from '../telemetry-store.js';

const EXPECTED_TYPE: Record<NumericColumnType, DuckDBTypeId> = {
  int64: DuckDBTypeId.BIGINT,
  float64: DuckDBTypeId.DOUBLE,
};

/**
 * A materialized result of BIGINT and DOUBLE columns copied into typed arrays: one native copy
 * per column and chunk (the counterpart of append-chunks.ts), instead of a JS value per cell.
 * NULLs (from the validity mask) become 0 or NaN; float bits are copied as bytes, so NaN
 * payloads (Prometheus' staleness marker) survive.
 */
export function readNumericColumns(
  result: DuckDBMaterializedResult,
  types: readonly NumericColumnType[],
): NumericColumns {
  if (result.columnCount !== types.length) {
    throw new Error(
      `numeric query returned ${result.columnCount} columns, expected ${types.length}`,
    );
  }
  types.forEach((type, i) => {
    const actual = result.columnTypeId(i);
    if (actual !== EXPECTED_TYPE[type]) {
      throw new Error(`numeric query column ${i} is ${DuckDBTypeId[actual]}, expected ${type}`);
    }
  });
  const length = result.rowCount;
  const columns = types.map((type) =>
    type === 'int64' ? new BigInt64Array(length) : new Float64Array(length),
  );
  const bytes = columns.map((c) => new Uint8Array(c.buffer));
  let offset = 0;
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    const rows = chunk.rowCount;
    if (rows === 0) continue;
    for (let i = 0; i < types.length; i++) {
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, i);
      bytes[i]!.set(duckdb.vector_get_data(vector, rows * 8), offset * 8);
      const validity = duckdb.vector_get_validity(vector, Math.ceil(rows / 64) * 8);
      if (validity) markNulls(columns[i]!, offset, rows, validity);
    }
    offset += rows;
  }
  return { length, columns };
}

function markNulls(
  column: BigInt64Array | Float64Array,
  offset: number,
  rows: number,
  validity: Uint8Array,
): void {
  for (let row = 0; row < rows; row++) {
    if ((validity[row >> 3]! & (1 << (row & 7))) !== 0) continue;
    if (column instanceof Float64Array) column[offset + row] = Number.NaN;
    else column[offset + row] = 0n;
  }
}
