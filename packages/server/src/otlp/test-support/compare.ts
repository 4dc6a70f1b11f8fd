import { expect } from 'vitest';

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
