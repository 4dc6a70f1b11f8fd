import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../errors.js';
import { decodeContentEncoding, otlpEncodingOf } from './otlp-body.js';

async function statusOf(promise: Promise<unknown>): Promise<number> {
  const error = await promise.catch((e: unknown) => e);
  return (error as AppError).status;
}

describe('otlpEncodingOf', () => {
  it.each([
    ['application/x-protobuf', 'protobuf'],
    ['application/protobuf', 'protobuf'],
    ['application/json; charset=utf-8', 'json'],
    ['Application/JSON', 'json'],
  ])('%s → %s', (contentType, encoding) => {
    expect(otlpEncodingOf(contentType)).toBe(encoding);
  });

  it.each([undefined, 'text/plain', 'application/xml', ''])(
    'refuses %s with 415',
    (contentType) => {
      expect(() => otlpEncodingOf(contentType)).toThrow(/unsupported Content-Type/);
    },
  );
});

describe('decodeContentEncoding', () => {
  const payload = Buffer.from('x'.repeat(10_000));

  it('passes identity bodies through and inflates gzip and deflate', async () => {
    expect(await decodeContentEncoding(payload, undefined, 1 << 20)).toBe(payload);
    expect(await decodeContentEncoding(zlib.gzipSync(payload), 'gzip', 1 << 20)).toEqual(payload);
    expect(await decodeContentEncoding(zlib.deflateSync(payload), 'deflate', 1 << 20)).toEqual(
      payload,
    );
  });

  it('stops a gzip bomb at the limit with 413, without allocating its expansion', async () => {
    // 64 MiB of zeros compress to ~64 KiB; the limit is 1 MiB.
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const before = process.memoryUsage().arrayBuffers;
    expect(await statusOf(decodeContentEncoding(bomb, 'gzip', 1024 * 1024))).toBe(413);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 1024 * 1024);
  });

  it('answers 400 for corrupt gzip and 415 for unknown encodings', async () => {
    expect(await statusOf(decodeContentEncoding(Buffer.from('not gzip'), 'gzip', 1 << 20))).toBe(
      400,
    );
    expect(await statusOf(decodeContentEncoding(payload, 'br', 1 << 20))).toBe(415);
  });
});
