import { describe, expect, it } from 'vitest';
import { handleInstantQuery, handleRangeQuery, parsePromDuration, parsePromTime } from './http.js';
import { MemorySeriesSource } from './memory-source.js';

const source = new MemorySeriesSource([
  { labels: { __name__: 'up', job: 'a' }, timestamps: [1_000_000], values: [1] },
]);

describe('parameters parsed as Prometheus parses them', () => {
  it.each([
    ['1000', 1_000_000],
    ['1000.123', 1_000_123],
    ['-1.5', -1500],
    ['2023-01-01T00:00:00Z', 1_672_531_200_000],
    ['2023-01-01T01:00:00.5+01:00', 1_672_531_200_500],
    ['2023-01-01 00:00:00', undefined],
    ['abc', undefined],
    ['', undefined],
  ])('time %j', (text, ms) => {
    expect(parsePromTime(text)).toBe(ms);
  });

  it.each([
    ['15', 15_000],
    ['0.5', 500],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['abc', undefined],
  ])('duration %j', (text, ms) => {
    expect(parsePromDuration(text)).toBe(ms);
  });
});

describe('query endpoints', () => {
  it('answers an instant query in the Prometheus envelope', async () => {
    const res = await handleInstantQuery({ query: 'up', time: '1000' }, source, 0);
    expect(res).toEqual({
      httpStatus: 200,
      body: {
        status: 'success',
        data: {
          resultType: 'vector',
          result: [{ metric: { __name__: 'up', job: 'a' }, value: [1000, '1'] }],
        },
      },
    });
  });

  it('uses now when time is missing and the first of repeated parameters', async () => {
    const res = await handleInstantQuery({ query: ['time()', 'up'] }, source, 42_000);
    expect(res.body).toEqual({
      status: 'success',
      data: { resultType: 'scalar', result: [42, '42'] },
    });
  });

  it.each([
    [
      { query: 'up', start: 'x', end: '1', step: '1' },
      400,
      'invalid parameter "start": cannot parse "x" to a valid timestamp',
    ],
    [
      { query: 'up', start: '2', end: '1', step: '1' },
      400,
      'invalid parameter "end": end timestamp must not be before start time',
    ],
    [
      { query: 'up', start: '1', end: '2', step: '0' },
      400,
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    ],
    [
      { query: 'up', start: '0', end: '11001', step: '1' },
      400,
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    ],
    [
      { query: 'up[5m]', start: '0', end: '10', step: '1' },
      400,
      'invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    ],
    [
      { query: 'sum(', start: '0', end: '10', step: '1' },
      400,
      '1:5: parse error: unclosed left parenthesis',
    ],
    [
      { query: 'up + on(job) up', start: '0', end: '10', step: '1', timeout: 'x' },
      400,
      'invalid parameter "timeout": cannot parse "x" to a valid duration',
    ],
  ])('range query %j → %i', async (params, status, error) => {
    const res = await handleRangeQuery(params, source, 0);
    expect(res.httpStatus).toBe(status);
    expect(res.body).toMatchObject({ status: 'error', errorType: 'bad_data', error });
  });

  it('answers execution errors with 422 and parse errors with the query parameter named', async () => {
    const exec = await handleInstantQuery(
      { query: 'label_replace(up, "1", "", "", "")', time: '1000' },
      source,
      0,
    );
    expect(exec.httpStatus).toBe(422);
    expect(exec.body).toMatchObject({ errorType: 'execution' });
    const parse = await handleInstantQuery({ query: 'sum(' }, source, 0);
    expect(parse.body).toMatchObject({
      error: 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis',
    });
  });
});
