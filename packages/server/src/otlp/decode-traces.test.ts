import { describe, expect, it } from 'vitest';

import { createPrng } from '../demo/prng.js';
import { decodeTracesJson, decodeTracesProtobuf, OtlpDecodeError } from './decode.js';
import { oracleTraces, type TracesRequest } from './test-support/oracle.js';
import { toOtlpJson } from './test-support/otlp-json.js';
import { randomTracesRequest } from './test-support/random-requests.js';
import { expectColumns, utf8BatchStrings } from './test-support/compare.js';
import { decodeTracesProtobufUtf8 } from './decode-traces.js';
import type { SpanBatch } from '../telemetry/batches.js';
import { expectedSpans, SPAN_COLUMNS } from './test-support/reference.js';
import { applyReferenceLimits, randomLimits } from './test-support/reference-limits.js';
import { rewriteMessage } from './test-support/wire-rewrite.js';

const RECEIVED = 1_800_000_000_000_000_000n;

function encode(request: TracesRequest): Uint8Array {
  return oracleTraces.encode(request).finish();
}

function id(hex: string): Uint8Array {
  return Buffer.from(hex, 'hex');
}

describe('decodeTracesProtobuf / decodeTracesJson against the oracle', () => {
  it('decode 400 random requests (any field order, packed or not, unknown fields) exactly as the reference says', () => {
    const rng = createPrng(20260101);
    let spans = 0;
    let rejected = 0;
    for (let i = 0; i < 400; i++) {
      const bytes = rewriteMessage(
        encode(randomTracesRequest(rng)),
        'ExportTraceServiceRequest',
        rng,
        {
          shuffle: rng.chance(0.7),
          unpack: true,
          unknownFields: rng.chance(0.5),
          longLengths: rng.chance(0.3),
        },
      );
      const decodedByOracle = oracleTraces.decode(bytes);
      const expected = expectedSpans(decodedByOracle);

      const fromProtobuf = decodeTracesProtobuf(bytes, RECEIVED);
      expectColumns(fromProtobuf.spans, expected, SPAN_COLUMNS, `protobuf request ${i}`);
      const fromUtf8 = decodeTracesProtobufUtf8(bytes, RECEIVED);
      const utf8 = utf8BatchStrings<SpanBatch>(fromUtf8.spans, `UTF-8 request ${i}`);
      expectColumns(utf8, expected, SPAN_COLUMNS, `UTF-8 request ${i}`);
      expect(fromUtf8.rejected).toEqual(fromProtobuf.rejected);
      expect(fromUtf8.limited).toEqual(fromProtobuf.limited);
      expect(fromProtobuf.rejected).toEqual({
        count: expected.rejectedCount,
        messages: expected.rejectedMessages,
      });

      const fromJson = decodeTracesJson(toOtlpJson(decodedByOracle, rng), RECEIVED);
      expectColumns(fromJson.spans, expected, SPAN_COLUMNS, `JSON request ${i}`);
      expect(fromJson.rejected.count).toBe(expected.rejectedCount);
      spans += expected.columns.length;
      rejected += expected.rejectedCount;
    }
    // The generator must exercise both outcomes.
    expect(spans).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(20);
  });

  it('every attribute JSON text parses', () => {
    const rng = createPrng(7);
    for (let i = 0; i < 50; i++) {
      const { spans } = decodeTracesProtobuf(encode(randomTracesRequest(rng)), RECEIVED);
      for (const column of [
        spans.attributes,
        spans.resourceAttributes,
        spans.events,
        spans.links,
      ]) {
        for (const text of column) expect(() => JSON.parse(text) as unknown).not.toThrow();
      }
    }
  });

  it('with attribute limits, decode 200 random requests as an independent limiter and the reference say', () => {
    const rng = createPrng(20260611);
    let dropped = 0;
    let truncated = 0;
    for (let i = 0; i < 200; i++) {
      const bytes = rewriteMessage(
        encode(randomTracesRequest(rng)),
        'ExportTraceServiceRequest',
        rng,
        {
          shuffle: rng.chance(0.7),
          unpack: true,
          unknownFields: rng.chance(0.5),
          longLengths: false,
        },
      );
      const limits = randomLimits(rng);
      const json = toOtlpJson(oracleTraces.decode(bytes), rng);
      const cut = oracleTraces.decode(bytes);
      const limited = applyReferenceLimits(cut, limits);
      const expected = expectedSpans(cut);

      const fromProtobuf = decodeTracesProtobuf(bytes, RECEIVED, limits);
      expectColumns(fromProtobuf.spans, expected, SPAN_COLUMNS, `protobuf request ${i}`);
      const fromUtf8 = decodeTracesProtobufUtf8(bytes, RECEIVED, limits);
      const utf8 = utf8BatchStrings<SpanBatch>(fromUtf8.spans, `UTF-8 request ${i}`);
      expectColumns(utf8, expected, SPAN_COLUMNS, `UTF-8 request ${i}`);
      expect(fromUtf8.rejected).toEqual(fromProtobuf.rejected);
      expect(fromUtf8.limited).toEqual(fromProtobuf.limited);
      expect(fromProtobuf.limited, `protobuf request ${i}`).toEqual(limited);

      const fromJson = decodeTracesJson(json, RECEIVED, limits);
      expectColumns(fromJson.spans, expected, SPAN_COLUMNS, `JSON request ${i}`);
      expect(fromJson.limited, `JSON request ${i}`).toEqual(limited);
      dropped += limited.attributesDropped;
      truncated += limited.valuesTruncated;
    }
    // The generator must exercise both limits.
    expect(dropped).toBeGreaterThan(100);
    expect(truncated).toBeGreaterThan(100);
  });
});

describe('decodeTracesProtobuf', () => {
  const valid = {
    traceId: id('0102030405060708090a0b0c0d0e0f10'),
    spanId: id('a1a2a3a4a5a6a7a8'),
    name: 'GET /x',
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000250000000',
  };

  it('decodes a span', () => {
    const { spans, rejected } = decodeTracesProtobuf(
      encode({
        resourceSpans: [
          {
            resource: {
              attributes: [
                { key: 'service.name', value: { stringValue: 'checkout' } },
                { key: 'deployment.environment', value: { stringValue: 'prod' } },
              ],
            },
            scopeSpans: [
              {
                scope: { name: 'lib', version: '1.2' },
                spans: [
                  {
                    ...valid,
                    kind: 2,
                    parentSpanId: id('0000000000000000'),
                    status: { code: 2, message: 'boom' },
                    attributes: [
                      { key: 'http.method', value: { stringValue: 'GET' } },
                      { key: 'http.request.method', value: { stringValue: 'POST' } },
                      { key: 'http.status_code', value: { intValue: 503 } },
                      { key: 'big', value: { intValue: '-9223372036854775808' } },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      }),
      RECEIVED,
    );
    expect(rejected).toEqual({ count: 0, messages: [] });
    expect(spans.length).toBe(1);
    expect(spans.traceId).toEqual(['0102030405060708090a0b0c0d0e0f10']);
    expect(spans.spanId).toEqual(['a1a2a3a4a5a6a7a8']);
    expect(spans.parentSpanId).toEqual(['']);
    expect(spans.kind).toEqual(['server']);
    expect(spans.serviceName).toEqual(['checkout']);
    expect(spans.environment).toEqual(['prod']);
    expect(spans.durationNs[0]).toBe(250_000_000n);
    expect(spans.statusCode).toEqual(['error']);
    expect(spans.httpMethod).toEqual(['POST']);
    expect(spans.httpStatusCode).toEqual([503]);
    expect(spans.attributes[0]).toBe(
      '{"http.method":"GET","http.request.method":"POST","http.status_code":503,"big":-9223372036854775808}',
    );
    expect(spans.scopeName).toEqual(['lib']);
  });

  it('fills resource columns when the resource comes after its spans', () => {
    const resource = encode({
      resourceSpans: [
        { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'late' } }] } },
      ],
    });
    const scopeSpans = encode({ resourceSpans: [{ scopeSpans: [{ spans: [valid, valid] }] }] });
    // Both are `1: ResourceSpans`; merge their payloads into one ResourceSpans, resource last.
    const payload = (bytes: Uint8Array): Uint8Array => bytes.subarray(bytes[1]! < 0x80 ? 2 : 3);
    const merged = Buffer.concat([payload(scopeSpans), payload(resource)]);
    const request = Buffer.concat([Buffer.from([0x0a, ...varint(merged.length)]), merged]);
    const { spans } = decodeTracesProtobuf(request, RECEIVED);
    expect(spans.serviceName).toEqual(['late', 'late']);
    expect(oracleTraces.decode(request).resourceSpans?.[0]?.scopeSpans?.[0]?.spans).toHaveLength(2);
  });

  it('rejects spans with bad ids and says why', () => {
    const { spans, rejected } = decodeTracesProtobuf(
      encode({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  valid,
                  { ...valid, traceId: id('0102030405') },
                  { ...valid, traceId: new Uint8Array(16) },
                  { ...valid, spanId: undefined },
                  { ...valid, parentSpanId: id('0102') },
                ],
              },
            ],
          },
        ],
      }),
      RECEIVED,
    );
    expect(spans.length).toBe(1);
    expect(rejected).toEqual({
      count: 4,
      messages: [
        "span 'GET /x': trace_id must be 16 bytes, got 5",
        "span 'GET /x': trace_id must not be all zeros",
        "span 'GET /x': span_id must be 8 bytes, got 0",
        "span 'GET /x': parent_span_id must be 8 bytes, got 2",
      ],
    });
  });

  it('keeps at most five distinct rejection messages', () => {
    const spans = Array.from({ length: 20 }, (_, i) => ({
      ...valid,
      name: `s${i % 8}`,
      spanId: id('00'),
    }));
    const { rejected } = decodeTracesProtobuf(
      encode({ resourceSpans: [{ scopeSpans: [{ spans }] }] }),
      RECEIVED,
    );
    expect(rejected.count).toBe(20);
    expect(rejected.messages).toHaveLength(5);
  });

  it('gives zero duration when the end is before the start', () => {
    const { spans } = decodeTracesProtobuf(
      encode({
        resourceSpans: [{ scopeSpans: [{ spans: [{ ...valid, endTimeUnixNano: '1' }] }] }],
      }),
      RECEIVED,
    );
    expect(spans.durationNs[0]).toBe(0n);
  });

  it('decodes an empty request to an empty batch', () => {
    const { spans, rejected } = decodeTracesProtobuf(new Uint8Array(0), RECEIVED);
    expect(spans.length).toBe(0);
    expect(spans.startTimeUnixNano).toBeInstanceOf(BigInt64Array);
    expect(rejected.count).toBe(0);
  });

  it('replaces invalid UTF-8 with U+FFFD and still writes valid JSON', () => {
    // A lone surrogate as protobufjs writes it (CESU-8) is invalid UTF-8.
    const bytes = encode({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  ...valid,
                  name: 'a\ud800b',
                  attributes: [{ key: 'k\udc00', value: { stringValue: '\ud83d' } }],
                },
              ],
            },
          ],
        },
      ],
    });
    const { spans } = decodeTracesProtobuf(bytes, RECEIVED);
    expect(spans.name[0]).toMatch(/^a\ufffd+b$/);
    expect(Object.keys(JSON.parse(spans.attributes[0]!) as object)[0]).toMatch(/^k\ufffd+$/);

    // UTF-8 columns hold the same replacement characters, never the invalid bytes.
    const utf8 = utf8BatchStrings<SpanBatch>(
      decodeTracesProtobufUtf8(bytes, RECEIVED).spans,
      'invalid UTF-8',
    );
    expect(utf8.name).toEqual(spans.name);
    expect(utf8.attributes).toEqual(spans.attributes);
  });

  it('rejects a malformed body with an OtlpDecodeError that says where', () => {
    const bytes = encode({ resourceSpans: [{ scopeSpans: [{ spans: [valid] }] }] });
    expect(() => decodeTracesProtobuf(bytes.subarray(0, bytes.length - 3), RECEIVED)).toThrow(
      OtlpDecodeError,
    );
    expect(() => decodeTracesProtobuf(bytes.subarray(0, 3), RECEIVED)).toThrow(
      /^invalid protobuf: truncated length-delimited field 1 \(ExportTraceServiceRequest\.resource_spans\) at byte 1: it declares \d+ bytes but only 1 remain$/,
    );
    expect(() => decodeTracesProtobuf(new Uint8Array([0x0a, 3, 0x12, 5, 0]), RECEIVED)).toThrow(
      'invalid protobuf: truncated length-delimited field 2 (ResourceSpans.scope_spans) at byte 3: it declares 5 bytes but only 1 remain',
    );
    expect(() => decodeTracesProtobuf(Buffer.from('{"resourceSpans":[]}'), RECEIVED)).toThrow(
      /^invalid protobuf: unsupported group/,
    );
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}
