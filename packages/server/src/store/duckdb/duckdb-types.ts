import type { ColumnType } from '../schema.js';

export const DUCKDB_COLUMN_TYPE: Record<ColumnType, string> = {
  string: 'VARCHAR',
  nullable_string: 'VARCHAR',
  int64: 'BIGINT',
  nullable_int32: 'INTEGER',
  uint8: 'UTINYINT',
  uint32: 'UINTEGER',
  float64: 'DOUBLE',
  nullable_float64: 'DOUBLE',
  bool: 'BOOLEAN',
  float64_list: 'DOUBLE[]',
};
