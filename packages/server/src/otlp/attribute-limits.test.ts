import { describe, expect, it } from 'vitest';

import { createPrng } from '../demo/prng.js';
import { truncateText, truncatedUtf8Text, type AttributeLimits } from './attribute-limits.js';
import {
  decodeLogsJson,
  decodeLogsProtobuf,
  decodeMetricsJson,
  decodeMetricsProtobuf,
  decodeTracesJson,
  decodeTracesProtobuf,
} from './decode.js';
import {
  encodeExportLogsRequest,
  encodeExportMetricsRequest,
  encodeExportTraceRequest,
} from './encode.js';
import type { Attributes } from './encode-model.js';
import { oracleLogs, oracleMetrics, oracleTraces } from './test-support/oracle.js';
import { toOtlpJson } from './test-support/otlp-json.js';

const RECEIVED = 1_800_000_000_000_000_000n;
const LIMITS: AttributeLimits = { maxAttributes: 3, maxValueLength: 4 };

describe('truncateText', () => {
  it.each([
    ['', 4, ''],
    ['abcd', 4, 'abcd'],
    ['abcde', 4, 'abcd'],
    ['héllo', 4, 'héll'],
    // Code points, not UTF-16 units: a surrogate pair is one character and is never split.
    ['😀😀😀😀😀', 4, '😀😀😀😀'],
    ['ab😀cd', 3, 'ab😀'],
    ['ab😀', 3, 'ab😀'],
    ['\ud800abcd', 2, '\ud800a'],
    ['abc', 0, ''],
  ])('%j cut to %i characters is %j', (text, max, expected) => {
    expect(truncateText(text, max)).toBe(expected);
  });
});

describe('truncatedUtf8Text', () => {
  const utf8 = (s: string) => Buffer.from(s, 'utf8');
  it.each([
    // More bytes than the limit but not more characters: not cut.
    ['éééé', 4, null],
    ['漢字漢字', 4, null],
    ['漢字漢字漢', 4, '漢字漢字'],
    ['a😀😀😀😀b', 5, 'a😀😀😀😀'],
    ['x'.repeat(100), 4, 'xxxx'],
  ])('%j cut to %i characters is %j', (text, max, expected) => {
    const bytes = utf8(text);
    expect(truncatedUtf8Text(bytes, 0, bytes.length, max)).toBe(expected);
  });

  it('counts invalid UTF-8 as the U+FFFD it decodes to, even far beyond the window', () => {
    const bytes = Buffer.alloc(1000, 0x80);
    expect(truncatedUtf8Text(bytes, 0, bytes.length, 3)).toBe('\ufffd\ufffd\ufffd');
  });

  it('agrees with decoding the whole value and cutting it, for random bytes', () => {
    const rng = createPrng(5);
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: rng.int(40) }, () => rng.int(256)));
      const max = 1 + rng.int(12);
      const chars = Array.from(bytes.toString('utf8'));
      const expected = chars.length > max ? chars.slice(0, max).join('') : null;
      expect(truncatedUtf8Text(bytes, 0, bytes.length, max)).toBe(expected);
    }
  });
});

/**
 * Each attribute map gets the same shape, with the limits above (3 attributes, 4 characters):
 * the first three are kept, with strings and bytes cut at every depth; a kvlist value keeps all
 * of its members, as only top-level attributes count.
 */
const ATTRIBUTES: Attributes = {
  s: 'héllo wörld',
  a: ['abcdef', '😀😀😀😀😀', 'éééé', 'xy', 7n],
  k: { n1: '123456', n2: new Uint8Array([1, 2, 3, 4, 5, 6]), n3: { deep: 'zzzzzz' }, n4: 1.5 },
  gone: 'dropped',
  'net.peer.name': 'dropped.too',
};
const LIMITED =
  '{"s":"héll","a":["abcd","😀😀😀😀","éééé","xy",7],"k":{"n1":"1234","n2":"AQIDBA==","n3":{"deep":"zzzz"},"n4":1.5}}';
/** Per map of that shape: 2 dropped; 's', 'abcdef', '😀…', 'n1', 'n2' and 'deep' truncated. */
const PER_MAP = { attributesDropped: 2, valuesTruncated: 6 };
const times = (maps: number) => ({
  attributesDropped: PER_MAP.attributesDropped * maps,
  valuesTruncated: PER_MAP.valuesTruncated * maps,
});

const RESOURCE: Attributes = {
  'service.name': 'checkout-service',
  'deployment.environment.name': 'production',
  region: 'eu',
  'host.name': 'dropped',
};
const LIMITED_RESOURCE =
  '{"service.name":"chec","deployment.environment.name":"prod","region":"eu"}';
const RESOURCE_COUNTS = { attributesDropped: 1, valuesTruncated: 2 };

const plus = (a: typeof PER_MAP, b: typeof PER_MAP) => ({
  attributesDropped: a.attributesDropped + b.attributesDropped,
  valuesTruncated: a.valuesTruncated + b.valuesTruncated,
});

const NOW = 1_700_000_000_000_000_000n;
const TRACE_ID = '0102030405060708090a0b0c0d0e0f10';

const tracesRequest = encodeExportTraceRequest({
  resourceSpans: [
    {
      resource: { attributes: RESOURCE },
      scopeSpans: [
        {
          // Scope attributes are not stored, so they are neither limited nor counted.
          scope: { name: 'test', attributes: ATTRIBUTES },
          spans: [
            {
              traceId: TRACE_ID,
              spanId: 'a1a2a3a4a5a6a7a8',
              name: 'GET /orders',
              kind: 'server',
              startTimeUnixNano: NOW,
              endTimeUnixNano: NOW + 1000n,
              attributes: {
                'http.route': '/orders/{id}',
                'http.request.method': 'GET',
                'peer.service': 'payments',
                'server.address': 'dropped.example.com',
                ...ATTRIBUTES,
              },
              events: [{ timeUnixNano: NOW, name: 'e', attributes: ATTRIBUTES }],
              links: [{ traceId: TRACE_ID, spanId: 'b1b2b3b4b5b6b7b8', attributes: ATTRIBUTES }],
            },
          ],
        },
      ],
    },
  ],
});

const logsRequest = encodeExportLogsRequest({
  resourceLogs: [
    {
      resource: { attributes: RESOURCE },
      scopeLogs: [
        {
          scope: { name: 'test' },
          // The body is not an attribute: it is kept whole.
          logRecords: [{ timeUnixNano: NOW, body: 'a long body', attributes: ATTRIBUTES }],
        },
      ],
    },
  ],
});

const metricsRequest = encodeExportMetricsRequest({
  resourceMetrics: [
    {
      resource: { attributes: RESOURCE },
      scopeMetrics: [
        {
          scope: { name: 'test' },
          metrics: [
            {
              name: 'requests',
              data: {
                type: 'gauge',
                points: [
                  {
                    timeUnixNano: NOW,
                    value: 1,
                    attributes: ATTRIBUTES,
                    exemplars: [{ timeUnixNano: NOW, value: 2, filteredAttributes: ATTRIBUTES }],
                  },
                ],
              },
            },
            {
              name: 'latency',
              data: {
                type: 'histogram',
                temporality: 'delta',
                points: [
                  {
                    startTimeUnixNano: NOW,
                    timeUnixNano: NOW,
                    count: 1,
                    bucketCounts: [1],
                    explicitBounds: [],
                    attributes: ATTRIBUTES,
                  },
                ],
              },
            },
          ],
        },
      ],
    },
  ],
});

const rng = createPrng(11);
const encodings = [
  {
    encoding: 'protobuf',
    traces: () => decodeTracesProtobuf(tracesRequest, RECEIVED, LIMITS),
    logs: () => decodeLogsProtobuf(logsRequest, RECEIVED, LIMITS),
    metrics: () => decodeMetricsProtobuf(metricsRequest, RECEIVED, LIMITS),
  },
  {
    encoding: 'JSON',
    traces: () =>
      decodeTracesJson(toOtlpJson(oracleTraces.decode(tracesRequest), rng), RECEIVED, LIMITS),
    logs: () => decodeLogsJson(toOtlpJson(oracleLogs.decode(logsRequest), rng), RECEIVED, LIMITS),
    metrics: () =>
      decodeMetricsJson(toOtlpJson(oracleMetrics.decode(metricsRequest), rng), RECEIVED, LIMITS),
  },
];

describe.each(encodings)('attribute limits, $encoding', ({ traces, logs, metrics }) => {
  it('limit resource, span, event and link attributes; promoted columns see the limited values', () => {
    const { spans, limited } = traces();
    expect(spans.resourceAttributes).toEqual([LIMITED_RESOURCE]);
    expect(spans.serviceName).toEqual(['chec']);
    expect(spans.environment).toEqual(['prod']);
    expect(spans.attributes).toEqual([
      '{"http.route":"/ord","http.request.method":"GET","peer.service":"paym"}',
    ]);
    expect(spans.httpRoute).toEqual(['/ord']);
    expect(spans.httpMethod).toEqual(['GET']);
    expect(spans.peerService).toEqual(['paym']);
    // Dropped attributes promote nothing.
    expect(spans.serverAddress).toEqual([null]);
    expect(spans.events).toEqual([
      `[{"timeUnixNano":"${NOW}","name":"e","attributes":${LIMITED}}]`,
    ]);
    expect(spans.links).toEqual([
      `[{"traceId":"${TRACE_ID}","spanId":"b1b2b3b4b5b6b7b8","traceState":"","attributes":${LIMITED}}]`,
    ]);
    // Span: 1 + 5 dropped, 2 cut; event and link: one map each; resource.
    expect(limited).toEqual(
      plus(plus({ attributesDropped: 6, valuesTruncated: 2 }, times(2)), RESOURCE_COUNTS),
    );
    for (const text of [...spans.attributes, ...spans.events, ...spans.links]) {
      expect(() => JSON.parse(text) as unknown).not.toThrow();
    }
  });

  it('limit log record attributes, not bodies', () => {
    const { logs: batch, limited } = logs();
    expect(batch.attributes).toEqual([LIMITED]);
    expect(batch.body).toEqual(['a long body']);
    expect(batch.resourceAttributes).toEqual([LIMITED_RESOURCE]);
    expect(batch.serviceName).toEqual(['chec']);
    expect(limited).toEqual(plus(times(1), RESOURCE_COUNTS));
  });

  it('limit data point and exemplar attributes', () => {
    const { points, limited } = metrics();
    expect(points.attributes).toEqual([LIMITED, LIMITED]);
    expect(points.exemplars[0]).toBe(
      `[{"timeUnixNano":"${NOW}","value":2,"traceId":"","spanId":"","attributes":${LIMITED}}]`,
    );
    expect(points.resourceAttributes).toEqual([LIMITED_RESOURCE, LIMITED_RESOURCE]);
    expect(limited).toEqual(plus(times(3), RESOURCE_COUNTS));
  });
});

describe('attribute limits', () => {
  it('are off without limits: nothing is cut or counted', () => {
    const { spans, limited } = decodeTracesProtobuf(tracesRequest, RECEIVED);
    expect(limited).toEqual({ attributesDropped: 0, valuesTruncated: 0 });
    expect(spans.serviceName).toEqual(['checkout-service']);
    expect(JSON.parse(spans.attributes[0]!)).toMatchObject({ gone: 'dropped' });
  });

  it('cut invalid UTF-8 by the characters it decodes to and keep the JSON valid', () => {
    const request = encodeExportLogsRequest({
      resourceLogs: [
        {
          resource: { attributes: {} },
          scopeLogs: [
            { scope: { name: 't' }, logRecords: [{ attributes: { bad: 'XXXXXXXXXX' } }] },
          ],
        },
      ],
    });
    const at = Buffer.from(request).indexOf('XXXXXXXXXX');
    request.fill(0xe6, at, at + 10); // lead bytes of three-byte sequences, never completed
    const { logs: batch, limited } = decodeLogsProtobuf(request, RECEIVED, LIMITS);
    expect(JSON.parse(batch.attributes[0]!)).toEqual({ bad: '\ufffd'.repeat(4) });
    expect(limited).toEqual({ attributesDropped: 0, valuesTruncated: 1 });
  });

  it('keep the last value of a oneof sent twice, counting only what that one lost', () => {
    // AnyValue { string_value: "abcdefgh", int_value: 5 } in a log record's attributes.
    const anyValue = Buffer.from([0x0a, 8, ...Buffer.from('abcdefgh'), 0x18, 5]);
    const keyValue = Buffer.from([0x0a, 1, 0x6b, 0x12, anyValue.length, ...anyValue]);
    const record = Buffer.from([0x32, keyValue.length, ...keyValue]);
    const scopeLogs = Buffer.from([0x12, record.length, ...record]);
    const resourceLogs = Buffer.from([0x12, scopeLogs.length, ...scopeLogs]);
    const request = Buffer.from([0x0a, resourceLogs.length, ...resourceLogs]);
    const { logs: batch, limited } = decodeLogsProtobuf(request, RECEIVED, LIMITS);
    expect(batch.attributes).toEqual(['{"k":5}']);
    expect(limited).toEqual({ attributesDropped: 0, valuesTruncated: 0 });
  });
});
