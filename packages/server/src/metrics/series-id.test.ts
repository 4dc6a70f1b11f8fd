import { describe, expect, it } from 'vitest';
import { SERIES_ID_NAME_BITS, seriesIdOf } from './series-id.js';

const top = (id: bigint) => BigInt.asUintN(64, id) >> (64n - SERIES_ID_NAME_BITS);

describe('seriesIdOf', () => {
  it('is deterministic and tells label sets apart', () => {
    const a = seriesIdOf([
      ['__name__', 'http_requests_total'],
      ['code', '200'],
    ]);
    const b = seriesIdOf([
      ['__name__', 'http_requests_total'],
      ['code', '500'],
    ]);
    expect(
      seriesIdOf([
        ['__name__', 'http_requests_total'],
        ['code', '200'],
      ]),
    ).toBe(a);
    expect(a).not.toBe(b);
    expect(BigInt.asIntN(64, a)).toBe(a);
  });

  it('gives the series of one metric the same top bits, so they sort together', () => {
    const ids = ['a', 'b', 'c', 'd'].map((v) =>
      seriesIdOf([
        ['__name__', 'node_cpu_seconds_total'],
        ['cpu', v],
      ]),
    );
    expect(new Set(ids.map(top)).size).toBe(1);
    const other = seriesIdOf([
      ['__name__', 'node_memory_bytes'],
      ['cpu', 'a'],
    ]);
    // Differs for these two names (12 bits: different names share them with p = 1/4096).
    expect(top(other)).not.toBe(top(ids[0]!));
    // A series without a name hashes the empty name.
    expect(top(seriesIdOf([['job', 'x']]))).toBe(top(seriesIdOf([['job', 'y']])));
  });
});
