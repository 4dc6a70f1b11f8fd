import { describe, expect, it } from 'vitest';
import { defaultMergeMaxRows, sizeBytes } from './duckdb-telemetry-store.js';

describe('merge size under a memory limit', () => {
  it('reads DuckDB size settings in decimal and binary units', () => {
    expect(sizeBytes('256MB')).toBe(256_000_000);
    expect(sizeBytes('2GiB')).toBe(2 * 1024 ** 3);
    expect(sizeBytes('1.5 GB')).toBe(1_500_000_000);
    expect(sizeBytes('512kib')).toBe(512 * 1024);
    expect(sizeBytes('lots')).toBeNaN();
  });

  it('merges 400,000 rows per 256MB, never fewer than 100,000', () => {
    expect(defaultMergeMaxRows('256MB')).toBe(400_000);
    expect(defaultMergeMaxRows('512MB')).toBe(800_000);
    expect(defaultMergeMaxRows('2GB')).toBe(3_125_000);
    expect(defaultMergeMaxRows('32MB')).toBe(100_000);
    expect(defaultMergeMaxRows('unreadable')).toBe(400_000);
  });
});
