import { gunzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { OtlpHttpSender, parseRetryAfter } from './sender.js';

interface Call {
  url: string;
  init: RequestInit;
  atMs: number;
}

/** A fetch that answers from a script, one response (or thrown error) per call. */
function scriptedFetch(script: (Response | Error)[]) {
  const calls: Call[] = [];
  const fetch = (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({
      url: url instanceof Request ? url.url : url.toString(),
      init: init ?? {},
      atMs: Date.now(),
    });
    const next = script.shift() ?? new Response(null, { status: 200 });
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  return { calls, fetch };
}

const payload = new Uint8Array([10, 2, 8, 1]);

describe('OtlpHttpSender', () => {
  it('posts gzipped protobuf with the API key headers', async () => {
    const { calls, fetch } = scriptedFetch([]);
    const sender = new OtlpHttpSender({ endpoint: 'http://collector:4318/', apiKey: 'k1', fetch });
    const outcome = await sender.send('logs', payload);
    expect(outcome).toMatchObject({ ok: true, status: 200, attempts: 1, rejected: 0 });
    expect(calls[0]!.url).toBe('http://collector:4318/v1/logs');
    expect(calls[0]!.init.headers).toMatchObject({
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'gzip',
      Authorization: 'Bearer k1',
      'x-pharos-api-key': 'k1',
    });
    expect([...gunzipSync(calls[0]!.init.body as Uint8Array)]).toEqual([...payload]);
    expect(outcome.bytes).toBe((calls[0]!.init.body as Uint8Array).length);
  });

  it('sends no auth headers without a key', async () => {
    const { calls, fetch } = scriptedFetch([]);
    await new OtlpHttpSender({ endpoint: 'http://c', fetch }).send('traces', payload);
    expect(calls[0]!.init.headers).not.toHaveProperty('Authorization');
    expect(calls[0]!.init.headers).not.toHaveProperty('x-pharos-api-key');
  });

  it('retries 503 and network errors, then succeeds', async () => {
    const { calls, fetch } = scriptedFetch([
      new Response('busy', { status: 503, headers: { 'retry-after': '0' } }),
      new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:4318') }),
      new Response(null, { status: 200 }),
    ]);
    const sender = new OtlpHttpSender({ endpoint: 'http://c', fetch, maxRetryDelayMs: 1 });
    const outcome = await sender.send('metrics', payload);
    expect(outcome).toMatchObject({ ok: true, attempts: 3 });
    expect(calls).toHaveLength(3);
  });

  it('bounds Retry-After by maxRetryDelayMs', async () => {
    const { calls, fetch } = scriptedFetch([
      new Response('later', { status: 429, headers: { 'retry-after': '3600' } }),
    ]);
    const sender = new OtlpHttpSender({ endpoint: 'http://c', fetch, maxRetryDelayMs: 50 });
    const outcome = await sender.send('traces', payload);
    expect(outcome.ok).toBe(true);
    expect(calls[1]!.atMs - calls[0]!.atMs).toBeLessThan(1_000);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const { calls, fetch } = scriptedFetch([
      new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') }),
      new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') }),
    ]);
    const sender = new OtlpHttpSender({
      endpoint: 'http://c',
      fetch,
      maxAttempts: 2,
      maxRetryDelayMs: 1,
    });
    const outcome = await sender.send('traces', payload);
    expect(outcome).toMatchObject({
      ok: false,
      status: 0,
      attempts: 2,
      message: 'fetch failed: connect ECONNREFUSED',
    });
    expect(calls).toHaveLength(2);
  });

  it('does not retry a client error and reports the server message', async () => {
    const { calls, fetch } = scriptedFetch([
      Response.json(
        { error: { code: 'unauthorized', message: 'invalid API key' } },
        { status: 401 },
      ),
    ]);
    const outcome = await new OtlpHttpSender({ endpoint: 'http://c', fetch }).send(
      'traces',
      payload,
    );
    expect(outcome).toMatchObject({
      ok: false,
      status: 401,
      attempts: 1,
      message: 'HTTP 401: invalid API key',
    });
    expect(calls).toHaveLength(1);
  });

  it('stops retrying once cancelled', async () => {
    const cancel = new AbortController();
    let calls = 0;
    const fetch = (): Promise<Response> => {
      calls++;
      // Shutdown begins while the first attempt is answered with a retryable status.
      cancel.abort();
      return Promise.resolve(new Response('', { status: 503, headers: { 'retry-after': '60' } }));
    };
    const sender = new OtlpHttpSender({ endpoint: 'http://c', fetch, cancel: cancel.signal });
    const started = Date.now();
    const outcome = await sender.send('traces', payload);
    expect(outcome).toMatchObject({ ok: false, status: 503, attempts: 1 });
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0);
  it.each([
    [null, undefined],
    ['', undefined],
    ['7', 7_000],
    [' 0 ', 0],
    ['Wed, 01 Jan 2025 12:00:30 GMT', 30_000],
    ['Wed, 01 Jan 2025 11:00:00 GMT', 0],
    ['soon', undefined],
  ])('%j → %j ms', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});
