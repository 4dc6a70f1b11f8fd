import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeExportLogsRequest, encodeExportTraceRequest } from '../src/otlp/encode.js';
import type { Span } from '../src/otlp/encode-model.js';
import type { ApiTrace } from '../src/query/traces.js';
import { startTestPharos, type TestPharos } from './helpers/pharos.js';

let pharos: TestPharos;

beforeAll(async () => {
  pharos = await startTestPharos({
    env: {
      PHAROS_INGEST_MAX_REQUEST_BYTES: '65536',
      PHAROS_INGEST_MAX_DECOMPRESSED_BYTES: '262144',
    },
  });
});
afterAll(async () => {
  await pharos.destroy();
});

const nowNs = () => BigInt(Date.now()) * 1_000_000n;
let counter = 0;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function spans(traceNumber: number, count: number, overrides: Partial<Span> = {}): Span[] {
  const start = nowNs();
  return Array.from({ length: count }, () => {
    counter++;
    return {
      traceId: hex(traceNumber, 32),
      spanId: hex(counter, 16),
      name: `op-${counter}`,
      kind: 'server',
      startTimeUnixNano: start,
      endTimeUnixNano: start + 1_000_000n,
      attributes: { n: BigInt(counter) },
      ...overrides,
    } satisfies Span;
  });
}

function traceRequest(spanList: readonly Span[], service = 'ingest-test'): Uint8Array {
  return encodeExportTraceRequest({
    resourceSpans: [
      {
        resource: { attributes: { 'service.name': service } },
        scopeSpans: [{ scope: { name: 'test' }, spans: spanList }],
      },
    ],
  });
}

async function post(
  path: string,
  body: Uint8Array | string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Headers; text: string; bytes: Buffer }> {
  const response = await fetch(`${pharos.otlpHttpUrl}${path}`, { method: 'POST', body, headers });
  const bytes = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    headers: response.headers,
    text: bytes.toString('utf8'),
    bytes,
  };
}

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };

async function spanCount(traceNumber: number): Promise<number> {
  const response = await fetch(`${pharos.httpUrl}/api/v1/traces/${hex(traceNumber, 32)}`);
  if (response.status === 404) return 0;
  return ((await response.json()) as ApiTrace).spanCount;
}

describe('OTLP/HTTP ingest', () => {
  it('accepts gzip-compressed protobuf and answers an empty export response', async () => {
    const response = await post('/v1/traces', zlib.gzipSync(traceRequest(spans(1, 3))), {
      ...PROTOBUF,
      'content-encoding': 'gzip',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    expect(response.bytes.length).toBe(0);
    expect(await spanCount(1)).toBe(3);
  });

  it('reports items with invalid ids as partial success and stores the rest', async () => {
    const good = spans(2, 2);
    const bad = spans(2, 1, { traceId: 'abcdef0123' });
    const zeroSpan = spans(2, 1, { spanId: '0000000000000000' });
    const response = await post(
      '/v1/traces',
      traceRequest([...good, ...bad, ...zeroSpan]),
      PROTOBUF,
    );
    expect(response.status).toBe(200);
    // ExportTraceServiceResponse.partial_success (1) { rejected_spans (1) = 2, error_message (2) }
    expect(response.bytes[0]).toBe(0x0a);
    expect(response.bytes.subarray(2, 4)).toEqual(Buffer.from([0x08, 0x02]));
    expect(response.text).toMatch(/trace_id/);
    expect(await spanCount(2)).toBe(2);
  });

  it('answers partial success in JSON for JSON requests', async () => {
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'json-svc' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: hex(3, 32),
                  spanId: hex(1, 16),
                  name: 'ok',
                  kind: 2,
                  startTimeUnixNano: String(nowNs()),
                  endTimeUnixNano: String(nowNs() + 5n),
                },
                {
                  traceId: 'zz',
                  spanId: hex(2, 16),
                  name: 'bad',
                  startTimeUnixNano: '1',
                  endTimeUnixNano: '2',
                },
              ],
            },
          ],
        },
      ],
    });
    const response = await post('/v1/traces', body, JSON_TYPE);
    expect(response.status).toBe(200);
    const parsed = JSON.parse(response.text) as {
      partialSuccess: { rejectedSpans: string; errorMessage: string };
    };
    expect(Number(parsed.partialSuccess.rejectedSpans)).toBe(1);
    expect(parsed.partialSuccess.errorMessage).not.toBe('');
    expect(await spanCount(3)).toBe(1);
  });

  it('refuses malformed protobuf with 400 and a message, storing nothing', async () => {
    const valid = traceRequest(spans(4, 5));
    const truncated = valid.subarray(0, valid.length - 7);
    const response = await post('/v1/traces', truncated, PROTOBUF);
    expect(response.status).toBe(400);
    // google.rpc.Status { code (1) = 3 INVALID_ARGUMENT, message (2) }
    expect(response.bytes.subarray(0, 2)).toEqual(Buffer.from([0x08, 0x03]));
    expect(response.text).toMatch(/invalid protobuf/i);
    expect(await spanCount(4)).toBe(0);
  });

  it('refuses malformed JSON with 400 and a JSON message', async () => {
    for (const body of ['{"resourceSpans": [', '{"resourceSpans": 7}', '[]']) {
      const response = await post('/v1/traces', body, JSON_TYPE);
      expect(response.status).toBe(400);
      const parsed = JSON.parse(response.text) as {
        code: number;
        error: { code: string; message: string };
      };
      expect(parsed.code).toBe(3);
      expect(parsed.error.code).toBe('invalid_argument');
      expect(parsed.error.message).toMatch(/OTLP JSON|JSON/);
    }
  });

  it('refuses other content types with 415', async () => {
    const response = await post('/v1/logs', 'hello', { 'content-type': 'text/plain' });
    expect(response.status).toBe(415);
    expect(JSON.parse(response.text)).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });

  it('refuses oversized bodies and gzip bombs with 413', async () => {
    const big = encodeExportLogsRequest({
      resourceLogs: [
        {
          resource: { attributes: { 'service.name': 'big' } },
          scopeLogs: [
            {
              scope: { name: 't' },
              logRecords: [{ timeUnixNano: nowNs(), body: 'x'.repeat(70_000) }],
            },
          ],
        },
      ],
    });
    expect((await post('/v1/logs', big, PROTOBUF)).status).toBe(413);
    const bomb = zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(65_536);
    const response = await post('/v1/logs', bomb, { ...PROTOBUF, 'content-encoding': 'gzip' });
    expect(response.status).toBe(413);
    expect(response.text).toMatch(/decompression/);
  });

  it('keeps every span of two concurrent clients exactly once', async () => {
    const client = (traceNumber: number) =>
      Promise.all(
        Array.from({ length: 20 }, async () => {
          const response = await post('/v1/traces', traceRequest(spans(traceNumber, 50)), PROTOBUF);
          expect(response.status).toBe(200);
        }),
      );
    await Promise.all([client(10), client(11)]);
    expect(await spanCount(10)).toBe(1000);
    expect(await spanCount(11)).toBe(1000);
    const trace = await pharos.getJson<ApiTrace>(`/api/v1/traces/${hex(10, 32)}`);
    expect(new Set(trace.spans.map((s) => s.spanId)).size).toBe(1000);
  });

  it('counts what it accepted, rejected and refused in its own Prometheus metrics', async () => {
    const text = await (await fetch(`${pharos.httpUrl}/metrics`)).text();
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.split(' ')[1]);
    };
    // Spans stored by the tests above: 3 + 2 + 1 + 2 × 1000 (JSON and protobuf both on :4318).
    expect(
      value('pharos_ingest_items_total{signal="traces",protocol="http",outcome="accepted"}'),
    ).toBe(2006);
    expect(
      value('pharos_ingest_items_total{signal="traces",protocol="http",outcome="rejected"}'),
    ).toBe(3);
    expect(
      value('pharos_ingest_requests_total{signal="traces",protocol="http",status="400"}'),
    ).toBe(4);
    expect(value('pharos_ingest_requests_total{signal="logs",protocol="http",status="415"}')).toBe(
      1,
    );
    expect(value('pharos_ingest_requests_total{signal="logs",protocol="http",status="413"}')).toBe(
      2,
    );
    expect(value('pharos_ingest_pending_items')).toBe(0);
    expect(text).toMatch(/^pharos_ingest_commit_duration_seconds_count \d+/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('limits attributes per item and value length, and counts what it cut', async () => {
    const attributes: Record<string, string | bigint> = { long: 'x'.repeat(20_000) };
    for (let i = 1; i < 200; i++) attributes[`attr.${i}`] = BigInt(i);
    const response = await post('/v1/traces', traceRequest(spans(30, 1, { attributes })), PROTOBUF);
    expect(response.status).toBe(200);

    const trace = await pharos.getJson<ApiTrace>(`/api/v1/traces/${hex(30, 32)}`);
    const stored = trace.spans[0]!.attributes;
    expect(Object.keys(stored)).toHaveLength(128);
    expect(stored.long).toBe('x'.repeat(16_384));
    expect(stored['attr.127']).toBe(127);
    expect(stored['attr.128']).toBeUndefined();

    const text = await (await fetch(`${pharos.httpUrl}/metrics`)).text();
    const series = (kind: string) =>
      `pharos_ingest_attributes_limited_total{signal="traces",protocol="http",kind="${kind}"}`;
    expect(text).toContain(`${series('dropped')} 72\n`);
    expect(text).toContain(`${series('truncated')} 1\n`);
  });

  it('answers readiness and 404s in the API error shape', async () => {
    expect(await pharos.getJson('/readyz')).toEqual({ status: 'ready' });
    const response = await fetch(`${pharos.httpUrl}/api/v1/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
    const badId = await fetch(`${pharos.httpUrl}/api/v1/traces/xyz`);
    expect(badId.status).toBe(400);
    expect(await badId.json()).toMatchObject({
      error: { code: 'invalid_argument', message: expect.stringMatching(/trace id/) },
    });
    const badTime = await fetch(`${pharos.httpUrl}/api/v1/logs?from=yesterday`);
    expect(badTime.status).toBe(400);
  });
});

describe('restart', () => {
  it('keeps acknowledged data across a restart on the same data directory', async () => {
    const first = await startTestPharos();
    const body = traceRequest(spans(20, 7), 'restart-svc');
    const response = await fetch(`${first.httpUrl}/v1/traces`, {
      method: 'POST',
      body,
      headers: PROTOBUF,
    });
    expect(response.status).toBe(200);
    await first.close();
    const second = await startTestPharos({ dataDir: first.dataDir });
    try {
      const trace = await second.getJson<ApiTrace>(`/api/v1/traces/${hex(20, 32)}`);
      expect(trace.spanCount).toBe(7);
      expect(trace.services).toEqual(['restart-svc']);
    } finally {
      await second.destroy();
    }
  });
});
