import { DOUBLE, LIST, type DuckDBAppender } from '@duckdb/node-api';

const DOUBLE_LIST = LIST(DOUBLE);
import type { ColumnDef, ColumnType } from '../schema.js';

type AppendValue = (appender: DuckDBAppender, values: ArrayLike<unknown>, row: number) => void;

function nullOr(append: AppendValue): AppendValue {
  return (appender, values, row) => {
    if (values[row] === null || values[row] === undefined) appender.appendNull();
    else append(appender, values, row);
  };
}

const APPEND: Record<ColumnType, AppendValue> = {
  string: (a, v, r) => {
    a.appendVarchar(v[r] as string);
  },
  nullable_string: nullOr((a, v, r) => {
    a.appendVarchar(v[r] as string);
  }),
  int64: (a, v, r) => {
    a.appendBigInt(v[r] as bigint);
  },
  nullable_int32: nullOr((a, v, r) => {
    a.appendInteger(v[r] as number);
  }),
  uint8: (a, v, r) => {
    a.appendUTinyInt(v[r] as number);
  },
  uint32: (a, v, r) => {
    a.appendUInteger(v[r] as number);
  },
  float64: (a, v, r) => {
    a.appendDouble(v[r] as number);
  },
  nullable_float64: nullOr((a, v, r) => {
    a.appendDouble(v[r] as number);
  }),
  bool: (a, v, r) => {
    a.appendBoolean(v[r] as boolean);
  },
  float64_list: (a, v, r) => {
    a.appendList(v[r] as number[], DOUBLE_LIST);
  },
};

/**
 * Append every row of a batch, in schema order, after a leading tenant column and before a
 * trailing sequence column (the hot tables' layout).
 */
export function appendBatch<B extends { length: number }>(
  appender: DuckDBAppender,
  columns: readonly ColumnDef<B>[],
  batch: B,
  tenant: string,
  seq: bigint,
): void {
  const sources = columns.map((column) => column.read(batch));
  const appends = columns.map((column) => APPEND[column.type]);
  for (let row = 0; row < batch.length; row++) {
    appender.appendVarchar(tenant);
    for (let c = 0; c < appends.length; c++) appends[c]!(appender, sources[c]!, row);
    appender.appendBigInt(seq);
    appender.endRow();
  }
}
