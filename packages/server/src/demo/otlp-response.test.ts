import { createRequire } from 'node:module';

import { describe, expect, it } from 'vitest';

import { describeErrorBody, readPartialSuccess } from './otlp-response.js';

const require = createRequire(import.meta.url);
// Untyped generated JS, used to build reference responses.
const proto = require('otlp-transformer-oracle/build/src/generated/root.js').opentelemetry.proto;

const bytes = (text: string) => new TextEncoder().encode(text);

describe('readPartialSuccess', () => {
  it('reads rejected counts and the message of every signal', () => {
    const traces = proto.collector.trace.v1.ExportTraceServiceResponse.encode({
      partialSuccess: { rejectedSpans: 12, errorMessage: 'spans too old' },
    }).finish();
    expect(readPartialSuccess(traces)).toEqual({ rejected: 12, message: 'spans too old' });
    const logs = proto.collector.logs.v1.ExportLogsServiceResponse.encode({
      partialSuccess: { rejectedLogRecords: 1 },
    }).finish();
    expect(readPartialSuccess(logs)).toEqual({ rejected: 1, message: '' });
  });

  it('treats an empty or unreadable body as full success', () => {
    expect(readPartialSuccess(new Uint8Array())).toEqual({ rejected: 0, message: '' });
    expect(readPartialSuccess(bytes('{"partialSuccess":{}}'))).toEqual({
      rejected: 0,
      message: '',
    });
  });
});

describe('describeErrorBody', () => {
  // google.rpc.Status { code = 1 (int32); message = 2 (string) }, written by hand.
  const status = new Uint8Array([8, 3, 18, 9, ...bytes('bad input')]);

  it.each([
    ['protobuf Status', 400, 'application/x-protobuf', status, 'HTTP 400: bad input'],
    [
      'JSON error',
      401,
      'application/json; charset=utf-8',
      bytes('{"error":{"code":"unauthorized","message":"no key"}}'),
      'HTTP 401: no key',
    ],
    [
      'JSON message',
      413,
      'application/json',
      bytes('{"message":"body too large"}'),
      'HTTP 413: body too large',
    ],
    ['plain text', 502, 'text/plain', bytes('  upstream\n  down '), 'HTTP 502: upstream down'],
    ['empty', 503, '', new Uint8Array(), 'HTTP 503'],
    ['broken JSON', 500, 'application/json', bytes('{oops'), 'HTTP 500: {oops'],
  ])('%s', (_name, code, contentType, body, expected) => {
    expect(describeErrorBody(code, contentType, body)).toBe(expected);
  });

  it('shortens long messages', () => {
    const text = describeErrorBody(500, 'text/plain', bytes('x'.repeat(1000)));
    expect(text.length).toBeLessThan(320);
    expect(text.endsWith('...')).toBe(true);
  });
});
