import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw, render, sql } from '../sql.js';
import { standardStringLiteral } from '../sql-escape.js';
import { caselessRun, duckDbDialect } from './duckdb-dialect.js';

describe('caselessRun', () => {
  it('is the longest run of 3+ ASCII non-letters, or null', () => {
    expect(caselessRun('quasar7731')).toBe('7731');
    expect(caselessRun('GET /api/v1 -> 500')).toBe('1 -> 500');
    expect(caselessRun('timeout')).toBeNull();
    expect(caselessRun('a1b2c3')).toBeNull();
    expect(caselessRun('ünïcode 123')).toBe(' 123');
  });
});

describe('duckDbDialect.containsIgnoreCase', () => {
  let instance: DuckDBInstance;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
  });
  afterAll(() => {
    instance.closeSync();
  });

  it('matches exactly what lower() on both sides matches, with or without a caseless run', async () => {
    const connection = await instance.connect();
    const haystacks = [
      'Order QUASAR7731 failed',
      'order quasar7731',
      'quasar 7731',
      'QUASAR7730',
      'İstanbul quasar7731',
      'GET /API/V1 -> 500 in 3ms',
      'get /api/v1 ->500',
      'Timeout after 30s',
      '',
    ];
    for (const needle of ['quasar7731', 'Quasar7731', '/api/v1 -> 500', 'TIMEOUT', '7731', 'ß']) {
      const rows = raw(haystacks.map((h, i) => `(${i}, ${standardStringLiteral(h)})`).join(', '));
      const { text, params } = render(
        sql`SELECT list(h ORDER BY i) AS hits FROM (VALUES ${rows}) AS t(i, h)
          WHERE ${duckDbDialect.containsIgnoreCase(sql`h`, needle)}`,
        duckDbDialect.renderer,
      );
      const reader = await connection.runAndReadAll(text, params as never);
      const hits = (reader.getRowObjectsJS()[0]?.hits as string[] | null) ?? [];
      const expected = haystacks.filter((h) => h.toLowerCase().includes(needle.toLowerCase()));
      expect(hits, needle).toEqual(expected);
    }
    connection.closeSync();
  });
});
