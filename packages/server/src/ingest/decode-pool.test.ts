import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { OtlpDecodeError } from '../otlp/decode-error.js';
import { encodeExportTraceRequest } from '../otlp/encode.js';
import type { Span } from '../otlp/encode-model.js';
import { compressSync } from 'snappy';
import { decodeWriteRequestColumns } from '../metrics/remote-write-columns.js';
import { encodeWriteRequest } from '../metrics/test-support/remote-write-encode.js';
import type { SpanBatch } from '../telemetry/batches.js';
import { isUtf8Column, withStringColumns } from '../telemetry/utf8-column.js';
import { DecodePool } from './decode-pool.js';
import { decodeRequest, type DecodeTask } from './decode-request.js';

const LIMITS = { maxAttributes: 8, maxValueLength: 32 };

function tracesBody(spans: number): Uint8Array {
  const list: Span[] = Array.from({ length: spans }, (_, i) => ({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name: `GET /items/${i}`,
    kind: 'server',
    startTimeUnixNano: 1_700_000_000_000_000_000n + BigInt(i),
    endTimeUnixNano: 1_700_000_000_500_000_000n + BigInt(i),
    attributes: {
      'http.route': '/items/{id}',
      'long.value': 'x'.repeat(100),
      ünïcödé: '😀',
    },
    events: [{ timeUnixNano: 1_700_000_000_100_000_000n, name: 'cache.miss', attributes: {} }],
  }));
  return encodeExportTraceRequest({
    resourceSpans: [
      {
        resource: { attributes: { 'service.name': 'checkout' } },
        scopeSpans: [{ scope: { name: 'test' }, spans: list }],
      },
    ],
  });
}

function task(body: Uint8Array): DecodeTask {
  return { signal: 'traces', encoding: 'protobuf', body, receivedAt: 1n, limits: LIMITS };
}

describe('DecodePool', () => {
  let pool: DecodePool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('decodes on a worker exactly what the calling thread decodes', async () => {
    pool = new DecodePool({ workers: 2, maxQueuedBytes: 64 << 20 });
    const bodies = [tracesBody(1), tracesBody(700), tracesBody(3)];
    const results = await Promise.all(bodies.map((body) => pool!.decode(task(body))));
    results.forEach((result, i) => {
      // Workers hand over UTF-8 columns; as strings they are what this thread decodes.
      if (result.signal !== 'traces') throw new Error('expected spans');
      expect(isUtf8Column(result.decoded.spans.attributes)).toBe(true);
      const spans = withStringColumns<SpanBatch>(result.decoded.spans);
      expect({ ...result, decoded: { ...result.decoded, spans } }).toEqual(
        decodeRequest(task(bodies[i]!)),
      );
    });
    const [, many] = results;
    expect(many?.signal === 'traces' && many.decoded.spans.length).toBe(700);
    expect(many?.signal === 'traces' && many.decoded.limited.valuesTruncated).toBe(700);
  });

  it('rejects a malformed body with the decoder error and keeps working', async () => {
    pool = new DecodePool({ workers: 1, maxQueuedBytes: 64 << 20 });
    const broken = tracesBody(2).subarray(0, 50);
    let expected: unknown;
    try {
      decodeRequest(task(broken));
    } catch (error) {
      expected = error;
    }
    expect(expected).toBeInstanceOf(OtlpDecodeError);
    const failure = await pool.decode(task(broken)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OtlpDecodeError);
    expect((failure as Error).message).toBe((expected as Error).message);
    const ok = await pool.decode(task(tracesBody(2)));
    expect(ok.signal === 'traces' && ok.decoded.spans.length).toBe(2);
  });

  it('refuses with 429 beyond its queued bytes, taking one request when idle', async () => {
    const body = tracesBody(50);
    pool = new DecodePool({ workers: 1, maxQueuedBytes: body.byteLength + 10 });
    const first = pool.decode(task(body));
    const second = pool.decode(task(body)).catch((error: unknown) => error);
    const refused = await second;
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).status).toBe(429);
    expect((refused as AppError).retryAfterSeconds).toBe(1);
    await expect(first).resolves.toMatchObject({ signal: 'traces' });
    expect(pool.pendingBytes).toBe(0);
    // An oversized body is still taken when nothing else waits.
    await expect(pool.decode(task(tracesBody(200)))).resolves.toMatchObject({ signal: 'traces' });
  });

  it('refuses work after close', async () => {
    pool = new DecodePool({ workers: 1, maxQueuedBytes: 1 << 20 });
    await pool.close();
    await expect(pool.decode(task(tracesBody(1)))).rejects.toThrow(/closed/);
  });

  it('decodes remote write bodies into the columns the calling thread decodes', async () => {
    pool = new DecodePool({ workers: 1, maxQueuedBytes: 64 << 20 });
    const body = encodeWriteRequest([
      {
        labels: [
          ['__name__', 'up'],
          ['job', 'a'],
        ],
        samples: [
          { value: 1, timestampMs: 1000 },
          { value: 2, timestampMs: 2000 },
        ],
      },
    ]);
    const columns = await pool.decodeRemoteWrite(compressSync(body));
    expect(columns).toEqual(decodeWriteRequestColumns(body));
    expect([...columns.value]).toEqual([1, 2]);
    const truncated = compressSync(Buffer.from([0x0a, 0x05, 0x01]));
    await expect(pool.decodeRemoteWrite(truncated)).rejects.toThrow(OtlpDecodeError);
    const corrupt = compressSync(Buffer.from('hello hello hello hello')).subarray(0, 6);
    await expect(pool.decodeRemoteWrite(corrupt)).rejects.toThrow(/snappy/);
  });
});
