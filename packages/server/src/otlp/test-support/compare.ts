import { isUtf8 } from 'node:buffer';
import { expect } from 'vitest';
import { isUtf8Column, withStringColumns, type Utf8Columns } from '../../telemetry/utf8-column.js';

import { plainColumns, type Expected } from './reference.js';

/** Asserts a decoded batch equals the reference, one column at a time for readable failures. */
export function expectColumns(
  batch: object,
  expected: Expected,
  columns: readonly string[],
  label: string,
): void {
  const actual = plainColumns(batch);
  expect(actual.length, label).toBe(expected.columns.length);
  for (const column of columns) {
    expect({ label, column, values: actual[column] }).toEqual({
      label,
      column,
      values: expected.columns[column],
    });
  }
}

/**
 * A batch of UTF-8 columns as JS strings, after checking that each column is what the
 * `Utf8Column` contract says: valid UTF-8, one end per row, nulls only where flagged.
 */
export function utf8BatchStrings<B extends object>(batch: Utf8Columns<B>, label: string): B {
  for (const [name, value] of Object.entries(batch)) {
    if (!isUtf8Column(value)) continue;
    expect(isUtf8(value.bytes), `${label}: ${name} is valid UTF-8`).toBe(true);
    expect(value.ends.length, `${label}: ${name} rows`).toBe(value.length);
    expect(value.ends[value.length - 1] ?? 0, `${label}: ${name} bytes`).toBe(value.bytes.length);
  }
  return withStringColumns<B>(batch);
}
